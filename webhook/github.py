"""The few GitHub calls the edge makes for comment commands, behind small protocols.

Plain httpx keeps githubkit (~0.4 s to import) out of the Lambda's cold start, and is
itself imported on the first command only (~70 ms). POSTs are never retried: a blind
retry can post a reply twice.
"""

from __future__ import annotations

from collections.abc import Awaitable, Callable, Mapping
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any, Protocol
from urllib.parse import quote

from review.github_api import API_HEADERS
from review.settings import DEFAULT_API_URL

if TYPE_CHECKING:
    import httpx

# (installation id, "owner/name", permissions) -> a token for that repository only.
TokenProvider = Callable[[int, str, Mapping[str, str]], Awaitable[str]]
# Collaborator permission levels that may trigger a review.
WRITE_LEVELS = frozenset({"admin", "maintain", "write"})
BUILT_IN_ROLES = WRITE_LEVELS | {"triage", "read"}
USER_AGENT = {"User-Agent": "reviewbot-webhook"}
# What each command call may do, for the token it asks for (least privilege).
READ_PERMISSION: Mapping[str, str] = {"metadata": "read"}
READ_PULL: Mapping[str, str] = {"pull_requests": "read"}
WRITE_COMMENTS: Mapping[str, str] = {"issues": "write"}


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
        transport: httpx.AsyncBaseTransport | None = None,
        timeout: float = 5.0,
    ) -> None:
        self._tokens = token_provider
        self._api_url = api_url.rstrip("/")
        self._transport = transport
        self._timeout = timeout

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

        token = await self._tokens(installation_id, "/".join(repository), permissions)
        headers = {**API_HEADERS, **USER_AGENT, "Authorization": f"Bearer {token}"}
        # A client per call: the edge makes a handful of calls per command, and a
        # long-lived client would be bound to one event loop (Mangum, replay).
        async with httpx.AsyncClient(transport=self._transport, timeout=self._timeout) as client:
            return await client.request(method, self._api_url + path, headers=headers, json=body)

    async def permission(self, installation_id: int, owner: str, repo: str, user: str) -> str:
        path = f"{_repo_path(owner, repo)}/collaborators/{quote(user, safe='')}/permission"
        response = await self._request("GET", installation_id, (owner, repo), READ_PERMISSION, path)
        if response.status_code == 404:
            return "none"
        response.raise_for_status()
        data = response.json()
        # role_name tells maintain and triage apart (`permission` folds them into write
        # and read), but for a custom role it is the role's name: then use `permission`.
        role = data.get("role_name")
        if role in BUILT_IN_ROLES:
            return str(role)
        return str(data.get("permission") or "none")

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
