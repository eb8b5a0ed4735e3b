"""Running the durable workflow on this machine, on the SDK's own local runner.

Executions are kept in a SQLite store inside the workspace, so their history survives the
process. While a review runs, progress is read from the workspace itself: each agent's
findings file appears when that agent is done.
"""

from __future__ import annotations

import gc
import json
import sqlite3
import threading
import time
import uuid
from collections import OrderedDict
from collections.abc import Callable, Iterator
from concurrent.futures import Future, ThreadPoolExecutor, wait
from contextlib import contextmanager
from pathlib import Path
from typing import Any

from aws_durable_execution_sdk_python import state as durable_state
from aws_durable_execution_sdk_python_testing.exceptions import ResourceNotFoundException
from aws_durable_execution_sdk_python_testing.execution import Execution
from aws_durable_execution_sdk_python_testing.runner import (
    DurableFunctionTestResult,
    DurableFunctionTestRunner,
)
from aws_durable_execution_sdk_python_testing.stores.sqlite import SQLiteExecutionStore

from orchestrator.review_queue import is_damaged
from orchestrator.sources.local import LocalSource, RepoOptions, local_event
from orchestrator.workflow import make_handler
from orchestrator.workspace_gc import hold_run
from review.agent_result import AgentResult
from review.report import Report
from review.request import ReviewRequest
from review.workspace import RunDir, Workspace

# "started" with the agent names, then "agent" with each agent's result as it finishes.
Progress = Callable[[str, Any], None]
DEFAULT_TIMEOUT_SECONDS = 3600


class WorkflowFailed(RuntimeError):
    """The workflow ended without a report; the message says which step and why."""


class DamagedStore(WorkflowFailed):
    """The workspace's execution store is not a usable database; the message says what to do."""


def _store_path(root: Path) -> Path:
    return root / "state" / "executions.sqlite"


class KeptOpenStore(SQLiteExecutionStore):
    """The SDK's SQLite execution store, with one connection kept open from its first use
    to `close`, where the SDK's opens one per load and per save (1.4: its `_connection`).

    A review makes a few dozen checkpoints, each a load and a save: a connection per call
    opened the database, its WAL and shared memory files, set the pragmas and, closing
    the last connection, checkpointed and deleted the WAL, then made it again, every
    time. The transactions are the SDK's own (a commit per save, WAL, synchronous NORMAL),
    one at a time on the shared connection; the WAL is checkpointed every `WAL_PAGES`
    pages and cut back to `WAL_BYTES` (it counts in the workspace's size). A call after
    `close` (a runner's last checkpoint, finishing as it shuts down) gets a connection of
    its own, closed after it, as the SDK's store would: closing the last connection
    checkpoints the WAL into the database and removes it.

    Each save also keeps the execution in memory (the last `LOADED` saved or loaded), and
    a load returns that object, as the SDK's in-memory store does (its runner's default):
    the SDK's worker loads the execution for every checkpoint and again to read its
    status, and parsing it from JSON each time was a third of the local runner's CPU.
    What is in the database is what was last saved: the execution is written through
    before it is kept, and another process (or `ended_result`) reads the database.
    """

    WAL_PAGES = 256
    WAL_BYTES = 1024 * 1024
    # executions kept in memory, the most recently saved or loaded; past it the oldest
    # finished one is let go (`serve` runs at most REVIEWBOT_MAX_CONCURRENT_REVIEWS, 64)
    LOADED = 128

    def __init__(self, db_path: Path) -> None:
        super().__init__(db_path)
        self._kept: sqlite3.Connection | None = None
        self._closed = False
        self._one_at_a_time = threading.RLock()
        self._loaded: OrderedDict[str, Execution] = OrderedDict()

    def save(self, execution: Execution) -> None:
        """Write `execution` through to the database, then keep it for `load`."""
        super().save(execution)
        self._keep(execution.durable_execution_arn, execution)

    def load(self, execution_arn: str) -> Execution:
        """The execution as last saved in this process, the same object (as the SDK's
        in-memory store returns it), or read from the database when it is not kept."""
        with self._one_at_a_time:  # one object per execution, even for loads at once
            execution = self._loaded.get(execution_arn)
            if execution is None:
                execution = super().load(execution_arn)
            self._keep(execution_arn, execution)
        return execution

    def _keep(self, execution_arn: str, execution: Execution) -> None:
        with self._one_at_a_time:
            self._loaded[execution_arn] = execution
            self._loaded.move_to_end(execution_arn)
            while len(self._loaded) > self.LOADED:  # the oldest finished one first
                done = next((arn for arn, e in self._loaded.items() if e.is_complete), None)
                self._loaded.pop(done if done is not None else next(iter(self._loaded)))

    def _get_connection(self) -> sqlite3.Connection:
        connection = sqlite3.connect(self.db_path, timeout=30.0, check_same_thread=False)
        for pragma in (
            "journal_mode=WAL",
            "synchronous=NORMAL",
            f"wal_autocheckpoint={self.WAL_PAGES}",
            f"journal_size_limit={self.WAL_BYTES}",
        ):
            connection.execute(f"PRAGMA {pragma};")
        return connection

    @contextmanager
    def _connection(self) -> Iterator[sqlite3.Connection]:
        with self._one_at_a_time:
            if self._closed:
                with super()._connection() as connection:
                    yield connection
                return
            if self._kept is None:
                self._kept = self._get_connection()
            with self._kept:  # a transaction: committed, or rolled back on an error
                yield self._kept

    def close(self) -> None:
        with self._one_at_a_time:
            self._closed = True
            if self._kept is not None:
                self._kept.close()
                self._kept = None


class LocalRunner(DurableFunctionTestRunner):
    """The SDK's local runner, closing its kept-open store with it."""

    def close(self) -> None:
        super().close()
        if isinstance(self._store, KeptOpenStore):
            self._store.close()


