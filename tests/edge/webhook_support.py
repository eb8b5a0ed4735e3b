"""Test support: payloads (see webhook_fixtures), signing as GitHub does, recording fakes."""

from __future__ import annotations

import copy
import hashlib
import hmac
import threading
import uuid
from collections.abc import Callable
from pathlib import Path
from typing import Any

from webhook_fixtures import fixture

from review.trigger import ReviewStatus, ReviewTrigger, StartResult
from webhook.github import PullHead

REPO_ROOT = Path(__file__).resolve().parents[2]
SECRET = "It's a Secret to Everybody"
# deliver(event, payload, delivery=None) -> response, from the `deliver` fixture.
Deliver = Callable[..., Any]
# The head commit of pull request #2 in our pull_request and check_run fixtures.
HEAD_SHA = "ec26c3e57ca3a959ca5aad62de7213c562f8c821"


def load(name: str) -> dict[str, Any]:
    """One of the project's fixtures, e.g. load("pull_request/opened"); a fresh copy."""
    return fixture(name)


def sign(body: bytes, secret: str = SECRET) -> str:
    return "sha256=" + hmac.new(secret.encode(), body, hashlib.sha256).hexdigest()


def headers_for(event: str, body: bytes, delivery: str | None = None) -> dict[str, str]:
    return {
        "X-GitHub-Event": event,
        "X-GitHub-Delivery": delivery or str(uuid.uuid4()),
        "X-Hub-Signature-256": sign(body),
        "Content-Type": "application/json",
    }


def comment_payload(
    body: str = "/review",
    association: str = "OWNER",
    *,
    login: str = "Codertocat",
    sender_type: str = "User",
    action: str = "created",
) -> dict[str, Any]:
    """An issue_comment on open pull request #1, delivered to installation 42 (the fixture's)."""
    payload = load(f"issue_comment/{action}")
    payload["comment"].update(body=body, author_association=association)
    for account in (payload["sender"], payload["comment"]["user"]):
        account.update(login=login, type=sender_type)
    return payload


class RecordingStarter:
    """Records triggers; thread-safe; `delay` widens race windows. A recorded review's
    status is `outcomes[name]`, PENDING unless a test says otherwise."""

    def __init__(self, delay: float = 0.0) -> None:
        self.triggers: list[ReviewTrigger] = []
        self.outcomes: dict[str, ReviewStatus] = {}
        self._lock = threading.Lock()
        self._delay = delay

    def start(self, trigger: ReviewTrigger) -> StartResult:
        if self._delay:
            threading.Event().wait(self._delay)
        with self._lock:
            self.triggers.append(trigger)
            self.outcomes[trigger.execution_name()] = ReviewStatus.PENDING
        return StartResult(True, trigger.execution_name(), "recorded")

    def status(self, execution_name: str) -> ReviewStatus | None:
        with self._lock:
            return self.outcomes.get(execution_name)


class FakeGitHub:
    """A `GitHubPort` that answers from fields and records every call."""

    def __init__(self, level: str = "write", state: str = "open") -> None:
        self.level = level
        self.head = PullHead(sha="f" * 40, head_ref="feature", base_ref="main", state=state)
        self.calls: list[tuple[Any, ...]] = []
        self.fail_react = False

    async def permission(self, installation_id: int, owner: str, repo: str, user: str) -> str:
        self.calls.append(("permission", installation_id, owner, repo, user))
        return self.level

    async def react(
        self, installation_id: int, owner: str, repo: str, comment_id: int, content: str
    ) -> None:
        self.calls.append(("react", installation_id, owner, repo, comment_id, content))
        if self.fail_react:
            raise RuntimeError("GitHub is down")

    async def reply(
        self, installation_id: int, owner: str, repo: str, issue_number: int, body: str
    ) -> None:
        self.calls.append(("reply", installation_id, owner, repo, issue_number, body))

    async def pull_head(self, installation_id: int, owner: str, repo: str, number: int) -> PullHead:
        self.calls.append(("pull_head", installation_id, owner, repo, number))
        return self.head

    def names(self) -> list[str]:
        return [call[0] for call in self.calls]


def variant(payload: dict[str, Any]) -> dict[str, Any]:
    return copy.deepcopy(payload)
