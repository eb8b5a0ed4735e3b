"""The review as a pull-request summary comment would say it, safe to post."""

from __future__ import annotations

from reporter.escape import code_block, inline, truncate_body
from reporter.formats import Format
from review.report import Report

SUMMARY_MARKER = "<!-- reviewbot:summary -->"
_ICON = {"error": "🔴", "warning": "🟠", "note": "🔵"}


def render_markdown(report: Report, extra_findings_note: str | None = None) -> str:
    lines = [
        SUMMARY_MARKER,
        "## reviewbot review",
        "",
        f"Reviewed `{report.head[:12]}` against `{report.merge_base[:12]}`: "
        f"{report.files_changed} changed files, {len(report.findings)} findings.",
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
    if report.findings:
        lines += ["", "| | file | line | rule | message |", "| --- | --- | --- | --- | --- |"]
        for f in report.findings:
            lines.append(
                f"| {_ICON[f.severity.value]} | {inline(f.path, 200)} | {f.line} | "
                f"{inline(f.rule, 80)} | {inline(f.message, 500)} |"
            )
    if extra_findings_note:
        lines += ["", extra_findings_note]
    notes = report.all_notes()[:100]
    if notes:
        lines += [
            "",
            "<details><summary>Notes</summary>",
            "",
            code_block("\n".join(notes)),
            "</details>",
        ]
    return truncate_body("\n".join(lines) + "\n")


FORMAT = Format(
    "markdown", "what the pull-request summary comment says", lambda report: render_markdown(report)
)
