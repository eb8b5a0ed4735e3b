"""Readiness: does GitHub accept the App's credentials?

`AppCheck` asks `GET /app` with the App's JWT, at most once per `interval` seconds (the
answer is cached), so `GET /readyz` stays cheap under a load balancer's polling. A 401,
403 or 404 is a refusal (a wrong App id, or a key that is not the App's); no answer or a
5xx means GitHub could not be asked.
"""

from __future__ import annotations

import asyncio
import time
from collections.abc import Callable
from dataclasses import dataclass
from typing import TYPE_CHECKING

from review.github_api import API_HEADERS
from webhook.github import USER_AGENT

if TYPE_CHECKING:
    import httpx

REFUSALS = frozenset({401, 403, 404})


@dataclass(frozen=True)
class Check:
    """One answer: `ok` when GitHub accepted the JWT; `refused` when it definitely did not
    (a setting is wrong), as opposed to not answering; `detail` is one line for people;
    `checked_at` is Unix time."""

    ok: bool
    refused: bool
    detail: str
    checked_at: float


class AppCheck:
    """Whether GitHub accepted the App's JWT at the last check (`GET /app`)."""

    def __init__(
        self,
        app_jwt: Callable[[], str],
        api_url: str,
        *,
        interval: float = 60.0,
        timeout: float = 5.0,
        transport: httpx.AsyncBaseTransport | None = None,
        clock: Callable[[], float] = time.time,
    ) -> None:
        self._jwt = app_jwt
        self._url = api_url.rstrip("/") + "/app"
        self._interval = interval
        self._timeout = timeout
        self._transport = transport
        self._clock = clock
        self._last: Check | None = None
        self._lock: asyncio.Lock | None = None

    @property
    def last(self) -> Check | None:
        return self._last

    async def check(self) -> Check:
        """The last answer if younger than `interval`, else a new one (one at a time)."""
        if self._lock is None:
            self._lock = asyncio.Lock()
        async with self._lock:
            last = self._last
            if last is None or self._clock() - last.checked_at >= self._interval:
                self._last = await self._ask()
            return self._last

    def check_now(self) -> Check:
        """A fresh answer, from synchronous code (start-up): never raises."""
        self._last = asyncio.run(self._ask())
        return self._last

    async def _ask(self) -> Check:
        import httpx

        now = self._clock()
        try:
            headers = {**API_HEADERS, **USER_AGENT, "Authorization": f"Bearer {self._jwt()}"}
            async with httpx.AsyncClient(transport=self._transport, timeout=self._timeout) as c:
                response = await c.get(self._url, headers=headers)
        except httpx.HTTPError as exc:
            return Check(False, False, f"GitHub could not be reached ({type(exc).__name__})", now)
        if response.status_code == 200:
            slug = _field(response, "slug") or "?"
            return Check(True, False, f"GitHub accepts the App's credentials (App {slug})", now)
        message = _field(response, "message")
        answer = f"GitHub answered {response.status_code}" + (f" ({message})" if message else "")
        if response.status_code in REFUSALS:
            return Check(False, True, f"{answer} to the App's JWT", now)
        return Check(False, False, f"{answer}; will ask again", now)


def _field(response: httpx.Response, name: str) -> str:
    try:
        data = response.json()
    except ValueError:
        return ""
    value = data.get(name) if isinstance(data, dict) else None
    return " ".join(str(value).split())[:200] if value else ""
