"""Installation tokens for the edge's own GitHub calls, without githubkit.

An App JWT (RS256, PyJWT) is exchanged for an installation token scoped to one
repository and the permissions of one kind of call, kept in a `TokenCache` (the policy
the flow uses too) so a burst of commands costs one exchange.
"""

from __future__ import annotations

import time
from collections.abc import Callable, Mapping
from typing import TYPE_CHECKING
from urllib.parse import quote

from review.github_api import API_HEADERS, TokenCache, token_key
from review.settings import DEFAULT_API_URL
from webhook.github import USER_AGENT, HttpxGitHub, check_available, unavailable
from webhook.settings import WebhookSettings

if TYPE_CHECKING:
    import httpx


class InstallationTokens:
    """An async `TokenProvider`: `await tokens(installation_id, "owner/name", permissions)`
    returns a token for that repository with only those permissions."""

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
        self._cache = TokenCache(clock=clock)

    def app_jwt(self) -> str:
        """A JWT identifying the App; backdated a minute for clock drift, valid nine more."""
        import jwt  # PyJWT, via githubkit[auth-app]; imported on first command only

        now = int(self._clock())
        claims = {"iat": now - 60, "exp": now + 540, "iss": str(self._app_id)}
        return jwt.encode(claims, self._private_key, algorithm="RS256")

    async def __call__(
        self, installation_id: int, repository: str, permissions: Mapping[str, str]
    ) -> str:
        key = token_key(installation_id, repository, permissions)
        cached = self._cache.get(key)
        if cached:
            return cached
        import httpx

        path = f"/app/installations/{quote(str(installation_id))}/access_tokens"
        headers = {**API_HEADERS, **USER_AGENT, "Authorization": f"Bearer {self.app_jwt()}"}
        body = {"repositories": [repository.partition("/")[2]], "permissions": dict(permissions)}
        try:
            async with httpx.AsyncClient(transport=self._transport, timeout=5.0) as client:
                response = await client.post(self._api_url + path, headers=headers, json=body)
        except httpx.TransportError as exc:  # refused, reset, timed out
            raise unavailable("POST", path, exc) from None
        check_available("POST", path, response)
        response.raise_for_status()
        data = response.json()
        return self._cache.put(key, data["token"], data["expires_at"])

    def drop(self, token: str) -> None:
        """Forget a token GitHub answered 401 to: the next call mints a new one."""
        self._cache.drop(token)


def client_from_settings(settings: WebhookSettings) -> HttpxGitHub | None:
    """The edge's GitHub client, or None when the App's id or key is not configured."""
    if settings.app_id is None or not settings.private_key:
        return None
    tokens = InstallationTokens(settings.app_id, settings.private_key, settings.github_api_url)
    return HttpxGitHub(tokens, settings.github_api_url, drop_token=tokens.drop)
