"""The durable local starter of `reviewbot serve`, with a small stand-in workflow.

Acknowledged means recorded: a review is in the workspace's SQLite before `start`
returns, runs again in the next process if this one stops or dies first, and is a
duplicate only while pending or after it succeeded.
"""

from __future__ import annotations

import sqlite3
import threading
import time
from collections.abc import Callable, Iterator
from contextlib import closing
from dataclasses import replace
from pathlib import Path

import pytest
from aws_durable_execution_sdk_python import durable_execution

from orchestrator.local_starter import STOPPING_REASON, LocalStarter, crashed
from orchestrator.review_queue import Claim, ReviewQueue
from review.trigger import ReviewStatus, ReviewTrigger

TRIGGER = ReviewTrigger("d-1", "pull_request", "o/r", "https://x", 1, 7, "a" * 40, "main", "f")


class Workflow:
    """A durable workflow whose one step calls `work(pull_number)`; counts its runs."""

    def __init__(self, work: Callable[[int], object] = lambda n: n) -> None:
        self.work = work
        self.runs: list[int] = []
        self._lock = threading.Lock()

        @durable_execution
        def handler(event: dict, context) -> object:
            number = event["trigger"]["pull_number"]
            with self._lock:
                self.runs.append(number)
            return context.step(lambda _: self.work(number), name="work")

        self.handler = handler


@pytest.fixture
def starters(tmp_path: Path) -> Iterator[Callable[..., LocalStarter]]:
    """Make starters over one workspace (one per simulated process); closed at the end."""
    made: list[LocalStarter] = []

    def make(workflow: Workflow, **options) -> LocalStarter:
        starter = LocalStarter(workflow.handler, tmp_path, **options)
        made.append(starter)
        return starter

    yield make
    for starter in made:
        starter.close(5)


def test_a_review_is_on_disk_before_start_returns(starters, tmp_path: Path) -> None:
    starter = starters(Workflow())
    starter.drain()  # nothing runs: what is recorded is what survives
    assert starter.start(TRIGGER).started
    other_process = ReviewQueue(tmp_path / "state" / "reviews.sqlite")
    (entry,) = other_process.active()
    assert entry.name == TRIGGER.execution_name() and entry.status == "pending"
    assert ReviewTrigger.from_dict(entry.trigger) == TRIGGER


def test_duplicates_only_while_pending_or_after_success(starters) -> None:
    release = threading.Event()
    outcome = {"fail": True}

    def work(number: int) -> int:
        release.wait(10)
        if outcome["fail"]:
            raise ValueError("the review failed for good")  # not retried: bad input
        return number

    abandoned: list[tuple[str, str]] = []
    starter = starters(
        Workflow(work), on_abandoned=lambda t, why: abandoned.append((t.delivery_id, why)) or True
    )
    name = TRIGGER.execution_name()
    assert starter.start(TRIGGER).started
    again = starter.start(TRIGGER)  # GitHub's redelivery while it runs
    assert (again.started, again.reason) == (False, "review already pending")
    assert starter.start(replace(TRIGGER, delivery_id="d-2")).reason == "review already pending"
    release.set()
    assert starter.wait_idle(30)
    assert starter.status(name) is ReviewStatus.FAILED
    assert abandoned == [("d-1", "the review failed for good")]  # its check run is closed

    outcome["fail"] = False  # a redelivery after the failure reviews again
    assert starter.start(TRIGGER).started
    assert starter.wait_idle(30)
    assert starter.status(name) is ReviewStatus.SUCCEEDED
    done = starter.start(replace(TRIGGER, delivery_id="d-3", reason="synchronize"))
    assert (done.started, done.reason) == (False, "review already done")
    assert starter.start(TRIGGER).reason == "review already done"


