"""`reviewbot serve` end to end: a signed delivery in, a review on the fake GitHub out.

Also: the installation tokens never reach a log record, an exception or a workspace
file, and the local starter returns at once while bounding concurrency.
"""

from __future__ import annotations

import base64
import json
import logging
import threading
import time
from collections.abc import Iterator
from pathlib import Path

import pytest
from aws_durable_execution_sdk_python import durable_execution
from fastapi.testclient import TestClient
from github_support import (
    EXPECTED_INLINE,
    SECRET,
    delivery_headers,
    inline_of,
    pull_request_payload,
    review_command_payload,
)

from orchestrator.local_starter import LocalStarter
from reporter.formats.markdown import SUMMARY_MARKER
from reporter.github.retry import RetryPolicy
from review.settings import load_settings
from review.trigger import ReviewTrigger
from reviewbot.serve import build_serve_app


@pytest.fixture
def serve(scenario, workspace: Path) -> Iterator[tuple[TestClient, LocalStarter]]:
    gh = scenario.github
    settings = load_settings(
        {
            "REVIEWBOT_WEBHOOK_SECRET": SECRET,
            "REVIEWBOT_APP_ID": str(gh.app_id),
            "REVIEWBOT_PRIVATE_KEY": scenario.settings.private_key,
            "REVIEWBOT_GITHUB_API_URL": gh.api_url,
            "REVIEWBOT_APP_SLUG": gh.slug,
        }
    )
    policy = RetryPolicy(sleep=scenario.sleeps.append)
    app = build_serve_app(settings, workspace=workspace, policy=policy)
    starter = app.state.review_starter
    yield TestClient(app), starter
    starter.close()


def deliver(client: TestClient, event: str, payload: dict, delivery: str):
    body = json.dumps(payload).encode()
    return client.post("/webhook", content=body, headers=delivery_headers(event, body, delivery))


def opened(scenario, action: str = "opened") -> dict:
    gh = scenario.github
    return pull_request_payload(
        f"{gh.owner}/{gh.name}", gh.clone_url, 1, scenario.pull.head, scenario.pull.base, action
    )


def test_a_signed_delivery_becomes_one_review(scenario, serve) -> None:
    client, starter = serve
    gh = scenario.github
    started = time.monotonic()
    answer = deliver(client, "pull_request", opened(scenario), "delivery-1")
    assert answer.status_code == 202 and answer.json()["status"] == "started"
    assert time.monotonic() - started < 2, "the delivery is answered before the review runs"
    # GitHub redelivers by hand, and sends synchronize for the same head: both are duplicates
    again = deliver(client, "pull_request", opened(scenario), "delivery-1")
    same_head = deliver(client, "pull_request", opened(scenario, "synchronize"), "delivery-2")
    assert again.json()["status"] == "duplicate" and same_head.json()["status"] == "duplicate"
    assert starter.wait_idle(120)
    (posted,) = gh.calls("POST", r"/pulls/1/reviews$")
    assert posted.body["commit_id"] == scenario.pull.head and posted.body["event"] == "COMMENT"
    assert sorted(inline_of(posted.body)) == sorted(EXPECTED_INLINE)
    assert len(gh.reviews) == 1 and len(gh.review_comments) == 6
    (summary,) = gh.issue_comments
    assert summary["body"].startswith(SUMMARY_MARKER)
    (run,) = gh.check_runs.values()
    assert run["external_id"] == "pr:1" and run["head_sha"] == scenario.pull.head
    assert run["status"] == "completed" and run["conclusion"] == "failure"


def test_review_command_twice_gives_one_summary_and_no_repeated_comment(scenario, serve) -> None:
    client, starter = serve
    gh = scenario.github
    payload = review_command_payload(f"{gh.owner}/{gh.name}", gh.clone_url, 1)
    for delivery in ("comment-1", "comment-2"):
        answer = deliver(client, "issue_comment", payload, delivery)
        assert answer.status_code == 202 and answer.json()["status"] == "started", answer.json()
    assert starter.wait_idle(180)
    assert len(gh.check_runs) == 2
    assert len(gh.reviews) == 1 and len(gh.review_comments) == 6
    assert len(gh.issue_comments) == 1
    assert len(gh.calls("POST", r"/reactions$")) == 2  # the edge's 👀 on each command


