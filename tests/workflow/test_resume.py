"""The workflow survives a failure or a kill after the clone step without cloning again."""

from __future__ import annotations

import json
import os
import subprocess
import sys
import textwrap
from pathlib import Path

import pytest

from orchestrator import steps
from orchestrator.git import resolve_commit
from orchestrator.local import run_review
from review.request import ReviewRequest
from review.workspace import Workspace

GIT_ENV = {
    "GIT_AUTHOR_NAME": "t",
    "GIT_AUTHOR_EMAIL": "t@example.invalid",
    "GIT_COMMITTER_NAME": "t",
    "GIT_COMMITTER_EMAIL": "t@example.invalid",
}


@pytest.fixture
def vulnerable_change(tmp_path: Path) -> ReviewRequest:
    repo = tmp_path / "repo"
    repo.mkdir()

    def git(*args: str) -> None:
        env = {**os.environ, **GIT_ENV}
        subprocess.run(["git", *args], cwd=repo, env=env, check=True, capture_output=True)

    git("init", "-q")
    (repo / "app.py").write_text("def ok():\n    return 1\n")
    git("add", "-A")
    git("commit", "-qm", "base")
    (repo / "app.py").write_text("def ok():\n    return 1\n\n\ndef bad(x):\n    return eval(x)\n")
    git("commit", "-qam", "head")
    return ReviewRequest(
        repository=str(repo),
        source=str(repo),
        head=resolve_commit(repo, "HEAD"),
        base=resolve_commit(repo, "HEAD~1"),
    )


def test_failure_after_clone_resumes_without_cloning_again(
    vulnerable_change: ReviewRequest, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    calls = {"clone": 0, "merge": 0}
    real_clone, real_merge = steps.clone, steps.merge

    def counting_clone(*args, **kwargs):
        calls["clone"] += 1
        return real_clone(*args, **kwargs)

    def failing_once_merge(*args, **kwargs):
        calls["merge"] += 1
        if calls["merge"] == 1:
            raise OSError("workspace briefly unavailable")
        return real_merge(*args, **kwargs)

    monkeypatch.setattr(steps, "clone", counting_clone)
    monkeypatch.setattr(steps, "merge", failing_once_merge)
    report = run_review(vulnerable_change, tmp_path / "ws")

    assert calls == {"clone": 1, "merge": 2}  # replayed from the checkpoint after the clone
    assert [(f.line, f.category) for f in report.findings] == [(6, "code-injection")]
    run = Workspace(tmp_path / "ws").run(vulnerable_change.run_id)
    assert json.loads(run.report_file.read_text())["findings"] == [
        f.to_dict() for f in report.findings
    ]


def test_killed_process_rerun_reuses_the_checkout_and_reports_once(
    vulnerable_change: ReviewRequest, tmp_path: Path
) -> None:
    workspace = tmp_path / "ws"
    crash = textwrap.dedent(
        """
        import json, os, signal, sys
        from pathlib import Path
        from orchestrator import steps
        from orchestrator.local import run_review
        from review.request import ReviewRequest

        def killed(*args, **kwargs):
            os.kill(os.getpid(), signal.SIGKILL)  # the machine dies after clone and agents

        steps.merge = killed
        request = ReviewRequest.from_dict(json.loads(sys.argv[1]))
        run_review(request, Path(sys.argv[2]))
        """
    )
    killed = subprocess.run(
        [sys.executable, "-c", crash, json.dumps(vulnerable_change.to_dict()), str(workspace)],
        capture_output=True,
        timeout=120,
        check=False,
    )
    assert killed.returncode == -9
    run = Workspace(workspace).run(vulnerable_change.run_id)
    assert run.diff_file.exists() and not run.report_file.exists()
    cloned = run.repo_dir.stat().st_ino, run.diff_file.stat().st_mtime_ns

    report = run_review(vulnerable_change, workspace)

    assert (run.repo_dir.stat().st_ino, run.diff_file.stat().st_mtime_ns) == cloned
    assert [(f.line, f.category) for f in report.findings] == [(6, "code-injection")]
    assert sorted(p.name for p in run.path.iterdir() if p.name.startswith("report")) == [
        "report.json"
    ]
