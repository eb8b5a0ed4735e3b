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

_GIT_ENV = {
    "GIT_CONFIG_NOSYSTEM": "1",
    "GIT_CONFIG_GLOBAL": os.devnull,
    "GIT_AUTHOR_NAME": "bench",
    "GIT_AUTHOR_EMAIL": "bench@example.invalid",
    "GIT_COMMITTER_NAME": "bench",
    "GIT_COMMITTER_EMAIL": "bench@example.invalid",
}


def build_change(repo: Path, files: Mapping[str, str | bytes]) -> ReviewRequest:
    """A repository at `repo` whose last commit adds `files` ({path: content}), and the
    request that reviews that commit against its parent (analysers only: no model)."""
    repo.mkdir(parents=True)

    def git(*args: str) -> None:
        env = {**os.environ, **_GIT_ENV}
        subprocess.run(["git", *args], cwd=repo, env=env, check=True, capture_output=True)

    git("init", "-q", "-b", "main")
    (repo / "README.md").write_text("benchmark\n")
    git("add", "-A")
    git("commit", "-qm", "base")
    for path, content in files.items():
        target = repo / path
        target.parent.mkdir(parents=True, exist_ok=True)
        if isinstance(content, str):
            content = content.encode()
        target.write_bytes(content)
    git("add", "-A")
    git("commit", "-qm", "head")
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
