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


@pytest.mark.parametrize("where", ["missing/review.txt", "."])
def test_an_output_that_cannot_be_written_is_refused_before_the_review(
    run_cli, repo, tmp_path: Path, where: str
) -> None:
    workspace = tmp_path / "workspace"
    done = run_cli("review", str(repo.path), "--output", str(tmp_path / where), "-q",
                   workspace=workspace)  # fmt: skip
    assert_usage_error(done, "--output", "directory" if where == "." else "does not exist")
    assert not (workspace / "runs").exists()  # nothing was reviewed


def test_an_empty_agent_list_says_so(run_cli, repo) -> None:
    assert_usage_error(run_cli("review", str(repo.path), "--agents", ",", "-q"), "names no agent")


def test_a_bad_model_names_where_it_came_from(run_cli, repo, monkeypatch) -> None:
    done = run_cli("review", str(repo.path), "--model", "nonsense:x", "-q")
    assert_usage_error(done, "--model")
    monkeypatch.setenv("REVIEWBOT_MODEL", "nonsense:x")
    from reviewbot.cli import main

    assert main(["review", str(repo.path), "-q", "--model", "style=none"]) == 2


@pytest.mark.parametrize(
    ("argv", "verbose"),
    [
        (["review", "."], False),
        (["-v", "review", "."], True),
        (["review", ".", "-v"], True),
        (["review", "--verbose", "."], True),
        (["workspace", "gc", "-v"], True),
        (["doctor", "-v"], True),
        (["config", "-v", "schema"], True),
        (["config", "schema", "--verbose"], True),
        (["-v", "config", "schema"], True),
        (["config", "schema"], False),
    ],
)
def test_verbose_is_accepted_before_or_after_the_command(argv: list[str], verbose: bool) -> None:
    from reviewbot.cli import _parser

    assert _parser().parse_args(argv).verbose is verbose


def test_review_never_reads_a_dotenv_in_the_reviewed_repository(
    run_cli, repo, tmp_path: Path, monkeypatch
) -> None:
    """A repository under review may carry a .env; it must not pick the model or anything."""
    folder = tmp_path / "checkout"
    folder.mkdir()
    (folder / ".env").write_text("REVIEWBOT_WORKSPACE_MAX_MB=not-a-number\n")
    monkeypatch.chdir(folder)
    done = run_cli("review", str(repo.path), "--agents", "style", "-q", "--format", "json")
    assert done.code == 0, done.stderr
    assert json.loads(done.stdout)["agents"]["style"]["status"] == "ok"
    replay = run_cli("replay", str(tmp_path / "missing.json"))
    assert_usage_error(replay, "REVIEWBOT_WORKSPACE_MAX_MB")  # the App's commands read it


def test_a_repository_without_commits_says_to_commit(run_cli, tmp_path: Path) -> None:
    subprocess.run(["git", "init", "-q", str(tmp_path / "fresh")], check=True)
    (tmp_path / "fresh" / "a.py").write_text("a = eval(input())\n")
    done = run_cli("review", str(tmp_path / "fresh"), "-q")
    assert_usage_error(done, "has no commits yet", "commit the change")
