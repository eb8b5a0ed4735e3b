"""The review for a person at a terminal: grouped by file, each finding with its code line."""

from __future__ import annotations

from itertools import groupby

from reporter.formats import Format
from review.report import Report

_MAX_NOTES = 20
_MARK = {"error": "E", "warning": "W", "note": "N"}


def render_text(report: Report) -> str:
    out: list[str] = []
    for path, group in groupby(report.findings, key=lambda f: f.path):
        out.append(path)
        for finding in group:
            agents = ", ".join((finding.agent, *finding.also_reported_by))
            out.append(
                f"  {finding.line}: {_MARK[finding.severity.value]} [{finding.rule}] "
                f"{finding.message}  ({agents})"
            )
            if finding.snippet is not None:
                out.append(f"    | {finding.snippet[:200]}")
            if finding.suggestion is not None:
                for suggested in finding.suggestion.split("\n") or [""]:
                    out.append(f"    + {suggested[:200]}")
        out.append("")
    out.append(summary_line(report))
    if report.config.source.file is not None:  # the defaults go without saying
        out.append(report.config.summary())
    out += [f"config error: {problem}" for problem in report.config.source.errors]
    out += [f"the change's config: {problem}" for problem in report.config.source.proposed]
    notes = report.all_notes()
    out += [f"note: {note}" for note in notes[:_MAX_NOTES]]
    if len(notes) > _MAX_NOTES:
        out.append(f"note: … {len(notes) - _MAX_NOTES} more notes in --format json")
    for name, status in report.agents.items():
        if status.status == "failed":
            out.append(f"agent {name} failed: {status.error}")
        elif status.usage and status.usage.get("error"):
            out.append(f"agent {name}: model review failed: {status.usage['error']}")
    return "\n".join(out) + "\n"


def summary_line(report: Report) -> str:
    counts = ", ".join(
        f"{report.count(s)} {s.value}{'s' if report.count(s) != 1 else ''}"
        for s in sorted({f.severity for f in report.findings}, key=lambda s: -s.rank)
    )
    agents = ", ".join(
        f"{n} {s.status} ({s.seconds:.1f} s{f'; {s.usage_text()}' if s.usage_text() else ''})"
        for n, s in report.agents.items()
    )
    return (
        f"{len(report.findings)} findings{f' ({counts})' if counts else ''} in "
        f"{report.files_changed} changed files, {report.merge_base[:12]}..{report.head[:12]}; "
        f"agents: {agents}"
    )


FORMAT = Format("text", "for a person: grouped by file, with the code line", render_text)
