"""The review as a pull-request summary comment would say it, safe to post."""

from __future__ import annotations

from reporter.escape import code_block, inline, truncate_body
from reporter.formats import Format
from review.report import Report

SUMMARY_MARKER = "<!-- reviewbot:summary -->"
_ICON = {"error": "🔴", "warning": "🟠", "note": "🔵"}


def render_markdown(report: Report, extra_findings_note: str | None = None) -> str:
    """The summary comment. Its first line says so when the repository's configuration
    file is invalid (the review then used the defaults)."""
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


def config_warning(report: Report) -> str:
    """The line saying the configuration file is invalid and the defaults were used."""
    errors = report.config.source.errors
    more = f" (and {len(errors) - 1} more, below)" if len(errors) > 1 else ""
    return (
        f"⚠️ **{inline(str(report.config.source.file), 200)} is invalid, so this review used "
        f"the defaults:** {inline(str(errors[0]), 500)}{more}"
    )
