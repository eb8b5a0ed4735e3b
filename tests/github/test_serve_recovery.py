"""Acknowledged means done: `reviewbot serve` killed (SIGKILL) or stopped (SIGTERM) at the
worst moments, then started again on the same workspace.

Real processes and real signals against the fake GitHub. The fake holds chosen requests
(`hold`) so the server is surely at a given point when the signal arrives; a held POST
still lands after its client died, as a response lost on the way would. Every review
that was answered 202 must end exactly once: one review, one summary comment and one
completed check run per pull request, and nothing posted twice.
"""

from __future__ import annotations

import signal
import sqlite3
import subprocess
import time
from contextlib import closing
from pathlib import Path

import httpx
from fake_github import Pull
from github_support import hold
from serve_support import (
    REVIEW_SECONDS,
    STOP_SECONDS,
    deliver,
    opened,
    running_server,
    serve_env,
    wait_for,
)


def add_pulls(scenario, numbers: range) -> None:
    """More pull requests of the same change (each its own review, run folder and outputs)."""
    first = scenario.pull
    for n in numbers:
        scenario.github.pulls[n] = Pull(n, first.head, first.base, list(first.files))


def ended_once(gh, numbers: range) -> bool:
    """Every pull request has one review, one summary and one completed check run."""
    for n in numbers:
        runs = [r for r in gh.check_runs.values() if r.get("external_id") == f"pr:{n}"]
        reviews = [r for r in gh.reviews if r["pull_number"] == n]
        summaries = [c for c in gh.issue_comments if c["issue_number"] == n]
        if len(runs) != 1 or runs[0]["status"] != "completed" or not reviews or not summaries:
            return False
    return True


def assert_posted_once(gh, numbers: range) -> None:
    for n in numbers:
        assert len(gh.calls("POST", rf"/pulls/{n}/reviews$")) == 1, f"#{n}: review posts"
        assert len([r for r in gh.reviews if r["pull_number"] == n]) == 1
        assert len(gh.calls("POST", rf"/issues/{n}/comments$")) == 1, f"#{n}: summary posts"
        created = [
            c for c in gh.calls("POST", r"/check-runs$") if c.body["external_id"] == f"pr:{n}"
        ]
        assert len(created) == 1, f"#{n}: check runs created"
    assert not [r for r in gh.check_runs.values() if r["status"] != "completed"]


def ended_in_queue(workspace: Path) -> dict[int, tuple[str, int]]:
    """Pull number -> (status, workflow runs) as the durable queue recorded them."""
    return {n: (status, runs) for n, (status, runs, _) in in_queue(workspace).items()}


def in_queue(workspace: Path) -> dict[int, tuple[str, int, int]]:
    """Pull number -> (status, workflow runs, crashes) as the durable queue recorded them."""
    with closing(sqlite3.connect(workspace / "state" / "reviews.sqlite")) as db:
        rows = db.execute("SELECT pull_number, status, runs, crashes FROM reviews").fetchall()
    return {int(n): (str(status), int(runs), int(crashes)) for n, status, runs, crashes in rows}


def test_kill_9_at_each_point_then_a_restart_ends_every_review_exactly_once(
    scenario, tmp_path: Path
) -> None:
    gh = scenario.github
    numbers = range(1, 6)
    add_pulls(scenario, range(2, 6))
    holds = {
        1: hold(gh, "GET", r"/pulls/1/comments$"),  # check run created, agents done, no review
        # review posted, summary not yet (the first look at the comments reads the state
        # earlier reviews left)
        2: hold(gh, "GET", r"/issues/2/comments$", after=1),
        3: hold(gh, "POST", r"/issues/3/comments$"),  # the summary POST: lands after the kill
        4: hold(gh, "GET", r"/pulls/4$"),  # just started: preparing
    }  # and #5 waits in the queue: four reviews run at a time
    env = serve_env(scenario, tmp_path, REVIEWBOT_MAX_CONCURRENT_REVIEWS="4")
    try:
        with running_server(env, tmp_path) as server:
            for n in numbers:
                answer, _ = deliver(server, "pull_request", opened(scenario, number=n), f"d-{n}")
                assert answer.status_code == 202 and answer.json()["status"] == "started"
            for n, held in holds.items():
                assert held.reached.wait(REVIEW_SECONDS), f"#{n} not reached:\n{server.output()}"
            server.process.send_signal(signal.SIGKILL)
            assert server.process.wait(STOP_SECONDS) == -signal.SIGKILL
        before = {r["external_id"]: r["status"] for r in gh.check_runs.values()}
        assert before == {"pr:1": "in_progress", "pr:2": "in_progress", "pr:3": "in_progress"}
        assert sorted(r["pull_number"] for r in gh.reviews) == [2, 3]
    finally:
        for held in holds.values():
            held.release()
    wait_for_landing = time.monotonic() + 10
    while not gh.calls("POST", r"/issues/3/comments$") and time.monotonic() < wait_for_landing:
        time.sleep(0.05)
    assert [c["issue_number"] for c in gh.issue_comments] == [3]  # posted, answer lost

    with running_server(env, tmp_path) as server:
        wait_for(lambda: ended_once(gh, numbers), REVIEW_SECONDS * 2, "every review", server)
    assert_posted_once(gh, numbers)
    queue = ended_in_queue(tmp_path / "workspace")
    assert {n: status for n, (status, _) in queue.items()} == dict.fromkeys(numbers, "succeeded")
    assert {n: runs for n, (_, runs) in queue.items()} == {1: 2, 2: 2, 3: 2, 4: 2, 5: 1}


