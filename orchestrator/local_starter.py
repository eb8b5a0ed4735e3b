"""Starting pull-request reviews on this machine: the `ReviewStarter` of `reviewbot serve`.

`start` queues the review and returns at once (GitHub gives a delivery 10 seconds); a
small thread pool runs each review on the durable SDK's local runner, whose SQLite store
lives in the workspace. Reviews of one pull request run one after the other, so two runs
never share a run folder or race to create the summary comment; at most `max_concurrent`
reviews run at once.
"""

from __future__ import annotations

import json
import logging
import threading
import uuid
from collections.abc import Callable
from concurrent.futures import Future, ThreadPoolExecutor, wait
from pathlib import Path
from typing import Any

from orchestrator.local import open_runner
from review.trigger import ReviewTrigger, StartResult

log = logging.getLogger(__name__)
DEFAULT_TIMEOUT_SECONDS = 3600


class LocalStarter:
    """Runs GitHub reviews on the local durable runner, in the background."""

    def __init__(
        self,
        handler: Callable,
        workspace: Path,
        *,
        max_concurrent: int = 2,
        timeout: int = DEFAULT_TIMEOUT_SECONDS,
    ) -> None:
        """`handler` is the durable workflow (`orchestrator.workflow.make_handler`) over the
        workspace `workspace`, with the pull-request source."""
        self._handler = handler
        self._root = workspace
        self._timeout = timeout
        self._pool = ThreadPoolExecutor(max_concurrent, thread_name_prefix="reviewbot-review")
        self._lock = threading.Lock()
        self._runner: Any = None
        self._pending: set[Future] = set()
        self._pull_locks: dict[str, tuple[threading.Lock, int]] = {}

    def start(self, trigger: ReviewTrigger) -> StartResult:
        name = trigger.execution_name()
        with self._lock:
            future = self._pool.submit(self._run, trigger, name)
            self._pending.add(future)
        future.add_done_callback(self._forget)
        return StartResult(True, name, "queued")

    def wait_idle(self, timeout: float | None = None) -> bool:
        """Wait for every queued review to end; True when none is left (tests, shutdown)."""
        with self._lock:
            pending = set(self._pending)
        done, not_done = wait(pending, timeout=timeout)
        return not not_done

    def close(self) -> None:
        """Stop taking reviews, let the running ones finish, release the runner.

        Reviews still queued are dropped (GitHub does not redeliver by itself): they are
        logged, so `/review` can ask for them again.
        """
        with self._lock:
            queued = sum(1 for future in self._pending if not future.running())
        if queued:
            log.warning("shutting down: %d queued reviews will not run", queued)
        self._pool.shutdown(wait=True, cancel_futures=True)
        with self._lock:
            if self._runner is not None:
                self._runner.close()
                self._runner = None

    def _forget(self, future: Future) -> None:
        with self._lock:
            self._pending.discard(future)

    def _runner_instance(self) -> Any:
        with self._lock:
            if self._runner is None:
                self._runner = open_runner(self._root, self._handler)
            return self._runner

    def _run(self, trigger: ReviewTrigger, name: str) -> dict[str, Any] | None:
        pull = f"{trigger.repository}#{trigger.pull_number}"
        event = trigger.workflow_event()
        with self._pull_lock(pull):
            try:
                runner = self._runner_instance()
                arn = runner.run_async(
                    input=json.dumps(event),
                    execution_name=f"{name[:40]}-{uuid.uuid4().hex[:12]}",
                    execution_timeout=self._timeout,
                )
                result = runner.wait_for_result(arn, self._timeout)
            except Exception:
                log.exception("review of %s could not run", pull)
                return None
        if result.error is not None:
            detail = getattr(result.error, "message", None) or "unknown error"
            log.error("review of %s at %s failed: %s", pull, trigger.head_sha[:12], detail)
            return None
        log.info("review of %s at %s finished", pull, trigger.head_sha[:12])
        return json.loads(result.result) if isinstance(result.result, str) else result.result

    def _pull_lock(self, key: str) -> _Held:
        with self._lock:
            lock, users = self._pull_locks.get(key, (threading.Lock(), 0))
            self._pull_locks[key] = (lock, users + 1)
        return _Held(self, key, lock)

    def _release(self, key: str) -> None:
        with self._lock:
            lock, users = self._pull_locks[key]
            if users <= 1:
                del self._pull_locks[key]  # the table only holds pull requests in flight
            else:
                self._pull_locks[key] = (lock, users - 1)


class _Held:
    """A per-pull-request lock held for one review, forgotten when nobody waits for it."""

    def __init__(self, owner: LocalStarter, key: str, lock: threading.Lock) -> None:
        self._owner, self._key, self._lock = owner, key, lock

    def __enter__(self) -> None:
        self._lock.acquire()

    def __exit__(self, *_: object) -> None:
        self._lock.release()
        self._owner._release(self._key)
