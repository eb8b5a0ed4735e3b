"""`reviewbot review` tells what a change introduced from what was already there: the
`introduced` filter (the default), `--pre-existing`, and reviewdog's modes as an explicit
choice, with the real `security` agent comparing each finding with the base."""

from __future__ import annotations

import json

import pytest

APP = "def compute(text):\n    {name} = eval(text)\n    return {name}\n"
RENDER = "from jinja2 import Environment\n\nenv = Environment(\n    trim_blocks=True,\n{rest})\n"


@pytest.fixture(scope="module")
def renamed(repo_factory):
    """A change that renames the variable of a line that already called `eval`, and
    deletes `autoescape=True` from a jinja2 environment (its `Environment(` line is
    unchanged, and now vulnerable)."""
    base = {
        "app.py": APP.format(name="val"),
        "render.py": RENDER.format(rest="    autoescape=True,\n"),
    }
    head = {"app.py": APP.format(name="value"), "render.py": RENDER.format(rest="")}
    return repo_factory([base, head], name="renamed")


def review(run_cli, repo, *options: str) -> dict:
    done = run_cli(
        "review", str(repo.path), "--base", repo.base, "--agents", "security", "-q", *options
    )
    assert done.code in (0, 1), done.stderr
    return json.loads(done.stdout) if "json" in options else {"text": done.stdout}


def where(findings: list[dict]) -> list[tuple]:
    return sorted((f["path"], f["line"], f["rule"], f.get("baseline_state")) for f in findings)


def test_the_default_reports_what_the_change_introduced(run_cli, renamed) -> None:
    report = review(run_cli, renamed, "--format", "json")
    assert where(report["findings"]) == [("render.py", 3, "B701", "new")]  # an unchanged line
    assert where(report["pre_existing"]) == [("app.py", 2, "B307", "unchanged")]
    text = review(run_cli, renamed)["text"]
    assert "(security; introduced)" in text and "app.py" not in text.splitlines()
    assert "1 pre-existing not shown (--pre-existing)" in text


def test_pre_existing_findings_on_edited_lines_are_reported_when_asked(run_cli, renamed) -> None:
    report = review(run_cli, renamed, "--pre-existing", "--format", "json")
    assert where(report["findings"]) == [
        ("app.py", 2, "B307", "unchanged"),
        ("render.py", 3, "B701", "new"),
    ]
    assert report["pre_existing"] == []
    assert "(security; pre-existing)" in review(run_cli, renamed, "--pre-existing")["text"]


def test_reviewdogs_added_mode_stays_the_users_choice(run_cli, renamed) -> None:
    report = review(run_cli, renamed, "--filter", "added", "--format", "json")
    # on added lines only, whatever the base had: the eval is reported, the environment not
    assert where(report["findings"]) == [("app.py", 2, "B307", "unchanged")]
    assert report["pre_existing"] == [] and report["filtered_out"] >= 1
