"""`reviewbot serve`: the composition root of the webhook edge and the review flow in one
process.

The edge (`webhook`) verifies and routes deliveries and hands each review to a
`LocalStarter`, which records it durably in the workspace, runs the durable workflow
with the pull-request source on this machine, runs again at start-up whatever a crash or
a stop left unfinished, closes the check run of any review that ends without a result,
and keeps the workspace under its bound. The agents' names for `/review <agent>` come
from the agent registry. Settings are read once by the command and passed down.
"""

from __future__ import annotations

import logging
import os
from functools import partial
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
    config: ReviewConfig | None = None,
    policy: RetryPolicy | None = None,
    transport: httpx.BaseTransport | None = None,
) -> FastAPI:
    """The webhook app of `reviewbot serve`, reviewing in this process.

    `settings` must name the App (id and a parseable RSA key) and the webhook secret:
    ConfigError says which is missing or wrong. `config` is the template of every
    review's configuration (models, limits; the trigger picks the agents; default: the
    settings' model). The starter is `app.state.review_starter` (opened at start-up,
    closed at shutdown within `shutdown_grace_seconds`); `app.state.app_check` is the
    readiness check of the App's credentials.
    """
    from agents import registry
    from orchestrator.local_starter import LocalStarter, Retention
    from orchestrator.sources.pull_request import PullRequestSource
    from orchestrator.workflow import make_handler
    from reporter.github.client import GitHubApp
    from reporter.github.orphans import close_abandoned
    from reporter.github.settings import GitHubSettings
    from webhook.app import create_app
    from webhook.app_auth import InstallationTokens
    from webhook.github import HttpxGitHub
    from webhook.readiness import AppCheck
    from webhook.settings import WebhookSettings

    settings.require_valid_app()
    edge = WebhookSettings.from_settings(settings, registry.names(), require_app=True)
    assert edge.app_id is not None and edge.private_key is not None
    github = GitHubApp(GitHubSettings.from_settings(settings), policy=policy, transport=transport)
    root = workspace or settings.workspace_root()
    source = PullRequestSource(github, config or settings.review_config())
    starter = LocalStarter(
        make_handler(root, {source.name: source}),
        root,
        max_concurrent=settings.max_concurrent_reviews,
        on_abandoned=partial(close_abandoned, github),
        retention=Retention(settings.workspace_max_bytes(), settings.run_retention_seconds()),
    )
    tokens = InstallationTokens(edge.app_id, edge.private_key, edge.github_api_url)
    check = AppCheck(tokens.app_jwt, edge.github_api_url)

    async def readiness() -> tuple[bool, str]:
        if starter.draining:
            return False, "stopping: deliveries are recorded and queued for the next start"
        answer = await check.check()
        return answer.ok, answer.detail

    commands = HttpxGitHub(tokens, edge.github_api_url, drop_token=tokens.drop)
    app = create_app(edge, starter, commands, readiness=readiness)
    app.state.review_starter = starter
    app.state.app_check = check
    app.router.on_startup.append(starter.open)
    app.router.on_shutdown.append(partial(starter.close, settings.shutdown_grace_seconds))
    return app


def serve(app: FastAPI, settings: Settings, host: str = "127.0.0.1", port: int = 8000) -> None:
    """Serve `app` (from `build_serve_app`) until stopped: the first SIGTERM or SIGINT
    drains (deliveries are still answered, `queued`, and recorded for the next start;
    running reviews get the grace period, then go back to the queue), a second one stops
    at once. The caller holds the workspace (`orchestrator.serve_lock`)."""
    from webhook.server import DrainingServer, server_config

    config = server_config(
        app,
        host,
        port,
        request_timeout=settings.request_timeout_seconds,
        max_connections=settings.max_connections,
    )
    starter = app.state.review_starter
    drain = partial(starter.close, settings.shutdown_grace_seconds)
    DrainingServer(config, drain, starter.hurry).run()
    if not starter.close(0):
        # Reviews still running past the grace are back in the queue as pending and run
        # again at the next start. The durable SDK runs their steps on worker threads the
        # interpreter would wait for at exit, so the process ends without them.
        logging.shutdown()
        os._exit(0)
