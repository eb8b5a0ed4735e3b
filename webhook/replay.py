"""Feed a saved delivery through the same decide-and-start path, without a signature.

For `reviewbot replay EVENT_JSON [--event NAME]`: debugging routing locally and
re-running a delivery that GitHub no longer redelivers (after 3 days).
"""

from __future__ import annotations

import asyncio
import uuid
from typing import Any

from review.trigger import ReviewStarter
from webhook.dispatch import Outcome, dispatch
from webhook.github import GitHubPort
from webhook.routing import decide
from webhook.settings import WebhookSettings


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
    or re-run starts a new review while automatic events still dedupe by head.
    """
    event = event_name or infer_event(payload)
    decision = decide(event, payload, settings, delivery_id or f"replay-{uuid.uuid4()}")
    return asyncio.run(dispatch(decision, starter, github))
