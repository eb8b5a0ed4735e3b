"""The review as one durable workflow: prepare → sinks start → clone → agents in parallel →
merge → sinks publish.

The same workflow reviews a local change and a pull request; what differs is the event's
source (`orchestrator.sources`): how the request is prepared and the change fetched, and
which sinks publish the result (GitHub's check run, review and summary comment). Every
phase of every sink is its own step. The same handler runs as a Lambda durable function
and, locally, on the SDK's own in-process runner. On every resume the handler runs again
from the top and finished steps return their checkpointed result, so everything outside
a step is derived from the event alone.

Agents run in-process as steps, or, when `agent_functions` names a Lambda function for
an agent, as a chained invoke of that function (which runs the same agent code). An agent
function mounts the workspace read-only and returns its result, bounded to fit a
checkpoint (`review.agent_result.to_returned`); a step right after the invoke writes the
agent's findings file from it.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass, replace
from pathlib import Path
from typing import Any

from aws_durable_execution_sdk_python import DurableContext, durable_execution
from aws_durable_execution_sdk_python.config import (
    CompletionConfig,
    Duration,
    ParallelConfig,
    StepConfig,
)
from aws_durable_execution_sdk_python.exceptions import StepError
from aws_durable_execution_sdk_python.retries import RetryDecision

from agents.base import run_agent
from agents.cache import write_returned
from agents.registry import get_agent
from orchestrator import steps
from orchestrator.progress import ProgressPolicy, notify
from orchestrator.sources import Sink, Source, State
from reporter.github.errors import PermanentGitHubError
from review.agent_result import from_returned
from review.request import ReviewRequest
from review.workspace import RunDir, Workspace

MAX_STEP_ATTEMPTS = 3
Workflow = Callable[[dict[str, Any], DurableContext], dict[str, Any]]


def _retry(error: Exception, attempts: int) -> RetryDecision:
    """Up to three attempts, 5 s then 10 s apart, except for failures a repeat cannot
    change: bad input (ValueError) and GitHub's 4xx answers."""
    if attempts >= MAX_STEP_ATTEMPTS or isinstance(error, PermanentGitHubError | ValueError):
        return RetryDecision.no_retry()
    return RetryDecision.retry(Duration.from_seconds(min(60, 5 * 2 ** (attempts - 1))))


RETRY = StepConfig(retry_strategy=_retry)
ONCE = StepConfig(retry_strategy=lambda error, attempts: RetryDecision.no_retry())


def make_workflow(
    root: Path,
    sources: Mapping[str, Source],
    agent_functions: Mapping[str, str] | None = None,
    progress: ProgressPolicy | None = None,
) -> Workflow:
    """The workflow over the workspace `root`, for events of `sources` (by name);
    `progress` bounds the sinks' updates as agents finish.

    Wrap it with `durable_execution` (or use `make_handler`).
    """
    functions = dict(agent_functions or {})
    policy = progress or ProgressPolicy()

    def review(event: dict[str, Any], context: DurableContext) -> dict[str, Any]:
        source = sources.get(str(event.get("source")))
        if source is None:
            known = ", ".join(sorted(sources))
            raise ValueError(f"unknown review source {event.get('source')!r} (known: {known})")
        prepared = context.step(lambda _: source.prepare(event, root), name="prepare", config=RETRY)
        sinks = source.sinks(event, prepared, root)
        state: State = {}
        if prepared.get("skip"):
            reason = str(prepared["skip"])
            for sink in sinks:
                _sink_step(context, sink, "skip", state, lambda s=sink: s.skip(state, reason))
            return {"skipped": reason, "outputs": state}
        request = ReviewRequest.from_dict(prepared["request"])
        run = Workspace(root).run(request.run_id)
        for sink in sinks:
            _sink_step(context, sink, "start", state, lambda s=sink: s.start(state))
        try:
            cloned = context.step(lambda _: source.clone(run, request), name="clone", config=RETRY)
            shown = Progress(sinks, state, policy) if sinks else None
            idle = frozenset(cloned.get("idle", ()))  # their results are written already
            run_agents(context, run, request, functions, shown, idle)
            merged = context.step(lambda _: steps.merge(run, request), name="merge", config=RETRY)
            for sink in sinks:
                _sink_step(context, sink, "publish", state, lambda s=sink: s.publish(state))
        except StepError as exc:
            message = str(exc)
            for sink in sinks:
                _sink_step(context, sink, "fail", state, lambda s=sink: s.fail(state, message))
            raise
        return {
            "run_id": run.run_id,
            "report": str(run.report_file),
            "files": cloned["files"],
            **merged,
            "outputs": state,
        }

    return review


