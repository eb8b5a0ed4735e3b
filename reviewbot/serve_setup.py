"""`reviewbot serve` without a GitHub App: the setup page, then the App it created.

`build_setup_app` returns a `SwitchingApp` serving the setup flow (`webhook.setup`). When
GitHub hands over the new App, `adopt` stores its credentials (`review.app_credentials`),
builds the reviewing app for them exactly as a start with those settings would
(`build_serve_app`), opens its review starter, and switches: one assignment, so each
request is served either by the setup app or by the new App's app, whose webhook secret and
App credentials come from one `Settings` value and are never mixed with another's.
"""

from __future__ import annotations

import asyncio
import logging
import threading
from pathlib import Path
from types import SimpleNamespace
from typing import TYPE_CHECKING, Any

from review.app_credentials import AppCredentials, credentials_path, write_credentials
from review.settings import ConfigError, Settings

if TYPE_CHECKING:
    import httpx

    from reporter.github.retry import RetryPolicy
    from review.request import ReviewConfig

ASGIApp = Any  # (scope, receive, send) -> awaitable


class StarterSlot:
    """The review starter of the App once adopted; what `serve` drains and closes. Before
    that there is nothing to drain; once closing, no App is switched to any more."""

    def __init__(self) -> None:
        self._lock = threading.Lock()
        self._starter: Any = None
        self.closing = False

    def fill(self, starter: Any) -> bool:
        """Hold `starter`; False (and nothing held) when the server is already stopping."""
        with self._lock:
            if self.closing:
                return False
            self._starter = starter
            return True

    def close(self, grace: float | None = None) -> bool:
        with self._lock:
            self.closing = True
            starter = self._starter
        return True if starter is None else starter.close(grace)

    def hurry(self) -> None:
        with self._lock:
            starter = self._starter
        if starter is not None:
            starter.hurry()


class SwitchingApp:
    """An ASGI app serving `first` until `switch(app)`; it answers the lifespan protocol
    itself (the switched-to app's starter is opened by `adopt` and closed here)."""

    def __init__(self, first: ASGIApp, grace: float) -> None:
        self.current = first
        self.state = SimpleNamespace(review_starter=StarterSlot())
        self._grace = grace

    def switch(self, app: ASGIApp) -> None:
        self.current = app

    async def __call__(self, scope: dict, receive: Any, send: Any) -> None:
        if scope["type"] != "lifespan":
            await self.current(scope, receive, send)
            return
        while True:
            message = await receive()
            if message["type"] == "lifespan.startup":
                await send({"type": "lifespan.startup.complete"})
            elif message["type"] == "lifespan.shutdown":
                await asyncio.to_thread(self.state.review_starter.close, self._grace)
                await send({"type": "lifespan.shutdown.complete"})
                return


def setup_token(settings: Settings) -> str:
    """REVIEWBOT_SETUP_TOKEN, else a new random token (`webhook.setup.new_setup_token`)."""
    from webhook.setup import new_setup_token

    fixed = settings.setup_token
    return fixed.get_secret_value() if fixed is not None else new_setup_token()


def build_setup_app(
    settings: Settings,
    token: str,
    *,
    workspace: Path | None = None,
    config: ReviewConfig | None = None,
    policy: RetryPolicy | None = None,
    transport: httpx.AsyncBaseTransport | None = None,
) -> SwitchingApp:
    """The app of `reviewbot serve` with no App configured: `/setup` until GitHub created
    one (see the module), then what `build_serve_app` builds for it (`workspace`,
    `config` and `policy` are passed on). `token` is the setup token the page requires
    (`setup_token`); `transport` carries the code exchange."""
    from reviewbot.serve import build_serve_app
    from webhook.setup import RedactSetupQuery, SetupTarget, create_setup_app

    logging.getLogger("uvicorn.access").addFilter(RedactSetupQuery())

    path = credentials_path(settings)
    switching: SwitchingApp

    def build(credentials: AppCredentials) -> Any:
        app = build_serve_app(
            credentials.apply_to(settings), workspace=workspace, config=config, policy=policy
        )
        starter = app.state.review_starter
        starter.open()
        if not switching.state.review_starter.fill(starter):
            starter.close(0)  # stopping meanwhile: the next start runs what it recorded
            return None
        return app

    async def adopt(credentials: AppCredentials) -> str:
        from orchestrator.local import DamagedStore
        from orchestrator.review_queue import DamagedQueue

        await asyncio.to_thread(write_credentials, path, credentials)
        try:
            app = await asyncio.to_thread(build, credentials)
        except (DamagedQueue, DamagedStore) as exc:  # the workspace's, said as at start-up
            raise ConfigError(str(exc)) from None
        if app is None:
            return f"{path} (this server is stopping: it uses the App from its next start)"
        switching.switch(app)
        return str(path)

    target = SetupTarget.from_settings(settings)
    setup = create_setup_app(target, adopt, token=token, transport=transport)
    switching = SwitchingApp(setup, settings.shutdown_grace_seconds)
    return switching
