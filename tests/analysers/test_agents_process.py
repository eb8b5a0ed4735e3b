"""Analysers run as child processes: minimal environment, paths never read as options."""

from __future__ import annotations

from pathlib import Path

import pytest

from agents import registry
from agents.base import AgentError, reviewable_files
from agents.process import (
    analyser_env,
    as_arguments,
    from_argument,
    parse_json_output,
    run_python_tool,
)
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
    assert from_argument("./-dash.py", tmp_path) == "-dash.py"
    assert from_argument("pkg/a.py", tmp_path) == "pkg/a.py"
    assert from_argument(str(tmp_path.resolve() / "pkg" / "a b.py"), tmp_path) == "pkg/a b.py"


def test_tool_failures_are_agent_errors(tmp_path: Path) -> None:
    with pytest.raises(AgentError, match="not JSON"):
        parse_json_output("bandit", "Traceback (most recent call last)")
    with pytest.raises(AgentError, match="exited with 1"):
        run_python_tool("no_such_module_for_reviewbot", [], tmp_path, timeout=30)


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
