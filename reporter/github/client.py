"""GitHub access as the App: installation tokens scoped per step, repository clients.

Each step asks for a token limited to the one repository under review and to the
permissions it needs (cloning reads contents; publishing writes pull requests, checks
and issues), so a bug or a hostile repository cannot make reviewbot act elsewhere.
Tokens are cached in the `GitHubApp` object (never process-wide, unlike githubkit's
default) until shortly before they expire. Every client honours `api_url` (GitHub
Enterprise, or a fake in tests), has githubkit's HTTP cache off (the look-ups that keep
posts exactly-once must read GitHub, never a stored answer) and its retry off (see `retry`).
"""

from __future__ import annotations

import base64
import threading
from collections.abc import Callable
from typing import Any

import httpx
from githubkit import AppAuthStrategy, GitHub, TokenAuthStrategy
from githubkit.cache import MemCacheStrategy

from reporter.github.errors import PermanentGitHubError
from reporter.github.files import MAX_LISTED_FILES
from reporter.github.retry import Caller, RetryPolicy
from reporter.github.settings import GitHubSettings
from review.github_api import Permissions, TokenCache, permission_level, token_key

PREPARE: Permissions = {"pull_requests": "read", "checks": "write"}
CLONE: Permissions = {"contents": "read"}
PER_PAGE = 100


class GitHubApp:
    """The App: creates installation tokens and the clients that use them. Thread-safe."""

    def __init__(
        self,
        settings: GitHubSettings,
        *,
        policy: RetryPolicy | None = None,
        transport: httpx.BaseTransport | None = None,
    ) -> None:
        self.settings = settings
        self.policy = policy or RetryPolicy(budget_seconds=settings.retry_budget_seconds)
        self._transport = transport
        auth = AppAuthStrategy(settings.app_id, settings.private_key)
        self._github = GitHub(auth, **self._options())
        self._tokens = TokenCache(clock=self.policy.wall_clock)
        self._lock = threading.Lock()
        self._slug: str | None = None

    def _options(self) -> dict[str, Any]:
        return {
            "base_url": self.settings.api_url.rstrip("/") + "/",
            "user_agent": "reviewbot",
            "timeout": 30.0,
            "http_cache": False,
            "auto_retry": False,
            "cache_strategy": MemCacheStrategy(),  # this object's own, not the global one
            "transport": self._transport,
        }

    def token(self, installation_id: int, repository: str, permissions: Permissions) -> str:
        """An installation token for `owner/name` only, with only `permissions`."""
        name = repository.partition("/")[2]
        key = token_key(installation_id, repository, permissions)
        with self._lock:  # one exchange per key, even when steps race for it
            cached = self._tokens.get(key)
            if cached:
                return cached
            data = Caller(self.policy).call(
                "creating an installation token",
                lambda: self._github.rest.apps.create_installation_access_token(
                    installation_id, repositories=[name], permissions=dict(permissions)
                ).json(),
            )
            return self._tokens.put(key, data["token"], data["expires_at"])

    def drop_token(self, token: str) -> None:
        """Forget a token GitHub refused: the next `token` call for its key mints another."""
        self._tokens.drop(token)

    def repo(
        self,
        installation_id: int,
        repository: str,
        permissions: Permissions,
        policy: RetryPolicy | None = None,
    ) -> RepoClient:
        """A client for one repository, acting as the installation; one per step. Its
        calls retry by `policy` (default: the App's).

        If GitHub answers 401 to a call (the cached token was revoked), the token is
        dropped, a new one minted and the call repeated, once per client.
        """
        token = self.token(installation_id, repository, permissions)
        owner, _, name = repository.partition("/")

        def reauthenticate() -> None:
            self.drop_token(client.token)
            client.connect(self.token(installation_id, repository, permissions))

        caller = Caller(policy or self.policy, reauthenticate)
        client = RepoClient(owner, name, caller, self._options())
        client.connect(token)
        return client

    def bot_login(self) -> str:
        """The login the App comments as (`<slug>[bot]`), asked of GitHub once."""
        if self._slug is None:
            data = Caller(self.policy).call(
                "reading the App", lambda: self._github.rest.apps.get_authenticated().json()
            )
            self._slug = str(data["slug"])
        return f"{self._slug}[bot]"


