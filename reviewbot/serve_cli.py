"""`reviewbot serve`: the GitHub App's webhook with the reviews in this process."""

from __future__ import annotations

import argparse
import sys
from typing import TYPE_CHECKING

from review.settings import ConfigError, Settings
from reviewbot.errors import UsageError
from reviewbot.review_cli import models

if TYPE_CHECKING:
    from fastapi import FastAPI

    from review.request import ReviewConfig


def add_command(commands: argparse._SubParsersAction, common: argparse.ArgumentParser) -> None:
    """The `serve` command and its options."""
    serve = commands.add_parser(
        "serve",
        help="run the GitHub App webhook endpoint with the reviews in this process "
        "(settings from the environment over ./.env)",
        parents=[common],
    )
    serve.add_argument(
        "--host",
        default="127.0.0.1",
        help="address to listen on (default: 127.0.0.1, this machine only; 0.0.0.0 for all)",
    )
    serve.add_argument(
        "--port", type=int, default=8000, help="TCP port to listen on (default: 8000)"
    )
    serve.set_defaults(command=serve_command, reads_env_file=True)


def serve_command(args: argparse.Namespace, settings: Settings) -> int:
    """Serve `POST /webhook`, `GET /healthz` and `GET /readyz`; reviews run on the local
    durable runner. Without any App setting nor a stored App, serve the setup page instead
    (`reviewbot.serve_setup`). A setting GitHub refuses, a damaged workspace store, or
    another server keeping the workspace past REVIEWBOT_WORKSPACE_WAIT_SECONDS stops it,
    with one line."""
    from orchestrator.local import DamagedStore
    from orchestrator.review_queue import DamagedQueue
    from orchestrator.serve_lock import WorkspaceBusy, lock_workspace
    from review.app_credentials import with_stored_app
    from reviewbot.serve import serve

    model, agent_models = models(None, settings)
    config = settings.review_config(model=model, agent_models=agent_models)
    try:
        settings, stored = with_stored_app(settings)
        if settings.names_an_app():
            app = app_of(settings, config, stored is not None)
        else:
            from reviewbot.serve_setup import build_setup_app, setup_token

            token = setup_token(settings)
            app = build_setup_app(settings, token, config=config)
            print(setup_notice(settings, token), file=sys.stderr, flush=True)
    except (ConfigError, DamagedQueue, DamagedStore) as exc:
        raise UsageError(str(exc)) from None
    root = settings.workspace_root()
    wait = settings.workspace_wait_seconds

    def waiting(holder: str) -> None:
        print(
            f"reviewbot: waiting up to {wait:g} s for the reviewbot serve using {root} "
            f"({holder}) to stop (a rolling deploy?)",
            file=sys.stderr,
            flush=True,
        )

    try:
        lock = lock_workspace(root, wait, waiting)  # held until the process ends
    except WorkspaceBusy as exc:
        raise UsageError(str(exc)) from None
    try:
        serve(app, settings, args.host, args.port)
    finally:
        lock.release()
    return 0


def setup_notice(settings: Settings, token: str) -> str:
    """The start line of `serve` without an App: the setup link with its token (printed to
    the operator's terminal only, never logged; REVIEWBOT_SETUP_TOKEN's value is not
    repeated), or what to set first."""
    from review.app_credentials import credentials_path

    if not settings.public_url:
        how = (
            "set REVIEWBOT_PUBLIC_URL to this server's URL and restart: the setup link is "
            "printed then"
        )
    elif settings.setup_token is not None:
        how = f"open {settings.public_url}/setup?token=<REVIEWBOT_SETUP_TOKEN> to create one"
    else:
        how = (
            f"open {settings.public_url}/setup?token={token} to create one (the link works "
            "until the App is created; a restart makes a new one)"
        )
    return (
        f"reviewbot: no GitHub App is configured: {how} (stored in "
        f"{credentials_path(settings)}), or set REVIEWBOT_APP_ID, "
        "REVIEWBOT_PRIVATE_KEY_PATH and REVIEWBOT_WEBHOOK_SECRET"
    )


def app_of(settings: Settings, config: ReviewConfig, stored: bool) -> FastAPI:
    """The reviewing app for the configured App, whose credentials GitHub must not refuse
    (`stored`: they come from the setup page's credentials file)."""
    from review.app_credentials import credentials_path
    from reviewbot.serve import build_serve_app

    app = build_serve_app(settings, config=config)  # a bad setting fails here, as one line
    check = app.state.app_check.check_now()
    if check.refused and stored:
        raise UsageError(
            f"GitHub refuses the App stored in {credentials_path(settings)}: {check.detail}; "
            "was it deleted? Move the file aside and create the App again at /setup"
        )
    if check.refused:
        raise UsageError(
            f"{settings.key_variable()} or REVIEWBOT_APP_ID is wrong: {check.detail}; "
            f"check that the key is the one GitHub generated for App {settings.app_id}"
        )
    if not check.ok:
        print(f"reviewbot: not ready yet: {check.detail} (see GET /readyz)", file=sys.stderr)
    return app
