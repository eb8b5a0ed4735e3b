"""`reviewbot review` end to end on a change that adds known vulnerabilities."""

from __future__ import annotations

import json
import re
from pathlib import Path

import jsonschema
import pytest

APP, NEW = "app.py", "new.py"
ANALYSERS = ("--agents", "security,style,secrets")

# what the change adds, as (path, rule, snippet of the flagged head line)
ADDED = [
    (APP, "B307", "result = eval(input())"),
    (APP, "B602", "subprocess.call(cmd, shell=True)"),
    (APP, "B301", "obj = pickle.loads(blob)"),
    (APP, "B506", "conf = yaml.load(text)"),
    (APP, "B324", "hashlib.md5(data)"),
    (NEW, "B605", "os.system("),
    (NEW, "B102", "exec(user)"),
    (NEW, "F401", "import sys"),
]


@pytest.fixture(scope="module")
def workspace(tmp_path_factory) -> Path:
    return tmp_path_factory.mktemp("cli-review")


@pytest.fixture(scope="module")
def by_filter(vulnerable_repo, run_cli, workspace) -> dict[str, dict]:
    """The JSON review of the change under each filter mode."""
    repo = vulnerable_repo.repo
    results = {}
    for mode in ("added", "diff_context", "file", "nofilter"):
        done = run_cli(
            "review", str(repo.path), "--base", repo.base, "--format", "json",
            "--filter", mode, "--fail-on", "never", "-q", *ANALYSERS, workspace=workspace,
        )  # fmt: skip
        assert done.code == 0, done.stderr
        results[mode] = json.loads(done.stdout)
    return results


def located(report: dict) -> set[tuple[str, str, int]]:
    return {(f["path"], f["rule"], f["line"]) for f in report["findings"]}


def test_each_added_vulnerability_is_reported_on_its_exact_line(by_filter, vulnerable_repo) -> None:
    found = located(by_filter["added"])
    for path, rule, snippet in ADDED:
        assert (path, rule, vulnerable_repo.line(path, snippet)) in found


def test_nothing_is_reported_on_unchanged_lines(by_filter, vulnerable_repo) -> None:
    findings = by_filter["added"]["findings"]
    assert findings
    for f in findings:
        assert f["path"] in (APP, NEW)
        if f["path"] == APP:
            assert f["line"] >= vulnerable_repo.first_added_line, f
    rules_on_app = {f["rule"] for f in findings if f["path"] == APP}
    assert "B302" not in rules_on_app  # marshal.loads of the base, right next to the change
    assert "B403" not in rules_on_app  # `import pickle` of the base


def test_a_secret_found_by_two_agents_is_one_finding(by_filter, vulnerable_repo) -> None:
    line = vulnerable_repo.line(APP, "password =")
    on_line = [f for f in by_filter["added"]["findings"] if (f["path"], f["line"]) == (APP, line)]
    assert len(on_line) == 1
    [secret] = on_line
    assert secret["agent"] == "secrets" and secret["severity"] == "warning"  # a keyword guess
    assert secret["also_reported_by"] == ["security"]  # bandit B105, merged
    agents = by_filter["added"]["agents"]
    assert agents["security"]["findings"] >= 1 and agents["secrets"]["findings"] == 1


def test_filter_modes_widen_in_order(by_filter, vulnerable_repo) -> None:
    added, context, file, everything = (
        located(by_filter[m]) for m in ("added", "diff_context", "file", "nofilter")
    )
    near = (APP, "B302", vulnerable_repo.line(APP, "marshal.loads"))
    far = (APP, "B301", vulnerable_repo.line(APP, "return pickle.loads"))
    base_import = (APP, "B403", vulnerable_repo.line(APP, "import pickle"))
    assert added < context < file <= everything
    assert near not in added and near in context
    assert far not in context and far in file
    assert base_import not in context and base_import in file
    for report in by_filter.values():
        assert not {f["path"] for f in report["findings"]} & {"legacy.py", "removed.py"}
    assert by_filter["added"]["filtered_out"] > by_filter["file"]["filtered_out"]


