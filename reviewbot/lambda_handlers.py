"""AWS Lambda entry points, one per function kind, all in the one image:

- `reviewbot.lambda_handlers.webhook`: the edge (Mangum over FastAPI), starting reviews by
  an asynchronous invoke of the durable review function;
- `reviewbot.lambda_handlers.review`: the durable review workflow, with the pull-request
  source and the agents as functions of their own (REVIEWBOT_AGENT_FUNCTIONS);
- `reviewbot.lambda_handlers.agent`: one agent on one run folder of the workspace, which
  it mounts read-only; its result goes back in the invoke's result.

Each is built on first attribute access, which the Lambda runtime does during init: the
settings are read once (secrets from Secrets Manager by ARN) and passed down, a bad value
fails the function's init instead of a review half-way through, and importing this
module costs nothing. Only the builder of the function at hand imports its code, so the
webhook's cold start loads neither the workflow nor the agents' implementations.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:
    from pathlib import Path

    from review.settings import Settings


def build_webhook(settings: Settings) -> Any:
    """The edge. Its log lines are formatted by the Lambda runtime (the functions'
    LoggingConfig asks for JSON), which keeps `webhook.logs.log_event`'s fields as keys."""
    from mangum import Mangum

    from agents.registry import names
    from review.settings import ConfigError
    from webhook.app import create_app
    from webhook.app_auth import client_from_settings
    from webhook.settings import WebhookSettings
    from webhook.starters import DedupingStarter, LambdaStarter

    edge = WebhookSettings.from_settings(settings, names())
    if not settings.review_function:
        raise ConfigError(
            "REVIEWBOT_REVIEW_FUNCTION is not set: set it to the review function's name"
        )
    starter = DedupingStarter(
        LambdaStarter(settings.review_function, settings.review_function_alias)
    )
    return Mangum(create_app(edge, starter, client_from_settings(edge)), lifespan="off")


def build_review(settings: Settings) -> Callable:
    from orchestrator.sources.local import LocalSource
    from orchestrator.sources.pull_request import PullRequestSource
    from orchestrator.workflow import make_handler
    from reporter.github.client import GitHubApp
    from reporter.github.settings import GitHubSettings

    sources: list[Any] = [LocalSource()]
    if settings.app_id is not None:  # a deployment for the GitHub App: needs its key too
        app = GitHubApp(GitHubSettings.from_settings(settings))
        sources.append(PullRequestSource(app, settings.review_config()))
    root = settings.workspace_root()
    return make_handler(root, {s.name: s for s in sources}, settings.agent_functions)


def build_agent(settings: Settings) -> Callable[[dict[str, Any], Any], dict[str, Any]]:
    """One agent function. It reads the run folder (request, diff, checkout) and writes
    nothing there: its mount is read-only, and the orchestrator writes the findings file
    from the result this handler returns (`review.agent_result.to_returned`: at most
    RETURNED_LIMIT bytes of JSON, to fit the durable execution's checkpoint)."""
    from agents.base import run_agent
    from agents.registry import get_agent
    from review.agent_result import AgentResult, to_returned
    from review.workspace import RunDir, Workspace

    class ReturningRun(RunDir):
        """A run folder whose agent result is returned, not written (see build_agent)."""

        def write_agent_result(self, result: AgentResult) -> Path:
            return self.findings_file(result.agent)  # the orchestrator writes it there

    workspace = Workspace(settings.workspace_root())

    def handler(event: dict[str, Any], _context: Any) -> dict[str, Any]:
        """{"run_id", "agent"} in; the agent's bounded result out."""
        run = ReturningRun(workspace.run(str(event["run_id"])).path)
        request = run.read_request()
        return to_returned(run_agent(get_agent(str(event["agent"])), run, request.config))

    return handler


_BUILDERS: dict[str, Callable[[Settings], Any]] = {
    "webhook": build_webhook,
    "review": build_review,
    "agent": build_agent,
}


def __getattr__(name: str) -> Any:
    builder = _BUILDERS.get(name)
    if builder is None:
        raise AttributeError(f"module {__name__!r} has no attribute {name!r}")
    from review.settings import load_settings

    globals()[name] = built = builder(load_settings(env_file=None))
    return built
