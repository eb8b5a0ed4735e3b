"""`reviewbot replay` as an operator runs it: the console script, on our fixtures.

A replay prints what the edge would answer, start and send, and starts and sends nothing.
Without the App configured, a command's look-ups are assumed and the output says so;
with it (here the fake GitHub), the commenter's permission and the pull request's head
are asked of GitHub for real, while the 👀 reaction and the `/help` reply are only printed.
"""

from __future__ import annotations

import json
import os
import subprocess
from pathlib import Path
from typing import Any

from github_support import SECRET
from serve_support import START_SECONDS, free_port, reviewbot_command, serve_env
from webhook_fixtures import FIXTURES, fixture

from orchestrator.review_queue import ReviewQueue
from review.app_credentials import AppCredentials, write_credentials
from review.trigger import ReviewTrigger

HEAD_SHA = "ec26c3e57ca3a959ca5aad62de7213c562f8c821"  # pull request #2 of our fixtures


def replay(
    event_json: Path, env: dict[str, str], cwd: Path, *args: str
) -> subprocess.CompletedProcess:
    return subprocess.run(
        [*reviewbot_command(), "replay", str(event_json), *args],
        env=env,
        cwd=cwd,  # no .env of ours is read
        stdin=subprocess.DEVNULL,
        capture_output=True,
        text=True,
        timeout=START_SECONDS,
    )


def replayed(event_json: Path, env: dict[str, str], cwd: Path) -> dict[str, Any]:
    done = replay(event_json, env, cwd)
    assert done.returncode == 0, done.stderr
    return json.loads(done.stdout)


def no_app_env(tmp_path: Path) -> dict[str, str]:
    env = {k: v for k, v in os.environ.items() if not k.startswith("REVIEWBOT_")}
    env["REVIEWBOT_WORKSPACE"] = str(tmp_path / "workspace")
    return env


def comment(tmp_path: Path, body: str, association: str, login: str = "Codertocat") -> Path:
    """Our issue_comment fixture with another first line, author association and author."""
    payload = fixture("issue_comment/created")
    payload["comment"].update(body=body, author_association=association)
    for account in (payload["sender"], payload["comment"]["user"]):
        account["login"] = login
    path = tmp_path / f"comment-{len(list(tmp_path.glob('comment-*')))}.json"
    path.write_text(json.dumps(payload))
    return path


def test_a_first_delivery_replays_as_started_every_time(tmp_path: Path) -> None:
    """Issue 16: a dry run answered "duplicate" to a delivery nothing had seen."""
    env = no_app_env(tmp_path)
    for _ in range(2):  # nothing is recorded by a replay, so the second is a first again
        out = replayed(FIXTURES / "pull_request" / "opened.json", env, tmp_path)
        assert out["status_code"] == 202
        assert out["body"]["status"] == "started"
        assert out["body"]["reason"] == "dry run: nothing was started"
        (trigger,) = out["would_start"]
        assert (trigger["pull_number"], trigger["head_sha"]) == (2, HEAD_SHA)
        assert out["would_send"] == [] and out["assumed"] == [] and out["asked_github"] == []
    assert not (tmp_path / "workspace" / "state" / "reviews.sqlite").exists()


def test_replay_answers_duplicate_as_serve_would_for_a_head_it_reviewed(tmp_path: Path) -> None:
    """The workspace's queue says the head was reviewed already: serve would not start it."""
    env = no_app_env(tmp_path)
    event = FIXTURES / "pull_request" / "opened.json"
    name = replayed(event, env, tmp_path)["body"]["execution"]
    queue = ReviewQueue(tmp_path / "workspace" / "state" / "reviews.sqlite")
    trigger = ReviewTrigger.from_dict(replayed(event, env, tmp_path)["would_start"][0])
    assert queue.accept(trigger).execution_name == name
    queue.finish(name, True)
    queue.close()
    out = replayed(event, env, tmp_path)
    assert out["body"] == {
        "status": "duplicate",
        "execution": name,
        "reason": "review already done",
    }
    assert out["would_start"] == []


def test_commands_without_the_app_say_what_they_assume(tmp_path: Path) -> None:
    env = no_app_env(tmp_path)
    # the fixture's `/review`, by the repository's owner: no permission to ask
    out = replayed(FIXTURES / "issue_comment" / "created.json", env, tmp_path)
    assert out["body"]["status"] == "started"
    (trigger,) = out["would_start"]
    assert (trigger["pull_number"], trigger["reason"], trigger["head_sha"]) == (1, "command", "")
    assert out["would_send"] == [
        {
            "method": "POST",
            "path": "/repos/Codertocat/Hello-World/issues/comments/5001/reactions",
            "body": {"content": "eyes"},
        }
    ]
    (head,) = out["assumed"]
    assert "head is unknown" in head and "not configured" in head
    assert out["asked_github"] == []

    # a collaborator's `/review style`: their permission is assumed too
    out = replayed(comment(tmp_path, "/review style", "COLLABORATOR", "hubot"), env, tmp_path)
    assert out["body"]["status"] == "started"
    assert out["would_start"][0]["agents"] == ["style"]
    permission, head = out["assumed"]
    assert permission.startswith("hubot has write permission and may trigger")
    assert "not configured" in permission and "head is unknown" in head

    # `/help`: the reply is printed, not posted, and nothing starts
    out = replayed(comment(tmp_path, "/help", "COLLABORATOR", "hubot"), env, tmp_path)
    assert out["body"] == {"status": "replied"} and out["would_start"] == []
    (reply,) = out["would_send"]
    assert reply["path"] == "/repos/Codertocat/Hello-World/issues/1/comments"
    assert "/review <agent>" in reply["body"]["body"]


