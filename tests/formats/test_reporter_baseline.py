"""Every output carries whether a finding was introduced or pre-existing, and the pull
request summary is the state of the pull request (open, fixed, dismissed, pre-existing)."""

from __future__ import annotations

import json

from reporter.formats.json import render_json
from reporter.formats.markdown import render_markdown
from reporter.formats.sarif import render_sarif
from reporter.formats.text import render_text
from review.findings import Finding, Severity
from review.lifecycle import Lifecycle, dismissal, reconcile
from review.pull_state import Closed, PullState, Tracked
from review.report import AgentStatus, Report

HEAD = "a" * 40


def finding(line: int, state: str | None, rule: str = "B307", fp: str = "") -> Finding:
    return Finding(
        agent="security",
        rule=rule,
        severity=Severity.ERROR,
        path="app.py",
        line=line,
        message="Use of eval",
        fingerprint=fp or f"{line:032x}",
        baseline_state=state,
    )


def report() -> Report:
    return Report(
        repository="/repo", base="b" * 40, head=HEAD, merge_base="c" * 40,
        findings=[finding(3, "new"), finding(5, None, "ai:logic"), finding(7, "unchanged")],
        agents={"security": AgentStatus("ok", 3, 0.2)}, files_changed=1,
        pre_existing=[finding(9, "unchanged"), finding(11, "unchanged")],
    )  # fmt: skip


def test_text_marks_each_compared_finding_and_counts_what_was_set_aside() -> None:
    text = render_text(report())
    assert "  3: E [B307] Use of eval  (security; introduced)" in text
    assert "  5: E [ai:logic] Use of eval  (security)" in text  # not compared: no mark
    assert "  7: E [B307] Use of eval  (security; pre-existing)" in text  # asked for
    assert "2 pre-existing not shown (--pre-existing)" in text


def test_json_carries_the_state_and_the_findings_set_aside() -> None:
    data = json.loads(render_json(report()))
    assert [f.get("baseline_state") for f in data["findings"]] == ["new", None, "unchanged"]
    assert [f["line"] for f in data["pre_existing"]] == [9, 11]


def test_sarif_results_carry_their_baseline_state() -> None:
    (run,) = json.loads(render_sarif(report()))["runs"]
    assert [r.get("baselineState") for r in run["results"]] == ["new", None, "unchanged"]


def test_the_local_markdown_counts_what_was_set_aside() -> None:
    body = render_markdown(report())
    assert "1 changed files, 3 findings (2 pre-existing, not shown)." in body
    assert "| Use of eval (pre-existing) |" in body


def test_the_pull_request_summary_is_its_state() -> None:
    lifecycle = Lifecycle(
        PullState(
            head="d" * 40,
            open={"f" * 32: Tracked("F401", "old.py", 1, ("security",))},
            dismissed={"e" * 32: dismissal("B602", "run.py", "@mia", "thumbs_down")},
        )
    )
    pull = reconcile(lifecycle, report(), HEAD)
    commented = frozenset({f"{3:032x}"})  # the finding on line 3 has an inline comment
    body = render_markdown(report(), "- a note", pull=pull, inline_fingerprints=commented)
    assert "**3 open**, 1 fixed, 1 dismissed, 2 pre-existing (not posted)" in body
    assert "| 🔴 | app.py | 3 | B307 | Use of eval | inline comment |" in body
    assert "| 🔴 | app.py | 5 | ai:logic | Use of eval | check run |" in body
    assert f"- F401 in old.py: fixed in `{HEAD[:12]}`" in body
    assert "- B602 in run.py: dismissed by @\u200bmia, who reacted 👎" in body  # no mention
    assert "- app.py:9 B307" in body and "- app.py:11 B307" in body
    assert body.index("- a note") < body.index("<summary>Fixed</summary>")
    assert pull.state.fixed == {"f" * 32: Closed("F401", "old.py", commit=HEAD)}
