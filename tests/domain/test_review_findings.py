"""Findings from untrusted JSON: checked, bounded, or refused."""

from __future__ import annotations

import pytest

from review.findings import MAX_MESSAGE_CHARS, Finding, InvalidFinding, Severity
from review.report import AgentStatus, Report


def raw(**extra: object) -> dict:
    return {"agent": "a", "rule": "R", "path": "x.py", "line": 2, "message": "m", **extra}


@pytest.mark.parametrize(
    "bad",
    [
        {"path": ""},
        {"path": None},
        {"path": "a\x00b"},
        {"line": 0},
        {"line": -3},
        {"line": "4"},
        {"line": True},
        {"message": "   "},
        {"severity": "catastrophic"},
    ],
)
def test_invalid_findings_are_refused(bad: dict) -> None:
    with pytest.raises(InvalidFinding):
        Finding.from_dict(raw(**bad))


def test_findings_are_bounded_and_normalised() -> None:
    parsed = Finding.from_dict(
        raw(severity="ERROR", message="x" * (MAX_MESSAGE_CHARS + 50), end_line=1)
    )
    assert parsed.severity is Severity.ERROR
    assert len(parsed.message) == MAX_MESSAGE_CHARS
    assert parsed.end_line is None  # an end before the start is dropped


def test_finding_and_report_round_trip() -> None:
    finding = Finding.from_dict(raw(end_line=5, suggestion="fix", also_reported_by=["b"]))
    report = Report(
        "repo",
        "b" * 40,
        "h" * 40,
        "m" * 40,
        findings=[finding],
        agents={"a": AgentStatus("failed", error="boom")},
    )
    again = Report.from_dict(report.to_dict())
    assert again.findings == [finding]
    assert again.agents["a"].error == "boom"
    assert again.fails(Severity.WARNING) and not again.fails(Severity.ERROR)
    assert not again.fails(None)


@pytest.mark.parametrize(
    ("given", "kept"),
    [("new", "new"), ("unchanged", "unchanged"), ("absent", None), (None, None), (3, None)],
)
def test_the_baseline_state_is_sarifs_new_or_unchanged(given: object, kept: str | None) -> None:
    finding = Finding.from_dict(raw(baseline_state=given))
    assert finding.baseline_state == kept
    assert ("baseline_state" in finding.to_dict()) is (kept is not None)
    assert Finding.from_dict(finding.to_dict()) == finding


def test_evolve_makes_what_dataclasses_replace_makes_and_refuses_unknown_fields() -> None:
    import dataclasses

    finding = Finding.from_dict(raw(also_reported_by=["b"], baseline_state="new"))
    changes = {"line": 9, "severity": Severity.ERROR, "snippet": "eval(x)"}
    evolved = finding.evolve(**changes)
    assert evolved == dataclasses.replace(finding, **changes)
    assert hash(evolved) == hash(dataclasses.replace(finding, **changes))
    assert finding.line == 2 and finding.snippet is None  # the original is untouched
    with pytest.raises(dataclasses.FrozenInstanceError):
        evolved.line = 3  # type: ignore[misc]
    with pytest.raises(TypeError, match="no field colour"):
        finding.evolve(colour="red")


def test_to_dict_holds_every_field_and_reads_back_the_same() -> None:
    import dataclasses

    finding = Finding.from_dict(raw(also_reported_by=["b"], confidence=0.5, snippet="x = 1"))
    data = finding.to_dict()
    assert set(data) == {f.name for f in dataclasses.fields(Finding)} - {
        "suggestion_lines",
        "baseline_state",
    }  # unset optional fields are left out
    assert data["severity"] == "warning" and data["also_reported_by"] == ["b"]
    assert Finding.from_dict(data) == finding
    placed = finding.placed("x = 1")
    assert Finding.from_dict(placed.to_dict()) == placed


def test_a_finding_read_from_json_is_the_one_its_constructor_makes() -> None:
    import dataclasses

    finding = Finding.from_dict(raw(end_line=4, suggestion="y = 1", suggestion_lines=[2, 3]))
    made = Finding(**{f.name: getattr(finding, f.name) for f in dataclasses.fields(Finding)})
    assert finding == made and hash(finding) == hash(made)
    assert list(finding.to_dict()) == list(made.to_dict())  # the fields in their order
    with pytest.raises(dataclasses.FrozenInstanceError):
        finding.line = 3  # type: ignore[misc]
