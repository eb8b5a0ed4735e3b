"""The summary comment: one per pull request, edited by later reviews, never posted twice.

It is found by its marker among the App's own comments. Its notes say why findings are
not inline (outside GitHub's diff, over the cap, already commented) and what could not
be posted; the check run repeats the same text.
"""

from __future__ import annotations

import logging
from typing import Any

from reporter.escape import GITHUB_BODY_LIMIT, inline
from reporter.formats.markdown import SUMMARY_MARKER, render_markdown
from reporter.github.client import RepoClient
from reporter.github.publishing import PublishContext, Publisher, State
from reporter.github.retry import GitHubError
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
        body = summary_text(ctx.report(), ctx, state)
        try:
            return {"comment_id": _upsert(client, ctx.app.bot_login(), ctx.pull_number, body)}
        except GitHubError as exc:  # refused, or past the retry budget: the check run has it
            log.warning("summary comment not posted: %s", exc)
            return {
                "comment_id": None,
                "problem": f"The summary comment could not be posted: {exc}.",
            }


def summary_text(
    report: Report, ctx: PublishContext, state: State, max_chars: int = GITHUB_BODY_LIMIT
) -> str:
    """The summary comment's Markdown, at most `max_chars` characters, with notes on what
    is not inline and why."""
    review = state.get("review", {})
    lines = [inline(note, 500) for note in review.get("notes") or ()]  # may quote a commenter
    limit = ctx.inline_limit()
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
    if review.get("problem"):
        lines.append(inline(review["problem"], 1_000))
    notes = "\n".join(f"- {line}" for line in lines) if lines else None
    return render_markdown(report, notes, max_chars)


def _upsert(client: RepoClient, bot_login: str, number: int, body: str) -> int:
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


PUBLISHER = SummaryPublisher()
