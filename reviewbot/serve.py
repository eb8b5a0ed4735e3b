"""`reviewbot serve`: the composition root of the webhook edge and the review flow in one
process.

The edge (`webhook`) verifies and routes deliveries and hands each review to a
`LocalStarter`, which runs the durable workflow with the pull-request source on this
machine; the agents' names for `/review <agent>` come from the agent registry. Settings
are read once by the command and passed down.
"""

from __future__ import annotations

from pathlib import Path
from typing import TYPE_CHECKING

from review.request import ReviewConfig
from review.settings import Settings

if TYPE_CHECKING:
    import httpx
    from fastapi import FastAPI

    from reporter.github.retry import RetryPolicy


def build_serve_app(
    settings: Settings,
    *,
    workspace: Path | None = None,
    max_concurrent: int = 2,
    config: ReviewConfig | None = None,
    policy: RetryPolicy | None = None,
    transport: httpx.BaseTransport | None = None,
) -> FastAPI:
    """The webhook app of `reviewbot serve`, reviewing in this process.

    `settings` must name the App (id and key) and the webhook secret: ConfigError says
    which is missing. `config` is the template of every review's configuration (models,
    limits; the trigger picks the agents; default: the settings' model). The starter is
    `app.state.review_starter`; it is closed when the server shuts down.
    """
    from agents import registry
    from orchestrator.local_starter import LocalStarter
    from orchestrator.sources.pull_request import PullRequestSource
    from orchestrator.workflow import make_handler
    from reporter.github.client import GitHubApp
    from reporter.github.settings import GitHubSettings
    from webhook.app import create_app
    from webhook.app_auth import client_from_settings
    from webhook.settings import WebhookSettings
    from webhook.starters import DedupingStarter

    edge = WebhookSettings.from_settings(settings, registry.names(), require_app=True)
    github = GitHubApp(GitHubSettings.from_settings(settings), policy=policy, transport=transport)
    root = workspace or settings.workspace_root()
    source = PullRequestSource(github, config or ReviewConfig(model=settings.model))
    handler = make_handler(root, {source.name: source})
    starter = LocalStarter(handler, root, max_concurrent=max_concurrent)
    app = create_app(edge, DedupingStarter(starter), client_from_settings(edge))
    app.state.review_starter = starter
    app.router.on_shutdown.append(starter.close)
    return app


def serve(app: FastAPI, host: str = "127.0.0.1", port: int = 8000) -> None:
    """Serve `app` (from `build_serve_app`) until interrupted."""
    import uvicorn

    uvicorn.run(app, host=host, port=port, log_level="info")
