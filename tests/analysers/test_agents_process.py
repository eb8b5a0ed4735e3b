"""Analysers run as child processes: minimal environment, paths never read as options."""

from __future__ import annotations

import json
import sys
from pathlib import Path

import pytest

from agents import registry
from agents.analysis import AgentError
from agents.base import reviewable_files
from agents.parsers import ToolOutput
from agents.process import analyser_env, as_arguments, invocation, run_command
from review.diff import ChangedFile, Diff, FileStatus
from review.request import ReviewConfig
from review.workspace import Workspace


def test_analysers_see_none_of_our_secrets(monkeypatch) -> None:
    monkeypatch.setenv("GITHUB_TOKEN", "ghs_secret")
    monkeypatch.setenv("AWS_SECRET_ACCESS_KEY", "aws")
    monkeypatch.setenv("REVIEWBOT_WEBHOOK_SECRET", "hook")
    monkeypatch.setenv("PYTHONPATH", "/evil")
    env = analyser_env()
    assert set(env) <= {"PATH", "LANG", "LC_ALL", "TMPDIR", "SYSTEMROOT", "HOME"} | {
        "PYTHONDONTWRITEBYTECODE"
    }
    assert "ghs_secret" not in str(env)


def test_paths_are_never_options() -> None:
    assert as_arguments(["-rf.py", "--output=x.py", "a b.py"]) == [
        "./-rf.py",
        "./--output=x.py",
        "./a b.py",
    ]


def test_reported_paths_map_back_to_repository_paths(tmp_path: Path) -> None:
    with invocation(tmp_path, []) as call:
        repo_path = call.repo_path
    assert repo_path("./-dash.py") == "-dash.py"
    assert repo_path("././pkg/a.py") == "pkg/a.py"  # as bandit reports `./pkg/a.py`
    assert repo_path(str(tmp_path.resolve() / "pkg" / "a b.py")) == "pkg/a b.py"


@pytest.mark.parametrize("reported", ["../outside.py", "pkg/../../x.py", "/etc/passwd", ".", ""])
def test_reported_paths_outside_the_checkout_map_to_nothing(tmp_path: Path, reported) -> None:
    with invocation(tmp_path / "src", []) as call:
        assert call.repo_path(reported) is None


def test_tool_failures_are_agent_errors(tmp_path: Path) -> None:
    output = ToolOutput("Traceback (most recent call last)", "security", "bandit", {}, str)
    with pytest.raises(AgentError, match="bandit printed output that is not JSON"):
        output.json()
    crash = [sys.executable, "-m", "no_such_module_for_reviewbot"]
    sleep = [sys.executable, "-c", "import time; time.sleep(30)"]
    with invocation(tmp_path, []) as call:
        with pytest.raises(AgentError, match="no_such exited with 1: .*No module named"):
            run_command(crash, call, timeout=30, ok_codes=(0,), tool="no_such")
        with pytest.raises(AgentError, match="sleeper timed out after 0.2 s"):
            run_command(sleep, call, timeout=0.2, ok_codes=(0,), tool="sleeper")


def test_an_analyser_gets_closed_stdin_our_minimal_env_and_runs_in_the_checkout(
    tmp_path: Path, monkeypatch
) -> None:
    monkeypatch.setenv("GITHUB_TOKEN", "ghs_secret")
    probe = (
        "import json, os, sys; print(json.dumps([sys.stdin.read(), os.getcwd(), dict(os.environ)]))"
    )
    with invocation(tmp_path, ["a.py"]) as call:
        out = run_command([sys.executable, "-c", probe], call, timeout=30, ok_codes=(0,), tool="p")
    stdin, cwd, env = json.loads(out)
    assert stdin == "" and Path(cwd) == tmp_path.resolve()
    assert "GITHUB_TOKEN" not in env and call.files == ["./a.py"]


def test_reviewable_files_skip_links_escapes_and_large_files(tmp_path: Path) -> None:
    run = Workspace(tmp_path / "ws").run("r1")
    src = run.src
    src.mkdir(parents=True)
    (src / "ok.py").write_text("x = 1\n")
    (src / "big.py").write_text("x = 1\n" * 100)
    (src / "link.py").symlink_to(src / "ok.py")
    (tmp_path / "outside.py").write_text("eval(input())\n")
    (src / "out.py").symlink_to(tmp_path / "outside.py")
    names = ["ok.py", "big.py", "link.py", "out.py", "gone.py", "notes.md"]
    diff = Diff({name: ChangedFile(name, FileStatus.ADDED) for name in names})
    kept, notes = reviewable_files(
        run, diff, registry.get_agent("style"), ReviewConfig(max_file_bytes=100)
    )
    assert [f.path for f in kept] == ["ok.py"]
    assert notes == [
        "big.py: skipped, 600 bytes is over the 100-byte limit",
        "link.py: skipped, symbolic link",
        "out.py: skipped, path leaves the checkout",
        "gone.py: skipped, not a regular file",
    ]


def test_reviewable_files_stop_at_max_files(tmp_path: Path) -> None:
    run = Workspace(tmp_path / "ws").run("r2")
    run.src.mkdir(parents=True)
    names = [f"m{n:03}.py" for n in range(80)]
    for name in names:
        (run.src / name).write_text("x = 1\n")
    diff = Diff({name: ChangedFile(name, FileStatus.ADDED) for name in names})
    kept, notes = reviewable_files(
        run, diff, registry.get_agent("security"), ReviewConfig(max_files=5)
    )
    assert [f.path for f in kept] == names[:5]
    assert len(notes) == 51
    assert notes[0] == "m005.py: skipped, over the limit of 5 files"
    assert notes[-1] == "… and 25 more files skipped"
