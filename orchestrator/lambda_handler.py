"""Lambda entry point of the durable review workflow: `orchestrator.lambda_handler.handler`.

The webhook starts it with a pull-request trigger (the bare ReviewTrigger dict): that is
the GitHub workflow (prepare → check run → clone → agents → merge → publish), built once
per cold start around a GitHubApp whose key comes from Secrets Manager
(REVIEWBOT_PRIVATE_KEY_ARN) and whose id is REVIEWBOT_APP_ID. An event carrying a
prepared {"request": ...} runs the plain review workflow, as `reviewbot review` does.

Locally the agents run in-process as steps. On Lambda each agent is its own function (its
own memory, timeout and concurrency), named by REVIEWBOT_AGENT_FUNCTIONS: a JSON object of
agent name to qualified function name or ARN. It is read once per cold start, so a bad value
fails the function's init instead of a review half-way through, and every replay of an
execution sees the same map.
"""

from __future__ import annotations

import json
import os
from collections.abc import Callable, Mapping
from functools import cache
from typing import Any

from aws_durable_execution_sdk_python import DurableContext, durable_execution

from orchestrator.workflow import review
from review.request import ReviewConfig

AGENT_FUNCTIONS_ENV = "REVIEWBOT_AGENT_FUNCTIONS"


def agent_functions(environ: Mapping[str, str]) -> dict[str, str]:
    """The agent → function map in `environ`; empty (agents run in-process) when unset."""
    raw = environ.get(AGENT_FUNCTIONS_ENV, "").strip()
    if not raw:
        return {}
    try:
        parsed = json.loads(raw)
    except json.JSONDecodeError as exc:
        raise ValueError(f"{AGENT_FUNCTIONS_ENV} is not valid JSON: {exc}") from None
    if not isinstance(parsed, dict) or not all(
        isinstance(name, str) and isinstance(function, str) and function
        for name, function in parsed.items()
    ):
        raise ValueError(
            f"{AGENT_FUNCTIONS_ENV} must be a JSON object of agent name to function name"
        )
    return parsed


AGENT_FUNCTIONS = agent_functions(os.environ)


@cache
def github_workflow() -> Callable[[dict[str, Any], DurableContext], dict[str, Any]]:
    """The pull-request workflow of this deployment, built on the first GitHub event."""
    import boto3

    from orchestrator.github_workflow import make_workflow
    from reporter.github.client import GitHubApp
    from reporter.github.settings import GitHubSettings

    key_arn = os.environ.get("REVIEWBOT_PRIVATE_KEY_ARN")
    key = None
    if key_arn:
        secrets = boto3.client("secretsmanager")
        key = secrets.get_secret_value(SecretId=key_arn)["SecretString"]
    app = GitHubApp(GitHubSettings.from_env(os.environ, private_key=key))
    config = ReviewConfig(model=os.environ.get("REVIEWBOT_MODEL", "").strip() or "none")
    return make_workflow(app, AGENT_FUNCTIONS, config)


def review_on_lambda(event: dict[str, Any], context: DurableContext) -> dict[str, Any]:
    """A pull-request review, or a prepared request's review, with this deployment's agents."""
    if "request" not in event:
        return github_workflow()(event, context)
    if "agent_functions" not in event:
        event = {**event, "agent_functions": AGENT_FUNCTIONS}
    return review(event, context)


handler = durable_execution(review_on_lambda)
