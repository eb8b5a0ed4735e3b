"""A `/review` comment while GitHub is down, to `reviewbot serve` in its own process.

Issue 16: the server answered 500 and logged tracebacks. Now the delivery is answered
503 with one line saying what GitHub did and that nothing was started (the delivery can
be redelivered, or the command commented again), and the log has one warning line.
"""

from __future__ import annotations

from pathlib import Path

from github_support import review_command_payload
from serve_support import REVIEW_SECONDS, deliver, free_port, running_server, serve_env, wait_for


def command(scenario) -> dict:
    gh = scenario.github
    return review_command_payload(f"{gh.owner}/{gh.name}", gh.clone_url, 1)


def test_github_answering_5xx_is_a_503_and_a_redelivery_then_reviews(
    scenario, tmp_path: Path
) -> None:
    gh = scenario.github
    with running_server(serve_env(scenario, tmp_path), tmp_path) as server:
        gh.fail_next("GET", r"/pulls/1$", 502)  # the pull request's head cannot be read
        answer, _ = deliver(server, "issue_comment", command(scenario), "delivery-1")
        assert answer.status_code == 503, answer.text
        assert answer.json() == {
            "status": "unavailable",
            "reason": "GitHub answered 502 on GET /repos/octo/demo/pulls/1; nothing was "
            "started: comment the command again or redeliver this",
        }
        assert not gh.check_runs
        # GitHub is back: the same delivery, redelivered, starts the review
        again, _ = deliver(server, "issue_comment", command(scenario), "delivery-1")
        assert again.status_code == 202 and again.json()["status"] == "started", again.text
        wait_for(lambda: len(gh.check_runs) == 1, REVIEW_SECONDS, "the check run", server)
    log = server.output()
    assert "Traceback" not in log and " 500 " not in log
    (warning,) = [line for line in log.splitlines() if "command not carried out" in line]
    assert warning.startswith("WARNING:")


def test_github_refusing_connections_is_a_503(scenario, tmp_path: Path) -> None:
    down = f"http://127.0.0.1:{free_port()}"  # nothing listens there
    env = serve_env(scenario, tmp_path, REVIEWBOT_GITHUB_API_URL=down)
    with running_server(env, tmp_path) as server:
        answer, took = deliver(server, "issue_comment", command(scenario), "delivery-1")
    assert answer.status_code == 503, answer.text
    reason = answer.json()["reason"]
    assert reason.startswith("GitHub could not be reached (ConnectError) on POST /app/")
    assert "nothing was started" in reason
    assert took < 5
    assert "Traceback" not in server.output()