def test_json_has_the_documented_shape(by_filter) -> None:
    report = by_filter["added"]
    assert report["version"] == 1
    assert isinstance(report["base"], str) and len(report["base"]) == 40
    assert isinstance(report["head"], str) and len(report["head"]) == 40
    finding_keys = {
        "agent", "rule", "severity", "path", "line", "end_line", "message", "suggestion",
        "fingerprint",
    }  # fmt: skip
    for f in report["findings"]:
        assert finding_keys <= set(f)
        assert f["severity"] in ("error", "warning", "note")
        assert isinstance(f["line"], int) and f["line"] >= 1
        assert f["end_line"] is None or f["end_line"] >= f["line"]
        assert isinstance(f["fingerprint"], str) and len(f["fingerprint"]) == 32
    assert set(report["agents"]) == {"security", "style", "secrets"}
    for status in report["agents"].values():
        assert {"status", "findings", "seconds", "error"} <= set(status)
        assert status["status"] == "ok" and status["error"] is None
        assert isinstance(status["findings"], int) and isinstance(status["seconds"], float)


# The parts of the SARIF 2.1.0 schema that code scanning relies on.
SARIF_BASICS = {
    "type": "object",
    "required": ["version", "runs"],
    "properties": {
        "version": {"const": "2.1.0"},
        "$schema": {"type": "string", "format": "uri"},
        "runs": {
            "type": "array",
            "items": {
                "type": "object",
                "required": ["tool"],
                "properties": {
                    "tool": {
                        "type": "object",
                        "required": ["driver"],
                        "properties": {
                            "driver": {
                                "type": "object",
                                "required": ["name"],
                                "properties": {
                                    "name": {"type": "string", "minLength": 1},
                                    "rules": {
                                        "type": "array",
                                        "items": {"type": "object", "required": ["id"]},
                                    },
                                },
                            }
                        },
                    },
                    "results": {
                        "type": "array",
                        "items": {
                            "type": "object",
                            "required": ["message", "locations"],
                            "properties": {
                                "ruleId": {"type": "string"},
                                "level": {"enum": ["none", "note", "warning", "error"]},
                                "message": {"type": "object", "required": ["text"]},
                                "locations": {
                                    "type": "array",
                                    "minItems": 1,
                                    "items": {
                                        "type": "object",
                                        "required": ["physicalLocation"],
                                        "properties": {
                                            "physicalLocation": {
                                                "type": "object",
                                                "required": ["artifactLocation", "region"],
                                                "properties": {
                                                    "artifactLocation": {
                                                        "type": "object",
                                                        "required": ["uri"],
                                                        "properties": {"uri": {"type": "string"}},
                                                    },
                                                    "region": {
                                                        "type": "object",
                                                        "required": ["startLine"],
                                                        "properties": {
                                                            "startLine": {
                                                                "type": "integer",
                                                                "minimum": 1,
                                                            },
                                                            "endLine": {
                                                                "type": "integer",
                                                                "minimum": 1,
                                                            },
                                                        },
                                                    },
                                                },
                                            }
                                        },
                                    },
                                },
                            },
                        },
                    },
                },
            },
        },
    },
}


def test_sarif_output(vulnerable_repo, run_cli, workspace, by_filter) -> None:
    repo = vulnerable_repo.repo
    done = run_cli(
        "review", str(repo.path), "--base", repo.base, "--format", "sarif", "-q",
        "--fail-on", "never", *ANALYSERS, workspace=workspace,
    )  # fmt: skip
    assert done.code == 0, done.stderr
    sarif = json.loads(done.stdout)
    jsonschema.validate(sarif, SARIF_BASICS)
    drivers = [run["tool"]["driver"]["name"] for run in sarif["runs"]]
    assert drivers == ["reviewbot-security", "reviewbot-style", "reviewbot-secrets"]
    results = {
        (
            r["locations"][0]["physicalLocation"]["artifactLocation"]["uri"],
            r["ruleId"],
            r["locations"][0]["physicalLocation"]["region"]["startLine"],
        )
        for run in sarif["runs"]
        for r in run.get("results", [])
    }
    assert results == located(by_filter["added"])
    for run in sarif["runs"]:
        rules = [rule["id"] for rule in run["tool"]["driver"].get("rules", [])]
        for result in run.get("results", []):
            assert rules[result.get("ruleIndex", 0)] == result["ruleId"]
            assert result["partialFingerprints"]["reviewbot/v1"]


