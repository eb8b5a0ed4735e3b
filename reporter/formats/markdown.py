"""The review as a pull-request summary comment would say it, safe to post.

For a pull request (`pull`: the findings reconciled with the earlier reviews, see
`review.lifecycle`) the summary is the state of the pull request: how many findings are
open, fixed, dismissed and pre-existing; each open finding with where it is (file, line,
and whether it has an inline comment or an annotation); what was fixed in which commit
and who dismissed what. Everything from the repository, a model or a person is escaped
(`reporter.escape`); paths and notes show their control characters as the text report
does (`shown_name`: `a\\nb.py`, `t\\tab.py`).
"""

from __future__ import annotations

from collections.abc import Callable

from reporter.escape import (
    GITHUB_BODY_LIMIT,
    code_block,
    inline,
    inline_name,
    shown_name,
    truncate_body,
)
from reporter.formats import Format
from review.findings import Finding, marker_fingerprint
from review.lifecycle import Reconciled
from review.pull_state import Closed
from review.report import Report

SUMMARY_MARKER = "<!-- reviewbot:summary -->"
_ICON = {"error": "🔴", "warning": "🟠", "note": "🔵"}
MAX_LISTED = 50  # fixed, dismissed and pre-existing findings listed by name
_HOW = {"resolved": "resolved its thread", "thumbs_down": "reacted 👎"}


def render_markdown(
    report: Report,
    extra_findings_note: str | None = None,
    limit: int = GITHUB_BODY_LIMIT,
    *,
    pull: Reconciled | None = None,
    inline_fingerprints: frozenset[str] = frozenset(),
) -> str:
    """The summary comment, at most `limit` characters (GitHub's cap on a comment body,
    65,536). Its first line says so when the repository's configuration file is invalid
    (the review then used the defaults). With `pull`, its open findings (not the
    report's) are listed, each saying whether it is commented inline
    (`inline_fingerprints`), then the fixed, dismissed and pre-existing ones. When the
    findings do not all fit, the table ends at a whole row followed by "… and N more
    findings"; long notes are cut the same way."""
    findings = report.findings if pull is None else pull.open
    source = report.config.source
    lines = [config_warning(report)] if source.errors else []
    lines += [
        SUMMARY_MARKER,
        "## reviewbot review",
        "",
        f"Reviewed `{report.head[:12]}` against `{report.merge_base[:12]}`: "
        f"{report.files_changed} changed files, {_counts(report, pull)}.",
        "",
        inline(report.config.summary(), 1_000),
    ]
    if source.errors:
        lines += ["", code_block("\n".join(str(p) for p in source.errors))]
    if source.proposed:
        lines += [
            "",
            f"This change's `{inline(source.proposed[0].file, 200)}` has "
            f"{len(source.proposed)} error(s), annotated on the file in the check run; "
            "this review used the base branch's configuration.",
            "",
            code_block("\n".join(str(p) for p in source.proposed)),
        ]
    lines += [
        "",
        "| agent | status | findings | time |",
        "| --- | --- | --- | --- |",
    ]
    for name, status in report.agents.items():
        state = (
            status.status
            if status.status != "failed"
            else f"failed: {inline(status.error or '', 200)}"
        )
        lines.append(f"| {name} | {state} | {status.findings} | {status.seconds:.1f} s |")
    usage = [f"{name}: {s.usage_text()}" for name, s in report.agents.items() if s.usage_text()]
    if usage:
        lines += ["", f"AI reviewers used {inline('; '.join(usage), 1_000)}."]
    head, rows = _table(findings, pull is not None, inline_fingerprints)
    tail = ["", extra_findings_note] if extra_findings_note else []
    if pull is not None:
        tail += _lifecycle(report, pull)
    notes = [shown_name(note) for note in report.all_notes()[:100]]
    body = _assemble(lines, (head, rows), tail, notes)
    if len(body) > limit:  # cut whole rows and notes, never a row in the middle
        notes = _fit(notes, NOTES_BUDGET, lambda n: f"… and {n} more notes (in the JSON output)")
        room = limit - len(_assemble(lines, (head, []), tail, notes)) - len("\n".join(head)) - 1
        rows = _fit(rows, room, _more_findings)
        body = _assemble(lines, (head, rows), tail, notes)
    return truncate_body(body, limit)  # only a pathological header is still too long


FINDINGS_MORE = (
    "… and {n} more findings, not shown: a GitHub comment holds at most 65,536 characters. "
    "Every finding is in the check run's annotations and in the JSON output."
)
NOTES_BUDGET = 8_000  # characters of notes kept when the body must be cut


def _more_findings(n: int) -> str:
    return "\n" + FINDINGS_MORE.format(n=n)  # a blank line ends the table


