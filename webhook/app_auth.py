"""Installation tokens for the edge's own GitHub calls, without githubkit.

An App JWT (RS256, PyJWT) is exchanged for an installation token, cached until a
minute before it expires so a burst of commands costs one exchange.
"""

from __future__ import annotations

import threading
import time
from collections.abc import Callable
from datetime import datetime
from typing import TYPE_CHECKING
from urllib.parse import quote

from webhook.github import API_HEADERS, HttpxGitHub
from webhook.settings import DEFAULT_API_URL, WebhookSettings

if TYPE_CHECKING:
    import httpx

REFRESH_MARGIN_SECONDS = 60


class InstallationTokens:
    """An async `TokenProvider`: `await tokens(installation_id)` returns a usable token."""

    def __init__(
        self,
        app_id: int,
        private_key: str,
        api_url: str = DEFAULT_API_URL,
        *,
        transport: httpx.AsyncBaseTransport | None = None,
        clock: Callable[[], float] = time.time,
    ) -> None:
        self._app_id = app_id
        self._private_key = private_key
        self._api_url = api_url.rstrip("/")
        self._transport = transport
        self._clock = clock
        self._cache: dict[int, tuple[str, float]] = {}
        self._lock = threading.Lock()

    def app_jwt(self) -> str:
        """A JWT identifying the App; backdated a minute for clock drift, valid nine more."""
        import jwt  # PyJWT, via githubkit[auth-app]; imported on first command only

        now = int(self._clock())
        claims = {"iat": now - 60, "exp": now + 540, "iss": str(self._app_id)}
        return jwt.encode(claims, self._private_key, algorithm="RS256")

    async def __call__(self, installation_id: int) -> str:
        with self._lock:
            cached = self._cache.get(installation_id)
        if cached and cached[1] - REFRESH_MARGIN_SECONDS > self._clock():
            return cached[0]
        import httpx

        url = f"{self._api_url}/app/installations/{quote(str(installation_id))}/access_tokens"
        headers = {**API_HEADERS, "Authorization": f"Bearer {self.app_jwt()}"}
        async with httpx.AsyncClient(transport=self._transport, timeout=5.0) as client:
            response = await client.post(url, headers=headers)
        response.raise_for_status()
        data = response.json()
        expires = datetime.fromisoformat(data["expires_at"].replace("Z", "+00:00")).timestamp()
        with self._lock:
            self._cache[installation_id] = (data["token"], expires)
        return data["token"]


def client_from_settings(settings: WebhookSettings) -> HttpxGitHub | None:
    """The edge's GitHub client, or None when the App's id or key is not configured."""
    if settings.app_id is None or not settings.private_key:
        return None
    tokens = InstallationTokens(settings.app_id, settings.private_key, settings.github_api_url)
    return HttpxGitHub(tokens, settings.github_api_url)
