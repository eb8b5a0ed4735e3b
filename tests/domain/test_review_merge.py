"""Merging: dedupe across agents, fingerprints that survive shifted lines, rejection."""

from __future__ import annotations

import pytest

from review.diff import ChangedFile, Diff, FileStatus, FilterMode, Hunk
from review.findings import Finding, Severity, make_fingerprint
from review.merge import combine_tools, merge_findings

SOURCE = [
    "import os",
    'password = "hunter2hunter2"',
    "x = eval(input())",
    "x = eval(input())",
]


def whole_file_diff(path: str, length: int) -> Diff:
    lines = tuple(range(1, length + 1))
    return Diff({path: ChangedFile(path, FileStatus.ADDED, hunks=[Hunk(1, length, lines, ())])})


def finding(agent: str, rule: str, line: int, **extra: object) -> Finding:
    fields: dict = {
        "severity": Severity.WARNING,
        "path": "app.py",
        "message": f"{rule} from {agent}",
        **extra,
    }
    return Finding(agent=agent, rule=rule, line=line, **fields)


def merge(findings: list[Finding], lines: list[str] = SOURCE, mode=FilterMode.ADDED):
    files = {"app.py": lines}
    return merge_findings(findings, whole_file_diff("app.py", len(lines)), mode, files.get)


def test_same_problem_on_same_line_from_two_agents_is_one_finding() -> None:
    bandit = finding("security", "B105", 2, severity=Severity.NOTE, category="hardcoded-secret")
    secrets = finding(
        "secrets",
        "Secret Keyword",
        2,
        severity=Severity.ERROR,
        category="hardcoded-secret",
        message="Possible secret committed: rotate it.",
    )
    result = merge([bandit, secrets])
    assert len(result.findings) == 1
    merged = result.findings[0]
    assert (merged.agent, merged.rule, merged.severity) == ("secrets", "Secret Keyword", "error")
    assert merged.also_reported_by == ("security",)
    assert merged.fingerprint


def test_merge_keeps_the_graver_finding_and_any_suggestion() -> None:
    graver = finding("a", "R1", 3, severity=Severity.ERROR, category="eval")
    milder = finding("b", "R2", 3, severity=Severity.NOTE, category="eval", suggestion="fix()")
    [merged] = merge([milder, graver]).findings
    assert (merged.agent, merged.severity, merged.suggestion) == ("a", "error", "fix()")
    assert merged.also_reported_by == ("b",)


def test_three_agents_on_one_problem_credit_all() -> None:
    found = [finding(name, "R", 3, category="eval") for name in ("c", "a", "b")]
    [merged] = merge(found).findings
    assert sorted((merged.agent, *merged.also_reported_by)) == ["a", "b", "c"]
    assert merged.agent not in merged.also_reported_by


@pytest.mark.parametrize(
    "other",
    [
        finding("style", "B105", 3, category="hardcoded-secret"),  # another line
        finding("style", "F401", 2),  # another problem on the same line
    ],
)
def test_different_lines_or_problems_are_not_merged(other: Finding) -> None:
    first = finding("security", "B105", 2, category="hardcoded-secret")
    result = merge([first, other])
    assert len(result.findings) == 2
    assert all(not f.also_reported_by for f in result.findings)


def test_fingerprint_survives_lines_shifting_above() -> None:
    before = merge([finding("security", "B307", 3)]).findings[0]
    shifted_source = ["# a new comment", "", *SOURCE]
    after = merge([finding("security", "B307", 5)], lines=shifted_source).findings[0]
    assert after.line == before.line + 2
    assert after.fingerprint == before.fingerprint


def test_fingerprint_ignores_whitespace_but_not_the_code() -> None:
    assert make_fingerprint("B307", "a.py", "x = eval(input())") == make_fingerprint(
        "B307", "a.py", "   x  =  eval(input())\t"
    )
    assert make_fingerprint("B307", "a.py", "x = eval(input())") != make_fingerprint(
        "B307", "a.py", "y = eval(input())"
    )
    assert make_fingerprint("B307", "a.py", "x") != make_fingerprint("B307", "b.py", "x")
    assert make_fingerprint("B307", "a.py", "x") != make_fingerprint("B102", "a.py", "x")


def test_identical_lines_get_distinct_stable_fingerprints() -> None:
    first, second = merge([finding("s", "B307", 3), finding("s", "B307", 4)]).findings
    assert first.fingerprint != second.fingerprint
    shifted = ["", *SOURCE]
    again = merge([finding("s", "B307", 4), finding("s", "B307", 5)], lines=shifted).findings
    assert [f.fingerprint for f in again] == [first.fingerprint, second.fingerprint]


def test_findings_outside_the_file_or_unreadable_files_are_rejected() -> None:
    beyond = finding("style", "E1", 99)
    elsewhere = finding("style", "E2", 1, path="missing.py")
    kept = finding("style", "E3", 1)
    result = merge([beyond, elsewhere, kept], mode=FilterMode.FILE)
    assert [f.rule for f in result.findings] == ["E3"]
    assert len(result.rejected) == 2
    assert "beyond the end" in " ".join(result.rejected)
    assert "not a readable file" in " ".join(result.rejected)


