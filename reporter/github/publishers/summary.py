"""The summary comment: one per pull request, edited by every review, never posted twice.

It is the state of the pull request: open, fixed, dismissed and pre-existing findings
(see `reporter.formats.markdown`), and, in a hidden marker, what the next review needs
to know (`review.pull_state`: the last reviewed head, the findings open there, those
fixed and dismissed). It is found by its marker among the App's own comments. Its notes
say why findings are not inline (outside GitHub's diff, over the cap, already commented,
said at the last reviewed head) and what could not be posted; the check run repeats the
same text without the state.
"""

from __future__ import annotations

import logging
from dataclasses import replace
from typing import Any

from reporter.escape import GITHUB_BODY_LIMIT, inline, shown_name
from reporter.formats.markdown import SUMMARY_MARKER, render_markdown
from reporter.github.client import RepoClient
from reporter.github.errors import GitHubError
from reporter.github.publishing import PublishContext, Publisher, State
from review.lifecycle import Reconciled
from review.report import Report

log = logging.getLogger(__name__)


class SummaryPublisher(Publisher):
    name = "summary"
    order = 20
    permissions = {"issues": "write"}

    def publish(self, ctx: PublishContext, state: State) -> dict[str, Any]:
        if state.get("review", {}).get("stale"):
            return {"comment_id": None}
        client = ctx.client(self.permissions)
        pull = ctx.reconciled()
        kept = pull.state
        if state.get("review", {}).get("unposted"):  # nothing was said inline at this head
            kept = replace(kept, head=None)
        marker = kept.marker()
        text = summary_text(ctx.report(), ctx, state, GITHUB_BODY_LIMIT - len(marker) - 1, pull)
        body = f"{text}{marker}\n"
        try:
            return {"comment_id": _upsert(client, ctx.app.bot_login(), ctx.pull_number, body)}
        except GitHubError as exc:  # refused, or past the retry budget: the check run has it
            log.warning("summary comment not posted: %s", exc)
            return {
                "comment_id": None,
                "problem": f"The summary comment could not be posted: {exc}.",
            }


def summary_text(
    report: Report,
    ctx: PublishContext,
    state: State,
    max_chars: int = GITHUB_BODY_LIMIT,
    pull: Reconciled | None = None,
) -> str:
    """The summary comment's Markdown (without the state marker), at most `max_chars`
    characters, with notes on what is not inline and why."""
    pull = pull or ctx.reconciled()
    review = state.get("review", {})
    # notes may name paths, or quote a commenter
    lines = [inline(shown_name(note), 500) for note in review.get("notes") or ()]
    limit = ctx.inline_limit()
    since = str(review.get("since") or "")
    if since:
        count = int(review.get("comments") or 0)
        what = (
            "this commit was reviewed before, so inline comments went only to findings "
            "not said then"
            if since == ctx.head
            else f"inline comments went only to what changed since the last reviewed head "
            f"`{since[:12]}`"
        )
        lines.append(
            f"Incremental review of `{ctx.head[:12]}`: {what} ({count} new). Comment "
            "`/review full` (or re-run the check) to comment on every open finding not yet "
            "commented."
        )
    if review.get("earlier"):
        lines.append(
            f"{review['earlier']} open finding(s) were already there at the last review: "
            "not commented again."
        )
    if review.get("outside_diff"):
        lines.append(
            f"{review['outside_diff']} finding(s) are on lines GitHub does not show in this "
            "pull request's diff: they are listed here and in the check run only."
        )
    if review.get("over_cap"):
        lines.append(
            f"{review['over_cap']} finding(s) beyond the limit of {limit} "
            "inline comments per review are listed here and in the check run only."
        )
    if review.get("already_posted"):
        lines.append(f"{review['already_posted']} finding(s) were already commented inline.")
    if review.get("resolved"):
        lines.append(f"{review['resolved']} review thread(s) of fixed findings were resolved.")
    for problem in (review.get("problem"), state.get("threads", {}).get("problem")):
        if problem:
            lines.append(inline(problem, 1_000))
    notes = "\n".join(f"- {line}" for line in lines) if lines else None
    commented = frozenset(review.get("inline") or ())
    return render_markdown(report, notes, max_chars, pull=pull, inline_fingerprints=commented)


def find_summary(client: RepoClient, number: int, bot_login: str) -> dict[str, Any] | None:
    """The App's summary comment on pull request `number`, if there is one."""
    for comment in client.issue_comments(number):
        ours = (comment.get("user") or {}).get("login") == bot_login
        if ours and SUMMARY_MARKER in (comment.get("body") or ""):
            return comment
    return None


def _upsert(client: RepoClient, bot_login: str, number: int, body: str) -> int:
    comment, created = client.create_issue_comment(
        number, body, lambda: find_summary(client, number, bot_login)
    )
    if not created and comment.get("body") != body:
        client.update_issue_comment(int(comment["id"]), body)
    return int(comment["id"])


PUBLISHER = SummaryPublisher()