def test_sigterm_drains_within_the_grace_and_the_next_start_finishes_the_rest(
    scenario, tmp_path: Path
) -> None:
    gh = scenario.github
    numbers = range(1, 4)
    add_pulls(scenario, range(2, 4))
    held = hold(gh, "GET", r"/pulls/1/comments$")  # #1 is running when the stop comes
    env = serve_env(
        scenario,
        tmp_path,
        REVIEWBOT_MAX_CONCURRENT_REVIEWS="1",
        REVIEWBOT_SHUTDOWN_GRACE_SECONDS="2",
    )
    try:
        with running_server(env, tmp_path) as server:
            assert httpx.get(f"{server.url}/readyz", timeout=5).json()["status"] == "ready"
            for n in (1, 2):  # #2 waits behind #1
                deliver(server, "pull_request", opened(scenario, number=n), f"d-{n}")
            assert held.reached.wait(REVIEW_SECONDS), server.output()
            stopped_at = time.monotonic()
            server.process.send_signal(signal.SIGTERM)
            # while draining, deliveries are still answered: queued for the next start
            answer, _ = deliver(server, "pull_request", opened(scenario, number=3), "d-3")
            assert answer.status_code == 202 and answer.json()["status"] == "queued"
            assert "runs when the server starts again" in answer.json()["reason"]
            ready = httpx.get(f"{server.url}/readyz", timeout=5)
            assert ready.status_code == 503 and "stopping" in ready.json()["detail"]
            try:
                code = server.process.wait(STOP_SECONDS)
            except subprocess.TimeoutExpired:
                raise AssertionError(f"no stop within the grace:\n{server.output()}") from None
            assert code == 0 and time.monotonic() - stopped_at < 2 + 8
        # #1 is left running (past the grace), #2 and #3 were never started
        assert [r["external_id"] for r in gh.check_runs.values()] == ["pr:1"]
        assert not gh.calls("GET", r"/pulls/[23]$")
    finally:
        held.release()

    with running_server(env, tmp_path) as server:
        wait_for(lambda: ended_once(gh, numbers), REVIEW_SECONDS * 2, "every review", server)
    assert_posted_once(gh, numbers)
    queue = ended_in_queue(tmp_path / "workspace")
    assert queue == {1: ("succeeded", 2), 2: ("succeeded", 1), 3: ("succeeded", 1)}


def test_graceful_stops_during_a_slow_review_are_not_crashes(scenario, tmp_path: Path) -> None:
    """Deploys during one slow review (GitHub not answering): each SIGTERM past the grace
    hands the review back to the queue, uncounted, so it is never given up; a kill -9
    still counts as a crash. The start after them finishes it, once."""
    gh = scenario.github
    env = serve_env(scenario, tmp_path, REVIEWBOT_SHUTDOWN_GRACE_SECONDS="1")
    workspace = tmp_path / "workspace"
    holds = []
    try:
        for cycle, stop in enumerate(
            [signal.SIGTERM, signal.SIGTERM, signal.SIGTERM, signal.SIGKILL], start=1
        ):
            held = hold(gh, "GET", r"/pulls/1$")  # preparing: GitHub does not answer
            holds.append(held)
            with running_server(env, tmp_path) as server:
                if cycle == 1:
                    answer, _ = deliver(server, "pull_request", opened(scenario), "d-1")
                    assert answer.json()["status"] == "started", answer.text
                assert held.reached.wait(REVIEW_SECONDS), server.output()
                server.process.send_signal(stop)
                code = server.process.wait(STOP_SECONDS)
                assert code == (0 if stop == signal.SIGTERM else -signal.SIGKILL)
            status, runs, crashes = in_queue(workspace)[1]
            if stop == signal.SIGTERM:
                assert (status, runs, crashes) == ("pending", cycle, 0), server.output()
            else:  # left running: the next start finds it so and counts a crash
                assert (status, runs, crashes) == ("running", cycle, 0)
            held.release()  # the dead process's request goes on, to nobody
        assert not gh.check_runs  # no run got past preparing

        with running_server(env, tmp_path) as server:
            wait_for(lambda: ended_once(gh, range(1, 2)), REVIEW_SECONDS, "the review", server)
        assert "given up" not in server.output()
    finally:
        for held in holds:
            held.release()
    assert_posted_once(gh, range(1, 2))
    assert in_queue(workspace) == {1: ("succeeded", 5, 1)}
    (run,) = gh.check_runs.values()
    assert "died" not in str(run.get("output"))
