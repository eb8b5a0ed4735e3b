"""Starting pull-request reviews on this machine: the `ReviewStarter` of `reviewbot serve`.

`start` records the review in the durable queue (`review_queue`, SQLite in the
workspace's `state/`) before it returns, so the delivery is answered 202 only once the
review survives a crash; a few worker threads then run each review on the durable SDK's
local runner. Reviews of one pull request never overlap, and at most `max_concurrent`
run at once.

After a crash or a stop, `open` runs every review the queue records as not ended. The
SDK's local runner cannot continue a stored execution in a new process (the checkpoint
history survives in `state/executions.sqlite`, but relaunching it is only reachable
through private executor methods, and `wait_for_result` knows only executions started
by this process), so:
- an execution that had in fact ended is adopted from the store (`local.ended_result`);
- any other is started again under a new execution name with the same trigger: the run
  key and the markers on GitHub stay the same, every step is idempotent and every post
  is found before it is made, so nothing is posted twice.
A review that `max_crashes` processes died while running (it takes the process down with
it) is given up; a graceful stop does not count (see `close`). Every review that ends
without success has its check run closed through `on_abandoned` (the workflow closes it
itself when a step fails for good; this covers a failure before or while closing, a
time-out, a crash and giving up).

`drain` (SIGTERM) stops starting reviews: `start` still records new ones, for the next
process (answered `queued`); `close` waits a bounded grace period for the running ones and
hands those that did not finish in time back to the queue as pending: the next start runs
them again, and a stop is not a crash.
"""

from __future__ import annotations

import json
import logging
import math
import threading
import time
import uuid
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from orchestrator.local import check_store, ended_result, open_runner
from orchestrator.review_queue import Entry, ReviewQueue
from orchestrator.workspace_gc import collect_garbage, recorded_busy
from review.trigger import ReviewStatus, ReviewTrigger, StartResult

log = logging.getLogger(__name__)
DEFAULT_TIMEOUT_SECONDS = 3600
DEFAULT_MAX_CRASHES = 3
ENDED_MEMORY_SECONDS = 7 * 24 * 3600  # GitHub lets an App's deliveries be redelivered for 3 days
STOPPING_REASON = "the server is stopping: recorded, it runs when the server starts again"
# (trigger, what happened) -> whether the review's check run is now closed
Abandon = Callable[[ReviewTrigger, str], bool]


def crashed(times: int) -> str:
    """Why a review that kept taking the process down was given up."""
    return (
        f"reviewbot died {times} times while running this review (killed, out of memory "
        "or a crash), so it was given up"
    )


@dataclass(frozen=True)
class Retention:
    """The workspace bound applied before each review (see `workspace_gc`)."""

    max_bytes: int
    retention_seconds: float


@dataclass(frozen=True)
class _Job:
    entry: Entry
    reconcile: bool = False  # close the check run of a failed review, nothing else


