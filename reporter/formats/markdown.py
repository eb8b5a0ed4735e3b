"""The review as a pull-request summary comment would say it, safe to post."""

from __future__ import annotations

from collections.abc import Callable

from reporter.escape import GITHUB_BODY_LIMIT, code_block, inline, truncate_body
from reporter.formats import Format
from review.report import Report

SUMMARY_MARKER = "<!-- reviewbot:summary -->"
_ICON = {"error": "🔴", "warning": "🟠", "note": "🔵"}


def render_markdown(
    report: Report, extra_findings_note: str | None = None, limit: int = GITHUB_BODY_LIMIT
) -> str:
    """The summary comment, at most `limit` characters (GitHub's cap on a comment body,
    65,536). Its first line says so when the repository's configuration file is invalid
    (the review then used the defaults). When the findings do not all fit, the table ends
    at a whole row followed by "… and N more findings"; long notes are cut the same way."""
    source = report.config.source
    lines = [config_warning(report)] if source.errors else []
    lines += [
        SUMMARY_MARKER,
        "## reviewbot review",
        "",
        f"Reviewed `{report.head[:12]}` against `{report.merge_base[:12]}`: "
        f"{report.files_changed} changed files, {len(report.findings)} findings.",
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
    rows = [
        f"| {_ICON[f.severity.value]} | {inline(f.path, 200)} | {f.line} | "
        f"{inline(f.rule, 80)} | {inline(f.message, 500)} |"
        for f in report.findings
    ]
    tail = ["", extra_findings_note] if extra_findings_note else []
    notes = report.all_notes()[:100]
    body = _assemble(lines, rows, tail, notes)
    if len(body) > limit:  # cut whole rows and notes, never a row in the middle
        notes = _fit(notes, NOTES_BUDGET, lambda n: f"… and {n} more notes (in the JSON output)")
        room = limit - len(_assemble(lines, [], tail, notes)) - len("\n".join(_TABLE_HEAD)) - 1
        rows = _fit(rows, room, _more_findings)
        body = _assemble(lines, rows, tail, notes)
    return truncate_body(body, limit)  # only a pathological header is still too long


FINDINGS_MORE = (
    "… and {n} more findings, not shown: a GitHub comment holds at most 65,536 characters. "
    "Every finding is in the check run's annotations and in the JSON output."
)
NOTES_BUDGET = 8_000  # characters of notes kept when the body must be cut
_TABLE_HEAD = ["", "| | file | line | rule | message |", "| --- | --- | --- | --- | --- |"]


def _more_findings(n: int) -> str:
    return "\n" + FINDINGS_MORE.format(n=n)  # a blank line ends the table


def _assemble(lines: list[str], rows: list[str], tail: list[str], notes: list[str]) -> str:
    out = list(lines)
    if rows:
        out += [*_TABLE_HEAD, *rows]
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
