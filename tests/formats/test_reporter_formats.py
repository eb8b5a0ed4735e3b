"""The reporters: text for a terminal, Markdown safe to post on GitHub, SARIF for code scanning."""

from __future__ import annotations

import json
import re
from importlib.metadata import version

import pytest

from reporter.escape import GITHUB_BODY_LIMIT, code_block, inline, neutralise, truncate_body
from reporter.formats import formats
from reporter.formats.markdown import SUMMARY_MARKER, render_markdown
from reporter.formats.sarif import render_sarif
from reporter.formats.text import render_text
from review.findings import Finding, Severity
from review.report import AgentStatus, Report

HOSTILE = "ping @octocat and @org/team: fixes #12, see octo/repo#3 <img src=x onerror=alert(1)>"


def make_report(findings: list[Finding], **extra) -> Report:
    agents = extra.pop(
        "agents",
        {"security": AgentStatus("ok", 1, 0.4), "style": AgentStatus("ok", 0, 0.1)},
    )
    return Report(
        repository="/repo", base="b" * 40, head="a" * 40, merge_base="c" * 40,
        findings=findings, agents=agents, files_changed=2, **extra,
    )  # fmt: skip


def f(path: str, line: int, rule: str = "B307", **extra) -> Finding:
    fields = {"agent": "security", "severity": Severity.WARNING, "message": "Use of eval", **extra}
    return Finding(rule=rule, path=path, line=line, fingerprint=f"fp-{path}-{line}", **fields)


# --- escaping ------------------------------------------------------------------------


def raw_mentions(text: str) -> list[str]:
    return re.findall(r"@[A-Za-z0-9]", text)


def raw_references(text: str) -> list[str]:
    return re.findall(r"(?<![\w&])#\d|[\w.-]/[\w.-]+#\d", text)


def test_neutralise_breaks_mentions_and_references() -> None:
    text = neutralise(HOSTILE)
    assert raw_mentions(text) == [] and raw_references(text) == []
    assert text.replace("\u200b", "") == HOSTILE  # only invisible characters were added


@pytest.mark.parametrize(
    "harmless", ["a.py:12", "C#", "x#1", "color: #fff", "list[0]#", "user@", "path/to/file.py"]
)
def test_neutralise_leaves_ordinary_text_alone(harmless: str) -> None:
    assert neutralise(harmless) == harmless


def test_inline_is_inert_one_line_markdown() -> None:
    text = inline("a | b\n`code` *bold* [link](http://x) <b>" + HOSTILE, limit=500)
    assert "\n" not in text
    assert "\\|" in text and "\\`code\\`" in text and "\\[link\\]" in text and "\\<b\\>" in text
    assert re.findall(r"(?<!\\)[<>]", text) == []  # no live HTML
    assert raw_mentions(text) == [] and raw_references(text) == []
    assert len(inline("x" * 100, limit=10)) == 10


def test_code_block_cannot_be_closed_from_inside() -> None:
    block = code_block("before\n````\nafter")
    fence = block.splitlines()[0]
    assert fence == "`````"
    assert block.endswith("\n" + fence)
    assert code_block("plain") == "```\nplain\n```"


def test_truncate_body_respects_the_limit() -> None:
    assert truncate_body("short") == "short"
    long = truncate_body("x" * (GITHUB_BODY_LIMIT + 10))
    assert len(long) == GITHUB_BODY_LIMIT and "truncated" in long


# --- markdown ------------------------------------------------------------------------


def test_markdown_escapes_untrusted_text() -> None:
    report = make_report(
        [f("a|b.py", 3, rule="R@x", message=HOSTILE)],
        agents={"security": AgentStatus("failed", error=f"crashed: {HOSTILE}")},
        notes=["see @octocat #4\n```\nbreak out"],
    )
    body = render_markdown(report)
    assert body.startswith(SUMMARY_MARKER)
    prose, notes = body.split("<details><summary>Notes</summary>")
    assert raw_mentions(prose) == [] and raw_references(prose) == []
    assert "\\<img" in prose and "<img" not in prose.replace("\\<img", "")
    # notes stay verbatim, inside a fence they cannot close (GitHub links nothing in code),
    # each on its line: a newline in one shows as in the text report (`shown_name`)
    assert "\n````\nsee @octocat #4\\n```\\nbreak out\n````\n" in notes
    assert "a\\|b.py" in body  # a pipe in a file name cannot break the table
    table_rows = [line for line in body.splitlines() if line.startswith("| 🟠")]
    assert len(table_rows) == 1 and table_rows[0].count(" | ") == 4
    assert "| security | failed: crashed:" in body


@pytest.mark.parametrize("limit", [GITHUB_BODY_LIMIT, 20_000, 65_535 - 40])
def test_markdown_is_cut_at_a_row_boundary_with_the_count_left_out(limit: int) -> None:
    """Issue 16: the summary was cut in the middle of a table row."""
    findings = [f(f"file_{n}.py", n + 1, message=f"m{n} " + "m" * 400) for n in range(400)]
    notes = [f"note {n}: " + "n" * 300 for n in range(100)]
    body = render_markdown(make_report(findings, notes=notes), "- extra note", limit)
    assert len(body) <= limit
    assert "truncated" not in body  # the blunt cut is only a last resort
    lines = body.splitlines()
    rows = [line for line in lines if line.startswith("| 🟠")]
    assert 0 < len(rows) < 400
    for n, row in enumerate(rows):  # whole rows, in order, each ending the way rows end
        assert row.startswith(f"| 🟠 | file\\_{n}.py | {n + 1} | B307 | m{n} ") and row.endswith(
            " |"
        )
    after = lines[lines.index(rows[-1]) + 1 :]
    assert after[0] == ""  # a blank line ends the table
    assert after[1].startswith(f"… and {400 - len(rows)} more findings, not shown")
    assert "- extra note" in after and "</details>" in after
    assert "… and " in body.split("<details>")[1]  # notes cut at a line too


