"""A repository's `.github/reviewbot.yml` from the command line: `reviewbot config check`,
`schema` and `show` as real processes, and `reviewbot review` taking the file from the
base commit, each key changing what the review does, explicit options winning."""

from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path

import jsonschema
import pytest
import yaml

from agents.registry import default_agents

ROOT = Path(__file__).resolve().parents[2]
CONFIG = ".github/reviewbot.yml"
SETTINGS = """\
agents: [style]
exclude: ["vendor/"]
disable_rules: [E711]
fail_on: note
"""
BASE = {"app.py": "x = 1\n"}
# style finds F401 (unused import) and E711 (== None) in app.py, F401 in vendor/lib.py
CHANGE = {
    "app.py": "import os\n\nx = 1\nif x == None:\n    x = 2\n",
    "vendor/lib.py": "import json\n",
}


def reviewbot(*argv: str, cwd: Path | None = None) -> subprocess.CompletedProcess[str]:
    """The installed `reviewbot` command, as a user runs it."""
    script = Path(sys.executable).with_name("reviewbot")
    return subprocess.run(
        [str(script), *argv], capture_output=True, text=True, check=False, cwd=cwd
    )


def review(run_cli, repo, *argv: str) -> tuple[int, dict]:
    done = run_cli("review", str(repo.path), "--format", "json", "-q", *argv)
    assert done.code in (0, 1), done.stderr
    return done.code, json.loads(done.stdout)


def found(report: dict) -> list[tuple[str, str]]:
    return sorted((f["path"], f["rule"]) for f in report["findings"])


@pytest.fixture(scope="module")
def plain(repo_factory):
    """The change, in a repository without a configuration file."""
    return repo_factory([BASE, CHANGE], name="plain")


@pytest.fixture(scope="module")
def configured(repo_factory):
    """The same change; the base commit has the configuration file."""
    return repo_factory([{**BASE, CONFIG: SETTINGS}, CHANGE], name="configured")


# -- reviewbot config check | schema | show --------------------------------------------


def test_config_check_prints_each_error_with_file_and_line_and_exits_2(tmp_path: Path) -> None:
    bad = tmp_path / "reviewbot.yml"
    bad.write_text("agents: [security, linter]\nexclude: ['#x']\nmax_model_calls: 999\n")
    done = reviewbot("config", "check", str(bad))
    assert done.returncode == 2
    first, *others = done.stdout.splitlines()
    assert first.startswith(f"{bad}:1: agents[1]: unknown agent 'linter'; agents: ")
    assert "security" in first and "style" in first
    assert others == [
        f"{bad}:2: exclude[0]: matches nothing (empty, or a # comment)",
        f"{bad}:3: max_model_calls: 999 is above this App's limit of 20: a repository may "
        "only lower it",
    ]
    good = tmp_path / "good.yml"
    good.write_text(SETTINGS)
    done = reviewbot("config", "check", str(good))
    assert (done.returncode, done.stdout) == (0, f"{good}: valid\n")


def test_config_check_finds_the_file_of_the_current_repository(tmp_path: Path) -> None:
    assert reviewbot("config", "check", cwd=tmp_path).returncode == 2  # there is none
    (tmp_path / ".github").mkdir()
    (tmp_path / ".github" / "reviewbot.yaml").write_text("fail_on: warning\nfilter: all\n")
    done = reviewbot("config", "check", cwd=tmp_path)
    assert done.returncode == 2
    assert done.stdout.startswith(".github/reviewbot.yaml:2: filter: Input should be 'introduced'")


def test_config_schema_is_the_committed_schema_and_validates_files() -> None:
    done = reviewbot("config", "schema")
    assert done.returncode == 0
    schema = json.loads(done.stdout)
    committed = json.loads((ROOT / "schemas" / "reviewbot.schema.json").read_text())
    assert schema == committed, "run: reviewbot config schema > schemas/reviewbot.schema.json"
    jsonschema.Draft202012Validator.check_schema(schema)
    validator = jsonschema.Draft202012Validator(schema)
    assert list(validator.iter_errors(yaml.safe_load(SETTINGS))) == []
    wrong = {"exclude": "vendor/", "fail_on": "fatal", "exlude": []}
    assert len(list(validator.iter_errors(wrong))) == 3


def test_config_show_merges_the_base_file_with_the_defaults(configured, tmp_path: Path) -> None:
    done = reviewbot("config", "show", str(configured.path))
    assert done.returncode == 0, done.stderr
    first, _, rest = done.stdout.partition("\n")
    assert first == (
        f"# {configured.path} at base {configured.base[:12]}: {CONFIG} at "
        f"{configured.base[:12]} (applied)"
    )
    shown = yaml.safe_load(rest)
    assert shown["agents"] == ["style"] and shown["exclude"] == ["vendor/"]
    assert (shown["fail_on"], shown["filter"], shown["max_inline_comments"]) == (
        "note",
        "introduced",
        25,
    )
    assert shown["max_model_calls"] == 20  # a default, not in the file
    shown_file = tmp_path / "shown.yml"  # what `show` prints is itself a valid file
    shown_file.write_text(rest)
    assert reviewbot("config", "check", str(shown_file)).returncode == 0


def test_config_show_of_an_invalid_file_says_the_defaults_apply(repo_factory) -> None:
    repo = repo_factory([{CONFIG: "fail_on: fatal\n"}, {"a.py": "a = 1\n"}], name="show-bad")
    done = reviewbot("config", "show", str(repo.path))
    assert done.returncode == 2
    assert done.stderr.startswith(f"{CONFIG}:1: fail_on: Input should be")
    assert "(invalid, so the defaults apply)" in done.stdout.splitlines()[0]
    assert yaml.safe_load(done.stdout)["fail_on"] == "error"