def test_the_next_process_runs_what_the_last_one_left(starters) -> None:
    """A stop leaves queued reviews recorded; the next process's `open` runs them."""
    first = Workflow()
    stopping = starters(first)
    stopping.drain()  # SIGTERM: new deliveries are still recorded, nothing more starts
    triggers = [replace(TRIGGER, delivery_id=f"d-{n}", pull_number=n) for n in (1, 2, 3)]
    answers = [stopping.start(t) for t in triggers]
    assert [(a.started, a.queued, a.reason) for a in answers] == [(True, True, STOPPING_REASON)] * 3
    assert stopping.close(1)
    assert first.runs == []

    second = Workflow()
    restarted = starters(second)
    assert restarted.open() == 3
    assert restarted.wait_idle(30)
    assert sorted(second.runs) == [1, 2, 3]
    assert all(restarted.status(t.execution_name()) is ReviewStatus.SUCCEEDED for t in triggers)
    assert restarted.open() == 0  # each ran once


def test_a_review_that_keeps_taking_the_process_down_is_given_up(starters, tmp_path) -> None:
    """Each process dies during the review (the next start finds it still running: a
    crash); once `max_crashes` processes died with it, it ends as failed and its check run
    is closed."""
    queue = ReviewQueue(tmp_path / "state" / "reviews.sqlite")
    queue.accept(TRIGGER)
    for _ in range(3):  # three processes claimed it and died before it ended
        queue.claim(TRIGGER.execution_name())
    abandoned: list[str] = []
    workflow = Workflow()
    starter = starters(
        workflow, max_crashes=3, on_abandoned=lambda t, why: abandoned.append(why) or True
    )
    assert starter.open() == 1
    assert starter.wait_idle(30)
    assert workflow.runs == []
    assert abandoned == [crashed(3)] and "died 3 times" in abandoned[0]
    assert starter.status(TRIGGER.execution_name()) is ReviewStatus.FAILED


def test_a_check_run_that_could_not_be_closed_is_closed_at_the_next_start(starters) -> None:
    closes: list[bool] = []

    def close(trigger: ReviewTrigger, why: str) -> bool:
        closes.append(bool(closes))  # GitHub was unreachable the first time
        if len(closes) == 1:
            raise ConnectionError("GitHub is down")
        return True

    def work(number: int) -> int:
        raise ValueError("bad input")

    first = starters(Workflow(work), on_abandoned=close)
    first.start(TRIGGER)
    assert first.wait_idle(30) and first.close(5)
    assert first.queue.unreconciled()
    second = starters(Workflow(work), on_abandoned=close)
    assert second.open() == 0
    assert second.wait_idle(30)
    assert closes == [False, True] and not second.queue.unreconciled()


def test_a_run_that_ended_before_it_was_recorded_is_adopted_not_repeated(starters) -> None:
    """The process died between the workflow's end and recording it: the next process
    takes the outcome from the durable store instead of running the review again."""
    workflow = Workflow()
    first = starters(workflow)
    first.start(TRIGGER)
    assert first.wait_idle(30) and first.close(5)
    name = TRIGGER.execution_name()
    with closing(sqlite3.connect(first.queue.path)) as db, db:  # as if it never got recorded
        db.execute("UPDATE reviews SET status = 'running' WHERE name = ?", (name,))
    again = Workflow()
    second = starters(again)
    assert second.open() == 1 and second.wait_idle(30)
    assert again.runs == [] and second.status(name) is ReviewStatus.SUCCEEDED


def test_stopping_waits_a_bounded_grace_and_leaves_running_reviews_recorded(starters) -> None:
    release = threading.Event()
    workflow = Workflow(lambda n: release.wait(30))
    starter = starters(workflow)
    starter.start(TRIGGER)
    deadline = time.monotonic() + 10
    while not workflow.runs and time.monotonic() < deadline:
        time.sleep(0.01)
    started = time.monotonic()
    assert not starter.close(0.5)
    assert 0.4 < time.monotonic() - started < 3
    (entry,) = starter.queue.active()
    assert entry.status == "pending"  # handed back: the next process runs it again
    release.set()