class LocalStarter:
    """Runs GitHub reviews on the local durable runner, in the background, durably."""

    def __init__(
        self,
        handler: Callable,
        workspace: Path,
        *,
        max_concurrent: int = 2,
        timeout: int = DEFAULT_TIMEOUT_SECONDS,
        max_crashes: int = DEFAULT_MAX_CRASHES,
        on_abandoned: Abandon | None = None,
        retention: Retention | None = None,
    ) -> None:
        """`handler` is the durable workflow (`orchestrator.workflow.make_handler`) over the
        workspace `workspace`, with the pull-request source; `timeout` bounds one run (s).

        Raises DamagedQueue or DamagedStore when the workspace's `state/reviews.sqlite` or
        `state/executions.sqlite` is not a usable database (the message says what to do).
        """
        self._handler = handler
        self._root = workspace
        self._timeout = timeout
        self._max_crashes = max_crashes
        self._abandon_hook = on_abandoned
        self._retention = retention
        self.queue = ReviewQueue(workspace / "state" / "reviews.sqlite")
        check_store(workspace)  # not every review failing later on a damaged store
        self._cond = threading.Condition()
        self._ready: list[_Job] = []
        self._busy_pulls: set[str] = set()
        self._running = 0
        self._claimed: set[str] = set()  # reviews this process marked running
        self._draining = False
        self._stop_by: float | None = None  # monotonic deadline of the running reviews
        self._told_left_running = False
        self._workers: list[threading.Thread] = []
        self._max_concurrent = max_concurrent
        self._runner: Any = None

    # -- the starter protocol -------------------------------------------------------------

    def start(self, trigger: ReviewTrigger) -> StartResult:
        """Record the review durably, then queue it (unless draining: then it is `queued`,
        for the next process); a duplicate by outcome is not recorded again."""
        result = self.queue.accept(trigger)
        if not result.started:
            return result
        entry = Entry(result.execution_name, trigger.to_dict(), "pending", 0)
        with self._cond:
            if self._draining:
                return StartResult(True, result.execution_name, STOPPING_REASON, queued=True)
            self._enqueue(_Job(entry))
        return result

    def status(self, execution_name: str) -> ReviewStatus | None:
        return self.queue.status(execution_name)

    # -- life cycle -------------------------------------------------------------------------

    def open(self) -> int:
        """Run every review recorded as not ended, and close the check runs of failed ones
        that could not be closed before; returns how many reviews were resumed."""
        active = self.queue.active()
        with self._cond:
            for entry in self.queue.unreconciled():
                self._enqueue(_Job(entry, reconcile=True))
            for entry in active:
                self._enqueue(_Job(entry))
        if active:
            log.warning("resuming %d reviews accepted before the last stop", len(active))
        return len(active)

    @property
    def draining(self) -> bool:
        return self._draining

    def drain(self) -> None:
        """Stop starting reviews; queued ones stay recorded for the next process."""
        with self._cond:
            self._draining = True
            left = len(self._ready)
            self._ready.clear()
            self._cond.notify_all()
        if left:
            log.warning("stopping: %d queued reviews stay recorded for the next start", left)

    def wait_idle(self, timeout: float | None = None) -> bool:
        """Wait until no review is queued or running; True if so (tests, benchmarks)."""
        return self._wait(lambda: not self._ready and not self._running, timeout)

    def close(self, grace: float | None = None) -> bool:
        """Drain, then wait up to `grace` seconds (None: no limit) for running reviews.

        True when none is left running (the runner is released); otherwise they are handed
        back to the queue as pending (not counted as a crash) and the next start runs them
        again; the process should then end without waiting for them. Calling it again
        waits only until the first call's deadline; `hurry` ends the wait at once.
        """
        self.drain()
        with self._cond:
            if self._stop_by is None:
                self._stop_by = math.inf if grace is None else time.monotonic() + grace
            while self._running and (left := self._stop_by - time.monotonic()) > 0:
                self._cond.wait(None if math.isinf(left) else left)
            running = self._running
            if not running and self._runner is not None:
                self._runner.close()
                self._runner = None
            # Draining: no review is claimed any more, so this set is final.
            interrupted = sorted(self._claimed)
            told, self._told_left_running = self._told_left_running, bool(running)
        if interrupted:
            try:
                self.queue.release(interrupted)
            except Exception:  # they stay running: the next start counts a crash
                log.exception("could not hand the running reviews back to the queue")
        if running and not told:
            log.warning(
                "stopping with %d reviews running: they run again at the next start", running
            )
        return not running

    def hurry(self) -> None:
        """Stop waiting for running reviews (a second stop signal): `close` returns now."""
        with self._cond:
            self._stop_by = time.monotonic()
            self._cond.notify_all()

    def _wait(self, done: Callable[[], bool], timeout: float | None) -> bool:
        deadline = None if timeout is None else time.monotonic() + timeout
        with self._cond:
            while not done():
                left = None if deadline is None else deadline - time.monotonic()
                if left is not None and left <= 0:
                    return False
                self._cond.wait(left)
            return True

    # -- scheduling -------------------------------------------------------------------------

    def _enqueue(self, job: _Job) -> None:
        """Queue a job (the condition held) and make sure enough workers are there."""
        self._ready.append(job)
        self._workers = [w for w in self._workers if w.is_alive()]
        if len(self._workers) < self._max_concurrent:
            worker = threading.Thread(
                target=self._work, name=f"reviewbot-review-{len(self._workers)}", daemon=True
            )
            self._workers.append(worker)
            worker.start()
        self._cond.notify()

    def _next(self) -> _Job | None:
        """The oldest job whose pull request is not being reviewed; None once draining."""
        with self._cond:
            while not self._draining:
                for i, job in enumerate(self._ready):
                    if job.entry.pull not in self._busy_pulls:
                        del self._ready[i]
                        self._busy_pulls.add(job.entry.pull)
                        self._running += 1
                        return job
                self._cond.wait()
            return None

    def _work(self) -> None:
        # Daemon threads: a stop past the grace period does not wait for them.
        while (job := self._next()) is not None:
            try:
                if job.reconcile:
                    self._reconcile(job.entry)
                else:
                    self._review(job.entry)
            except Exception:
                log.exception("review %s could not be handled", job.entry.name[:12])
            finally:
                with self._cond:
                    self._busy_pulls.discard(job.entry.pull)
                    self._running -= 1
                    self._cond.notify_all()

    # -- one review -------------------------------------------------------------------------

    def _review(self, entry: Entry) -> None:
        name = entry.name
        try:
            trigger = ReviewTrigger.from_dict(entry.trigger)
        except (TypeError, ValueError) as exc:
            log.error("review %s has an unreadable record (%s): dropped", name[:12], exc)
            self.queue.finish(name, False, f"unreadable record: {exc}")
            return
        if entry.execution and self._adopt(entry, trigger):
            return
        with self._cond:  # a stop hands back exactly the reviews claimed before it
            if self._draining:
                return  # it stays pending, for the next start
            claim = self.queue.claim(name)
            if claim is not None:
                self._claimed.add(name)
        if claim is None:
            return  # ended meanwhile
        try:
            if claim.crashes >= self._max_crashes:
                self._abandon(trigger, name, crashed(claim.crashes))
                return
            self._collect_garbage()
            succeeded, detail = self._execute(trigger, name, claim.runs)
            pull = f"{trigger.repository}#{trigger.pull_number} at {trigger.head_sha[:12]}"
            if succeeded:
                log.info("review of %s finished", pull)
                self.queue.finish(name, True)
            else:
                log.error("review of %s failed: %s", pull, detail)
                self._abandon(trigger, name, detail)
        finally:
            with self._cond:
                self._claimed.discard(name)

    def _execute(self, trigger: ReviewTrigger, name: str, runs: int) -> tuple[bool, str]:
        """Run the workflow once: (succeeded, what went wrong)."""
        try:
            runner = self._runner_instance()
            arn = runner.run_async(
                input=json.dumps(trigger.workflow_event()),
                execution_name=f"{name[:40]}-{runs}-{uuid.uuid4().hex[:12]}",
                execution_timeout=self._timeout,
            )
            self.queue.set_execution(name, arn)
            result = runner.wait_for_result(arn, self._timeout)
        except TimeoutError:
            return False, f"the review did not finish within {self._timeout} s"
        except Exception as exc:
            log.exception("review %s could not run", name[:12])
            return False, f"the local runner failed ({type(exc).__name__})"
        if result.error is None:
            return True, ""
        return False, getattr(result.error, "message", None) or "unknown error"

    def _adopt(self, entry: Entry, trigger: ReviewTrigger) -> bool:
        """A run that ended before the crash could record it: take its outcome from the
        durable store instead of running it again. True when adopted."""
        result = ended_result(self._root, str(entry.execution))
        if result is None:
            return False
        if result.error is None:
            self.queue.finish(entry.name, True)
        else:
            detail = getattr(result.error, "message", None) or "unknown error"
            self._abandon(trigger, entry.name, detail)
        return True

    def _abandon(self, trigger: ReviewTrigger, name: str, detail: str) -> None:
        """End the review as failed and close its check run (retried at the next start)."""
        closed = self._close_check_run(trigger, detail)
        self.queue.finish(name, False, detail, reconciled=closed)

    def _reconcile(self, entry: Entry) -> None:
        try:
            trigger = ReviewTrigger.from_dict(entry.trigger)
        except (TypeError, ValueError):
            self.queue.mark_reconciled(entry.name)
            return
        if self._close_check_run(trigger, entry.detail):
            self.queue.mark_reconciled(entry.name)

    def _close_check_run(self, trigger: ReviewTrigger, detail: str) -> bool:
        if self._abandon_hook is None:
            return True
        try:
            return bool(self._abandon_hook(trigger, detail))
        except Exception:
            log.exception("could not close the check run of %s", trigger.execution_name()[:12])
            return False

    def _collect_garbage(self) -> None:
        """Bound the workspace before a new run; never fails the review."""
        if self._retention is None:
            return
        try:
            done = collect_garbage(
                self._root,
                max_bytes=self._retention.max_bytes,
                retention_seconds=self._retention.retention_seconds,
                busy=recorded_busy(self.queue.busy_heads()),
            )
            if done.removed:
                log.info(
                    "workspace: removed %d finished runs, freed %.1f MB",
                    len(done.removed),
                    done.freed_bytes / 2**20,
                )
            self.queue.prune(time.time() - ENDED_MEMORY_SECONDS)
        except Exception:
            log.exception("could not bound the workspace")

    def _runner_instance(self) -> Any:
        with self._cond:
            if self._runner is None:
                self._runner = open_runner(self._root, self._handler)
            return self._runner
