"""The setup page of `reviewbot serve` when no GitHub App is configured: GitHub's App
manifest flow (https://docs.github.com/apps/sharing-github-apps/registering-a-github-app-from-a-manifest).

0. `reviewbot serve` prints a link with a one-time setup token, `/setup?token=<token>`:
   until the App exists, whoever reaches the server could otherwise create an App of
   theirs and have this server adopt it. Both pages answer 403 without the token, given
   in the query or in the HttpOnly cookie a valid visit sets (path /setup, SameSite=Lax,
   so the organisation form and GitHub's redirect back carry it); the token dies with
   the adoption.
1. `GET /setup[?organization=<login>]` shows a form that POSTs `webhook/app-manifest.yml`,
   as JSON in the `manifest` field, to `{github_url}/settings/apps/new?state=<state>` (or
   `/organizations/<login>/settings/apps/new`). The manifest's webhook URL is
   REVIEWBOT_WEBHOOK_URL (default REVIEWBOT_PUBLIC_URL + /webhook) and its `redirect_url`
   REVIEWBOT_PUBLIC_URL + /setup/callback; without REVIEWBOT_PUBLIC_URL the page says so.
2. GitHub asks the user to confirm, creates the App and redirects the browser to
   `/setup/callback?code=<code>&state=<state>`.
3. The callback checks the state (random, single-use, expiring after GitHub's own hour,
   and equal to the cookie set with it: the browser that started the flow ends it), then
   exchanges the code at `POST {api}/app-manifests/{code}/conversions` (no retry: a code
   works once) and hands the App's credentials to `adopt`, which stores them and switches
   the server to them.

Nothing secret is logged; every page is escaped HTML without script, served with a
Content-Security-Policy that lets its form post only to GitHub and to itself.
"""

from __future__ import annotations

import asyncio
import hmac
import json
import logging
import re
import secrets
import time
from collections.abc import Awaitable, Callable
from dataclasses import dataclass
from functools import cache
from importlib import resources
from typing import TYPE_CHECKING, Any
from urllib.parse import quote, urlsplit

from fastapi import FastAPI, Request
from fastapi.responses import HTMLResponse, JSONResponse, Response

from review.app_credentials import AppCredentials
from review.github_api import API_HEADERS
from review.settings import ConfigError, Settings
from webhook.expiring import ExpiringMap
from webhook.github import USER_AGENT
from webhook.logs import log_event
from webhook.setup_pages import created_page, problem_page, setup_page

if TYPE_CHECKING:
    import httpx

logger = logging.getLogger(__name__)
STATE_TTL_SECONDS = 3600.0  # GitHub: the three steps must be done within one hour
MAX_PENDING_STATES = 64
STATE_COOKIE = "reviewbot_setup_state"
TOKEN_COOKIE = "reviewbot_setup_token"  # noqa: S105 (a cookie's name)
LOGIN = re.compile(r"[A-Za-z0-9](?:[A-Za-z0-9-]{0,38})")  # GitHub's account names
CODE = re.compile(r"[A-Za-z0-9_-]{1,200}")
# adopt(credentials): store them and switch the server to them; ConfigError or OSError
# (with a message for the operator) when that cannot be done.
Adopt = Callable[[AppCredentials], Awaitable[str]]


class RedactSetupQuery(logging.Filter):
    """Keeps the setup pages' queries (the setup token, the callback's one-time code and
    state) out of uvicorn's access log (its record's arguments are client, method, path
    with query, HTTP version, status)."""

    def filter(self, record: logging.LogRecord) -> bool:
        args = record.args
        if isinstance(args, tuple) and len(args) > 2 and isinstance(args[2], str):
            path, sep, _ = args[2].partition("?")
            if sep and path.startswith("/setup"):
                record.args = (*args[:2], f"{path}?(redacted)", *args[3:])
        return True


def new_setup_token() -> str:
    """A random setup token: 43 URL-safe characters (256 bits)."""
    return secrets.token_urlsafe(32)


