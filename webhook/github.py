"""The few GitHub calls the edge makes for comment commands, behind small protocols.

Plain httpx keeps githubkit (~0.4 s to import) out of the Lambda's cold start, and is
itself imported on the first command only (~70 ms). POSTs are never retried blindly (a
blind retry can post a reply twice); a call answered 401 (a cached installation token
GitHub stopped accepting) is repeated once with a freshly minted token, since GitHub did
not act on it. Permission answers are cached briefly (`PERMISSION_TTL_SECONDS`).
"""

from __future__ import annotations

import time
from collections.abc import Awaitable, Callable, Mapping
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any, Protocol
from urllib.parse import quote

from review.github_api import API_HEADERS, permission_level
from review.settings import DEFAULT_API_URL
from webhook.expiring import ExpiringMap

if TYPE_CHECKING:
    import httpx

# (installation id, "owner/name", permissions) -> a token for that repository only.
TokenProvider = Callable[[int, str, Mapping[str, str]], Awaitable[str]]
USER_AGENT = {"User-Agent": "reviewbot-webhook"}
# What each command call may do, for the token it asks for (least privilege).
READ_PERMISSION: Mapping[str, str] = {"metadata": "read"}
READ_PULL: Mapping[str, str] = {"pull_requests": "read"}
WRITE_COMMENTS: Mapping[str, str] = {"issues": "write"}
# A user's permission is asked of GitHub at most once a minute: a burst of commands costs
# one call, and a change of role takes effect within a minute.
PERMISSION_TTL_SECONDS = 60.0
PERMISSION_CACHE_ENTRIES = 4096


class GitHubUnavailable(Exception):
    """GitHub could not be reached, timed out, or answered 5xx or 429 (a later try may
    work); the message is one line naming the call, never a token."""


def unavailable(
    method: str, path: str, exc: Exception | None = None, status: int | None = None
) -> GitHubUnavailable:
    """The error for a call GitHub did not answer (`exc`) or answered `status` to."""
    why = (
        f"answered {status}"
        if status is not None
        else f"could not be reached ({type(exc).__name__})"
    )
    return GitHubUnavailable(f"GitHub {why} on {method} {path}")


def check_available(method: str, path: str, response: httpx.Response) -> None:
    """GitHubUnavailable when `response` is one a later try may change (5xx, 429)."""
    if response.status_code >= 500 or response.status_code == 429:
        raise unavailable(method, path, status=response.status_code)


class PermissionChecker(Protocol):
    async def permission(self, installation_id: int, owner: str, repo: str, user: str) -> str:
        """The user's permission on the repository: admin, maintain, write, triage, read, none."""
        ...


@dataclass(frozen=True)
class PullHead:
    sha: str
    head_ref: str
    base_ref: str
    state: str


class GitHubActions(Protocol):
    async def react(
        self, installation_id: int, owner: str, repo: str, comment_id: int, content: str
    ) -> None: ...

    async def reply(
        self, installation_id: int, owner: str, repo: str, issue_number: int, body: str
    ) -> None: ...

    async def pull_head(self, installation_id: int, owner: str, repo: str, number: int) -> PullHead:
        """The pull request's current head: issue_comment payloads do not carry it."""
        ...


class GitHubPort(PermissionChecker, GitHubActions, Protocol):
    """Everything a command needs from GitHub."""


def _repo_path(owner: str, repo: str) -> str:
    return f"/repos/{quote(owner, safe='')}/{quote(repo, safe='')}"


class HttpxGitHub:
    """`GitHubPort` over the REST API with installation tokens from `token_provider`."""

    def __init__(
        self,
        token_provider: TokenProvider,
        api_url: str = DEFAULT_API_URL,
        *,
        drop_token: Callable[[str], None] | None = None,
        transport: httpx.AsyncBaseTransport | None = None,
        timeout: float = 5.0,
        clock: Callable[[], float] = time.monotonic,
    ) -> None:
        """`drop_token(token)` makes `token_provider` forget a token GitHub refused (401);
        without it a 401 is final. `clock` (monotonic seconds) ages cached permissions."""
        self._tokens = token_provider
        self._drop_token = drop_token
        self._api_url = api_url.rstrip("/")
        self._transport = transport
        self._timeout = timeout
        self._permissions: ExpiringMap[tuple[int, str, str, str], str] = ExpiringMap(
            PERMISSION_TTL_SECONDS, PERMISSION_CACHE_ENTRIES, clock
        )

    async def _request(
        self,
        method: str,
        installation_id: int,
        repository: tuple[str, str],
        permissions: Mapping[str, str],
        path: str,
        body: dict[str, Any] | None = None,
    ) -> httpx.Response:
        import httpx

        name = "/".join(repository)
        # A client per call: the edge makes a handful of calls per command, and a
        # long-lived client would be bound to one event loop (Mangum, replay).
        async with httpx.AsyncClient(transport=self._transport, timeout=self._timeout) as client:

            async def send(token: str) -> httpx.Response:
                headers = {**API_HEADERS, **USER_AGENT, "Authorization": f"Bearer {token}"}
                url = self._api_url + path
                return await client.request(method, url, headers=headers, json=body)

            try:
                token = await self._tokens(installation_id, name, permissions)
                response = await send(token)
                if response.status_code == 401 and self._drop_token is not None:
                    self._drop_token(token)  # revoked or expired early: mint another, once
                    response = await send(await self._tokens(installation_id, name, permissions))
            except httpx.TransportError as exc:  # refused, reset, timed out
                raise unavailable(method, path, exc) from None
            check_available(method, path, response)
            return response

    async def permission(self, installation_id: int, owner: str, repo: str, user: str) -> str:
        key = (installation_id, owner.lower(), repo.lower(), user.lower())
        cached = self._permissions.get(key)
        if cached is not None:
            return cached
        path = f"{_repo_path(owner, repo)}/collaborators/{quote(user, safe='')}/permission"
        response = await self._request("GET", installation_id, (owner, repo), READ_PERMISSION, path)
        if response.status_code == 404:
            level = "none"
        else:
            response.raise_for_status()
            level = permission_level(response.json())
        self._permissions.put(key, level)
        return level

    async def react(
        self, installation_id: int, owner: str, repo: str, comment_id: int, content: str
    ) -> None:
        path = f"{_repo_path(owner, repo)}/issues/comments/{comment_id}/reactions"
        response = await self._request(
            "POST", installation_id, (owner, repo), WRITE_COMMENTS, path, {"content": content}
        )
        response.raise_for_status()

    async def reply(
        self, installation_id: int, owner: str, repo: str, issue_number: int, body: str
    ) -> None:
        path = f"{_repo_path(owner, repo)}/issues/{issue_number}/comments"
        response = await self._request(
            "POST", installation_id, (owner, repo), WRITE_COMMENTS, path, {"body": body}
        )
        response.raise_for_status()

    async def pull_head(self, installation_id: int, owner: str, repo: str, number: int) -> PullHead:
        path = f"{_repo_path(owner, repo)}/pulls/{number}"
        response = await self._request("GET", installation_id, (owner, repo), READ_PULL, path)
        response.raise_for_status()
        data = response.json()
        return PullHead(
            sha=data["head"]["sha"],
            head_ref=data["head"]["ref"],
            base_ref=data["base"]["ref"],
            state=data["state"],
        )
