"""Carry out a routing `Decision`: the I/O half of the edge, shared by the route and replay."""

from __future__ import annotations

import asyncio
import logging
from dataclasses import dataclass, replace
from typing import Any

from review.github_api import WRITE_LEVELS
from review.trigger import ReviewStarter, ReviewTrigger
from webhook.github import GitHubPort, GitHubUnavailable
from webhook.logs import log_event
from webhook.routing import Acknowledge, Command, Decision, Ignore, Reject, StartReview

logger = logging.getLogger(__name__)


@dataclass(frozen=True)
class Outcome:
    """The HTTP answer to a delivery, and the decision that led to it."""

    status_code: int
    body: dict[str, Any]
    decision: Decision


async def dispatch(
    decision: Decision, starter: ReviewStarter, github: GitHubPort | None
) -> Outcome:
    """Perform `decision`; returns quickly because starters only hand the review off."""
    if isinstance(decision, Reject):
        return Outcome(400, {"status": "rejected", "reason": decision.reason}, decision)
    if isinstance(decision, Ignore):
        return _ignored(decision, decision.reason)
    if isinstance(decision, Acknowledge):
        log_event(logger, "app event", event=decision.event, **decision.details)
        return Outcome(200, {"status": "ok", "event": decision.event}, decision)
    if isinstance(decision, StartReview):
        return await _start(decision, starter, decision.trigger)
    return await _command(decision, starter, github)


def _ignored(decision: Decision, reason: str) -> Outcome:
    return Outcome(202, {"status": "ignored", "reason": reason}, decision)


async def _start(decision: Decision, starter: ReviewStarter, trigger: ReviewTrigger) -> Outcome:
    # Starters are synchronous (boto3, thread hand-off): keep them off the event loop.
    result = await asyncio.to_thread(starter.start, trigger)
    status = "queued" if result.queued else "started"  # queued: for the next process
    if not result.started:
        status = "duplicate"
    body = {"status": status, "execution": result.execution_name}
    if result.reason:
        body["reason"] = result.reason
    return Outcome(202, body, decision)


async def _command(command: Command, starter: ReviewStarter, github: GitHubPort | None) -> Outcome:
    if github is None:
        return _ignored(command, "commands need the App's id and private key configured")
    try:
        return await _carry_out(command, starter, github)
    except GitHubUnavailable as exc:
        # Nothing was started: say so in one line (no traceback, it is not our bug) and
        # answer 503, so the delivery shows as failed and can be redelivered from the
        # App's settings, or the command commented again.
        log_event(logger, "command not carried out", logging.WARNING, error=str(exc))
        reason = f"{exc}; nothing was started: comment the command again or redeliver this"
        return Outcome(503, {"status": "unavailable", "reason": reason}, command)


async def _carry_out(command: Command, starter: ReviewStarter, github: GitHubPort) -> Outcome:
    t = command.target
    if command.needs_permission_check:
        level = await github.permission(t.installation_id, t.owner, t.repo, command.user)
        if level not in WRITE_LEVELS:
            return _ignored(command, f"{command.user} has {level} permission, write is needed")
    if command.reply is not None:
        await github.reply(t.installation_id, t.owner, t.repo, t.issue_number, command.reply)
        return Outcome(202, {"status": "replied"}, command)
    assert command.review is not None  # decide() sets exactly one of reply/review
    head = await github.pull_head(t.installation_id, t.owner, t.repo, t.issue_number)
    if head.state != "open":
        return _ignored(command, f"pull request #{t.issue_number} is {head.state}")
    trigger = replace(
        command.review, head_sha=head.sha, base_ref=head.base_ref, head_ref=head.head_ref
    )
    outcome = await _start(command, starter, trigger)
    try:
        await github.react(t.installation_id, t.owner, t.repo, t.comment_id, "eyes")
    except Exception:  # the review runs either way; a missing reaction is cosmetic
        logger.warning("could not react to comment %s", t.comment_id, exc_info=True)
    return outcome