def test_a_second_stop_signal_ends_the_wait_at_once(starters) -> None:
    release = threading.Event()
    workflow = Workflow(lambda n: release.wait(30))
    starter = starters(workflow)
    starter.start(TRIGGER)
    deadline = time.monotonic() + 10
    while not workflow.runs and time.monotonic() < deadline:
        time.sleep(0.01)
    results: list[bool] = []
    closing_thread = threading.Thread(target=lambda: results.append(starter.close(30)))
    closing_thread.start()
    time.sleep(0.2)
    started = time.monotonic()
    starter.hurry()
    closing_thread.join(5)
    assert results == [False] and time.monotonic() - started < 1
    assert not starter.close(30)  # the deadline has passed: no second wait
    release.set()


def test_a_graceful_stop_hands_the_running_review_back_without_counting_a_crash(
    starters, tmp_path: Path
) -> None:
    """Four stops in a row during one slow review (a deploy each): each hands it back as
    pending, none counts as a crash, and the next process finishes it."""
    abandoned: list[str] = []
    gates: list[threading.Event] = []
    try:
        for cycle in range(1, 5):
            gate = threading.Event()
            gates.append(gate)
            workflow = Workflow(lambda n, gate=gate: gate.wait(30))
            starter = starters(
                workflow, max_crashes=3, on_abandoned=lambda t, why: abandoned.append(why) or True
            )
            if cycle == 1:
                assert starter.start(TRIGGER).started
            else:
                assert starter.open() == 1
            deadline = time.monotonic() + 10
            while not workflow.runs and time.monotonic() < deadline:
                time.sleep(0.01)
            assert workflow.runs == [7]
            assert not starter.close(0.2)  # past the grace: handed back
            with closing(sqlite3.connect(tmp_path / "state" / "reviews.sqlite")) as db:
                row = db.execute("SELECT status, runs, crashes FROM reviews").fetchone()
            assert row == ("pending", cycle, 0)
        done = Workflow()
        last = starters(done, max_crashes=3, on_abandoned=lambda t, why: abandoned.append(why))
        assert last.open() == 1 and last.wait_idle(30)
        assert done.runs == [7] and abandoned == []
        assert last.status(TRIGGER.execution_name()) is ReviewStatus.SUCCEEDED
    finally:
        for gate in gates:
            gate.set()


def test_only_a_start_that_finds_the_review_running_counts_a_crash(tmp_path: Path) -> None:
    queue = ReviewQueue(tmp_path / "reviews.sqlite")
    name = queue.accept(TRIGGER).execution_name
    first = queue.claim(name)  # process a, which dies
    second = queue.claim(name)  # process b finds it running
    assert first == Claim(1, 0) and second == Claim(2, 1)
    assert queue.release([name]) == 1  # b stops gracefully
    assert queue.release([name]) == 0  # only running reviews are handed back
    assert queue.claim(name) == Claim(3, 1)  # process c: b's stop was no crash
    queue.finish(name, True)
    assert queue.claim(name) is None and queue.release([name]) == 0


def test_a_queue_written_by_an_older_version_gains_the_crash_count(tmp_path: Path) -> None:
    path = tmp_path / "reviews.sqlite"
    with closing(sqlite3.connect(path)) as db, db:
        db.execute(
            "CREATE TABLE reviews (name TEXT PRIMARY KEY, delivery TEXT NOT NULL,"
            " repository TEXT NOT NULL, pull_number INTEGER NOT NULL, head TEXT NOT NULL,"
            " trigger TEXT NOT NULL, status TEXT NOT NULL, runs INTEGER NOT NULL DEFAULT 0,"
            " accepted_at REAL NOT NULL, started_at REAL, ended_at REAL,"
            " detail TEXT NOT NULL DEFAULT '', reconciled INTEGER NOT NULL DEFAULT 1,"
            " execution TEXT)"
        )
        db.execute(
            "INSERT INTO reviews (name, delivery, repository, pull_number, head, trigger,"
            " status, runs, accepted_at) VALUES ('n', 'd', 'o/r', 7, 'h', '{}', 'running', 1, 0)"
        )
    queue = ReviewQueue(path)
    assert queue.claim("n") == Claim(2, 1)
