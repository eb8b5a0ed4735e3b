"""The pull-request review: inline comments on the lines GitHub's diff shows, posted once.

This publisher also decides whether the review is stale: if the pull request moved on
(or closed) while it was reviewed, nothing is posted inline and the later publishers see
`stale` in its result. The review is found before it is posted, by the run marker in its
body; comments already on the pull request are found by their fingerprint markers.

After the first review of a pull request, a review is incremental (unless `/review full`
or the check run's Re-run button asked otherwise): new comments go only to findings that
were not open at the last reviewed head and have no open thread of the App's, that is
findings on code the push changed (a finding's fingerprint is the code it points at) or
that the push introduced.
Dismissed findings are never posted. Then the threads of fixed findings are resolved,
and those of fixed findings that came back are reopened (`review.lifecycle`).
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
from reporter.github.errors import GitHubError, TransientGitHubError
from reporter.github.files import shown_diff
from reporter.github.publishing import PublishContext, Publisher, State
from reporter.github.threads import set_resolved
from review.findings import Finding, Severity
from review.lifecycle import Reconciled
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
        report, known = ctx.report(), ctx.reconciled()
        incremental = known.said is not None and not ctx.full
        fresh, earlier = _split(known, incremental)
        review_id, problem, plan = None, None, ReviewPlan()
        try:
            bot = ctx.app.bot_login()
            posted = posted_fingerprints(client.review_comments(ctx.pull_number), bot)
            limit = ctx.inline_limit()
            plan = plan_review(fresh, shown.diff, posted, limit)
            if plan.comments:
                review_id = _post(client, bot, ctx, report, plan, known.previous_head)
        except GitHubError as exc:
            # refused (4xx), or still failing when the retry budget ran out: the summary
            # and the check run carry every finding and say why, the step is not retried
            log.warning("review not posted: %s", exc)
            retried = isinstance(exc, TransientGitHubError)
            after = " (still failing after retries)" if retried else ""
            problem = f"The inline comments could not be posted{after}: {exc}."
        inline = [] if problem else [c.fingerprint for c in plan.comments]
        inline += [fingerprint_of(f) for f in plan.already_posted]
        inline += [fp for f in earlier if (fp := fingerprint_of(f)) in known.commented]
        settled, unsettled = _settle(client, known.resolve, known.reopen)
        return {
            "stale": False,
            "review_id": review_id,
            "comments": 0 if problem else len(plan.comments),
            "already_posted": len(plan.already_posted),
            "outside_diff": len(plan.outside_diff),
            "over_cap": len(plan.over_cap),
            "earlier": len(earlier),
            "since": known.previous_head if incremental else None,
            "resolved": settled,
            "inline": inline[:MAX_LISTED_INLINE],
            "unposted": problem is not None,  # the next review is then a full one
            "problem": " ".join(p for p in (problem, unsettled) if p) or None,
            "notes": shown.notes,
        }


def _split(pull: Reconciled, incremental: bool) -> tuple[list[Finding], list[Finding]]:
    """The open findings an inline comment may go to, and those already said (open at
    the last reviewed head, or with an open thread of the App's): all of them go to the
    first list in a full review."""
    if not incremental:
        return list(pull.open), []
    said = (pull.said or frozenset()) | pull.commented
    fresh = [f for f in pull.open if fingerprint_of(f) not in said]
    return fresh, [f for f in pull.open if fingerprint_of(f) in said]


def _settle(client: RepoClient, resolve: list[str], reopen: list[str]) -> tuple[int, str | None]:
    """Resolve the threads of fixed findings and reopen those of findings back again;
    how many were resolved, and what went wrong, if anything (the summary says it)."""
    done = 0
    try:
        for thread_id in reopen:
            set_resolved(client, thread_id, False)
        for thread_id in resolve:
            set_resolved(client, thread_id, True)
            done += 1
    except GitHubError as exc:
        log.warning("review threads not resolved: %s", exc)
        return done, f"The review threads of fixed findings could not all be resolved: {exc}."
    return done, None


def _post(
    client: RepoClient,
    bot: str,
    ctx: PublishContext,
    report: Report,
    plan: ReviewPlan,
    since: str | None,
) -> int:
    errors = report.count(Severity.ERROR)
    event = "REQUEST_CHANGES" if ctx.app.settings.request_changes and errors else "COMMENT"
    count = len(plan.comments)
    what = f" since `{since[:12]}`" if since and since != ctx.head else ""
    body = {
        "commit_id": ctx.head,
        "event": event,
        "body": f"reviewbot left {count} inline comment{'s' if count != 1 else ''} on "
        f"`{ctx.head[:12]}`{what and f', on what is new{what}'}; the summary comment lists "
        f"every finding.\n\n{ctx.marker}",
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