class SetupError(Exception):
    """The code exchange failed; the message says why and what to do next."""


@dataclass(frozen=True)
class SetupTarget:
    """Where the App is registered and where GitHub sends its deliveries and the user."""

    public_url: str | None
    webhook_url: str | None
    github_url: str
    github_api_url: str
    code_scanning: bool = False  # the App also gets security_events: write

    @classmethod
    def from_settings(cls, settings: Settings) -> SetupTarget:
        return cls(
            settings.public_url,
            settings.webhook_url,
            settings.github_url,
            settings.github_api_url,
            settings.code_scanning,
        )

    def new_app_url(self, owner: str | None) -> str:
        if owner:
            return f"{self.github_url}/organizations/{quote(owner, safe='')}/settings/apps/new"
        return f"{self.github_url}/settings/apps/new"


@cache
def packaged_manifest() -> dict[str, Any]:
    """`webhook/app-manifest.yml`, parsed."""
    import yaml

    text = resources.files("webhook").joinpath("app-manifest.yml").read_text(encoding="utf-8")
    return yaml.safe_load(text)


def app_manifest(
    public_url: str, webhook_url: str | None = None, *, code_scanning: bool = False
) -> dict[str, Any]:
    """The packaged manifest with this server's URLs filled in; with `code_scanning`
    (REVIEWBOT_CODE_SCANNING) it also asks for `security_events: write`, which the SARIF
    upload needs and nothing else does."""
    manifest = json.loads(json.dumps(packaged_manifest()))  # a deep copy
    if code_scanning:
        manifest["default_permissions"]["security_events"] = "write"
    manifest["url"] = public_url
    manifest["hook_attributes"]["url"] = webhook_url or f"{public_url}/webhook"
    manifest["redirect_url"] = f"{public_url}/setup/callback"
    return manifest


async def exchange_code(
    code: str,
    api_url: str,
    *,
    transport: httpx.AsyncBaseTransport | None = None,
    timeout: float = 10.0,
) -> AppCredentials:
    """The App GitHub created, from the manifest flow's temporary `code` (POST
    /app-manifests/{code}/conversions, unauthenticated, answered 201). SetupError otherwise."""
    import httpx

    url = f"{api_url}/app-manifests/{quote(code, safe='')}/conversions"
    try:
        async with httpx.AsyncClient(transport=transport, timeout=timeout) as client:
            response = await client.post(url, headers={**API_HEADERS, **USER_AGENT})
    except httpx.HTTPError as exc:
        raise SetupError(
            f"GitHub could not be reached at {api_url} ({type(exc).__name__}): check "
            "REVIEWBOT_GITHUB_API_URL and this server's network, then start again"
        ) from None
    data = _json(response)
    if response.status_code != 201:
        message = " ".join(str(data.get("message") or "").split())[:200]
        raise SetupError(
            f"GitHub answered {response.status_code}"
            + (f" ({message})" if message else "")
            + " to the code exchange: a code works once and for an hour; start again"
        )
    try:
        return AppCredentials(
            app_id=int(data["id"]),
            slug=str(data["slug"]),
            html_url=str(data["html_url"]),
            github_api_url=api_url,
            webhook_secret=_text(data["webhook_secret"]),
            private_key=_text(data["pem"]),
        )
    except (KeyError, TypeError, ValueError):
        raise SetupError(
            "GitHub's answer to the code exchange lacks the App's id, slug, key or webhook "
            "secret: start again"
        ) from None


def _json(response: httpx.Response) -> dict[str, Any]:
    try:
        data = response.json()
    except ValueError:
        return {}
    return data if isinstance(data, dict) else {}


def _text(value: object) -> str:
    if not isinstance(value, str) or not value.strip():
        raise ValueError("empty")
    return value


