"""No check run left spinning: closing the check run of a review that ended without a result.

The workflow closes its check run itself when a step fails for good (the check-run
publisher's `fail` phase). Whatever runs reviews calls `close_abandoned` for every other
way a review can end without success: it failed before its check run existed or while
closing it, it timed out, the process running it kept dying, or it was given up. The
check run is found by the review's marker; one still in progress is completed as
failed with what happened and how to re-run it, and when the review never got as far as
creating one, a completed one says the same, so the pull request shows the outcome.
"""

from __future__ import annotations

import logging
from typing import Any

from reporter.github import checks
from reporter.github.client import GitHubApp
from reporter.github.comments import run_marker
from review.trigger import ReviewTrigger

log = logging.getLogger(__name__)
PERMISSIONS = {"checks": "write"}


def close_abandoned(app: GitHubApp, trigger: ReviewTrigger, what_happened: str) -> bool:
    """Complete the check run of the review of `trigger` as failed, unless it is completed
    already; True when no check run of it is left in progress.

    Raises GitHubError when GitHub cannot be asked or refuses (the caller retries later).
    """
    if trigger.installation_id is None or not trigger.head_sha:
        log.warning(
            "review %s names no installation or commit: no check run to close", trigger.run_key()
        )
        return True
    client = app.repo(trigger.installation_id, trigger.repository, PERMISSIONS)
    marker = run_marker(trigger.run_key())
    body = checks.stopped(what_happened, marker, app.policy.wall_clock())

    def ours() -> list[dict[str, Any]]:
        runs = client.check_runs(trigger.head_sha, checks.CHECK_NAME, app.settings.app_id)
        return [r for r in runs if marker in ((r.get("output") or {}).get("summary") or "")]

    found = ours()
    if not found:
        start = checks.in_progress(trigger.head_sha, trigger.pull_number, marker)
        client.create_check_run({**start, **body}, lambda: next(iter(ours()), None))
        log.info("review %s: posted a failed check run (%s)", trigger.run_key(), what_happened)
        return True
    for run in found:
        if run.get("status") != "completed":
            client.update_check_run(int(run["id"]), body)
            log.info("review %s: closed check run %s", trigger.run_key(), run["id"])
    return True