# -- reviewbot review with the file ------------------------------------------------------


def test_without_a_file_the_defaults_review_everything(run_cli, plain) -> None:
    code, report = review(run_cli, plain)
    assert code == 0  # nothing at error
    assert list(report["agents"]) == list(default_agents(uses_model=False))
    assert found(report) == [("app.py", "E711"), ("app.py", "F401"), ("vendor/lib.py", "F401")]
    assert report["config"] == {
        "file": None,
        "commit": None,
        "status": "defaults",
        "errors": [],
        "proposed_errors": [],
        "fail_on": "error",
        "excluded_files": 0,
        "excluded_findings": 0,
        "disabled_findings": {},
    }


def test_each_key_of_the_base_file_changes_the_review(run_cli, configured) -> None:
    code, report = review(run_cli, configured)
    assert list(report["agents"]) == ["style"]  # agents
    assert found(report) == [("app.py", "F401")]  # exclude: vendor/, disable_rules: E711
    assert code == 1  # fail_on: note (F401 is a warning)
    assert report["config"] == {
        "file": CONFIG,
        "commit": configured.base,
        "status": "applied",
        "errors": [],
        "proposed_errors": [],
        "fail_on": "note",
        "excluded_files": 1,
        "excluded_findings": 0,
        "disabled_findings": {"E711": 1},
    }
    assert "excluded by .github/reviewbot.yml, not reviewed: vendor/lib.py" in report["notes"]
    text = run_cli("review", str(configured.path), "-q").stdout
    assert (
        f"Configuration: {CONFIG} at {configured.base[:12]}; 1 changed file excluded; "
        "1 finding of disabled rules: E711 (1)." in text
    )


def test_options_given_on_the_command_line_beat_the_file(run_cli, configured) -> None:
    code, report = review(
        run_cli, configured, "--agents", "security,style", "--fail-on", "never", "--filter", "file"
    )
    assert code == 0
    assert list(report["agents"]) == ["security", "style"]
    assert found(report) == [("app.py", "F401")]  # the file's exclude and disable_rules stay


def test_the_heads_version_of_the_file_is_checked_but_not_used(run_cli, repo_factory) -> None:
    takeover = "exclude: ['**']\nfail_on: never\nagents: [secrets]\n"
    repo = repo_factory([{**BASE, CONFIG: SETTINGS}, {**CHANGE, CONFIG: takeover}], name="head")
    code, report = review(run_cli, repo)
    assert found(report) == [("app.py", "F401")] and code == 1  # as the base's file says
    assert report["config"]["commit"] == repo.base and report["config"]["proposed_errors"] == []
    broken = {**CHANGE, CONFIG: "fail_on: never\nexclude: '**'\n"}
    repo = repo_factory([{**BASE, CONFIG: SETTINGS}, broken], name="head-broken")
    code, report = review(run_cli, repo, "--fail-on", "error")
    assert code == 1  # no finding at error, but the change breaks the configuration
    assert report["config"]["proposed_errors"] == [
        {
            "file": CONFIG,
            "line": 2,
            "key": "exclude",
            "message": "Input should be a valid list, got '**'",
        }
    ]


def test_an_invalid_base_file_means_the_defaults_and_says_so(run_cli, repo_factory) -> None:
    repo = repo_factory(
        [{**BASE, CONFIG: "agents: [style]\nexclude: vendor/\n"}, CHANGE], name="bad-base"
    )
    done = run_cli("review", str(repo.path), "--format", "json", "-q")
    report = json.loads(done.stdout)
    assert list(report["agents"]) == list(default_agents(uses_model=False))  # the defaults
    assert found(report) == [("app.py", "E711"), ("app.py", "F401"), ("vendor/lib.py", "F401")]
    assert report["config"]["status"] == "invalid"
    problem = f"{CONFIG}:2: exclude: Input should be a valid list, got 'vendor/'"
    assert done.stderr.splitlines() == [
        f"reviewbot: {CONFIG} at {repo.base[:12]} is invalid, so the defaults were used:",
        f"  {problem}",
    ]
    markdown = run_cli("review", str(repo.path), "--format", "markdown", "-q").stdout
    assert markdown.splitlines()[0].startswith(
        f"⚠️ **{CONFIG} is invalid, so this review used the defaults:** {CONFIG}:2: exclude: "
    )


def test_a_config_option_replaces_the_base_file(run_cli, configured, tmp_path: Path) -> None:
    mine = tmp_path / "mine.yml"
    mine.write_text("agents: [style]\n")
    code, report = review(run_cli, configured, "--config", str(mine))
    assert found(report) == [("app.py", "E711"), ("app.py", "F401"), ("vendor/lib.py", "F401")]
    assert code == 0
    assert (report["config"]["file"], report["config"]["commit"]) == (str(mine), None)
    mine.write_text("agents: [style]\nfail_on: fatal\n")
    done = run_cli("review", str(configured.path), "--config", str(mine), "-q")
    assert done.code == 2 and done.stdout == ""
    assert done.stderr.splitlines() == [
        f"reviewbot: {mine} is invalid:",
        f"  {mine}:2: fail_on: Input should be 'error', 'warning', 'note' or 'never', got 'fatal'",
    ]


def test_a_base_file_that_is_not_a_file_is_an_error_on_line_one(run_cli, repo_factory) -> None:
    link = repo_factory.link("../README.md")
    repo = repo_factory([{**BASE, CONFIG: link}, CHANGE], name="link-base")
    done = run_cli("review", str(repo.path), "--format", "json", "-q")
    assert json.loads(done.stdout)["config"]["errors"] == [
        {"file": CONFIG, "line": 1, "key": "", "message": "is a symbolic link, not a file"}
    ]
