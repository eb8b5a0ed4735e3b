"""The review for a person at a terminal: grouped by file, each finding with its code line.

Everything from the repository or a model (paths, code, messages, notes) is printed with
its control characters made visible (`\\x1b`, `\\r`, `\\u202e`): a change must not be able
to clear the screen, retitle the window, overwrite a line of the review with a carriage
return, or reorder what is shown with bidirectional overrides ("Trojan Source"). Paths,
and the notes that name them, are shown as every output shows them (`shown_name`: a tab
as `\\t` too), so no two paths look alike.
"""

from __future__ import annotations

from itertools import groupby

from reporter.escape import shown_name, visible
from reporter.formats import Format
from review.report import Report

_MAX_NOTES = 20
_MARK = {"error": "E", "warning": "W", "note": "N"}
# a finding compared with the base version of its file (`Finding.baseline_state`)
_STATE = {"new": "introduced", "unchanged": "pre-existing"}


def render_text(report: Report) -> str:
    out: list[str] = []
    for path, group in groupby(report.findings, key=lambda f: f.path):
        out.append(shown_name(path))
        for finding in group:
            agents = ", ".join((finding.agent, *finding.also_reported_by))
            state = _STATE.get(finding.baseline_state or "")
            out.append(
                f"  {finding.line}: {_MARK[finding.severity.value]} [{visible(finding.rule)}] "
                f"{visible(finding.message)}  ({visible(agents)}{f'; {state}' if state else ''})"
            )
            if finding.snippet is not None:
                out.append(f"    | {visible(finding.snippet[:200])}")
            if finding.suggestion is not None:
                for suggested in finding.suggestion.split("\n") or [""]:
                    out.append(f"    + {visible(suggested[:200])}")
        out.append("")
    out.append(summary_line(report))
    if report.config.source.file is not None:  # the defaults go without saying
        out.append(report.config.summary())
    out += [f"config error: {problem}" for problem in report.config.source.errors]
    out += [f"the change's config: {problem}" for problem in report.config.source.proposed]
    notes = report.all_notes()
    out += [f"note: {shown_name(note)}" for note in notes[:_MAX_NOTES]]
    if len(notes) > _MAX_NOTES:
        out.append(f"note: … {len(notes) - _MAX_NOTES} more notes in --format json")
    for name, status in report.agents.items():
        if status.status == "failed":
            out.append(f"agent {name} failed: {visible(status.error or '')}")
        elif status.usage and status.usage.get("error"):
            out.append(f"agent {name}: model review failed: {visible(str(status.usage['error']))}")
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
    aside = len(report.pre_existing)
    return (
        f"{_count(len(report.findings), 'finding')}{f' ({counts})' if counts else ''} in "
        f"{_count(report.files_changed, 'changed file')}, "
        f"{report.merge_base[:12]}..{report.head[:12]}"
        f"{f'; {aside} pre-existing not shown (--pre-existing)' if aside else ''}; "
        f"agents: {agents}"
    )


def _count(number: int, noun: str) -> str:
    return f"{number} {noun}{'s' if number != 1 else ''}"


FORMAT = Format("text", "for a person: grouped by file, with the code line", render_text)
