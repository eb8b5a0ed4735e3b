"""Which findings become inline review comments, and what those comments say.

Placement follows the diff GitHub shows (`reporter.github.files`, `Diff.comment_range`);
everything else (outside every hunk, files without a patch, over the cap, already on the
pull request) is left to the check run and the summary. Every comment carries
`<!-- reviewbot:fp=... -->` so a later run recognises it.
"""

from __future__ import annotations

import re
from collections.abc import Iterable
from dataclasses import dataclass, field
from typing import Any

from reporter.escape import code_block, inline, truncate_body
from review.diff import Diff
from review.findings import Finding, marker_fingerprint

FP_MARKER = re.compile(r"<!-- reviewbot:fp=([0-9a-f]{8,64}) -->")
RUN_MARKER = "<!-- reviewbot:run={key} -->"
_HEX = re.compile(r"[0-9a-f]{8,64}")
# the first line of `comment_body`: icon, **rule** (agents): message, escaped by `inline`
_HEADLINE = re.compile(r"\S+ \*\*(?P<rule>(?:[^*\\]|\\.)*)\*\* \((?P<credit>(?:[^)\\]|\\.)*)\):")
_ICON = {"error": "🔴", "warning": "🟠", "note": "🔵"}


@dataclass(frozen=True)
class InlineComment:
    path: str
    line: int
    start_line: int | None
    body: str
    fingerprint: str

    def to_api(self) -> dict[str, Any]:
        data: dict[str, Any] = {
            "path": self.path,
            "line": self.line,
            "side": "RIGHT",
            "body": self.body,
        }
        if self.start_line is not None:
            data["start_line"] = self.start_line
            data["start_side"] = "RIGHT"
        return data


@dataclass
class ReviewPlan:
    """What goes inline now, and why each other finding does not."""

    comments: list[InlineComment] = field(default_factory=list)
    already_posted: list[Finding] = field(default_factory=list)
    over_cap: list[Finding] = field(default_factory=list)
    outside_diff: list[Finding] = field(default_factory=list)

    @property
    def not_inline(self) -> list[Finding]:
        """Findings that are inline neither now nor from an earlier run: annotations."""
        return [*self.over_cap, *self.outside_diff]


fingerprint_of = marker_fingerprint  # the fingerprint in a comment's marker


def posted_fingerprints(comments: Iterable[dict[str, Any]], bot_login: str) -> set[tuple[str, int]]:
    """(fingerprint, line) of the inline comments this App already has on the pull request.

    `line` is where GitHub shows the comment now, or where it was made when the code
    around it changed (GitHub then reports `line` as null).
    """
    seen: set[tuple[str, int]] = set()
    for comment in comments:
        if (comment.get("user") or {}).get("login") != bot_login:
            continue  # anyone can paste a marker; only ours count
        match = FP_MARKER.search(comment.get("body") or "")
        line = comment.get("line") or comment.get("original_line")
        if match and isinstance(line, int):
            seen.add((match.group(1), line))
    return seen


def plan_review(
    findings: Iterable[Finding],
    shown: Diff,
    posted: set[tuple[str, int]],
    max_comments: int,
) -> ReviewPlan:
    """Place findings, gravest first, until `max_comments` new comments are planned.

    `shown` is the diff GitHub shows on the pull request.
    """
    plan = ReviewPlan()
    ordered = sorted(findings, key=lambda f: (-f.severity.rank, f.path, f.line, f.rule))
    for finding in ordered:
        place, suggest = placement(finding, shown)
        if place is None:
            plan.outside_diff.append(finding)
            continue
        start_line, line = place
        fingerprint = fingerprint_of(finding)
        if (fingerprint, line) in posted:
            plan.already_posted.append(finding)
        elif len(plan.comments) >= max_comments:
            plan.over_cap.append(finding)
        else:
            body = comment_body(finding, fingerprint, suggest=suggest)
            plan.comments.append(InlineComment(finding.path, line, start_line, body, fingerprint))
    plan.comments.sort(key=lambda c: (c.path, c.line))
    return plan


def placement(finding: Finding, shown: Diff) -> tuple[tuple[int | None, int] | None, bool]:
    """Where a finding's comment sits ((start_line, line), or None: not inline) and whether
    it offers the finding's suggestion as a one-click change.

    GitHub's suggestion replaces exactly the commented lines, so it is offered only when
    the comment can cover exactly the lines the fix edits (`Finding.fix_lines`), all on the
    RIGHT side of one hunk; the comment then spans those lines. Otherwise the comment sits
    on the finding's own lines and shows the fix as plain code.
    """
    place = shown.comment_range(finding.path, finding.line, finding.end_line)
    if place is None or finding.suggestion is None:
        return place, False
    first, last = finding.fix_lines
    whole = (first if last > first else None, last)
    if first <= finding.line <= last and shown.comment_range(finding.path, first, last) == whole:
        return whole, True
    return place, False


def comment_body(finding: Finding, fingerprint: str, *, suggest: bool = True) -> str:
    """An inline comment: severity, rule, the escaped message, an optional suggestion.

    A ```suggestion block replaces exactly the commented lines: `suggest` only when the
    comment covers exactly the lines the fix edits (see `placement`); otherwise the fix is
    shown as plain code.
    """
    icon = _ICON[finding.severity.value]
    credit = ", ".join((finding.agent, *finding.also_reported_by))
    parts = [
        f"{icon} **{inline(finding.rule, 80)}** ({inline(credit, 120)}): "
        f"{inline(finding.message, 3_000)}"
    ]
    if finding.suggestion is not None:
        if suggest:
            parts.append(suggestion_block(finding.suggestion))
        else:
            parts += ["Suggested change:", code_block(finding.suggestion)]
    parts.append(f"<!-- reviewbot:fp={fingerprint} -->")
    return truncate_body("\n\n".join(parts), 60_000)


def comment_credit(body: str | None) -> tuple[str, tuple[str, ...]]:
    """The rule and the credited agents of an inline comment `comment_body` wrote
    (("", ()) for any other text): what a later review needs to judge its finding."""
    match = _HEADLINE.match(body or "")
    if match is None:
        return "", ()
    agents = _unescape(match["credit"]).split(",")
    return _unescape(match["rule"]), tuple(a.strip() for a in agents if a.strip())


def _unescape(text: str) -> str:
    return re.sub(r"\\(.)", r"\1", text).replace("\u200b", "")


def suggestion_block(text: str) -> str:
    """A fence GitHub offers as a one-click change; empty means "delete these lines"."""
    if not text:
        return "```suggestion\n```"
    return code_block(text, "suggestion")


def run_marker(key: str) -> str:
    if not _HEX.fullmatch(key):
        raise ValueError("a run key is hexadecimal")
    return RUN_MARKER.format(key=key)