def test_text_output_groups_by_file_and_shows_the_code(vulnerable_repo, run_cli, workspace) -> None:
    repo = vulnerable_repo.repo
    done = run_cli(
        "review", str(repo.path), "--base", repo.base, "-q", *ANALYSERS, workspace=workspace
    )
    assert done.code == 1  # errors found, and --fail-on defaults to error
    lines = done.stdout.splitlines()
    assert lines.index(APP) < lines.index(NEW)  # one header per file, files in order
    assert lines.count(APP) == 1 and lines.count(NEW) == 1
    eval_line = vulnerable_repo.line(APP, "eval(input())")
    at = next(i for i, text in enumerate(lines) if text.startswith(f"  {eval_line}: W [B307]"))
    assert lines[at + 1] == "    |     result = eval(input())"  # the code, as written
    # the merged secret credits both agents; the analysers compared it with the base
    assert "(secrets, security; introduced)" in done.stdout
    shown = [text for text in lines if re.match(r"  \d+: [EWN] \[", text)]
    summary = next(text for text in lines if " findings (" in text)
    assert summary.startswith(f"{len(shown)} findings (")


def test_markdown_output(vulnerable_repo, run_cli, workspace) -> None:
    repo = vulnerable_repo.repo
    done = run_cli(
        "review", str(repo.path), "--base", repo.base, "--format", "markdown", "-q",
        "--fail-on", "never", *ANALYSERS, workspace=workspace,
    )  # fmt: skip
    assert done.code == 0
    assert done.stdout.startswith("<!-- reviewbot:summary -->\n## reviewbot review")
    assert "| security | ok |" in done.stdout
    assert "| 🔴 | app.py |" in done.stdout


def test_output_file_and_fail_on(vulnerable_repo, run_cli, workspace, tmp_path) -> None:
    repo = vulnerable_repo.repo
    target = tmp_path / "out" / "review.json"
    target.parent.mkdir()
    done = run_cli(
        "review", str(repo.path), "--base", repo.base, "--format", "json", "-q",
        "--output", str(target), *ANALYSERS, workspace=workspace,
    )  # fmt: skip
    assert (done.code, done.stdout) == (1, "")
    assert json.loads(target.read_text())["findings"]


@pytest.fixture(scope="module")
def notes_only(repo_factory):
    """A change whose only finding is a note (bandit B404 on `import subprocess`)."""
    return repo_factory(
        [{"a.py": "x = 1\n"}, {"a.py": "import subprocess\n\nx = subprocess\n"}], name="notes"
    )


@pytest.mark.parametrize(
    ("fail_on", "code"), [("error", 0), ("warning", 0), ("note", 1), ("never", 0)]
)
def test_fail_on_threshold(notes_only, run_cli, tmp_path_factory, fail_on, code) -> None:
    done = run_cli(
        "review", str(notes_only.path), "--base", notes_only.base, "--fail-on", fail_on,
        "--format", "json", "-q", *ANALYSERS,
        workspace=tmp_path_factory.getbasetemp() / "notes-ws",
    )  # fmt: skip
    report = json.loads(done.stdout)
    assert [(f["rule"], f["severity"]) for f in report["findings"]] == [("B404", "note")]
    assert done.code == code


def test_no_progress_when_stderr_is_not_a_terminal(notes_only, run_cli) -> None:
    done = run_cli(
        "review", str(notes_only.path), "--base", notes_only.base, "--format", "json", *ANALYSERS
    )
    json.loads(done.stdout)  # stdout stays machine-readable
    assert done.stderr == ""  # piped or redirected: quiet


def test_progress_on_a_terminal_is_a_line_per_agent(notes_only, run_cli, monkeypatch) -> None:
    import io

    from rich.console import Console

    from reviewbot import progress_view

    screen = io.StringIO()
    console = Console(file=screen, force_terminal=True, width=200)
    monkeypatch.setattr(progress_view, "stderr_console", lambda: console)
    done = run_cli(
        "review", str(notes_only.path), "--base", notes_only.base, "--format", "json", *ANALYSERS
    )
    json.loads(done.stdout)
    drawn = screen.getvalue()
    assert f"reviewing {notes_only.head[:12]} against {notes_only.base[:12]}" in drawn
    assert "with security, style, secrets" in drawn
    for line in ("security: ok in", "style: ok in", "secrets: ok in"):
        assert re.search(rf"✓.*{line} \d+\.\d s, \d+ raw findings", drawn), drawn
    assert "security: ok in" in drawn and "1 raw findings" in drawn  # bandit's B404
    assert "\x1b[" in drawn  # drawn in place, with the terminal's control sequences
    quiet = run_cli("review", str(notes_only.path), "--base", notes_only.base, "-q", *ANALYSERS)
    assert quiet.code == 0 and screen.getvalue() == drawn  # -q: nothing more drawn