def _page(html: str, status_code: int = 200, form_action: str = "'self'") -> HTMLResponse:
    policy = (
        f"default-src 'none'; form-action {form_action}; frame-ancestors 'none'; base-uri 'none'"
    )
    headers = {
        "Content-Security-Policy": policy,
        "Cache-Control": "no-store",
        "Referrer-Policy": "no-referrer",
        "X-Content-Type-Options": "nosniff",
    }
    return HTMLResponse(html, status_code=status_code, headers=headers)


def _origin(url: str) -> str:
    parts = urlsplit(url)
    return f"{parts.scheme}://{parts.netloc}"


def _not_found() -> JSONResponse:
    return JSONResponse({"detail": "Not Found"}, status_code=404)


class SetupFlow:
    """The manifest flow's two pages and its memory: the pending states and, once the App
    is adopted, its credentials (then both pages answer 404)."""

    def __init__(
        self,
        target: SetupTarget,
        adopt: Adopt,
        token: str,
        transport: httpx.AsyncBaseTransport | None = None,
        clock: Callable[[], float] = time.monotonic,
    ) -> None:
        self.target = target
        self._adopt = adopt
        self._token: str | None = token
        self._transport = transport
        self._pending: ExpiringMap[str, bool] = ExpiringMap(
            STATE_TTL_SECONDS, MAX_PENDING_STATES, clock
        )
        self._adopting = asyncio.Lock()
        self.adopted: AppCredentials | None = None

    def _setup_token(self, given: str | None) -> str | None:
        """The setup token when `given` is it (compared in constant time), else None."""
        token = self._token
        if token and given and hmac.compare_digest(given.encode(), token.encode()):
            return token
        return None

    def _locked(self, page: str) -> Response:
        log_event(logger, f"setup: refused the {page}", logging.WARNING, reason="setup token")
        problem = (
            "This page needs the setup link reviewbot serve printed when it started "
            "(/setup?token=...): open that link, or restart reviewbot serve to get a new one."
        )
        return _page(problem_page("Setup link needed", problem, retry=False), 403)

    async def page(self, request: Request) -> Response:
        """GET /setup[?token=]: the form, with a new state (also set as a cookie); 403
        without the setup token in the query or its cookie."""
        target = self.target
        if self.adopted is not None:
            return _not_found()
        if not target.public_url:
            problem = (
                "REVIEWBOT_PUBLIC_URL is not set: set it to the https:// URL at which GitHub "
                "and your browser reach this server (for example https://reviewbot.example.com)"
                ", restart reviewbot serve and open the setup link it prints."
            )
            return _page(problem_page("Set up reviewbot", problem, retry=False), 503)
        token = self._setup_token(
            request.query_params.get("token", request.cookies.get(TOKEN_COOKIE))
        )
        if token is None:
            return self._locked("setup page")
        owner = request.query_params.get("organization", "").strip() or None
        problem = None
        if owner and not LOGIN.fullmatch(owner):
            problem = "That is not an organisation name: letters, digits and hyphens, up to 39."
            owner = None
        state = secrets.token_urlsafe(32)
        self._pending.put(state, True)
        manifest = app_manifest(
            target.public_url, target.webhook_url, code_scanning=target.code_scanning
        )
        action = f"{target.new_app_url(owner)}?state={state}"
        html = setup_page(manifest, json.dumps(manifest), action, owner, problem)
        response = _page(html, 400 if problem else 200, f"'self' {_origin(target.github_url)}")
        secure = target.public_url.startswith("https://")
        for name, value, max_age in (
            (TOKEN_COOKIE, token, None),  # for the browser's session, or until adopted
            (STATE_COOKIE, state, int(STATE_TTL_SECONDS)),
        ):
            response.set_cookie(
                name,
                value,
                max_age=max_age,
                path="/setup",
                secure=secure,
                httponly=True,
                samesite="lax",
            )
        return response

    async def callback(self, request: Request) -> Response:
        """GET /setup/callback?code=&state=: check the setup token's cookie and the state,
        exchange the code, adopt."""
        if self.adopted is not None:
            return _not_found()
        if self._setup_token(request.cookies.get(TOKEN_COOKIE)) is None:
            return self._locked("callback")
        state = request.query_params.get("state", "")
        cookie = request.cookies.get(STATE_COOKIE, "")
        known = bool(state) and self._pending.get(state) is not None
        if known:
            self._pending.discard(state)  # single use, whatever happens next
        if not (known and hmac.compare_digest(state.encode(), cookie.encode())):
            log_event(logger, "setup: refused a callback", logging.WARNING, reason="state")
            problem = (
                "This return from GitHub does not match a setup started in this browser in "
                "the last hour (or it was used already). Start again; an App GitHub created "
                "meanwhile can be deleted in its settings on GitHub."
            )
            return _page(problem_page("Setup not completed", problem), 400)
        code = request.query_params.get("code", "")
        if not CODE.fullmatch(code):
            return _page(problem_page("Setup not completed", "GitHub sent no valid code."), 400)
        async with self._adopting:
            if self.adopted is not None:
                return _not_found()
            return await self._complete(code)

    async def _complete(self, code: str) -> Response:
        api_url = self.target.github_api_url
        try:
            credentials = await exchange_code(code, api_url, transport=self._transport)
        except SetupError as exc:
            log_event(logger, "setup: code exchange failed", logging.WARNING, reason=str(exc))
            return _page(problem_page("Setup not completed", str(exc)), 502)
        fields = {"app_id": credentials.app_id, "slug": credentials.slug}
        log_event(logger, "setup: GitHub created the App", **fields)
        try:
            stored_in = await self._adopt(credentials)
        except (ConfigError, OSError) as exc:
            log_event(logger, "setup: the App could not be used", logging.ERROR, exc, **fields)
            problem = f"GitHub created the App {credentials.slug}, but {exc}"
            return _page(problem_page("Setup not completed", problem, retry=False), 500)
        self.adopted = credentials
        self._token = None  # the setup link dies with the adoption
        log_event(logger, "setup: serving as the new App", **fields)
        html = created_page(
            credentials.slug, credentials.html_url, credentials.install_url, stored_in
        )
        response = _page(html)
        response.delete_cookie(STATE_COOKIE, path="/setup")
        response.delete_cookie(TOKEN_COOKIE, path="/setup")
        return response


