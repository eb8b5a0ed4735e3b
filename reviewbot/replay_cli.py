"""`reviewbot replay`: route a saved webhook delivery as a dry run."""

from __future__ import annotations

import argparse
import json
from pathlib import Path
from typing import TYPE_CHECKING

from review.settings import ConfigError, Settings
from reviewbot.errors import UsageError

if TYPE_CHECKING:
    from review.trigger import ReviewStatus, ReviewTrigger, StartResult

_REPLAY_SECRET = "replay checks no signature"  # noqa: S105 - a placeholder, never a real secret


def add_command(commands: argparse._SubParsersAction, common: argparse.ArgumentParser) -> None:
    """The `replay` command and its options."""
    replay = commands.add_parser(
        "replay",
        help="route a saved webhook delivery without a signature check, as a dry run",
        parents=[common],
    )
    replay.add_argument("event_json", type=Path, help="a saved delivery's JSON body")
    replay.add_argument("--event", help="the X-GitHub-Event name (default: inferred from the body)")
    replay.set_defaults(command=replay_command, reads_env_file=True)


def replay_command(args: argparse.Namespace, settings: Settings) -> int:
    """Print what the edge would answer, which review it would start and what it would
    send GitHub; start and send nothing. With the App configured (its variables, or the
    setup page's stored App as `serve` reads it), a command's look-ups
    (the commenter's permission, the pull request's head) ask GitHub; without it, they
    are assumed, and the output says so."""
    from agents.registry import names
    from webhook.app_auth import client_from_settings
    from webhook.replay import DryRunGitHub, LookupFailed, replay
    from webhook.settings import WebhookSettings

    settings, key = replay_app(args.event_json, settings)
    try:
        if key:
            settings.require_valid_app()
        payload = json.loads(args.event_json.read_text(encoding="utf-8"))
        edge = WebhookSettings(
            webhook_secret=_REPLAY_SECRET,
            known_agents=names(),
            app_id=settings.app_id,
            private_key=key,
            github_api_url=settings.github_api_url,
            app_slug=settings.app_slug,
            review_drafts=settings.review_drafts,
        )
    except (OSError, ValueError, ConfigError) as exc:
        raise UsageError(f"cannot replay {args.event_json}: {exc}") from None
    if not isinstance(payload, dict):
        raise UsageError(f"{args.event_json} is not a JSON object: pass a delivery's body")
    dry_run = DryRun(settings.workspace_root() / "state" / "reviews.sqlite")
    github = DryRunGitHub(client_from_settings(edge))
    try:
        outcome = replay(args.event, payload, edge, dry_run, github)
    except ValueError as exc:
        raise UsageError(str(exc)) from None
    except LookupFailed as exc:
        raise UsageError(f"cannot replay {args.event_json}: {exc}") from None
    result = {
        "status_code": outcome.status_code,
        "body": outcome.body,
        "would_start": dry_run.would_start,
        "would_send": github.would_send,
        "asked_github": github.asked,
        "assumed": github.assumed,
    }
    print(json.dumps(result, indent=2))
    return 0


def replay_app(event_json: Path, settings: Settings) -> tuple[Settings, str | None]:
    """`settings` as the App `serve` would act as (its variables, else the stored App), and
    the App's key (None without an App). UsageError when they cannot be read."""
    from review.app_credentials import with_stored_app

    try:
        settings, _ = with_stored_app(settings)
        if settings.app_id is None:
            return settings, None
        return settings, settings.key()  # the App is configured: its key must be usable
    except ConfigError as exc:
        raise UsageError(f"cannot replay {event_json}: {exc}") from None
    except Exception as exc:  # a Secrets Manager ARN that cannot be read here
        raise UsageError(
            f"cannot replay {event_json}: {settings.key_variable()} cannot be read ({exc})"
        ) from None


class DryRun:
    """A review starter that answers as `reviewbot serve` on the workspace whose queue is
    `queue` would (a duplicate while the review is recorded there as pending or after it
    succeeded) and starts nothing: what it would start is in `would_start`."""

    def __init__(self, queue: Path) -> None:
        self.queue = queue
        self.would_start: list[dict] = []

    def start(self, trigger: ReviewTrigger) -> StartResult:
        from orchestrator.review_queue import recorded_status
        from review.trigger import ReviewStatus, StartResult

        name = trigger.execution_name()
        status = recorded_status(self.queue, name)
        if status is ReviewStatus.PENDING:
            return StartResult(False, name, "review already pending")
        if status is ReviewStatus.SUCCEEDED:
            return StartResult(False, name, "review already done")
        self.would_start.append(trigger.to_dict())
        return StartResult(True, name, "dry run: nothing was started")

    def status(self, execution_name: str) -> ReviewStatus | None:
        from orchestrator.review_queue import recorded_status

        return recorded_status(self.queue, execution_name)