class RepoClient:
    """The calls a review makes on one repository, each under the step's retry budget."""

    def __init__(self, owner: str, name: str, caller: Caller, options: dict[str, Any]) -> None:
        self.owner = owner
        self.name = name
        self.caller = caller
        self._options = options
        self.token = ""
        self._github: GitHub | None = None

    def connect(self, token: str) -> None:
        """Make the calls with `token` (an installation token) from now on."""
        self.token = token
        # kept in a variable: githubkit needs the client to outlive calls
        self._github = GitHub(TokenAuthStrategy(token), **self._options)

    @property
    def _rest(self) -> Any:
        assert self._github is not None, "connect() first"
        return self._github.rest

    def _pages(self, what: str, list_call: Callable[..., Any], limit: int = 10_000) -> list[Any]:
        """Every item of a listing, page by page, each page retried on its own."""
        items: list[Any] = []
        page = 1
        while len(items) < limit:
            response = self.caller.call(
                f"{what} (page {page})", lambda p=page: list_call(per_page=PER_PAGE, page=p)
            )
            batch = response.json()
            items += batch
            if not batch or 'rel="next"' not in response.headers.get("link", ""):
                break
            page += 1
        return items[:limit]

    def pull(self, number: int) -> dict[str, Any]:
        return self.caller.call(
            f"reading pull request #{number}",
            lambda: self._rest.pulls.get(self.owner, self.name, number).json(),
        )

    def file_content(self, path: str, ref: str, limit: int) -> bytes | None:
        """The file `path` at commit `ref` through the contents API; None when there is
        none (404). ValueError says why it is not a readable file: a directory, a symbolic
        link to nothing in the repository, a submodule, or more than `limit` bytes."""
        try:
            data = self.caller.call(
                f"reading {path} at {ref[:12]}",
                lambda: self._rest.repos.get_content(self.owner, self.name, path, ref=ref).json(),
            )
        except PermanentGitHubError as exc:
            if exc.status == 404:
                return None
            raise
        if isinstance(data, list):
            raise ValueError("is a directory, not a file")
        if data.get("type") != "file":
            raise ValueError(f"is a {data.get('type')}, not a file")
        if int(data.get("size") or 0) > limit or data.get("encoding") != "base64":
            raise ValueError(f"is over {limit // 1024} KB")
        return base64.b64decode(data.get("content") or "")

    def pull_files(self, number: int) -> list[dict[str, Any]]:
        """The changed files with their `patch` texts (GitHub lists at most 3000)."""
        return self._pages(
            f"listing the files of #{number}",
            lambda **kw: self._rest.pulls.list_files(self.owner, self.name, number, **kw),
            MAX_LISTED_FILES,
        )

    def reviews(self, number: int) -> list[dict[str, Any]]:
        return self._pages(
            f"listing the reviews of #{number}",
            lambda **kw: self._rest.pulls.list_reviews(self.owner, self.name, number, **kw),
        )

    def review_comments(self, number: int) -> list[dict[str, Any]]:
        return self._pages(
            f"listing the review comments of #{number}",
            lambda **kw: self._rest.pulls.list_review_comments(self.owner, self.name, number, **kw),
        )

    def issue_comments(self, number: int) -> list[dict[str, Any]]:
        return self._pages(
            f"listing the comments of #{number}",
            lambda **kw: self._rest.issues.list_comments(self.owner, self.name, number, **kw),
        )

    def check_runs(self, sha: str, name: str, app_id: int) -> list[dict[str, Any]]:
        def list_call(**kw: Any) -> Any:
            return self._rest.checks.list_for_ref(
                self.owner, self.name, sha, check_name=name, filter_="all", app_id=app_id, **kw
            )

        response = self.caller.call(f"listing the check runs of {sha[:12]}", list_call)
        return list(response.json().get("check_runs") or [])

    def check_run(self, check_run_id: int) -> dict[str, Any]:
        return self.caller.call(
            f"reading check run {check_run_id}",
            lambda: self._rest.checks.get(self.owner, self.name, check_run_id).json(),
        )

    def create_review(
        self, number: int, body: dict[str, Any], find: Callable[[], dict[str, Any] | None]
    ) -> tuple[dict[str, Any], bool]:
        return self.caller.create_once(
            f"posting the review on #{number}",
            lambda: self._rest.pulls.create_review(self.owner, self.name, number, data=body).json(),
            find,
        )

    def create_check_run(
        self, body: dict[str, Any], find: Callable[[], dict[str, Any] | None]
    ) -> tuple[dict[str, Any], bool]:
        return self.caller.create_once(
            "creating the check run",
            lambda: self._rest.checks.create(self.owner, self.name, data=body).json(),
            find,
        )

    def update_check_run(self, check_run_id: int, body: dict[str, Any]) -> dict[str, Any]:
        """A PATCH without annotations: repeating it changes nothing."""
        return self.caller.call(
            f"updating check run {check_run_id}",
            lambda: self._rest.checks.update(self.owner, self.name, check_run_id, data=body).json(),
        )

    def add_annotations(
        self, check_run_id: int, body: dict[str, Any], landed: Callable[[], bool]
    ) -> None:
        """A PATCH that appends annotations: repeated only if `landed()` says it did not."""
        self.caller.create_once(
            f"annotating check run {check_run_id}",
            lambda: self._rest.checks.update(self.owner, self.name, check_run_id, data=body),
            lambda: True if landed() else None,
        )

    def create_issue_comment(
        self, number: int, body: str, find: Callable[[], dict[str, Any] | None]
    ) -> tuple[dict[str, Any], bool]:
        return self.caller.create_once(
            f"commenting on #{number}",
            lambda: self._rest.issues.create_comment(
                self.owner, self.name, number, data={"body": body}
            ).json(),
            find,
        )

    def graphql(self, what: str, query: str, variables: dict[str, Any]) -> dict[str, Any]:
        """A GraphQL query, or a mutation that may be repeated (resolving a resolved review
        thread changes nothing): retried as any idempotent call. Its `data`."""
        assert self._github is not None, "connect() first"
        github = self._github
        return self.caller.call(what, lambda: github.graphql.request(query, variables))

    def permission(self, user: str) -> str:
        """`user`'s permission on the repository (admin, maintain, write, triage, read or
        none; see `permission_level`); "none" when GitHub knows no such user here."""
        try:
            data = self.caller.call(
                f"reading the permission of {user}",
                lambda: self._rest.repos.get_collaborator_permission_level(
                    self.owner, self.name, user
                ).json(),
            )
        except PermanentGitHubError as exc:
            if exc.status == 404:
                return "none"
            raise
        return permission_level(data)

    def update_issue_comment(self, comment_id: int, body: str) -> dict[str, Any]:
        return self.caller.call(
            f"editing comment {comment_id}",
            lambda: self._rest.issues.update_comment(
                self.owner, self.name, comment_id, data={"body": body}
            ).json(),
        )

    def upload_sarif(self, commit_sha: str, ref: str, sarif: str) -> dict[str, Any]:
        """POST /repos/{owner}/{repo}/code-scanning/sarifs: `sarif` is the log gzipped and
        base64-encoded. Repeating it is harmless: code scanning keeps one analysis per
        tool, commit and ref, and a new upload replaces it. Answers {"id", "url"}."""
        body = {"commit_sha": commit_sha, "ref": ref, "sarif": sarif}
        return self.caller.call(
            f"uploading SARIF for {commit_sha[:12]}",
            lambda: self._rest.code_scanning.upload_sarif(self.owner, self.name, data=body).json(),
        )
