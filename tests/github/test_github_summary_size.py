"""The summary comment and the check run's summary of a review with many findings: cut at
a whole table row, saying how many more there are, within GitHub's limits (issue 16)."""

from __future__ import annotations

from pathlib import Path

from reporter.escape import GITHUB_BODY_LIMIT
from reporter.github import checks
from reporter.github.publishers.summary import summary_text
from reporter.github.publishing import PublishContext
from review.findings import Finding, Severity
from review.report import Report
from review.request import ReviewRequest
from review.workspace import Workspace


def test_a_huge_review_is_cut_at_a_row_and_keeps_its_notes(scenario, workspace: Path) -> None:
    request = ReviewRequest("octo/demo", "x", "a" * 40, "b" * 40, pull_number=1)
    findings = [
        Finding("style", "E501", Severity.WARNING, f"pkg/m{n}.py", n + 1, "long line " * 60,
                fingerprint=f"fp{n}")
        for n in range(1_000)
    ]  # fmt: skip
    run = Workspace(workspace).run(request.run_id)
    run.write_report(Report("octo/demo", request.base, request.head, request.base, findings))
    ctx = PublishContext(scenario.app(), "octo/demo", 42, 1, request.head, "ab" * 16, run, request)
    state = {"review": {"over_cap": 975}}
    for limit in (GITHUB_BODY_LIMIT, checks.OUTPUT_LIMIT - len(ctx.marker) - 2):
        body = summary_text(ctx.report(), ctx, state, limit)
        assert limit - 1_000 < len(body) <= limit
        assert "beyond the limit of 25 inline comments" in body  # the notes stay whole
        lines = body.splitlines()
        rows = [line for line in lines if line.startswith("| 🟠 | pkg/m")]
        assert rows and all(row.endswith(" |") for row in rows)
        after = lines[lines.index(rows[-1]) + 1 :]
        assert after[0] == ""  # the table ends before the count
        assert after[1] == (
            f"… and {1_000 - len(rows)} more findings, not shown: a GitHub comment holds at "
            "most 65,536 characters. Every finding is in the check run's annotations and in "
            "the JSON output."
        )
        assert "truncated" not in body