def make_handler(
    root: Path,
    sources: Mapping[str, Source],
    agent_functions: Mapping[str, str] | None = None,
    progress: ProgressPolicy | None = None,
) -> Callable:
    """The durable handler (Lambda entry point or local runner workflow)."""
    return durable_execution(make_workflow(root, sources, agent_functions, progress))


def _sink_step(
    context: DurableContext, sink: Sink, phase: str, state: State, call: Callable[[], Any]
) -> None:
    """Run one phase of a sink as a step and record its result in `state`."""
    outcome = context.step(lambda _: call(), name=f"{sink.name}-{phase}", config=RETRY)
    if outcome:
        state[sink.name] = {**state.get(sink.name, {}), **outcome}


@dataclass(frozen=True)
class Progress:
    """Where the agents' progress goes: the review's sinks, within `policy`."""

    sinks: Sequence[Sink]
    state: State
    policy: ProgressPolicy


def run_agents(
    context: DurableContext,
    run: RunDir,
    request: ReviewRequest,
    functions: dict[str, str],
    shown: Progress | None = None,
    idle: frozenset[str] = frozenset(),
) -> None:
    """Every configured agent but the `idle` ones (no changed file concerns them) as one
    parallel branch; a failed agent fails only its branch. With `shown`, each branch ends
    with a progress step (`orchestrator.progress`)."""
    branches = [
        _agent_branch(name, run, request, functions.get(name), shown)
        for name in request.config.agents
        if name not in idle
    ]
    if not branches:
        return
    context.parallel(
        branches,
        name="agents",
        config=ParallelConfig(completion_config=CompletionConfig.all_completed()),
    )


def run_local_agent(name: str, run: RunDir, request: ReviewRequest) -> dict[str, Any]:
    return run_agent(get_agent(name), run, request.config).summary()


def store_returned_result(name: str, run: RunDir, returned: object) -> dict[str, Any]:
    """Write agent `name`'s findings file from what its function returned, and the
    findings cache entries it could not write on its read-only mount; its summary.

    Idempotent (the same file, written atomically), so a repeated step is harmless. The
    file name comes from the agent invoked, never from the untrusted result.
    """
    result = from_returned(name, returned)
    write_returned(run.findings_cache_dir, result.cache_entries)
    run.write_agent_result(replace(result, cache_entries={}))
    return result.summary()


def _agent_branch(
    name: str, run: RunDir, request: ReviewRequest, function: str | None, shown: Progress | None
):
    """One parallel branch: the agent as a local step, or as its own Lambda function,
    then the progress step.

    Either way the branch returns the agent's small summary, so that the parallel
    operation's own checkpoint stays small whatever the agents found.
    """

    def branch(ctx: DurableContext) -> dict[str, Any]:
        if function:
            event = {"run_id": run.run_id, "agent": name}
            returned = ctx.invoke(function, event, name=f"agent-{name}")
            summary = ctx.step(
                lambda _: store_returned_result(name, run, returned),
                name=f"findings-{name}",
                config=RETRY,
            )
        else:
            summary = ctx.step(lambda _: run_local_agent(name, run, request), name=f"agent-{name}")
        if shown is not None:
            agents = request.config.agents
            ctx.step(
                lambda _: notify(shown.sinks, shown.state, run, agents, shown.policy),
                name=f"progress-{name}",
                config=ONCE,
            )
        return summary

    return branch