def on_fake(scenario, tmp_path: Path, body: str, login: str) -> Path:
    """A comment of `login` on the fake GitHub's pull request #1 (not by its owner)."""
    gh = scenario.github
    payload = fixture("issue_comment/created")
    payload["repository"].update(full_name=f"{gh.owner}/{gh.name}", clone_url=gh.clone_url)
    payload["comment"].update(body=body, author_association="COLLABORATOR")
    for account in (payload["sender"], payload["comment"]["user"]):
        account["login"] = login
    path = tmp_path / f"{login}-{len(list(tmp_path.glob('*.json')))}.json"
    path.write_text(json.dumps(payload))
    return path


def test_commands_with_the_app_ask_github_and_send_nothing(scenario, tmp_path: Path) -> None:
    gh = scenario.github
    gh.permissions.update({"writer": "write", "reader": "read"})
    env = serve_env(scenario, tmp_path)

    out = replayed(on_fake(scenario, tmp_path, "/review", "writer"), env, tmp_path)
    assert out["body"]["status"] == "started" and out["assumed"] == []
    (trigger,) = out["would_start"]
    assert trigger["head_sha"] == scenario.pull.head  # GitHub's answer, not the payload's
    assert (trigger["head_ref"], trigger["base_ref"]) == ("feature", "main")
    assert out["asked_github"] == [
        "GET /repos/octo/demo/collaborators/writer/permission: writer has write permission",
        f"GET /repos/octo/demo/pulls/1: open, head {scenario.pull.head}",
    ]
    assert [(s["method"], s["path"], s["body"]) for s in out["would_send"]] == [
        ("POST", "/repos/octo/demo/issues/comments/5001/reactions", {"content": "eyes"})
    ]

    out = replayed(on_fake(scenario, tmp_path, "/review", "reader"), env, tmp_path)
    assert out["body"] == {
        "status": "ignored",
        "reason": "reader has read permission, write is needed",
    }
    assert out["would_start"] == [] and out["would_send"] == []

    out = replayed(on_fake(scenario, tmp_path, "/help", "writer"), env, tmp_path)
    assert out["body"] == {"status": "replied"}
    (reply,) = out["would_send"]
    assert reply["path"] == "/repos/octo/demo/issues/1/comments"

    # GitHub was asked, and nothing was written to the repository
    asked = [(r.method, r.path) for r in gh.requests if r.path.startswith("/repos/")]
    assert ("GET", "/repos/octo/demo/pulls/1") in asked
    assert all(method == "GET" for method, _ in asked), asked
    assert not gh.reviews and not gh.check_runs and not gh.issue_comments


def test_a_lookup_github_does_not_answer_is_one_line(scenario, tmp_path: Path) -> None:
    unreachable = f"http://127.0.0.1:{free_port()}/api/v3"
    env = serve_env(scenario, tmp_path, REVIEWBOT_GITHUB_API_URL=unreachable)
    event = on_fake(scenario, tmp_path, "/review", "writer")
    done = replay(event, env, tmp_path)
    assert done.returncode == 2 and done.stdout == ""
    (line,) = done.stderr.splitlines()
    assert line.startswith(f"reviewbot: cannot replay {event}: GitHub did not answer GET ")


NO_APP = dict.fromkeys(
    ("REVIEWBOT_APP_ID", "REVIEWBOT_PRIVATE_KEY_PATH", "REVIEWBOT_WEBHOOK_SECRET"), None
)


def test_replay_acts_as_the_app_the_setup_page_stored(scenario, tmp_path: Path) -> None:
    """Issue 16: replay said the App was missing when serve used the stored one."""
    gh = scenario.github
    gh.permissions["writer"] = "write"
    config = tmp_path / "config"
    stored = config / "github-app.json"
    app = AppCredentials(
        app_id=gh.app_id,
        slug=gh.slug,
        html_url=f"{gh.base_url}/apps/{gh.slug}",
        github_api_url=gh.api_url,
        webhook_secret=SECRET,
        private_key=scenario.settings.private_key,
    )
    write_credentials(stored, app)
    env = serve_env(scenario, tmp_path, **NO_APP, REVIEWBOT_CONFIG_DIR=str(config))

    out = replayed(on_fake(scenario, tmp_path, "/review", "writer"), env, tmp_path)
    assert out["body"]["status"] == "started" and out["assumed"] == []
    assert out["asked_github"][0].startswith("GET /repos/octo/demo/collaborators/writer/")
    (asked,) = gh.calls("GET", r"/collaborators/writer/permission$")
    assert gh.app_of(asked).id == gh.app_id  # with the stored App's key

    stored.write_text('{"app_id": ')  # damaged: one line, as serve says it
    event = on_fake(scenario, tmp_path, "/review", "writer")
    done = replay(event, env, tmp_path)
    assert done.returncode == 2 and done.stdout == ""
    (line,) = done.stderr.splitlines()
    assert line.startswith(f"reviewbot: cannot replay {event}: the App's credentials file {stored}")
