"""Bad input to `reviewbot review`: exit status 2 and one line saying what is wrong."""

from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path

import pytest


@pytest.fixture(scope="module")
def repo(repo_factory):
    return repo_factory([{"a.py": "a = 1\n"}, {"a.py": "a = eval(input())\n"}], name="cli")


def assert_usage_error(done, *fragments: str) -> None:
    assert done.code == 2
    assert done.stdout == ""
    lines = done.stderr.strip().splitlines()
    assert len(lines) == 1, done.stderr
    assert lines[0].startswith("reviewbot: ")
    for fragment in fragments:
        assert fragment in lines[0]


def test_not_a_git_repository(run_cli, tmp_path: Path) -> None:
    (tmp_path / "plain").mkdir()
    assert_usage_error(
        run_cli("review", str(tmp_path / "plain"), "-q"), "not inside a git repository"
    )


def test_missing_directory(run_cli, tmp_path: Path) -> None:
    assert_usage_error(run_cli("review", str(tmp_path / "nope"), "-q"), "is not a directory")


def test_a_file_is_not_a_repository(run_cli, repo) -> None:
    assert_usage_error(run_cli("review", str(repo.path / "a.py"), "-q"), "not a directory")


@pytest.mark.parametrize("option", ["--base", "--head"])
@pytest.mark.parametrize("ref", ["no-such-branch", "0" * 40, "HEAD~9", "--output=/tmp/x"])
def test_unknown_base_or_head(run_cli, repo, option: str, ref: str) -> None:
    done = run_cli("review", str(repo.path), f"{option}={ref}", "-q")
    assert_usage_error(done, "unknown revision", repr(ref))


@pytest.mark.parametrize("agents", ["nope", "security,nope", ",", ""])
def test_unknown_agents(run_cli, repo, agents: str) -> None:
    assert_usage_error(run_cli("review", str(repo.path), "--agents", agents, "-q"), "agent")


@pytest.mark.parametrize(
    "argv",
    [
        ["--format", "xml"],
        ["--filter", "everything"],
        ["--fail-on", "fatal"],
        ["--base"],
        ["--bogus"],
    ],
)
def test_bad_options_are_argparse_usage_errors(run_cli, repo, argv: list[str]) -> None:
    done = run_cli("review", str(repo.path), *argv)
    assert done.code == 2
    assert done.stdout == ""
    last = done.stderr.strip().splitlines()[-1]
    assert last.startswith("reviewbot") and ": error: " in last


def test_an_empty_change_is_an_empty_review(run_cli, repo) -> None:
    done = run_cli(
        "review", str(repo.path), "--base", repo.head, "--head", repo.head, "--format", "json",
        "-q",
    )  # fmt: skip
    assert done.code == 0, done.stderr
    report = json.loads(done.stdout)
    assert report["findings"] == [] and report["files_changed"] == 0
    assert {s["status"] for s in report["agents"].values()} == {"skipped"}
    text = run_cli("review", str(repo.path), "--base", "HEAD", "-q")
    assert text.code == 0
    assert "0 findings in 0 changed files" in text.stdout


def test_the_default_base_is_the_parent_of_the_head(run_cli, repo) -> None:
    done = run_cli("review", str(repo.path), "--format", "json", "-q", "--fail-on", "never")
    report = json.loads(done.stdout)
    assert (report["base"], report["head"]) == (repo.base, repo.head)
    # bandit's B307 and the rule pack's finding of the same eval, merged
    assert [(f["line"], f["category"]) for f in report["findings"]] == [(1, "code-injection")]


def test_only_the_chosen_agents_run(run_cli, repo) -> None:
    done = run_cli("review", str(repo.path), "--agents", " style , style", "--format", "json", "-q")
    assert done.code == 0
    assert list(json.loads(done.stdout)["agents"]) == ["style"]


def test_the_installed_command_reports_usage_errors_in_one_line(tmp_path: Path) -> None:
    script = Path(sys.executable).with_name("reviewbot")
    done = subprocess.run(
        [str(script), "review", str(tmp_path), "-q"], capture_output=True, text=True, check=False
    )
    assert done.returncode == 2
    assert done.stdout == ""
    assert done.stderr.count("\n") == 1
    assert done.stderr.startswith("reviewbot: ") and "not inside a git repository" in done.stderr
