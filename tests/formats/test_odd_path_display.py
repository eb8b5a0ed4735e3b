"""Paths with control characters look the same in every output, and never like another.

The text report and the Markdown summary (the pull request's summary comment and check
run) show a newline, tab, CR, line separator or non-breaking space in a path as an
escape (`\\n`, `\\t`, `\\r`, `\\u2028`, `\\xa0`) and a backslash as `\\\\`, in the path
and in the notes that name it; JSON, SARIF and what is posted to GitHub's API keep the
real path.
"""

from __future__ import annotations

import json
import re
from urllib.parse import unquote

from test_reporter_formats import f, make_report

from reporter.escape import shown_name
from reporter.formats import formats
from reporter.formats.markdown import render_markdown
from reporter.formats.text import render_text
from reporter.github.checks import annotations
from review.report import AgentStatus

# each path -> how every output shows it (the text report's spelling)
SHOWN = {
    "t\tab.py": r"t\tab.py",
    "a\nb.Dockerfile": r"a\nb.Dockerfile",
    "a b.Dockerfile": "a b.Dockerfile",  # a real space
    "c\rr.py": r"c\rr.py",
    "a\\nb.Dockerfile": r"a\\nb.Dockerfile",  # a backslash and an n: not the newline one
    "x\u2028y.py": r"x\u2028y.py",
    "nb\u00a0sp.Dockerfile": r"nb\xa0sp.Dockerfile",
    "caf\u00e9.py": "caf\u00e9.py",  # letters beyond ASCII are letters
}


def odd_report():
    findings = [f(path, 1) for path in SHOWN]
    agents = {"security": AgentStatus("ok", len(findings), 0.1, notes=["t\tab.py: skipped"])}
    return make_report(findings, agents=agents, notes=["a\nb.Dockerfile: not analysed"])


def unmarkdown(text: str) -> str:
    """What GitHub shows for inline Markdown text: backslash escapes undone."""
    return re.sub(r"\\(.)", r"\1", text.replace("\u200b", ""))


def test_the_helper_shows_each_path_as_the_text_report_does() -> None:
    assert {path: shown_name(path) for path in SHOWN} == SHOWN
    assert len(set(SHOWN.values())) == len(SHOWN)  # no two alike


def test_the_text_report_escapes_paths_and_the_notes_naming_them() -> None:
    lines = render_text(odd_report()).split("\n")
    headers = [line for line in lines if line and not line.startswith((" ", "note:"))][:-1]
    assert headers == list(SHOWN.values())
    assert "note: security: t\\tab.py: skipped" in lines
    assert "note: a\\nb.Dockerfile: not analysed" in lines
    assert not [line for line in lines if "\t" in line or "\r" in line or "\u2028" in line]


def test_the_markdown_summary_shows_paths_as_the_text_report_does() -> None:
    body = render_markdown(odd_report())
    cells = [row.split(" | ")[1] for row in body.split("\n") if row.startswith("| 🟠 |")]
    assert [unmarkdown(cell) for cell in cells] == list(SHOWN.values())
    assert sum(cell == "a b.Dockerfile" for cell in cells) == 1  # only the real space
    notes = body.split("<details><summary>Notes</summary>")[1]
    assert "security: t\\tab.py: skipped" in notes
    assert "a\\nb.Dockerfile: not analysed" in notes
    assert "\t" not in body and "\r" not in body and "\u2028" not in body


def test_json_sarif_and_github_keep_the_real_paths() -> None:
    report = odd_report()
    as_json = json.loads(formats()["json"].render(report))
    assert [finding["path"] for finding in as_json["findings"]] == list(SHOWN)
    sarif = json.loads(formats()["sarif"].render(report))
    uris = [
        r["locations"][0]["physicalLocation"]["artifactLocation"]["uri"]
        for r in sarif["runs"][0]["results"]
    ]
    assert [unquote(uri) for uri in uris] == list(SHOWN)
    assert [entry["path"] for entry in annotations(report.findings)] == list(SHOWN)
