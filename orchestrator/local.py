"""Running the durable workflow on this machine, on the SDK's own local runner.

Executions are kept in a SQLite store inside the workspace, so their history survives the
process. While a review runs, progress is read from the workspace itself: each agent's
findings file appears when that agent is done.
"""

from __future__ import annotations

import json
import time
import uuid
from collections.abc import Callable
from concurrent.futures import Future, ThreadPoolExecutor, wait
from pathlib import Path
from typing import Any

from aws_durable_execution_sdk_python_testing.runner import DurableFunctionTestRunner
from aws_durable_execution_sdk_python_testing.stores.sqlite import SQLiteExecutionStore

from orchestrator.workflow import handler
from review.report import Report
from review.request import ReviewRequest
from review.workspace import Workspace, read_json

Progress = Callable[[str, dict[str, Any]], None]
DEFAULT_TIMEOUT_SECONDS = 3600


class WorkflowFailed(RuntimeError):
    """The workflow ended without a report; the message says which step and why."""


def open_runner(root: Path, workflow: Callable = handler) -> DurableFunctionTestRunner:
    """A local runner whose executions are stored on disk under the workspace."""
    state = root / "state"
    state.mkdir(parents=True, exist_ok=True)
    store = SQLiteExecutionStore.create_and_initialize(state / "executions.sqlite")
    return DurableFunctionTestRunner(handler=workflow, store=store, poll_interval=0.05)


def run_review(
    request: ReviewRequest,
    root: Path,
    progress: Progress | None = None,
    timeout: int = DEFAULT_TIMEOUT_SECONDS,
    workflow: Callable = handler,
) -> Report:
    """Run one review to its end and return the report it wrote."""
    run = Workspace(root).run(request.run_id)
    event = {"request": request.to_dict(), "workspace": str(root)}
    with open_runner(root, workflow) as runner:
        arn = runner.run_async(
            input=json.dumps(event),
            execution_name=f"{request.run_id}-{uuid.uuid4().hex[:8]}",
            execution_timeout=timeout,
        )
        with ThreadPoolExecutor(max_workers=1) as pool:
            waiting = pool.submit(runner.wait_for_result, arn, timeout)
            if progress:
                _follow(waiting, run.findings_dir, request.config.agents, progress)
            result = waiting.result()
    if result.error is not None or not run.report_file.exists():
        error = result.error
        detail = getattr(error, "message", None) or "no report was written"
        raise WorkflowFailed(f"the review failed: {detail}")
    return Report.from_dict(read_json(run.report_file))


def _follow(
    waiting: Future, findings_dir: Path, agents: tuple[str, ...], progress: Progress
) -> None:
    """Report each agent as its findings file appears, until the run ends."""
    seen: set[str] = set()
    started = time.time()
    progress("started", {"agents": list(agents)})
    while len(seen) < len(agents):
        finished = waiting.done()  # read before the sweep, so the last files are not missed
        for name in agents:
            path = findings_dir / f"{name}.json"
            if name not in seen and path.exists() and path.stat().st_mtime >= started:
                seen.add(name)
                progress("agent", {"agent": name, **read_json(path)})
        if finished:
            return
        wait([waiting], timeout=0.1)
