"""Sans-I/O routing: a verified delivery in, a `Decision` out.

`decide` reads only the payload and settings, so every branch is testable without
HTTP or GitHub; the caller (`webhook.dispatch`) performs whatever I/O it asks for.
"""

from __future__ import annotations

from dataclasses import dataclass, field, replace
from typing import Any

from pydantic import ValidationError

from review.trigger import ReviewTrigger
from webhook.commands import help_text, parse_command, unknown_agents_text
from webhook.events import ALWAYS_DELIVERED
from webhook.payloads import CheckRunEvent, IssueCommentEvent, PullRequestEvent
from webhook.settings import WebhookSettings

REVIEW_ACTIONS = frozenset({"opened", "reopened", "synchronize", "ready_for_review"})
# author_association values that imply write access. Only the owner does: MEMBER and
# COLLABORATOR include organisation members and outside collaborators with read access,
# and the values under-report (see libraries.md), so everyone else is asked about.
TRUSTED_ASSOCIATIONS = frozenset({"OWNER"})


@dataclass(frozen=True)
class Ignore:
    """Nothing to do; answered 202 so GitHub does not count it as a failure."""

    reason: str


@dataclass(frozen=True)
class Reject:
    """The payload lacks what its event needs: answered 400."""

    reason: str


@dataclass(frozen=True)
class Acknowledge:
    """An App lifecycle event worth a log line and a 200."""

    event: str
    details: dict[str, Any] = field(default_factory=dict)


@dataclass(frozen=True)
class StartReview:
    trigger: ReviewTrigger


@dataclass(frozen=True)
class CommentTarget:
    """Where a command was written, for the permission check, reaction and reply."""

    installation_id: int
    owner: str
    repo: str
    issue_number: int
    comment_id: int


@dataclass(frozen=True)
class Command:
    """A comment command; the caller authorises `user`, then replies or starts `review`.

    `review` lacks the head commit (issue_comment payloads do not carry it): the caller
    fills in the pull request's current head. Exactly one of `reply`/`review` is set.
    """

    target: CommentTarget
    user: str
    needs_permission_check: bool
    reply: str | None = None
    review: ReviewTrigger | None = None


Decision = Ignore | Reject | Acknowledge | StartReview | Command


def decide(
    event_name: str, payload: dict[str, Any], settings: WebhookSettings, delivery_id: str = ""
) -> Decision:
    """Route one delivery whose signature has already been checked."""
    action = payload.get("action")
    action = action if isinstance(action, str) else None
    if event_name in ALWAYS_DELIVERED:
        return _acknowledge(event_name, payload)
    try:
        if event_name == "pull_request" and action in REVIEW_ACTIONS:
            return _pull_request(PullRequestEvent.model_validate(payload), settings, delivery_id)
        if event_name == "issue_comment" and action == "created":
            return _comment(IssueCommentEvent.model_validate(payload), settings, delivery_id)
        if event_name == "check_run" and action == "rerequested":
            return _check_run(CheckRunEvent.model_validate(payload), settings, delivery_id)
    except ValidationError as exc:
        return Reject(f"{event_name} payload is missing or has invalid fields: {_fields(exc)}")
    what = f"{event_name}.{action}" if action else event_name
    return Ignore(f"{what} is not handled")


def _fields(exc: ValidationError) -> str:
    locs = {".".join(str(p) for p in err["loc"]) for err in exc.errors()}
    return ", ".join(sorted(locs)[:5])


def _acknowledge(event_name: str, payload: dict[str, Any]) -> Acknowledge:
    details: dict[str, Any] = {"action": payload.get("action")}
    installation = payload.get("installation")
    if isinstance(installation, dict):
        details["installation_id"] = installation.get("id")
        account = installation.get("account")
        if isinstance(account, dict):
            details["account"] = account.get("login")
    if event_name == "ping":
        details["hook_id"] = payload.get("hook_id")
    return Acknowledge(event_name, details)


