"""The review as one durable workflow: prepare → clone → agents in parallel → merge.

The same handler runs as a Lambda durable function and, locally, on the SDK's own
in-process runner. On every resume the handler runs again from the top and finished
steps return their checkpointed result, so everything outside a step is deterministic.
Agents run in-process as steps, or, when `agent_functions` names a Lambda function for
an agent, as a chained invoke of that function (which runs the same agent code).
"""

from __future__ import annotations

from pathlib import Path
from typing import Any

from aws_durable_execution_sdk_python import DurableContext, durable_execution
from aws_durable_execution_sdk_python.config import (
    CompletionConfig,
    ParallelConfig,
    StepConfig,
)
from aws_durable_execution_sdk_python.retries import RetryStrategyConfig, create_retry_strategy

from agents.base import run_agent, summarise
from agents.registry import get_agent
from orchestrator import steps
from review.request import ReviewRequest
from review.workspace import RunDir, Workspace, default_root

# Steps touch git and the file system: a transient failure is worth two more tries.
_RETRY = StepConfig(retry_strategy=create_retry_strategy(RetryStrategyConfig(max_attempts=3)))


def run_folder(event: dict[str, Any]) -> tuple[RunDir, ReviewRequest]:
    request = ReviewRequest.from_dict(event["request"])
    root = Path(event["workspace"]) if event.get("workspace") else default_root()
    return Workspace(root).run(request.run_id), request


def review(event: dict[str, Any], context: DurableContext) -> dict[str, Any]:
    """The workflow; `event` is {"request": ..., "workspace"?: ..., "agent_functions"?: ...}."""
    run, request = run_folder(event)
    context.step(lambda _: steps.prepare(run, request), name="prepare", config=_RETRY)
    cloned = context.step(lambda _: steps.clone(run, request), name="clone", config=_RETRY)
    run_agents(context, run, request, event.get("agent_functions") or {})
    merged = context.step(lambda _: steps.merge(run, request), name="merge", config=_RETRY)
    return {
        "run_id": run.run_id,
        "report": str(run.report_file),
        "files": cloned["files"],
        **merged,
    }


def run_agents(
    context: DurableContext, run: RunDir, request: ReviewRequest, functions: dict[str, str]
) -> None:
    """Every configured agent as one parallel branch; a failed agent fails only its branch."""
    branches = [
        _agent_branch(name, run, request, functions.get(name)) for name in request.config.agents
    ]
    if not branches:
        return
    context.parallel(
        branches,
        name="agents",
        config=ParallelConfig(completion_config=CompletionConfig.all_completed()),
    )


def run_local_agent(name: str, run: RunDir, request: ReviewRequest) -> dict[str, Any]:
    return summarise(run_agent(get_agent(name), run, request.config))


def _agent_branch(name: str, run: RunDir, request: ReviewRequest, function: str | None):
    """One parallel branch: the agent as a local step, or as its own Lambda function."""

    def branch(ctx: DurableContext) -> dict[str, Any]:
        if function:
            return ctx.invoke(function, {"run_id": run.run_id, "agent": name}, name=f"agent-{name}")
        return ctx.step(lambda _: run_local_agent(name, run, request), name=f"agent-{name}")

    return branch


handler = durable_execution(review)