def _open_store(root: Path) -> KeptOpenStore:
    """The workspace's execution store (created if missing); DamagedStore when its file is
    not a usable database."""
    (root / "state").mkdir(parents=True, exist_ok=True)
    path = _store_path(root)
    try:
        store = KeptOpenStore(path)
        store._init_db()
        return store
    except RuntimeError as exc:  # the SDK wraps sqlite3 errors in RuntimeError
        cause = exc.__cause__
        if cause is None or not is_damaged(cause):
            raise
        raise DamagedStore(
            f"{path} is damaged ({' '.join(str(cause).split())}): remove it and its -wal and "
            "-shm files; it only holds the history of past runs"
        ) from None


def check_store(root: Path) -> None:
    """Raise DamagedStore now if the workspace's execution store cannot be used."""
    _open_store(root).close()


# The SDK's checkpoint batcher (aws_durable_execution_sdk_python.state, 3.0) notices that an
# invocation has ended only at its next poll of the stop signal, every 0.1 s: each local
# review waited up to that long after its last step. And once a batch holds a checkpoint
# whose caller is blocked, it waits 1 ms for more to share the request: a review makes
# about fifteen such checkpoints, and locally a request is a call into the store in this
# process, which a batch saves little of (an identical re-review of 300 files: 0.144 s
# with the wait, 0.123 s without). Locally the poll costs a wake-up, and a blocked
# caller's checkpoint is sent at once (checkpoints queued behind it go in the next
# requests); on Lambda (which never imports this module) the SDK's values stay.
_LOCAL_STOP_POLL_SECONDS = 0.005
_LOCAL_BLOCKED_CALLER_WAIT_SECONDS = 0.0


def _poll_stop_sooner() -> None:
    if hasattr(durable_state, "_STOP_SIGNAL_POLL_SECONDS"):
        durable_state._STOP_SIGNAL_POLL_SECONDS = _LOCAL_STOP_POLL_SECONDS
    if hasattr(durable_state, "_BLOCKED_CALLER_WAIT_SECONDS"):
        durable_state._BLOCKED_CALLER_WAIT_SECONDS = _LOCAL_BLOCKED_CALLER_WAIT_SECONDS


def open_runner(root: Path, workflow: Callable) -> LocalRunner:
    """A local runner whose executions are stored on disk under the workspace; raises
    DamagedStore when the store's file is damaged."""
    _poll_stop_sooner()
    _freeze_startup_heap()
    store = _open_store(root)
    return LocalRunner(handler=workflow, store=store, poll_interval=0.05)


_FROZEN = threading.Lock()


def _freeze_startup_heap() -> None:
    """Once per process, at its first local runner: take every object the garbage
    collector tracks so far (the imported modules, classes and functions, some 60,000)
    out of its collections (`gc.freeze`). A full collection walked them all, about 30 ms
    on this project's 2-core machine, every few reviews of a 300-file change; they live
    as long as the process anyway. Objects made later are collected as before."""
    if _FROZEN.acquire(blocking=False):
        gc.freeze()


def ended_result(root: Path, execution_arn: str) -> DurableFunctionTestResult | None:
    """The result of a stored execution that has ended (in this process or an earlier
    one), or None when it has not ended or is not in the workspace's store."""
    if not _store_path(root).is_file():
        return None
    try:
        execution = SQLiteExecutionStore(_store_path(root)).load(execution_arn)
    except (ResourceNotFoundException, RuntimeError, ValueError):
        return None
    if not execution.is_complete or execution.result is None:
        return None
    return DurableFunctionTestResult.create(execution)


def run_review(
    request: ReviewRequest,
    root: Path,
    progress: Progress | None = None,
    timeout: int = DEFAULT_TIMEOUT_SECONDS,
    options: RepoOptions | None = None,
) -> Report:
    """Run one local review to its end and return the report it wrote; `options` say how
    the repository's configuration applies.

    The run folder is held for the whole run: a workspace sweep never removes it.
    """
    run = Workspace(root).run(request.run_id)
    handler = make_handler(root, {LocalSource.name: LocalSource()})
    with hold_run(root, request.run_id), open_runner(root, handler) as runner:
        run.request_file.unlink(missing_ok=True)  # prepare writes it with the agents to run
        started = time.time()
        arn = runner.run_async(
            input=json.dumps(local_event(request, options)),
            execution_name=f"{request.run_id}-{uuid.uuid4().hex[:8]}",
            execution_timeout=timeout,
        )
        with ThreadPoolExecutor(max_workers=1) as pool:
            waiting = pool.submit(runner.wait_for_result, arn, timeout)
            if progress:
                _follow(waiting, run, started, progress)
            result = waiting.result()
    if result.error is not None or not run.report_file.exists():
        error = result.error
        detail = getattr(error, "message", None) or "no report was written"
        raise WorkflowFailed(f"the review failed: {detail}")
    return run.read_report()


def _follow(waiting: Future, run: RunDir, started: float, progress: Progress) -> None:
    """Report the agents once the request is prepared, then each agent as its findings
    file (written since `started`) appears, until the run ends."""
    while not run.request_file.exists():
        if waiting.done():
            return
        wait([waiting], timeout=0.05)
    agents = run.read_request().config.agents
    seen: set[str] = set()
    progress("started", list(agents))
    while len(seen) < len(agents):
        finished = waiting.done()  # read before the sweep, so the last files are not missed
        for name in agents:
            path = run.findings_file(name)
            if name not in seen and path.exists() and path.stat().st_mtime >= started:
                seen.add(name)
                result: AgentResult = run.read_agent_result(name)
                progress("agent", result)
        if finished:
            return
        wait([waiting], timeout=0.1)
