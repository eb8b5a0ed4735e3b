"""The pull-request review: inline comments on the lines GitHub's diff shows, posted once.

This publisher also decides whether the review is stale: if the pull request moved on
(or closed) while it was reviewed, nothing is posted inline and the later publishers see
`stale` in its result. The review is found before it is posted, by the run marker in its
body; comments already on the pull request are found by their fingerprint markers.
"""

from __future__ import annotations

import logging
from typing import Any

from reporter.github.client import RepoClient
from reporter.github.comments import (
    ReviewPlan,
    fingerprint_of,
    plan_review,
    posted_fingerprints,
)
from reporter.github.files import shown_diff
from reporter.github.publishing import PublishContext, Publisher, State
from reporter.github.retry import GitHubError, TransientGitHubError
from review.findings import Severity
from review.report import Report

log = logging.getLogger(__name__)
MAX_LISTED_INLINE = 3_000  # fingerprints kept in the step's result (a checkpoint is small)


class ReviewPublisher(Publisher):
    name = "review"
    order = 10
    permissions = {"pull_requests": "write"}

    def publish(self, ctx: PublishContext, state: State) -> dict[str, Any]:
        assert ctx.run is not None and ctx.request is not None
        client = ctx.client(self.permissions)
        pull = client.pull(ctx.pull_number)
        head_now = pull["head"]["sha"]
        if head_now != ctx.head or pull.get("state") != "open":
            return {"stale": True, "head_now": head_now, "pull_state": str(pull.get("state"))}
        shown = ctx.run.read_shown_diff()
        if (pull.get("base") or {}).get("sha") != ctx.request.base:
            # the base branch moved, and GitHub's diff with it
            changed = int(pull.get("changed_files") or 0)
            shown = shown_diff(client.pull_files(ctx.pull_number), changed, shown.notes)
        report = ctx.report()
        review_id, problem, plan = None, None, ReviewPlan()
        try:
            bot = ctx.app.bot_login()
            posted = posted_fingerprints(client.review_comments(ctx.pull_number), bot)
            limit = ctx.inline_limit()
            plan = plan_review(report.findings, shown.diff, posted, limit)
            if plan.comments:
                review_id = _post(client, bot, ctx, report, plan)
        except GitHubError as exc:
            # refused (4xx), or still failing when the retry budget ran out: the summary
            # and the check run carry every finding and say why, the step is not retried
            log.warning("review not posted: %s", exc)
            retried = isinstance(exc, TransientGitHubError)
            after = " (still failing after retries)" if retried else ""
            problem = f"The inline comments could not be posted{after}: {exc}."
        inline = [] if problem else [c.fingerprint for c in plan.comments]
        inline += [fingerprint_of(f) for f in plan.already_posted]
        return {
            "stale": False,
            "review_id": review_id,
            "comments": 0 if problem else len(plan.comments),
            "already_posted": len(plan.already_posted),
            "outside_diff": len(plan.outside_diff),
            "over_cap": len(plan.over_cap),
            "inline": inline[:MAX_LISTED_INLINE],
            "problem": problem,
            "notes": shown.notes,
        }


def _post(
    client: RepoClient, bot: str, ctx: PublishContext, report: Report, plan: ReviewPlan
) -> int:
    errors = report.count(Severity.ERROR)
    event = "REQUEST_CHANGES" if ctx.app.settings.request_changes and errors else "COMMENT"
    count = len(plan.comments)
    body = {
        "commit_id": ctx.head,
        "event": event,
        "body": f"reviewbot left {count} inline comment{'s' if count != 1 else ''} on "
        f"`{ctx.head[:12]}`; the summary comment lists every finding.\n\n{ctx.marker}",
        "comments": [c.to_api() for c in plan.comments],
    }

    def find() -> dict[str, Any] | None:
        for review in client.reviews(ctx.pull_number):
            ours = (review.get("user") or {}).get("login") == bot
            if ours and ctx.marker in (review.get("body") or ""):
                return review
        return None

    review, created = client.create_review(ctx.pull_number, body, find)
    log.info("review %s %s", review.get("id"), "posted" if created else "was already posted")
    return int(review["id"])


PUBLISHER = ReviewPublisher()
