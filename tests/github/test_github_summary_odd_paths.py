"""The pull request's summary comment shows a path's newline and tab as the text report
does (`\\n`, `\\t`), never as a space, in its table and its notes; the check run's
annotations carry the real path (GitHub's API needs it)."""

from __future__ import annotations

from pathlib import Path

from reporter.github import checks
from reporter.github.publishers.summary import summary_text
from reporter.github.publishing import PublishContext
from review.findings import Finding, Severity
from review.report import Report
from review.request import ReviewRequest
from review.workspace import Workspace

PATHS = ["a\nb.Dockerfile", "a\tb.Dockerfile", "a b.Dockerfile"]


def test_the_summary_tells_odd_paths_apart(scenario, workspace: Path) -> None:
    request = ReviewRequest("octo/demo", "x", "a" * 40, "b" * 40, pull_number=1)
    findings = [
        Finding("dockerfile", "DL3007", Severity.WARNING, path, 1, "latest", fingerprint=path)
        for path in PATHS
    ]
    run = Workspace(workspace).run(request.run_id)
    run.write_report(Report("octo/demo", request.base, request.head, request.base, findings))
    ctx = PublishContext(scenario.app(), "octo/demo", 42, 1, request.head, "ab" * 16, run, request)
    body = summary_text(ctx.report(), ctx, {"review": {"notes": ["a\tb.Dockerfile: a note"]}})
    cells = [row.split(" | ")[1] for row in body.splitlines() if row.startswith("| 🟠 |")]
    assert sorted(cells) == ["a b.Dockerfile", "a\\\\nb.Dockerfile", "a\\\\tb.Dockerfile"]
    assert "- a\\\\tb.Dockerfile: a note" in body  # Markdown for a\tb.Dockerfile
    assert [a["path"] for a in checks.annotations(ctx.report().findings)] == PATHS
