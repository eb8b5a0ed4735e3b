"""`reviewbot serve` as an operator runs it: the console script in its own process.

The server is configured only through its environment (REVIEWBOT_*), points at the fake
GitHub, listens on a free loopback port and reviews into a temporary workspace. A signed
pull_request.opened delivery is answered at once; the review then runs in the
background, while /healthz keeps answering and the duplicates GitHub sends (a redelivery,
a second event for the same head) are recognised, so exactly one review is published.
"""

from __future__ import annotations

import signal
import subprocess
import time
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path
from threading import Barrier

import httpx
import pytest
from github_support import EXPECTED_INLINE, hold, inline_of, rsa_pair
from serve_support import (
    REVIEW_SECONDS,
    START_SECONDS,
    STOP_SECONDS,
    deliver,
    free_port,
    opened,
    reviewbot_command,
    running_server,
    serve_env,
    serve_once,
    wait_for,
)

from reporter.formats.markdown import SUMMARY_MARKER


def test_serve_answers_at_once_and_publishes_one_review(scenario, tmp_path: Path) -> None:
    gh = scenario.github
    # the review's POST waits until we let it go: the review is surely still running
    held = hold(gh, "POST", r"/pulls/1/reviews$")
    with running_server(serve_env(scenario, tmp_path), tmp_path) as server:
        try:
            answer, took = deliver(server, "pull_request", opened(scenario), "delivery-1")
            ms = took * 1000
            print(f"\nreviewbot serve answered the delivery {answer.status_code} in {ms:.1f} ms")
            assert answer.status_code == 202 and answer.json()["status"] == "started", answer.text
            assert took < 2, f"the delivery took {took:.2f} s: it must not wait for the review"

            assert held.reached.wait(REVIEW_SECONDS), f"no review was posted:\n{server.output()}"
            (running,) = gh.check_runs.values()
            assert running["status"] == "in_progress" and not gh.reviews

            # while it runs: the server stays healthy ...
            started = time.perf_counter()
            health = httpx.get(f"{server.url}/healthz", timeout=5)
            assert health.status_code == 200 and health.json() == {"status": "ok"}
            assert time.perf_counter() - started < 2

            # ... and GitHub's redelivery and a synchronize for the same head, racing each
            # other, are both duplicates of the running review
            barrier = Barrier(2)

            def send(args: tuple[str, str]) -> httpx.Response:
                action, delivery = args
                barrier.wait(10)
                return deliver(server, "pull_request", opened(scenario, action), delivery)[0]

            with ThreadPoolExecutor(2) as pool:
                answers = list(
                    pool.map(send, [("opened", "delivery-1"), ("synchronize", "delivery-2")])
                )
            assert [a.status_code for a in answers] == [202, 202]
            assert [a.json()["status"] for a in answers] == ["duplicate", "duplicate"]

            held.release()
            wait_for(
                lambda: (
                    len(gh.reviews) == 1
                    and len(gh.issue_comments) == 1
                    and running["status"] == "completed"
                ),
                REVIEW_SECONDS,
                "the review, its summary and the completed check run",
                server,
            )
        finally:
            held.release()  # never leave the review hanging, even when failing
    # the server has stopped, after letting any review it had started finish
    assert "Application shutdown complete" in server.output()
    assert len(gh.calls("POST", r"/pulls/1/reviews$")) == 1 and len(gh.reviews) == 1
    assert len(gh.calls("POST", r"/check-runs$")) == 1 and len(gh.check_runs) == 1
    assert len(gh.calls("POST", r"/issues/1/comments$")) == 1

    (review,) = gh.reviews
    assert review["commit_id"] == scenario.pull.head and review["state"] == "COMMENTED"
    (posted,) = gh.calls("POST", r"/pulls/1/reviews$")
    summary = gh.issue_comments[0]["body"]
    # on a mismatch, the summary (which names failed agents) and the server's log say why
    why = f"summary:\n{summary}\nserver:\n{server.output()}"
    assert sorted(inline_of(posted.body)) == sorted(EXPECTED_INLINE), why
    assert len(gh.review_comments) == len(EXPECTED_INLINE)
    assert summary.startswith(SUMMARY_MARKER)
    assert running["head_sha"] == scenario.pull.head and running["conclusion"] == "failure"
    assert (tmp_path / "workspace").is_dir()  # REVIEWBOT_WORKSPACE was used


def test_serve_without_an_app_id_names_the_variable(scenario, tmp_path: Path) -> None:
    env = serve_env(scenario, tmp_path, REVIEWBOT_APP_ID=None)
    done = serve_once(env, tmp_path)
    assert done.returncode == 2, done.stderr
    (line,) = done.stderr.splitlines()
    assert line.startswith("reviewbot: REVIEWBOT_APP_ID ")
    assert done.stdout == ""
    assert not scenario.github.requests  # nothing was asked of GitHub


