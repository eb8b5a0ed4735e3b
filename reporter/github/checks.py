"""The `reviewbot` check run: its bodies, conclusion and annotations, as plain data.

The check run is where a review's outcome is always visible, even when nothing can be
commented inline: findings outside the diff become annotations (GitHub takes 50 per
request), and a failure to post the review is reported in its text rather than retried.
"""

from __future__ import annotations

from collections.abc import Iterable
from datetime import UTC, datetime
from typing import Any

from reporter.escape import inline, truncate_body
from review.config_file import ConfigSource
from review.findings import Finding, Severity
from review.report import Report

CHECK_NAME = "reviewbot"
RERUN_HINT = (
    "To review this commit again, comment `/review` on the pull request "
    "or use this check's Re-run button."
)
ANNOTATIONS_PER_REQUEST = 50
OUTPUT_LIMIT = 65_535  # characters of a check run's summary and of its text
_LEVEL = {"error": "failure", "warning": "warning", "note": "notice"}


def external_id(pull_number: int) -> str:
    """Kept on the check run: a fork PR's `check_run.rerequested` has no pull_requests list."""
    return f"pr:{pull_number}"


def in_progress(head_sha: str, pull_number: int, marker: str) -> dict[str, Any]:
    return {
        "name": CHECK_NAME,
        "head_sha": head_sha,
        "status": "in_progress",
        "external_id": external_id(pull_number),
        "output": {
            "title": "Review in progress",
            "summary": f"reviewbot is reviewing `{head_sha[:12]}`.\n\n{marker}",
        },
    }


def progress(
    head_sha: str, marker: str, done: list[dict[str, Any]], running: list[str]
) -> dict[str, Any]:
    """The update of an in-progress check run as agents finish: a line per agent (its
    status, the findings it reported so far and its seconds), and the run's marker (so
    it is still found by it). `done` entries are `orchestrator.progress.finished_agents`'s."""
    total = len(done) + len(running)
    found = sum(int(entry.get("findings") or 0) for entry in done)
    rows = []
    for entry in done:
        status = inline(str(entry.get("status")), 40)  # read from an agent's file
        if status == "failed":
            status = f"failed: {inline(str(entry.get('error') or ''), 200)}"
        rows.append(
            f"| {inline(str(entry['agent']), 80)} | {status} | {entry.get('findings', 0)} "
            f"| {float(entry.get('seconds') or 0):.1f} s |"
        )
    rows += [f"| {inline(name, 80)} | running | | |" for name in running]
    summary = (
        f"reviewbot is reviewing `{head_sha[:12]}`: {len(done)} of {total} agents done, "
        f"{found} finding{'s' if found != 1 else ''} reported so far (before they are "
        "merged and kept to the change).\n\n"
        "| agent | status | findings | time |\n| --- | --- | --- | --- |\n"
        + "\n".join(rows)
        + f"\n\n{marker}"
    )
    heading = f"Review in progress: {len(done)} of {total} agents done"
    return {"output": output(heading, summary)}


def stopped(what_happened: str, marker: str, now: float) -> dict[str, Any]:
    """The completed body of a check run whose review ended without a result: what
    happened, how to re-run it, and the run's marker (so it is found again)."""
    summary = (
        f"The review stopped before it could finish:\n\n{inline(what_happened, 2_000)}\n\n"
        f"{RERUN_HINT}\n\n{marker}\n"
    )
    return completed("failure", output("reviewbot could not finish the review", summary), now)


def conclusion(report: Report, fail_on: Severity | None) -> str:
    """failure at or above `fail_on`; neutral for other warnings or a failed agent."""
    if report.fails(fail_on):
        return "failure"
    worst = report.worst()
    failed = any(status.status == "failed" for status in report.agents.values())
    if failed or (worst is not None and worst.rank >= Severity.WARNING.rank):
        return "neutral"
    return "success"


def title(report: Report) -> str:
    """The findings by severity; first, when the repository's configuration file is
    invalid, that the defaults were used and its first error (file, line and key)."""
    counts = [
        f"{n} {severity.value}{'s' if n != 1 else ''}"
        for severity in Severity
        if (n := report.count(severity))
    ]
    total = len(report.findings)
    found = f"{total} finding{'s' if total != 1 else ''}: {', '.join(counts)}"
    text = found if report.findings else "No findings"
    errors = report.config.source.errors
    if errors:
        first = " ".join(str(errors[0]).split())[:160]  # a title is plain text
        text = f"Invalid configuration, defaults used ({first}); {text[0].lower()}{text[1:]}"
    return text


def config_annotations(source: ConfigSource) -> list[dict[str, Any]]:
    """Failure annotations on the lines of the configuration file the change proposes,
    one per problem."""
    return [
        {
            "path": problem.file,
            "start_line": problem.line,
            "end_line": problem.line,
            "annotation_level": "failure",
            "title": "reviewbot configuration error",
            "message": f"{problem.key}: {problem.message}" if problem.key else problem.message,
        }
        for problem in source.proposed
    ]


def output(heading: str, summary: str, text: str | None = None) -> dict[str, Any]:
    data = {"title": heading[:255], "summary": truncate_body(summary, OUTPUT_LIMIT)}
    if text:
        data["text"] = truncate_body(text, OUTPUT_LIMIT)
    return data


def completed(result: str, out: dict[str, Any], now: float) -> dict[str, Any]:
    return {
        "status": "completed",
        "conclusion": result,
        "completed_at": datetime.fromtimestamp(now, UTC).strftime("%Y-%m-%dT%H:%M:%SZ"),
        "output": out,
    }


def annotations(findings: Iterable[Finding]) -> list[dict[str, Any]]:
    """Plain-text annotations (GitHub renders them as text, not Markdown)."""
    result = []
    for finding in findings:
        message = finding.message
        if finding.also_reported_by:
            message += f" (also reported by {', '.join(finding.also_reported_by)})"
        entry: dict[str, Any] = {
            "path": finding.path,
            "start_line": finding.line,
            "end_line": finding.last_line,
            "annotation_level": _LEVEL[finding.severity.value],
            "title": f"{finding.rule} ({finding.agent})"[:255],
            "message": message[:60_000],
        }
        if finding.suggestion:
            entry["raw_details"] = f"Suggested change:\n{finding.suggestion}"[:60_000]
        result.append(entry)
    return result


def batches(items: list[dict[str, Any]], size: int = ANNOTATIONS_PER_REQUEST) -> list[list[Any]]:
    return [items[i : i + size] for i in range(0, len(items), size)]
