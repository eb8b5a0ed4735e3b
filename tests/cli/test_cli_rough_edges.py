"""Issue 16's rough edges of `reviewbot review`, run as a user runs them: exit statuses
(0 clean, 1 findings at --fail-on, 2 a review that could not run), one-line errors
without tracebacks, options after the command, and the note on uncommitted changes."""

from __future__ import annotations

import dataclasses
import importlib
import json
import os
import subprocess
import sys
from pathlib import Path

import pytest

from agents.analysis import Analysis
from agents.declaration import FILES, PYTHON, Analyser

REVIEWBOT = str(Path(sys.executable).with_name("reviewbot"))


@pytest.fixture(scope="module")
def repo(repo_factory):
    return repo_factory([{"a.py": "a = 1\n"}, {"a.py": "a = eval(input())\n"}], name="edges")


def reviewbot(*argv: str, cwd: Path, path: str | None = None) -> subprocess.CompletedProcess:
    env = {k: v for k, v in os.environ.items() if not k.startswith("REVIEWBOT_MODEL")}
    if path is not None:
        env["PATH"] = path
    return subprocess.run(
        [REVIEWBOT, *argv], cwd=cwd, env=env, capture_output=True, text=True, check=False
    )


@pytest.mark.parametrize("argv", [["review", "."], ["review", ".", "-v"], ["config", "show"]])
def test_missing_git_is_one_line_and_exit_2(repo, tmp_path: Path, argv: list[str]) -> None:
    """Issue 16: a missing git printed a traceback and exited 1, the "findings" status."""
    empty = tmp_path / "bin"
    empty.mkdir()
    done = reviewbot(*argv, cwd=repo.path, path=str(empty))
    assert done.returncode == 2, done.stderr
    assert done.stdout == ""
    assert done.stderr.count("\n") == 1 and "Traceback" not in done.stderr
    assert done.stderr.startswith("reviewbot: git is not installed or not on PATH")


def test_exit_status_is_1_at_fail_on_and_0_below(repo) -> None:
    def review(fail_on: str) -> subprocess.CompletedProcess:
        argv = ["review", ".", "-q", "--agents", "security", "--fail-on", fail_on]
        return reviewbot(*argv, cwd=repo.path)

    failing = review("warning")  # bandit's B307 on eval() is a warning
    assert failing.returncode == 1, failing.stderr
    assert "B307" in failing.stdout
    for fail_on in ("error", "never"):
        assert review(fail_on).returncode == 0


@pytest.mark.parametrize("before", [True, False])
def test_verbose_before_or_after_the_command(repo, before: bool) -> None:
    argv = ["-v", "review", ".", "-q"] if before else ["review", ".", "-q", "--verbose"]
    done = reviewbot(*argv, "--agents", "style", "--format", "json", cwd=repo.path)
    assert done.returncode == 0, done.stderr
    assert json.loads(done.stdout)["agents"]["style"]["status"] == "ok"
    assert "INFO" in done.stderr  # the workflow's details are logged


def _explode(output) -> Analysis:
    raise RuntimeError("analyser exploded")


@pytest.fixture
def every_agent_fails(monkeypatch) -> None:
    for name in ("style", "security"):
        module = importlib.import_module(f"agents.reviewers.{name}")
        analyser = Analyser(command=(PYTHON, "-c", "", FILES), parse=_explode)
        agent = dataclasses.replace(module.AGENT, analysers=(analyser,))
        monkeypatch.setattr(module, "AGENT", agent)


def test_a_review_whose_every_agent_failed_exits_2(run_cli, repo, every_agent_fails) -> None:
    """Issue 16: it exited 0, as if the change were clean. The report is still printed."""
    done = run_cli("review", str(repo.path), "-q", "--agents", "style,security", "--format", "json")
    assert done.code == 2
    report = json.loads(done.stdout)
    assert {s["status"] for s in report["agents"].values()} == {"failed"}
    (line,) = done.stderr.strip().splitlines()
    assert line.startswith("reviewbot: every agent failed, so nothing was reviewed")
    assert "style: analyser exploded" in line and "security: analyser exploded" in line


def test_one_failed_agent_among_working_ones_keeps_the_findings_status(
    run_cli, repo, monkeypatch
) -> None:
    module = importlib.import_module("agents.reviewers.style")
    analyser = Analyser(command=(PYTHON, "-c", "", FILES), parse=_explode)
    monkeypatch.setattr(module, "AGENT", dataclasses.replace(module.AGENT, analysers=(analyser,)))
    argv = ["review", str(repo.path), "-q", "--agents", "style,security", "--fail-on", "warning"]
    done = run_cli(*argv)
    assert done.code == 1  # security's B307 is a warning
    assert "every agent failed" not in done.stderr


def test_an_unexpected_error_is_one_line_and_the_traceback_comes_with_verbose(
    run_cli, repo, monkeypatch
) -> None:
    import orchestrator.local

    def broken(*args, **kwargs):
        raise RuntimeError("the store\nbroke")

    monkeypatch.setattr(orchestrator.local, "run_review", broken)
    done = run_cli("review", str(repo.path), "-q")
    assert done.code == 2
    assert done.stderr == (
        "reviewbot: unexpected error: RuntimeError: the store broke; "
        "rerun with --verbose for the traceback\n"
    )
    verbose = run_cli("review", str(repo.path), "-q", "-v")
    assert verbose.code == 2
    assert "Traceback (most recent call last)" in verbose.stderr
    assert verbose.stderr.endswith("reviewbot: unexpected error: RuntimeError: the store broke\n")


def test_an_output_in_a_missing_folder_is_one_line(repo, tmp_path: Path) -> None:
    done = reviewbot("review", ".", "--output", str(tmp_path / "no" / "r.txt"), cwd=repo.path)
    assert done.returncode == 2
    assert done.stderr == (
        f"reviewbot: --output {tmp_path}/no/r.txt: folder {tmp_path}/no does not exist; "
        "create it first\n"
    )


def test_uncommitted_changes_are_named_and_what_is_reviewed(make_repo) -> None:
    repo = make_repo([{"a.py": "a = 1\n", "b.py": "b = 1\n"}, {"a.py": "a = 2\n"}])
    clean = reviewbot("review", ".", "-q", "--agents", "style", cwd=repo.path)
    assert clean.returncode == 0 and clean.stderr == ""
    (repo.path / "a.py").write_text("a = eval(input())\n")  # not committed: not reviewed
    (repo.path / "c.py").write_text("c = 1\n")
    repo.git("mv", "b.py", "d.py")
    done = reviewbot("review", ".", "-q", "--agents", "security", cwd=repo.path)
    assert done.returncode == 0, done.stderr  # the eval is not in the commits
    assert done.stderr == (
        "reviewbot: note: uncommitted changes (2 changed files, 1 untracked file) are not "
        f"reviewed: this review covers the commits {repo.base[:12]}..{repo.head[:12]}; "
        "commit them to include them\n"
    )
    named = reviewbot("review", ".", "-q", "--head", repo.head, cwd=repo.path)
    assert named.stderr == ""  # an explicit head is not the working tree's
