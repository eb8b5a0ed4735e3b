"""A merge again over the same inputs takes the report before, with each agent's account
of this run (`orchestrator.merge_memo`)."""

from __future__ import annotations

import errno
import json
import os

import pytest

from agents import registry
from agents.base import run_agent
from orchestrator import merge_memo, steps
from review.request import ReviewConfig, ReviewRequest
from review.workspace import RunDir, Workspace, read_json

AGENTS = ("security", "style", "secrets")
CODE = 'import os\nx = eval(input())\npassword = "hunter2hunter2hunter2"\n'


@pytest.fixture
def run_and_request(make_repo, tmp_path) -> tuple[RunDir, ReviewRequest]:
    repo = make_repo([{"README.md": "hi\n"}, {"app.py": CODE, "lib.py": "import os\n"}])
    config = ReviewConfig(agents=AGENTS)
    request = ReviewRequest(str(repo.path), str(repo.path), repo.head, repo.base, config=config)
    return Workspace(tmp_path / "ws").run(request.run_id), request


def review(run: RunDir, request: ReviewRequest) -> dict:
    """One review of the run folder, step by step; the report it wrote."""
    steps.prepare(run, request)
    steps.clone(run, request)
    for name in AGENTS:
        run_agent(registry.get_agent(name), run, request.config)
    steps.merge(run, request)
    return read_json(run.report_file)


@pytest.fixture
def merges(monkeypatch) -> list[int]:
    """How many findings each full merge (`review.merge.merge_findings`) was given."""
    calls: list[int] = []
    real = steps.merge_findings

    def counted(findings, *args, **kwargs):
        findings = list(findings)
        calls.append(len(findings))
        return real(findings, *args, **kwargs)

    monkeypatch.setattr(steps, "merge_findings", counted)
    return calls


def without_accounts(report: dict) -> dict:
    """The report but for the agents' own accounts (their time, notes, cache counts)."""
    return {**report, "agents": {n: s["findings"] for n, s in report["agents"].items()}}


def test_a_review_again_takes_the_report_before_with_this_runs_accounts(
    run_and_request, merges
) -> None:
    run, request = run_and_request
    first = review(run, request)
    second = review(run, request)
    assert len(merges) == 1  # the second merge merged nothing
    assert first["findings"] and without_accounts(second) == without_accounts(first)
    # each agent's account is this run's: its findings came from the cache this time
    assert first["agents"]["security"]["cache"]["misses"] > 0
    assert second["agents"]["security"]["cache"]["misses"] == 0
    assert second["agents"]["security"]["notes"] != first["agents"]["security"]["notes"]
    assert os.path.samefile(run.report_file, next((run.path / "merged").iterdir()))


def test_the_summary_of_a_merge_again_is_the_same(run_and_request) -> None:
    run, request = run_and_request
    review(run, request)
    first = steps.merge(run, request)
    assert first == steps.merge(run, request)
    report = read_json(run.report_file)
    ranks = {"error": 3, "warning": 2, "note": 1}
    assert first["worst"] == max((f["severity"] for f in report["findings"]), key=ranks.get)
    assert first["findings"] == len(report["findings"]) > 0


def test_other_findings_are_merged_again(run_and_request, merges) -> None:
    run, request = run_and_request
    first = review(run, request)
    assert "B307" in {f["rule"] for f in first["findings"]}
    data = read_json(run.findings_file("security"))
    data["findings"] = [f for f in data["findings"] if f["rule"] != "B307"]
    run.findings_file("security").write_text(json.dumps(data))
    steps.merge(run, request)
    again = read_json(run.report_file)
    assert len(merges) == 2
    assert "B307" not in {f["rule"] for f in again["findings"]}


def test_a_finding_the_reader_refuses_is_refused_again(run_and_request, merges) -> None:
    run, request = run_and_request
    review(run, request)
    data = read_json(run.findings_file("style"))
    data["findings"].append({"rule": "X1", "path": "app.py", "line": "two", "message": "m"})
    run.findings_file("style").write_text(json.dumps(data))
    steps.merge(run, request)
    steps.merge(run, request)
    report = read_json(run.report_file)
    assert len(merges) == 2  # once for the first review, once for the changed file
    assert any("app.py has no valid line" in r for r in report["rejected"])


def test_another_configuration_is_merged_again(run_and_request, merges) -> None:
    run, request = run_and_request
    review(run, request)
    muted = ReviewRequest.from_dict(
        {**request.to_dict(), "config": {**request.config.to_dict(), "disable_rules": ["B307"]}}
    )
    steps.prepare(run, muted)  # request.json now says so
    for name in AGENTS:
        run_agent(registry.get_agent(name), run, muted.config)
    steps.merge(run, muted)
    report = read_json(run.report_file)
    assert len(merges) == 2
    assert "B307" not in {f["rule"] for f in report["findings"]}
    assert report["config"]["disabled_findings"] == {"B307": 1}


def test_an_agent_failed_now_is_reported_failed(run_and_request, merges) -> None:
    run, request = run_and_request
    review(run, request)
    run.findings_file("style").unlink()
    steps.merge(run, request)
    report = read_json(run.report_file)
    assert len(merges) == 2
    assert report["agents"]["style"]["status"] == "failed"
    assert "no readable findings file" in report["agents"]["style"]["error"]


def test_a_damaged_kept_report_is_merged_again(run_and_request, merges) -> None:
    run, request = run_and_request
    first = review(run, request)
    (kept,) = (run.path / "merged").iterdir()
    os.unlink(kept)
    kept.write_text('{"agents": {"security": {"findings": "many"}}}')
    steps.merge(run, request)
    assert len(merges) == 2
    assert without_accounts(read_json(run.report_file)) == without_accounts(first)


def test_without_hard_links_nothing_is_kept(run_and_request, merges, monkeypatch) -> None:
    def no_links(*args, **kwargs):
        raise OSError(errno.EPERM, "Operation not permitted")

    monkeypatch.setattr(os, "link", no_links)
    run, request = run_and_request
    first = review(run, request)
    second = review(run, request)
    assert len(merges) == 2
    assert not list((run.path / "merged").glob("*.json"))
    assert without_accounts(second) == without_accounts(first)


def test_only_the_last_report_is_kept(run_and_request) -> None:
    run, request = run_and_request
    review(run, request)
    data = read_json(run.findings_file("security"))
    data["findings"].pop()
    run.findings_file("security").write_text(json.dumps(data))
    steps.merge(run, request)
    (kept,) = (run.path / "merged").iterdir()
    assert os.path.samefile(kept, run.report_file)
    assert (
        kept.name == f"{merge_memo.key(run, {n: steps._agent_data(run, n) for n in AGENTS})}.json"
    )