@pytest.mark.parametrize(
    ("key", "says", "asked"),
    [
        ("not a key\n", "REVIEWBOT_PRIVATE_KEY_PATH is not a usable private key", []),
        (
            "another App's key",
            "REVIEWBOT_PRIVATE_KEY_PATH or REVIEWBOT_APP_ID is wrong: GitHub answered 401",
            [("GET", "/app")],
        ),
    ],
)
def test_serve_refuses_a_private_key_at_start_up(
    scenario, tmp_path: Path, key: str, says: str, asked: list
) -> None:
    """An unparseable key, or one GitHub refuses, stops serve at once with one line
    naming the setting, instead of every review failing later."""
    pem = tmp_path / "wrong.pem"
    pem.write_text(rsa_pair()[0] if key == "another App's key" else key)
    env = serve_env(scenario, tmp_path, REVIEWBOT_PRIVATE_KEY_PATH=str(pem))
    done = serve_once(env, tmp_path)
    assert done.returncode == 2, done.stderr
    (line,) = done.stderr.splitlines()
    assert line.startswith(f"reviewbot: {says}"), line
    assert [(r.method, r.path) for r in scenario.github.requests] == asked


def start_serve(env: dict[str, str], cwd: Path, log: Path) -> tuple[subprocess.Popen, str]:
    """`reviewbot serve` on a free port, not waiting for it: (process, base URL)."""
    port = free_port()
    with log.open("ab") as sink:
        process = subprocess.Popen(
            [*reviewbot_command(), "serve", "--host", "127.0.0.1", "--port", str(port)],
            env=env,
            cwd=cwd,
            stdin=subprocess.DEVNULL,
            stdout=sink,
            stderr=subprocess.STDOUT,
        )
    return process, f"http://127.0.0.1:{port}"


def answers(url: str) -> bool:
    try:
        return httpx.get(f"{url}/healthz", timeout=1).status_code == 200
    except httpx.TransportError:
        return False


def test_a_second_serve_waits_for_the_first_to_stop_a_rolling_deploy(
    scenario, tmp_path: Path
) -> None:
    """Two servers on one workspace never run at once: the second waits, logging why,
    and starts (resuming what the first handed back) only once the first has stopped."""
    gh = scenario.github
    env = serve_env(scenario, tmp_path, REVIEWBOT_SHUTDOWN_GRACE_SECONDS="1")
    held = hold(gh, "GET", r"/pulls/1$")  # the first server's review is running
    second = None
    try:
        with running_server(env, tmp_path) as first:
            deliver(first, "pull_request", opened(scenario), "d-1")
            assert held.reached.wait(REVIEW_SECONDS), first.output()
            log = tmp_path / "second.log"
            second, url = start_serve(env, tmp_path, log)
            wait_for(lambda: "waiting up to 60 s" in log.read_text(), START_SECONDS, "wait", first)
            (line,) = [ln for ln in log.read_text().splitlines() if "waiting" in ln]
            assert f"pid {first.process.pid} on " in line and str(tmp_path / "workspace") in line
            time.sleep(1)
            assert second.poll() is None and not answers(url)  # still waiting
            first.process.send_signal(signal.SIGTERM)
            assert first.process.wait(STOP_SECONDS) == 0
        held.release()
        deadline = time.monotonic() + START_SECONDS
        while not answers(url):
            assert second.poll() is None, log.read_text()
            assert time.monotonic() < deadline, log.read_text()
            time.sleep(0.1)
        deadline = time.monotonic() + REVIEW_SECONDS
        while not (gh.reviews and all(r["status"] == "completed" for r in gh.check_runs.values())):
            assert time.monotonic() < deadline, log.read_text()
            time.sleep(0.1)
    finally:
        held.release()
        if second is not None and second.poll() is None:
            second.send_signal(signal.SIGTERM)
            second.wait(STOP_SECONDS)
    assert len(gh.calls("POST", r"/pulls/1/reviews$")) == 1
    assert len(gh.calls("POST", r"/check-runs$")) == 1


def test_a_second_serve_gives_up_after_the_wait_with_one_line(scenario, tmp_path: Path) -> None:
    env = serve_env(scenario, tmp_path)
    with running_server(env, tmp_path) as first:
        done = serve_once({**env, "REVIEWBOT_WORKSPACE_WAIT_SECONDS": "1"}, tmp_path)
        assert done.returncode == 2, done.stderr
        waiting, line = done.stderr.splitlines()
        assert waiting.startswith("reviewbot: waiting up to 1 s for the reviewbot serve using ")
        workspace = tmp_path / "workspace"
        assert line.startswith(
            f"reviewbot: the workspace {workspace} is in use by another reviewbot serve "
            f"(pid {first.process.pid} on "
        ), line
        assert "did not stop within 1 s" in line
        assert answers(first.url)  # the first one goes on


@pytest.mark.parametrize(
    ("name", "says"),
    [
        ("reviews.sqlite", "move it and its -wal and -shm files aside"),
        ("executions.sqlite", "remove it and its -wal and -shm files"),
    ],
)
def test_serve_with_a_damaged_state_file_says_which_and_what_to_do(
    scenario, tmp_path: Path, name: str, says: str
) -> None:
    state = tmp_path / "workspace" / "state"
    state.mkdir(parents=True)
    (state / name).write_bytes(b"not a database, a truncated copy\n" * 200)
    done = serve_once(serve_env(scenario, tmp_path), tmp_path)
    assert done.returncode == 2, done.stderr
    (line,) = done.stderr.splitlines()
    assert line.startswith(f"reviewbot: {state / name} is damaged (file is not a database): ")
    assert says in line
    assert not scenario.github.requests  # it stopped before asking GitHub anything
