"""The `introduced` filter: what a change introduces is reported anywhere in a changed
file, what was already at the base is counted, not reported (unless asked for)."""

from __future__ import annotations

from review.diff import ChangedFile, Diff, FileStatus, FilterMode, Hunk
from review.findings import Finding, Severity
from review.merge import merge_findings
from review.report import Report

LINES = [
    "from jinja2 import Environment",  # 1: unchanged
    "env = Environment(",  # 2: unchanged, made unsafe by the removal below
    "    loader=loader,",  # 3: unchanged (the change deleted `autoescape=True,` after it)
    ")",  # 4
    "value = eval(text)",  # 5: edited by the change (was `val = eval(text)`)
    "other = eval(more)",  # 6: unchanged
]
DIFF = Diff(
    {"app.py": ChangedFile("app.py", FileStatus.MODIFIED, hunks=[Hunk(3, 4, (5,), (3, 4, 6))])}
)


def finding(rule: str, line: int, state: str | None, **extra: object) -> Finding:
    return Finding(
        agent="security",
        rule=rule,
        severity=Severity.ERROR,
        path="app.py",
        line=line,
        message=f"{rule} on line {line}",
        baseline_state=state,
        **extra,  # type: ignore[arg-type]
    )


def merged(findings: list[Finding], mode=FilterMode.INTRODUCED, pre_existing: bool = False):
    return merge_findings(
        findings, DIFF, mode, {"app.py": LINES}.get, report_pre_existing=pre_existing
    )


def test_an_introduced_finding_on_an_unchanged_line_is_reported() -> None:
    result = merged([finding("B701", 2, "new")])
    assert [(f.rule, f.line, f.baseline_state) for f in result.findings] == [("B701", 2, "new")]
    assert result.pre_existing == [] and result.filtered_out == 0


def test_a_pre_existing_finding_on_an_edited_line_is_set_aside() -> None:
    result = merged([finding("B307", 5, "unchanged"), finding("B307", 6, "unchanged")])
    assert result.findings == []
    assert [(f.line, f.baseline_state) for f in result.pre_existing] == [
        (5, "unchanged"),
        (6, "unchanged"),
    ]
    assert all(f.fingerprint for f in result.pre_existing)  # placed like any other


def test_asked_for_pre_existing_findings_come_back_on_edited_lines_only() -> None:
    result = merged(
        [finding("B307", 5, "unchanged"), finding("B307", 6, "unchanged")], pre_existing=True
    )
    assert [(f.line, f.baseline_state) for f in result.findings] == [(5, "unchanged")]
    assert [f.line for f in result.pre_existing] == [6]


def test_a_finding_not_compared_keeps_the_added_lines_rule() -> None:
    result = merged([finding("ai:logic", 5, None), finding("ai:logic", 2, None)])
    assert [f.line for f in result.findings] == [5]
    assert result.filtered_out == 1 and result.pre_existing == []


def test_explicit_modes_ignore_the_baseline_as_before() -> None:
    found = [finding("B307", 5, "unchanged"), finding("B701", 2, "new")]
    added = merged(found, FilterMode.ADDED)
    assert [(f.line, f.baseline_state) for f in added.findings] == [(5, "unchanged")]
    assert merged(found, FilterMode.FILE).pre_existing == []
    assert len(merged(found, FilterMode.FILE).findings) == 2


def test_two_agents_on_one_problem_report_it_introduced_if_either_saw_it_so() -> None:
    style = Finding(
        agent="style", rule="S307", severity=Severity.WARNING, path="app.py", line=5,
        message="eval", category="eval", baseline_state=None,
    )  # fmt: skip
    bandit = finding("B307", 5, "new", category="eval")
    [one] = merged([style, bandit]).findings
    assert one.baseline_state == "new" and one.also_reported_by == ("style",)


def test_the_report_keeps_pre_existing_findings_apart_and_round_trips() -> None:
    result = merged([finding("B307", 6, "unchanged"), finding("B701", 2, "new")])
    report = Report(
        "r", "b" * 40, "h" * 40, "m" * 40, findings=result.findings,
        pre_existing=result.pre_existing,
    )  # fmt: skip
    data = report.to_dict()
    assert [f["baseline_state"] for f in data["findings"]] == ["new"]
    assert [f["line"] for f in data["pre_existing"]] == [6]
    again = Report.from_dict(data)
    assert again.pre_existing == report.pre_existing and again.findings == report.findings
    assert report.fails(Severity.NOTE)  # the introduced error fails the review
    only_old = Report("r", "b", "h", "m", pre_existing=result.pre_existing)
    assert not only_old.fails(Severity.NOTE)  # pre-existing findings never fail it
