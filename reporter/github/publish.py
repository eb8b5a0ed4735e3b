"""Publishing a finished review on its pull request, exactly once.

The step that calls this runs at least once: a process can die after GitHub accepted
the review and before the checkpoint. So every write is found before it is made: the
review by the run marker in its body, inline comments by their fingerprint markers, the
summary comment by its marker (and edited, never posted twice), annotations by the
check run's annotation count. Only the App's own comments and reviews count.

If the pull request moved on while it was reviewed, nothing is posted inline: the new
head has its own review coming, and the check run says this one is stale.
"""

from __future__ import annotations

import logging
from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any

from reporter.escape import inline
from reporter.github import checks
from reporter.github.client import RepoClient
from reporter.github.comments import PatchIndex, ReviewPlan, plan_review, posted_fingerprints
from reporter.github.retry import PermanentGitHubError
from reporter.markdown import SUMMARY_MARKER, render_markdown
from review.findings import Severity
from review.report import Report
from review.request import ReviewRequest

log = logging.getLogger(__name__)


@dataclass(frozen=True)
class Publication:
    """Everything a publish needs; `files` is GitHub's files listing, with patches."""

    request: ReviewRequest
    report: Report
    files: list[dict[str, Any]]
    check_run_id: int
    marker: str
    notes: list[str] = field(default_factory=list)
    max_inline_comments: int = 25
    request_changes: bool = False


def publish(
    client: RepoClient, bot_login: str, pub: Publication, now: Callable[[], float]
) -> dict[str, Any]:
    """Post the review, the summary comment and the check run; return a small summary."""
    number = pub.request.pull_number
    assert number is not None, "a GitHub review has a pull request number"
    pull = client.pull(number)
    head_now = pull["head"]["sha"]
    if head_now != pub.request.head or pull.get("state") != "open":
        return _skip(client, pub, head_now, str(pull.get("state")), now)
    files = pub.files
    if (pull.get("base") or {}).get("sha") != pub.request.base:
        files = client.pull_files(number)  # the base branch moved, and GitHub's diff with it
    posted = posted_fingerprints(client.review_comments(number), bot_login)
    plan = plan_review(pub.report.findings, PatchIndex(files), posted, pub.max_inline_comments)
    problems: list[str] = []
    review_id = None
    if plan.comments:
        try:
            review_id = _post_review(client, bot_login, pub, plan)
        except PermanentGitHubError as exc:  # reported below, not retried
            log.warning("review not posted: %s", exc)
            problems.append(f"The inline comments could not be posted: {exc}.")
    summary = render_markdown(pub.report, _notes(pub, plan, problems))
    comment_id = None
    try:
        comment_id = _upsert_summary(client, bot_login, number, summary)
    except PermanentGitHubError as exc:  # the check run below still carries the summary
        log.warning("summary comment not posted: %s", exc)
        problems.append(f"The summary comment could not be posted: {exc}.")
    result = checks.conclusion(pub.report, pub.request.config.fail_on)
    out = checks.output(
        checks.title(pub.report),
        f"{summary}\n{pub.marker}\n",
        "\n\n".join(inline(problem, 1_000) for problem in problems),
    )
    _complete_check(client, pub.check_run_id, out, result, plan, now)
    return {
        "stale": False,
        "review_id": review_id,
        "comments": len(plan.comments),
        "already_posted": len(plan.already_posted),
        "annotations": len(plan.not_inline),
        "summary_comment_id": comment_id,
        "conclusion": result,
        "problems": problems,
    }


def _skip(
    client: RepoClient, pub: Publication, head_now: str, state: str, now: Callable[[], float]
) -> dict[str, Any]:
    reviewed = pub.request.head[:12]
    if head_now != pub.request.head:
        heading = f"Stale: the pull request moved on to {head_now[:12]}"
        why = f"the pull request's head is now `{head_now[:12]}`, which gets its own review"
    else:
        heading = f"Skipped: the pull request is {state}"
        why = f"the pull request is {state}"
    summary = f"reviewbot reviewed `{reviewed}`, but {why}: nothing was posted.\n\n{pub.marker}\n"
    body = checks.completed("neutral", checks.output(heading, summary), now())
    client.update_check_run(pub.check_run_id, body)
    return {"stale": True, "review_id": None, "comments": 0, "conclusion": "neutral"}


def _post_review(client: RepoClient, bot_login: str, pub: Publication, plan: ReviewPlan) -> int:
    number = pub.request.pull_number
    assert number is not None
    errors = pub.report.count(Severity.ERROR)
    event = "REQUEST_CHANGES" if pub.request_changes and errors else "COMMENT"
    count = len(plan.comments)
    body = {
        "commit_id": pub.request.head,
        "event": event,
        "body": f"reviewbot left {count} inline comment{'s' if count != 1 else ''} on "
        f"`{pub.request.head[:12]}`; the summary comment lists every finding.\n\n{pub.marker}",
        "comments": [c.to_api() for c in plan.comments],
    }

    def find() -> dict[str, Any] | None:
        for review in client.reviews(number):
            ours = (review.get("user") or {}).get("login") == bot_login
            if ours and pub.marker in (review.get("body") or ""):
                return review
        return None

    review, created = client.create_review(number, body, find)
    log.info("review %s %s", review.get("id"), "posted" if created else "was already posted")
    return int(review["id"])


def _upsert_summary(client: RepoClient, bot_login: str, number: int, body: str) -> int:
    def find() -> dict[str, Any] | None:
        for comment in client.issue_comments(number):
            ours = (comment.get("user") or {}).get("login") == bot_login
            if ours and SUMMARY_MARKER in (comment.get("body") or ""):
                return comment
        return None

    comment, created = client.create_issue_comment(number, body, find)
    if not created and comment.get("body") != body:
        client.update_issue_comment(int(comment["id"]), body)
    return int(comment["id"])


def _complete_check(
    client: RepoClient,
    check_run_id: int,
    out: dict[str, Any],
    result: str,
    plan: ReviewPlan,
    now: Callable[[], float],
) -> None:
    """Annotations first, 50 per request, each batch sent once; then the conclusion."""
    done = 0
    for batch in checks.batches(checks.annotations(plan.not_inline)):
        done += len(batch)

        def landed(expected: int = done) -> bool:
            current = client.check_run(check_run_id)
            return int((current.get("output") or {}).get("annotations_count") or 0) >= expected

        client.add_annotations(check_run_id, {"output": {**out, "annotations": batch}}, landed)
    client.update_check_run(check_run_id, checks.completed(result, out, now()))


def _notes(pub: Publication, plan: ReviewPlan, problems: list[str]) -> str | None:
    lines = [inline(note, 500) for note in pub.notes]  # may quote a commenter's words
    if plan.outside_diff:
        lines.append(
            f"{len(plan.outside_diff)} finding(s) are on lines GitHub does not show in this "
            "pull request's diff: they are listed here and in the check run only."
        )
    if plan.over_cap:
        lines.append(
            f"{len(plan.over_cap)} finding(s) beyond the limit of {pub.max_inline_comments} "
            "inline comments per review are listed here and in the check run only."
        )
    if plan.already_posted:
        lines.append(f"{len(plan.already_posted)} finding(s) were already commented inline.")
    lines += [inline(problem, 1_000) for problem in problems]
    return "\n".join(f"- {line}" for line in lines) if lines else None