def test_markdown_that_fits_is_not_cut() -> None:
    findings = [f(f"file_{n}.py", n + 1) for n in range(40)]
    body = render_markdown(make_report(findings, notes=["a note"]))
    assert sum(line.startswith("| 🟠") for line in body.splitlines()) == 40
    assert "more findings" not in body and "a note" in body


# --- text ----------------------------------------------------------------------------


def test_text_groups_by_file_and_shows_each_code_line() -> None:
    report = make_report(
        [
            f(
                "a.py",
                1,
                rule="F401",
                agent="style",
                severity=Severity.NOTE,
                suggestion="",
                snippet="import os",
            ),
            f("a.py", 2, snippet="x = eval(input())"),
            f(
                "b.py",
                1,
                rule="Secret",
                agent="secrets",
                severity=Severity.ERROR,
                also_reported_by=("security",),
                snippet="password = 'hunter2'",
            ),
            f("gone.py", 7, rule="X"),
        ],
        notes=["big.py: over 20000 changed lines, not analysed"],
        agents={"security": AgentStatus("ok"), "style": AgentStatus("failed", error="boom")},
    )
    out = render_text(report).splitlines()
    assert out[:5] == [
        "a.py",
        "  1: N [F401] Use of eval  (style)",
        "    | import os",
        "    + ",
        "  2: W [B307] Use of eval  (security)",
    ]
    assert out[5:7] == ["    | x = eval(input())", ""]
    assert out[7:10] == [
        "b.py",
        "  1: E [Secret] Use of eval  (secrets, security)",
        "    | password = 'hunter2'",
    ]
    assert out[11:13] == ["gone.py", "  7: W [X] Use of eval  (security)"]  # no code to show
    assert out[-3].startswith("4 findings (1 error, 2 warnings, 1 note) in 2 changed files")
    assert out[-2:] == [
        "note: big.py: over 20000 changed lines, not analysed",
        "agent style failed: boom",
    ]


def test_text_of_an_empty_review() -> None:
    out = render_text(make_report([]))
    assert out.startswith("0 findings in 2 changed files, cccccccccccc..aaaaaaaaaaaa; agents:")


# --- sarif ---------------------------------------------------------------------------


def test_sarif_locations_levels_and_rules() -> None:
    report = make_report(
        [
            f("dir with space/ünï#1?.py", 3, rule="B602", severity=Severity.ERROR, end_line=5),
            f("a.py", 1, rule="B404", severity=Severity.NOTE),
            f("a.py", 2, rule="B602"),
            f("b.py", 4, rule="F401", agent="style"),
        ],
        agents={
            "security": AgentStatus("ok"),
            "style": AgentStatus("ok"),
            "secrets": AgentStatus("ok"),
        },
    )
    sarif = json.loads(render_sarif(report))
    assert sarif["version"] == "2.1.0"
    assert sarif["$schema"].endswith("sarif-2.1.0.json")
    runs = {run["tool"]["driver"]["name"]: run for run in sarif["runs"]}
    assert list(runs) == ["reviewbot-security", "reviewbot-style", "reviewbot-secrets"]
    assert runs["reviewbot-security"]["tool"]["driver"]["version"] == version("reviewbot")
    assert runs["reviewbot-secrets"].get("results", []) == []
    security = runs["reviewbot-security"]
    rules = [r["id"] for r in security["tool"]["driver"]["rules"]]
    assert rules == ["B404", "B602"]
    seen = []
    for result in security["results"]:
        location = result["locations"][0]["physicalLocation"]
        seen.append(
            (
                location["artifactLocation"]["uri"],
                location["region"]["startLine"],
                location["region"]["endLine"],
                result.get("level", "warning"),  # SARIF's default level
                rules[result.get("ruleIndex", 0)] == result["ruleId"],
            )
        )
        assert result["partialFingerprints"]["reviewbot/v1"].startswith("fp-")
    assert seen == [
        ("dir%20with%20space/%C3%BCn%C3%AF%231%3F.py", 3, 5, "error", True),
        ("a.py", 1, 1, "note", True),
        ("a.py", 2, 2, "warning", True),
    ]
    [style] = runs["reviewbot-style"]["results"]
    assert style["ruleId"] == "F401"


# --- the registry ----------------------------------------------------------------------


def test_every_format_renders_a_report_to_text() -> None:
    report = make_report([f("a.py", 2, snippet="x = eval(input())")])
    assert list(formats())[0] == "text"  # the default, listed first in --help
    assert {"text", "json", "markdown", "sarif"} <= set(formats())
    for name, declared in formats().items():
        assert declared.name == name and declared.description
        rendered = declared.render(report)
        assert isinstance(rendered, str) and rendered.endswith("\n")
        assert "a.py" in rendered


def test_text_shows_terminal_controls_from_the_change_as_escapes() -> None:
    hostile = "evil\x1b]0;pwned\x07\rsafe \u202eexe.py"
    report = make_report(
        [f(f"src/{hostile}", 3, message=hostile, snippet=hostile, suggestion=hostile)],
        notes=[hostile],
    )
    text = render_text(report)
    assert not re.search("[\x00-\x08\x0b-\x1f\x7f-\x9f\u202a-\u202e\u2066-\u2069]", text)
    assert text.count("\\x1b]0;pwned\\x07\\rsafe \\u202eexe.py") == 5
    assert "tab\there" in render_text(make_report([f("a.py", 1, message="tab\there")]))