def test_filtered_findings_are_counted_not_kept() -> None:
    diff = Diff(
        {"app.py": ChangedFile("app.py", FileStatus.MODIFIED, hunks=[Hunk(3, 1, (3,), ())])}
    )
    found = [finding("s", "B307", 3), finding("s", "B404", 1)]
    result = merge_findings(found, diff, FilterMode.ADDED, {"app.py": SOURCE}.get)
    assert [(f.rule, f.line) for f in result.findings] == [("B307", 3)]
    assert result.filtered_out == 1


def test_result_is_sorted_by_file_line_and_severity() -> None:
    found = [
        finding("s", "N", 3, severity=Severity.NOTE),
        finding("s", "E", 3, severity=Severity.ERROR),
        finding("s", "W", 1),
    ]
    assert [f.rule for f in merge(found).findings] == ["W", "E", "N"]


def test_unreadable_paths_outside_the_change_pass_only_nofilter_and_never_escape() -> None:
    found = [
        finding("m", "ELSEWHERE", 1, path="docs/other.py"),
        finding("m", "UP", 1, path="../outside.py"),
        finding("m", "ABS", 1, path="/etc/passwd"),
        finding("m", "GIT", 1, path=".git/config"),
    ]
    diff = whole_file_diff("app.py", len(SOURCE))
    nofilter = merge_findings(found, diff, FilterMode.NOFILTER, {"app.py": SOURCE}.get)
    assert [f.rule for f in nofilter.findings] == ["ELSEWHERE"]
    assert len(nofilter.rejected) == 3
    in_file = merge_findings(found, diff, FilterMode.FILE, {"app.py": SOURCE}.get)
    assert (in_file.findings, len(in_file.rejected)) == ([], 4)


def test_one_agents_different_findings_on_one_line_stay_apart() -> None:
    """Two secrets on one line, two unused names: each is its own finding, fingerprinted
    apart, while another agent's finding of the same problem still merges into one."""
    line = 'AWS = "AKIA..."; GH = "ghp_..."'
    found = [
        Finding("secrets", "AWS Access Key", Severity.ERROR, "conf.py", 1, "AWS key",
                category="hardcoded-secret"),
        Finding("secrets", "GitHub Token", Severity.ERROR, "conf.py", 1, "GitHub token",
                category="hardcoded-secret"),
        Finding("security", "B105", Severity.WARNING, "conf.py", 1, "Possible hardcoded password",
                category="hardcoded-secret"),
        Finding("style", "F401", Severity.WARNING, "conf.py", 1, "`os` imported but unused"),
        Finding("style", "F401", Severity.WARNING, "conf.py", 1, "`sys` imported but unused"),
        Finding("style", "F401", Severity.WARNING, "conf.py", 1, "`sys` imported but unused"),
    ]  # fmt: skip
    diff = Diff({"conf.py": ChangedFile("conf.py", FileStatus.ADDED, hunks=[Hunk(1, 1, (1,), ())])})
    merged = merge_findings(found, diff, FilterMode.ADDED, lambda _: [line]).findings
    rules = sorted((f.rule, f.message) for f in merged)
    assert rules == [
        ("AWS Access Key", "AWS key"),
        ("F401", "`os` imported but unused"),
        ("F401", "`sys` imported but unused"),  # the repeat is dropped, not the other name
        ("GitHub Token", "GitHub token"),
    ]
    credited = [f for f in merged if "security" in f.also_reported_by]
    assert len(credited) == 1  # bandit's password finding merged into one secret finding
    assert len({f.fingerprint for f in merged}) == 4


def test_one_agents_tools_finding_one_problem_on_one_line_give_one_finding() -> None:
    bandit = [
        finding("security", "B602", 2, message="shell=True (bandit)", category="shell"),
        finding("security", "B105", 3, message="password one", category="secret"),
        finding("security", "B105", 3, message="password two", category="secret"),
    ]
    ruff = [
        finding(
            "security", "B602", 2, message="shell=True, a longer word (ruff)", category="shell"
        ),
        finding("security", "B105", 3, message="password (ruff)", category="secret"),
        finding("security", "B105", 3, message="password again (ruff)", category="secret"),
        finding("security", "B608", 4, message="SQL (ruff only)"),
    ]
    combined = combine_tools([bandit, ruff])
    # each ruff finding joins one bandit finding of its problem and line, at most once;
    # bandit's own two findings on line 3 stay two
    assert [(f.rule, f.line) for f in combined] == [
        ("B602", 2),
        ("B105", 3),
        ("B105", 3),
        ("B608", 4),
    ]
    assert combined[0].message == "shell=True, a longer word (ruff)"  # the better-worded
    assert all(f.also_reported_by == () for f in combined)  # one agent: no one to credit
