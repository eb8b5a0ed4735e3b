"""The shared SARIF parser: any SARIF-printing analyser's results become findings."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import pytest

from agents.analysis import AgentError
from agents.command import Invocation
from agents.parsers import ToolOutput, sarif
from review.findings import Severity


def result(uri: str = "src/app.py", line: int | None = 3, **fields: Any) -> dict[str, Any]:
    region = {} if line is None else {"startLine": line}
    location = {"physicalLocation": {"artifactLocation": {"uri": uri}, "region": region}}
    return {"ruleId": "R1", "message": {"text": "bad"}, "locations": [location], **fields}


def parse(checkout: Path, *results: dict[str, Any], severities=None, **run: Any):
    log = {"version": "2.1.0", "runs": [{"tool": {"driver": {"name": "t"}}, **run}]}
    log["runs"][0]["results"] = list(results)
    call = Invocation(cwd=checkout, env={}, present=[], root=checkout)  # the tool's view
    output = ToolOutput(json.dumps(log), "lint", "t", severities or {}, call.repo_path)
    return sarif(output)


@pytest.fixture
def checkout(tmp_path: Path) -> Path:
    (tmp_path / "src").mkdir()
    return tmp_path / "src"


def test_a_result_becomes_a_finding_of_the_agent(checkout) -> None:
    (finding,) = parse(checkout, result()).findings
    assert finding.to_dict() == {
        "agent": "lint",
        "rule": "R1",
        "severity": "warning",  # SARIF's default level
        "path": "src/app.py",
        "line": 3,
        "message": "bad",
        "end_line": None,
        "suggestion": None,
        "category": "",
        "fingerprint": "",
        "also_reported_by": [],
    }


@pytest.mark.parametrize(
    ("region", "end_line"),
    [
        ({"endLine": 7, "endColumn": 1}, 6),  # ends where line 7 starts: a job up to the EOF
        ({"endLine": 7, "endColumn": 2}, 7),
        ({"endLine": 7}, 7),
        ({"endLine": 4, "endColumn": 1}, None),  # all of line 3, its LF included
    ],
)
def test_a_region_ending_at_a_lines_start_ends_on_the_line_before(
    checkout, region, end_line
) -> None:
    res = result()
    res["locations"][0]["physicalLocation"]["region"].update(region)
    (finding,) = parse(checkout, res).findings
    assert (finding.line, finding.end_line) == (3, end_line)


@pytest.mark.parametrize(
    ("uri", "bases"),
    [
        ("src/app%20x.py", None),  # relative to the tool's working directory, percent-encoded
        ("./src/app%20x.py", None),
        ("{checkout}/src/app%20x.py", None),  # an absolute path
        ("file://{checkout}/src/app%20x.py", None),
        ("file://localhost{checkout}/src/app%20x.py", None),
        ("app%20x.py", {"SRC": {"uri": "src/", "uriBaseId": "ROOT"}, "ROOT": {"uri": "file://{checkout}"}}),
    ],
)  # fmt: skip
def test_artifact_uris_of_every_form_map_to_the_repository_path(checkout, uri, bases) -> None:
    root = str(checkout)
    uri = uri.format(checkout=root)
    base_id = {"uriBaseId": "SRC"} if bases else {}
    res = result(uri)
    res["locations"][0]["physicalLocation"]["artifactLocation"].update(base_id)
    run = {"originalUriBaseIds": json.loads(json.dumps(bases).replace("{checkout}", root))}
    (finding,) = parse(checkout, res, **(run if bases else {})).findings
    assert finding.path == "src/app x.py"


def test_results_outside_the_checkout_or_without_a_line_are_left_out_with_a_note(checkout):
    analysis = parse(
        checkout,
        result("../../etc/passwd"),
        result("/etc/passwd"),
        result("file:///etc/passwd"),
        result("https://example.invalid/src/app.py"),
        result("file://otherhost/src/app.py"),
        result(line=None),
        result(kind="pass"),  # not a problem: no note either
        result("src/ok.py"),
    )
    assert [f.path for f in analysis.findings] == ["src/ok.py"]
    assert analysis.notes == [
        "t: 5 result(s) on no file of the checkout left out",
        "t: 1 result(s) without a line left out",
    ]


def test_severity_by_declared_rule_then_level_then_the_level_itself(checkout) -> None:
    rules = {"rules": [{"id": "R0", "defaultConfiguration": {"level": "error"}}]}
    analysis = parse(
        checkout,
        result(ruleId="R1", level="note"),
        result(ruleId="LOUD", level="note"),
        result(ruleId="R2", level="warning"),
        result(ruleId=None, ruleIndex=0),  # the rule's default level
        result(ruleId="R3", level="none"),
        result(ruleId="R4", kind="informational"),  # no level: "none"
        severities={"LOUD": Severity.ERROR, "warning": Severity.NOTE},
        tool={"driver": {"name": "t", **rules}},
    )
    assert [(f.rule, f.severity.value) for f in analysis.findings] == [
        ("R1", "note"),
        ("LOUD", "error"),
        ("R2", "note"),
        ("R0", "error"),
        ("R3", "note"),
        ("R4", "note"),
    ]


def test_a_rule_the_tool_grades_itself_is_mapped_by_rule_and_level(checkout) -> None:
    """`rule@level` beats the rule alone: zizmor grades one rule by the context it finds."""
    analysis = parse(
        checkout,
        result(ruleId="inject", level="error"),
        result(ruleId="inject", level="note"),
        result(ruleId="other", level="error"),
        severities={"inject@error": Severity.ERROR, "error": Severity.WARNING},
    )
    assert [(f.rule, f.severity.value) for f in analysis.findings] == [
        ("inject", "error"),
        ("inject", "note"),
        ("other", "warning"),
    ]


def test_messages_come_from_the_result_its_arguments_or_the_rule(checkout) -> None:
    driver = {
        "name": "t",
        "rules": [
            {
                "id": "R1",
                "messageStrings": {"default": {"text": "{0} is unused in {1}"}},
                "shortDescription": {"text": "Unused name"},
            }
        ],
    }
    analysis = parse(
        checkout,
        result(message={"id": "default", "arguments": ["x", "f"]}, ruleIndex=0),
        result(message={}, ruleIndex=0),
        result(message={}, ruleId="R9"),
        tool={"driver": driver},
    )
    assert [f.message for f in analysis.findings] == ["x is unused in f", "Unused name", "R9"]


def fix(deleted: dict[str, int], text: str | None, uri: str = "src/app.py") -> dict[str, Any]:
    replacement: dict[str, Any] = {"deletedRegion": deleted}
    if text is not None:
        replacement["insertedContent"] = {"text": text}
    change = {"artifactLocation": {"uri": uri}, "replacements": [replacement]}
    return {"artifactChanges": [change]}


TO_THE_START_OF_LINE_5 = {"startLine": 3, "startColumn": 1, "endLine": 5, "endColumn": 1}


@pytest.mark.parametrize(
    ("fixes", "suggestion"),
    [
        ([fix({"startLine": 3, "endLine": 4}, "a = 1\nb = 2")], "a = 1\nb = 2"),
        ([fix(TO_THE_START_OF_LINE_5, "a = 1\n")], "a = 1"),
        ([fix({"startLine": 3, "endLine": 4}, None)], ""),  # a deletion
        ([fix({"startLine": 3, "startColumn": 5, "endLine": 4}, "x")], None),  # part of a line
        ([fix({"startLine": 3, "endLine": 3}, "x")], None),  # not every flagged line
        ([fix({"startLine": 3, "endLine": 4}, "x", uri="src/other.py")], None),
        ([fix({"startLine": 3, "endLine": 4}, "x")] * 2, None),  # a choice of fixes
    ],
)  # fmt: skip
def test_a_fix_is_a_suggestion_only_when_it_replaces_the_flagged_lines(
    checkout, fixes, suggestion
) -> None:
    flagged = result(fixes=fixes)
    flagged["locations"][0]["physicalLocation"]["region"]["endLine"] = 4
    (finding,) = parse(checkout, flagged).findings
    assert (finding.line, finding.end_line, finding.suggestion) == (3, 4, suggestion)


def test_tool_errors_become_notes_and_a_log_that_is_not_sarif_fails(checkout) -> None:
    notification = {"level": "error", "message": {"text": "cannot parse\n  src/bad.py"}}
    warning = {"level": "warning", "message": {"text": "slow"}}
    invocations = [{"toolExecutionNotifications": [notification, warning]}]
    analysis = parse(checkout, invocations=invocations)
    assert analysis.notes == ["t: cannot parse src/bad.py"]
    for text in ('{"version": "2.1.0"}', "[]", "Segmentation fault"):
        with pytest.raises(AgentError, match="t printed"):
            sarif(ToolOutput(text, "lint", "t", {}, str))


def test_garbage_inside_a_log_is_skipped_not_fatal(checkout) -> None:
    odd = [
        "not a result",
        {"locations": "nowhere"},
        {"locations": [{"physicalLocation": {"artifactLocation": {"uri": 5}}}]},
        result(line=True),  # a bool is no line
        result(message={"id": ["unhashable"]}),
    ]
    analysis = parse(checkout, *odd)
    assert [f.message for f in analysis.findings] == ["R1"]
