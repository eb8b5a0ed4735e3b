"""An agent no changed file concerns is never started: the clone step writes its result
(skipped, saying why), so the workflow runs a branch (a thread, a checkpoint, on AWS a
function invoked) only for the agents with files to read."""

from __future__ import annotations

from pathlib import Path

from orchestrator import workflow
from orchestrator.local import run_review
from review.request import ReviewConfig, ReviewRequest


def test_only_agents_with_changed_files_run_and_the_others_say_why(
    make_repo, tmp_path: Path, monkeypatch
) -> None:
    repo = make_repo(
        [{"README.md": "hi\n"}, {"app.py": "import os\nos.system(input())\n", "run.sh": "ls\n"}]
    )
    started: list[str] = []
    real = workflow.run_local_agent

    def recorded(name, run, request):
        started.append(name)
        return real(name, run, request)

    monkeypatch.setattr(workflow, "run_local_agent", recorded)
    config = ReviewConfig(agents=("security", "shell", "iac", "dockerfile"))
    request = ReviewRequest(str(repo.path), str(repo.path), repo.head, repo.base, config=config)
    report = run_review(request, tmp_path / "ws")
    assert sorted(started) == ["security", "shell"]
    for idle in ("iac", "dockerfile"):
        assert report.agents[idle].status == "skipped"
        assert "no changed file concerns this agent" in report.agents[idle].notes
    assert report.agents["security"].status == "ok"
    assert any(f.agent == "security" and f.path == "app.py" for f in report.findings)

    # the same review again (`/review`): the clone is reused, the idle results rewritten
    started.clear()
    again = run_review(request, tmp_path / "ws")
    assert sorted(started) == ["security", "shell"]
    assert again.agents["iac"].status == "skipped"
    assert [f.rule for f in again.findings] == [f.rule for f in report.findings]