def _assemble(
    lines: list[str], table: tuple[list[str], list[str]], tail: list[str], notes: list[str]
) -> str:
    head, rows = table
    out = list(lines)
    if rows:
        out += [*head, *rows]
    out += tail
    if notes:
        out += [
            "",
            "<details><summary>Notes</summary>",
            "",
            code_block("\n".join(notes)),
            "</details>",
        ]
    return "\n".join(out) + "\n"


def _fit(lines: list[str], budget: int, more: Callable[[int], str]) -> list[str]:
    """The first of `lines` that fit in `budget` characters (one newline each) together
    with the line `more(left out)` saying how many did not; all of them when they fit."""
    if sum(len(line) + 1 for line in lines) <= budget:
        return lines
    kept: list[str] = []
    used = 0
    for line in lines:
        reserve = len(more(len(lines) - len(kept) - 1)) + 1
        if used + len(line) + 1 + reserve > budget:
            break
        kept.append(line)
        used += len(line) + 1
    return [*kept, more(len(lines) - len(kept))]


def _counts(report: Report, pull: Reconciled | None) -> str:
    aside = len(report.pre_existing)
    if pull is None:
        text = f"{len(report.findings)} findings"
        return text + (f" ({aside} pre-existing, not shown)" if aside else "")
    state = pull.state
    return (
        f"**{len(pull.open)} open**, {len(state.fixed)} fixed, {len(state.dismissed)} "
        f"dismissed, {aside} pre-existing (not posted)"
    )


def _table(
    findings: list[Finding], pull: bool, commented: frozenset[str]
) -> tuple[list[str], list[str]]:
    """The findings table's head (after a blank line) and its rows; a pull request's has
    a column saying where each finding is."""
    header = "| | file | line | rule | message |" + (" where |" if pull else "")
    head = ["", header, "| --- | --- | --- | --- | --- |" + (" --- |" if pull else "")]
    rows: list[str] = []
    for f in findings:
        tag = " (pre-existing)" if f.baseline_state == "unchanged" else ""
        row = (
            f"| {_ICON[f.severity.value]} | {inline_name(f.path)} | {f.line} | "
            f"{inline(f.rule, 80)} | {inline(f.message, 500)}{tag} |"
        )
        if pull:
            where = "inline comment" if marker_fingerprint(f) in commented else "check run"
            row += f" {where} |"
        rows.append(row)
    return head, rows


def _lifecycle(report: Report, pull: Reconciled) -> list[str]:
    """Fixed, dismissed and pre-existing findings, and open ones not re-checked."""
    lines: list[str] = []
    if pull.carried:
        lines += [
            "",
            f"{pull.carried} finding(s) of an earlier review could not be checked again "
            "(their agent did not run or finish here): they stay open for the next review.",
        ]
    if pull.state.fixed:
        lines += ["", "<details><summary>Fixed</summary>", ""]
        lines += [_closed(c, f"fixed in `{c.commit[:12]}`") for c in _last(pull.state.fixed)]
        lines += ["", "</details>"]
    if pull.state.dismissed:
        lines += ["", "<details><summary>Dismissed (never posted again)</summary>", ""]
        lines += [
            _closed(c, f"dismissed by {inline(c.by, 60)}, who {_HOW.get(c.how, c.how)}")
            for c in _last(pull.state.dismissed)
        ]
        lines += ["", "</details>"]
    if report.pre_existing:
        lines += ["", "<details><summary>Pre-existing (already at the base)</summary>", ""]
        lines += [
            f"- {inline_name(f.path)}:{f.line} {inline(f.rule, 80)}"
            for f in report.pre_existing[:MAX_LISTED]
        ]
        if len(report.pre_existing) > MAX_LISTED:
            lines.append(f"- … and {len(report.pre_existing) - MAX_LISTED} more")
        lines += ["", "</details>"]
    return lines


def _last(entries: dict[str, Closed]) -> list[Closed]:
    """The latest `MAX_LISTED` entries, newest first."""
    return list(entries.values())[::-1][:MAX_LISTED]


def _closed(closed: Closed, what: str) -> str:
    return f"- {inline(closed.rule, 80)} in {inline_name(closed.path)}: {what}"


FORMAT = Format(
    "markdown", "what the pull-request summary comment says", lambda report: render_markdown(report)
)


def config_warning(report: Report) -> str:
    """The line saying the configuration file is invalid and the defaults were used."""
    errors = report.config.source.errors
    more = f" (and {len(errors) - 1} more, below)" if len(errors) > 1 else ""
    return (
        f"⚠️ **{inline(str(report.config.source.file), 200)} is invalid, so this review used "
        f"the defaults:** {inline(str(errors[0]), 500)}{more}"
    )
