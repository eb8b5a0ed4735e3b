"""The pull-request review as one durable workflow.

prepare → check run → clone → agents in parallel → merge → publish. The event is
{"trigger": ReviewTrigger dict, "workspace"?: path} (or the bare trigger dict, as the
Lambda starter sends it). The workflow is built around one `GitHubApp`, so credentials
and token caches are passed in, never global. Replays re-run this function from the
top: everything outside the steps is derived from the event alone.

Steps that talk to GitHub are retried by the SDK unless GitHub's answer was a 4xx that
retrying cannot fix; once the check run exists, a step that fails for good closes it
as failed instead of leaving it "in progress".
"""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path
from typing import Any

from aws_durable_execution_sdk_python import DurableContext, durable_execution
from aws_durable_execution_sdk_python.config import Duration, StepConfig
from aws_durable_execution_sdk_python.exceptions import StepError
from aws_durable_execution_sdk_python.retries import RetryDecision

from orchestrator import pull_request, steps
from orchestrator.workflow import run_agents
from reporter.github.client import GitHubApp
from reporter.github.retry import PermanentGitHubError
from review.request import ReviewConfig, ReviewRequest
from review.workspace import Workspace, default_root

MAX_STEP_ATTEMPTS = 3


def _retry(error: Exception, attempts: int) -> RetryDecision:
    """Up to three attempts, except for answers that a repeat cannot change."""
    if attempts >= MAX_STEP_ATTEMPTS or isinstance(error, PermanentGitHubError | ValueError):
        return RetryDecision.no_retry()
    return RetryDecision.retry(Duration.from_seconds(min(60, 5 * 2 ** (attempts - 1))))


RETRY = StepConfig(retry_strategy=_retry)


def make_workflow(
    app: GitHubApp,
    agent_functions: dict[str, str] | None = None,
    config: ReviewConfig | None = None,
) -> Callable[[dict[str, Any], DurableContext], dict[str, Any]]:
    """The workflow function for `app`; wrap it with `durable_execution` (or use
    `make_handler`). `agent_functions` maps agents to Lambda functions, as in local mode;
    `config` is the template of each review's configuration (the trigger picks the agents).
    """
    functions = dict(agent_functions or {})

    def review_pull_request(event: dict[str, Any], context: DurableContext) -> dict[str, Any]:
        trigger = pull_request.trigger_of(event)
        root = Path(event["workspace"]) if event.get("workspace") else default_root()
        key = pull_request.run_key(trigger)
        prepared = context.step(
            lambda _: pull_request.prepare(app, trigger, root, config),
            name="prepare",
            config=RETRY,
        )
        if prepared.get("skip"):
            head, skip = prepared["head"], prepared["skip"]
            check = context.step(
                lambda _: pull_request.start_check(app, trigger, key, head, skip),
                name="check-run",
                config=RETRY,
            )
            return {"skipped": skip, **check}
        request = ReviewRequest.from_dict(prepared["request"])
        run = Workspace(root).run(request.run_id)
        check = context.step(
            lambda _: pull_request.start_check(app, trigger, key, request.head),
            name="check-run",
            config=RETRY,
        )
        check_run_id = int(check["check_run_id"])
        try:
            context.step(
                lambda _: pull_request.clone(app, run, request), name="clone", config=RETRY
            )
            run_agents(context, run, request, functions)
            merged = context.step(lambda _: steps.merge(run, request), name="merge", config=RETRY)
            published = context.step(
                lambda _: pull_request.publish(app, run, request, check_run_id, key),
                name="publish",
                config=RETRY,
            )
        except StepError as exc:
            message = str(exc)
            context.step(
                lambda _: pull_request.fail(app, request, check_run_id, message),
                name="report-failure",
                config=RETRY,
            )
            raise
        return {"run_id": run.run_id, "check_run_id": check_run_id, **merged, **published}

    return review_pull_request


def make_handler(
    app: GitHubApp,
    agent_functions: dict[str, str] | None = None,
    config: ReviewConfig | None = None,
) -> Callable:
    """The durable handler (Lambda entry point or local runner workflow) for `app`."""
    return durable_execution(make_workflow(app, agent_functions, config))
