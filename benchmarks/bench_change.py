"""A throwaway change for the analyser benchmarks: a git repository whose head commit adds
the given files on top of a one-file base, and its review through reviewbot's workflow.

Git runs with a fixed identity and without the user's global or system configuration,
so nothing on the machine changes what gets committed.
"""

from __future__ import annotations

import os
import subprocess
import time
from collections.abc import Mapping
from dataclasses import replace
from pathlib import Path

from orchestrator.git import resolve_commit
from orchestrator.local import run_review
from review.report import Report
from review.request import ReviewConfig, ReviewRequest

GIT_ENV = {
    **os.environ,
    "GIT_CONFIG_NOSYSTEM": "1",
    "GIT_CONFIG_GLOBAL": os.devnull,
    "GIT_AUTHOR_NAME": "bench",
    "GIT_AUTHOR_EMAIL": "bench@example.invalid",
    "GIT_COMMITTER_NAME": "bench",
    "GIT_COMMITTER_EMAIL": "bench@example.invalid",
}
SAMPLE = """import subprocess


def run_{n}(command, data):
    total = 0
    for item in data:
        total += item * {n}
    subprocess.call(command, shell=True)
    return eval(data[0]) if data else total
"""


def git(repo: Path, *args: str, data: bytes | None = None) -> str:
    """Run git in `repo` with the fixed identity; its output, stripped."""
    done = subprocess.run(
        ["git", *args], cwd=repo, env=GIT_ENV, input=data, capture_output=True, check=True
    )
    return done.stdout.decode().strip()


def wide_files(count: int) -> dict[str, str]:
    """`count` Python files (`pkg/mod_<n>.py`), each with a shell call and an eval."""
    return {f"pkg/mod_{n}.py": SAMPLE.format(n=n) for n in range(count)}


def build_change(repo: Path, files: Mapping[str, str | bytes]) -> ReviewRequest:
    """A repository at `repo` whose last commit adds `files` ({path: content}), and the
    request that reviews that commit against its parent (analysers only: no model)."""
    repo.mkdir(parents=True)
    git(repo, "init", "-q", "-b", "main")
    (repo / "README.md").write_text("benchmark\n")
    git(repo, "add", "-A")
    git(repo, "commit", "-qm", "base")
    for path, content in files.items():
        target = repo / path
        target.parent.mkdir(parents=True, exist_ok=True)
        if isinstance(content, str):
            content = content.encode()
        target.write_bytes(content)
    git(repo, "add", "-A")
    git(repo, "commit", "-qm", "head")
    return ReviewRequest(
        repository=str(repo),
        source=str(repo),
        head=resolve_commit(repo, "HEAD"),
        base=resolve_commit(repo, "HEAD~1"),
    )


def review(
    request: ReviewRequest, workspace: Path, agents: tuple[str, ...]
) -> tuple[Report, float]:
    """The review of `request` by `agents` through the durable workflow, and its wall
    time in seconds."""
    request = replace(request, config=ReviewConfig(agents=agents))
    started = time.perf_counter()
    report = run_review(request, workspace)
    return report, time.perf_counter() - started