def _pull_request(event: PullRequestEvent, settings: WebhookSettings, delivery_id: str) -> Decision:
    pr = event.pull_request
    if pr.state != "open":
        return Ignore(f"pull request #{pr.number} is {pr.state}")
    if pr.draft and not settings.review_drafts:
        return Ignore(f"pull request #{pr.number} is a draft")
    return StartReview(
        ReviewTrigger(
            delivery_id=delivery_id,
            event="pull_request",
            repository=event.repository.full_name,
            clone_url=event.repository.clone_url,
            installation_id=event.installation.id if event.installation else None,
            pull_number=pr.number,
            head_sha=pr.head.sha,
            base_ref=pr.base.ref,
            head_ref=pr.head.ref,
            reason=event.action,
            requested_by=event.sender.login,
        )
    )


def _is_own_or_bot(event: IssueCommentEvent, slug: str) -> str | None:
    app = event.comment.performed_via_github_app
    if (app and app.slug == slug) or event.sender.login == f"{slug}[bot]":
        return "comment by this App"
    for account in (event.sender, event.comment.user):
        if account.type == "Bot" or account.login.endswith("[bot]"):
            return "comment by a bot"
    return None


def _comment(event: IssueCommentEvent, settings: WebhookSettings, delivery_id: str) -> Decision:
    if event.issue.pull_request is None:
        return Ignore("comment on an issue, not a pull request")
    not_human = _is_own_or_bot(event, settings.app_slug)
    if not_human:
        return Ignore(not_human)
    command = parse_command(event.comment.body, settings.app_slug)
    if command is None:
        return Ignore("comment is not a command")
    if event.issue.state != "open":
        return Ignore(f"pull request #{event.issue.number} is {event.issue.state}")
    if event.installation is None:
        return Ignore("delivery has no installation to act as")
    owner, _, repo = event.repository.full_name.partition("/")
    user = event.sender.login
    base = Command(
        target=CommentTarget(
            event.installation.id, owner, repo, event.issue.number, event.comment.id
        ),
        user=user,
        needs_permission_check=event.comment.author_association not in TRUSTED_ASSOCIATIONS,
    )
    agents = settings.known_agents
    if command.name == "help":
        return replace(base, reply=help_text(settings.app_slug, agents))
    unknown = tuple(a for a in command.args if a not in agents)
    if unknown:
        return replace(base, reply=unknown_agents_text(user, unknown, agents))
    review = ReviewTrigger(
        delivery_id=delivery_id,
        event="issue_comment",
        repository=event.repository.full_name,
        clone_url=event.repository.clone_url,
        installation_id=event.installation.id,
        pull_number=event.issue.number,
        head_sha="",
        base_ref=None,
        head_ref=None,
        agents=command.args,
        reason="command",
        requested_by=user,
        full=command.full,
    )
    return replace(base, review=review)


def _check_run(event: CheckRunEvent, settings: WebhookSettings, delivery_id: str) -> Decision:
    run = event.check_run
    app = run.app
    ours = app is not None and (
        app.slug == settings.app_slug or (settings.app_id is not None and app.id == settings.app_id)
    )
    if not ours:
        return Ignore("check run belongs to another App")
    pull = run.pull_requests[0] if run.pull_requests else None
    number = pull.number if pull else _number_from_external_id(run.external_id)
    if number is None:
        return Ignore("check run names no pull request")
    head_ref = pull.head.ref if pull and pull.head else None
    if head_ref is None and run.check_suite:
        head_ref = run.check_suite.head_branch
    return StartReview(
        ReviewTrigger(
            delivery_id=delivery_id,
            event="check_run",
            repository=event.repository.full_name,
            clone_url=event.repository.clone_url,
            installation_id=event.installation.id if event.installation else None,
            pull_number=number,
            head_sha=run.head_sha,
            base_ref=pull.base.ref if pull and pull.base else None,
            head_ref=head_ref,
            reason="rerun",
            requested_by=event.sender.login,
            full=True,  # a person asked for the review again: as `/review full`
        )
    )


def _number_from_external_id(external_id: str | None) -> int | None:
    """Fork PRs leave `pull_requests` empty, so our check runs carry "pr:<number>"."""
    prefix, _, number = (external_id or "").partition(":")
    if prefix == "pr" and number.isascii() and number.isdigit():
        return int(number)
    return None