def test_tokens_never_reach_logs_errors_or_files(
    scenario, serve, workspace, caplog, stored_bytes
) -> None:
    caplog.set_level(logging.DEBUG)
    client, starter = serve
    gh = scenario.github
    deliver(client, "pull_request", opened(scenario), "delivery-1")
    assert starter.wait_idle(120)
    # and a review that fails half-way, with git's error in the check run
    broken = opened(scenario, "reopened")
    broken["repository"]["clone_url"] = gh.clone_url.replace("demo", "missing")
    broken["pull_request"]["head"]["sha"] = scenario.push({"more.py": "MORE = 1\n"})
    deliver(client, "pull_request", broken, "delivery-2")
    assert starter.wait_idle(120)
    assert any(r["conclusion"] == "failure" for r in gh.check_runs.values())

    # one per permission set, cached across both reviews; a failed clone drops its token
    # (GitHub may have revoked it), so each of the two retries of the clone mints another
    assert len(gh.tokens) == 6 + 2
    secrets = set(gh.tokens)
    secrets |= {base64.b64encode(f"x-access-token:{t}".encode()).decode() for t in gh.tokens}
    secrets.add(scenario.settings.private_key.splitlines()[1])
    logged = caplog.text + "".join(
        str(r.exc_info[1]) for r in caplog.records if r.exc_info and r.exc_info[1]
    )
    assert "git fetch failed" in caplog.text  # the failure was logged ...
    stored = stored_bytes(workspace)
    assert any(b'"hunks"' in data for data in stored)  # ... and the workspace was written
    github_texts = json.dumps([gh.check_runs, gh.issue_comments, gh.reviews])
    for secret in secrets:
        assert secret not in logged
        assert secret not in github_texts
        assert not any(secret.encode() in data for data in stored)


def test_the_local_starter_returns_at_once_and_bounds_concurrency(tmp_path: Path) -> None:
    lock = threading.Lock()
    state = {"now": 0, "most": 0, "per_pull": {}}
    overlaps: list[int] = []

    def work(number: int) -> int:
        with lock:
            state["now"] += 1
            state["most"] = max(state["most"], state["now"])
            running = state["per_pull"].get(number, 0) + 1
            state["per_pull"][number] = running
            if running > 1:
                overlaps.append(number)
        time.sleep(0.3)
        with lock:
            state["now"] -= 1
            state["per_pull"][number] -= 1
        return number

    @durable_execution
    def workflow(event: dict, context) -> int:
        number = event["trigger"]["pull_number"]
        return context.step(lambda _: work(number), name="work")

    starter = LocalStarter(workflow, tmp_path, max_concurrent=2)
    triggers = [
        ReviewTrigger(f"d{i}", "pull_request", "o/r", "https://x", 1, n, f"{i:040x}", "main", "f")
        for i, n in enumerate([1, 1, 2, 3, 1])
    ]
    started = time.monotonic()
    results = [starter.start(t) for t in triggers]
    assert time.monotonic() - started < 0.5
    assert all(r.started for r in results)
    assert starter.wait_idle(30)
    starter.close()
    assert state["most"] == 2 and not overlaps


def test_a_failed_review_is_started_again_by_a_redelivery_a_succeeded_one_is_not(
    scenario, serve
) -> None:
    client, starter = serve
    gh = scenario.github
    broken = opened(scenario)
    broken["repository"]["clone_url"] = gh.clone_url.replace("demo", "missing")
    assert deliver(client, "pull_request", broken, "delivery-1").json()["status"] == "started"
    assert starter.wait_idle(120)
    (run,) = gh.check_runs.values()
    assert run["conclusion"] == "failure" and not gh.reviews
    # "Redeliver" in the App's settings: the review failed, so it runs again ...
    fixed = deliver(client, "pull_request", opened(scenario), "delivery-1")
    assert fixed.json()["status"] == "started"
    assert starter.wait_idle(120)
    assert len(gh.reviews) == 1 and len(gh.check_runs) == 1  # its check run, found again
    assert run["conclusion"] == "failure" and "could not finish" not in run["output"]["title"]
    # ... and once it succeeded, neither a redelivery nor another event for the head does
    for delivery, action in (("delivery-1", "opened"), ("delivery-2", "synchronize")):
        again = deliver(client, "pull_request", opened(scenario, action), delivery).json()
        assert again["status"] == "duplicate" and again["reason"] == "review already done"
