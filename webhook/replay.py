"""Feed a saved delivery through the same decide-and-start path, without a signature.

For `reviewbot replay EVENT_JSON [--event NAME]`: seeing what the edge would answer to a
delivery and what it would start, as a dry run. Comment commands go through
`DryRunGitHub`: its look-ups (the commenter's permission, the pull request's head) ask
GitHub for real when the App is configured, and are assumed, and said to be, when it is
not; what the edge would write (the 👀 reaction, the `/help` reply) is recorded, never sent.
"""

from __future__ import annotations

import asyncio
import uuid
from typing import Any
from urllib.parse import quote

from review.trigger import ReviewStarter
from webhook.dispatch import Outcome, dispatch
from webhook.github import GitHubPort, PullHead
from webhook.routing import decide
from webhook.settings import WebhookSettings

NOT_CONFIGURED = "the App's id and private key are not configured, so GitHub was not asked"


class LookupFailed(Exception):
    """GitHub could not answer a dry run's look-up; the message is one line."""


def _repo(owner: str, repo: str) -> str:
    return f"/repos/{quote(owner, safe='')}/{quote(repo, safe='')}"


class DryRunGitHub:
    """A `GitHubPort` that never writes: `react` and `reply` are recorded in `would_send`
    as the requests they would make. Look-ups go to `lookups` (the App's real port, so
    GitHub answers them; each is listed in `asked`), or, without one, are assumed: the
    commenter may trigger and the pull request's head is unknown (each listed in
    `assumed`)."""

    def __init__(self, lookups: GitHubPort | None) -> None:
        self._lookups = lookups
        self.would_send: list[dict[str, Any]] = []
        self.asked: list[str] = []
        self.assumed: list[str] = []

    async def permission(self, installation_id: int, owner: str, repo: str, user: str) -> str:
        path = f"{_repo(owner, repo)}/collaborators/{quote(user, safe='')}/permission"
        if self._lookups is None:
            self.assumed.append(
                f"{user} has write permission and may trigger: {NOT_CONFIGURED} (GET {path})"
            )
            return "write"
        try:
            level = await self._lookups.permission(installation_id, owner, repo, user)
        except Exception as exc:
            raise LookupFailed(f"GitHub did not answer GET {path}: {_why(exc)}") from None
        self.asked.append(f"GET {path}: {user} has {level} permission")
        return level

    async def pull_head(self, installation_id: int, owner: str, repo: str, number: int) -> PullHead:
        path = f"{_repo(owner, repo)}/pulls/{number}"
        if self._lookups is None:
            self.assumed.append(
                f"pull request #{number} is open and its head is unknown (head_sha empty): "
                f"{NOT_CONFIGURED} (GET {path}); the review would be of its head at that time"
            )
            return PullHead(sha="", head_ref="", base_ref="", state="open")
        try:
            head = await self._lookups.pull_head(installation_id, owner, repo, number)
        except Exception as exc:
            raise LookupFailed(f"GitHub did not answer GET {path}: {_why(exc)}") from None
        self.asked.append(f"GET {path}: {head.state}, head {head.sha}")
        return head

    async def react(
        self, installation_id: int, owner: str, repo: str, comment_id: int, content: str
    ) -> None:
        path = f"{_repo(owner, repo)}/issues/comments/{comment_id}/reactions"
        self.would_send.append({"method": "POST", "path": path, "body": {"content": content}})

    async def reply(
        self, installation_id: int, owner: str, repo: str, issue_number: int, body: str
    ) -> None:
        path = f"{_repo(owner, repo)}/issues/{issue_number}/comments"
        self.would_send.append({"method": "POST", "path": path, "body": {"body": body}})


def _why(exc: Exception) -> str:
    """One line about a failed look-up (an HTTP status, or what kept GitHub from answering)."""
    response = getattr(exc, "response", None)
    if response is not None and getattr(response, "status_code", None):
        request = response.request
        return f"{request.method} {request.url.path} was answered {response.status_code}"
    return " ".join(str(exc).split()) or type(exc).__name__


def infer_event(payload: dict[str, Any]) -> str:
    """The event name a payload's shape implies; ValueError when it is ambiguous."""
    if "pull_request" in payload and "number" in payload:
        return "pull_request"
    if "comment" in payload and "issue" in payload:
        return "issue_comment"
    if "check_run" in payload:
        return "check_run"
    if "zen" in payload:
        return "ping"
    raise ValueError("cannot tell the event from the payload: pass --event")


def replay(
    event_name: str | None,
    payload: dict[str, Any],
    settings: WebhookSettings,
    starter: ReviewStarter,
    github: GitHubPort | None = None,
    *,
    delivery_id: str | None = None,
) -> Outcome:
    """Route and dispatch `payload` as if GitHub had just delivered it.

    Each replay gets a fresh delivery id unless one is given, so a replayed command
    or re-run starts a new review while automatic events still dedupe by head. Raises
    LookupFailed when `github` is a `DryRunGitHub` whose look-up GitHub did not answer.
    """
    event = event_name or infer_event(payload)
    decision = decide(event, payload, settings, delivery_id or f"replay-{uuid.uuid4()}")
    return asyncio.run(dispatch(decision, starter, github))