def create_setup_app(
    target: SetupTarget,
    adopt: Adopt,
    *,
    token: str,
    transport: httpx.AsyncBaseTransport | None = None,
    clock: Callable[[], float] = time.monotonic,
) -> FastAPI:
    """The app `reviewbot serve` runs until the App exists: `/setup`, `/setup/callback`,
    `/healthz`; `/readyz` and `POST /webhook` answer 503 (no App yet). `token` is the
    setup token the pages require (see `new_setup_token`); `transport` carries the code
    exchange; `clock` (monotonic seconds) ages the states. The flow is
    `app.state.setup_flow`."""
    app = FastAPI(docs_url=None, redoc_url=None, openapi_url=None)
    flow = SetupFlow(target, adopt, token, transport, clock)
    app.state.setup_flow = flow
    app.add_api_route("/setup", flow.page, methods=["GET"])
    app.add_api_route("/setup/callback", flow.callback, methods=["GET"])

    @app.get("/healthz")
    async def healthz() -> dict[str, str]:
        return {"status": "ok"}

    @app.get("/readyz")
    async def readyz() -> JSONResponse:
        detail = "no GitHub App is configured: create one with the /setup link serve printed"
        return JSONResponse({"status": "not ready", "detail": detail}, status_code=503)

    @app.post("/webhook")
    async def webhook() -> JSONResponse:
        reason = "no GitHub App is configured yet: create one with the /setup link serve printed"
        return JSONResponse({"status": "not configured", "reason": reason}, status_code=503)

    return app
