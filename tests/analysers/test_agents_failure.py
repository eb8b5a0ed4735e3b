"""One broken agent never sinks the review: it is reported as failed, with the reason."""

from __future__ import annotations

import dataclasses
import importlib
import json
import threading

import pytest

import orchestrator.workflow as workflow
from agents import registry
from agents.analysis import AgentError, Analysis
from agents.base import run_agent
from agents.declaration import FILES, PYTHON, Agent, Analyser
from agents.files import EVERY_FILE
from agents.reviewers.style import parse_ruff
from orchestrator import steps
from review.diff import FilterMode
from review.findings import Finding, Severity
from review.request import ReviewConfig, ReviewRequest
from review.workspace import Workspace, read_json

EVAL = "import os\nx = eval(input())\n"


@pytest.fixture
def repo(make_repo):
    return make_repo(
        [
            {"README.md": "hi\n", "pkg/__init__.py": ""},
            {"app.py": EVAL + 'password = "hunter2hunter2hunter2"\n', "pkg/mod.py": EVAL},
        ]
    )


SILENT = (PYTHON, "-c", "", FILES)  # a tool that prints nothing


def replace_agent(monkeypatch, name: str, parse, command: tuple[str, ...] = SILENT) -> None:
    """Agent `name` with another analyser: `command`, its output read by `parse`."""
    module = importlib.import_module(f"agents.reviewers.{name}")
    analyser = Analyser(command=command, parse=parse)
    monkeypatch.setattr(module, "AGENT", dataclasses.replace(module.AGENT, analysers=(analyser,)))


def fixed_findings(agent: str, *findings: tuple[str, int, str]):
    """A parser that reports (path, line, rule) findings, whatever the tool printed."""

    def parse(output) -> Analysis:
        return Analysis(
            findings=[
                Finding(agent, rule, Severity.WARNING, path, line, f"{rule} found")
                for path, line, rule in findings
            ]
        )

    return parse


def test_an_agent_that_raises_fails_alone(repo, review_repo, monkeypatch) -> None:
    def explode(output):
        raise RuntimeError("ruff exploded\nwith a long traceback")

    replace_agent(monkeypatch, "style", explode)
    done = review_repo(repo)
    style = done.report.agents["style"]
    assert (style.status, style.error, style.findings) == ("failed", "ruff exploded", 0)
    assert done.report.agents["security"].status == "ok"
    assert done.report.agents["secrets"].status == "ok"
    assert ("B307", 2) in done.at("app.py")
    assert ("Secret Keyword", 3) in done.at("app.py")
    assert not [f for f in done.report.findings if f.agent == "style"]


def test_an_agent_that_hangs_times_out(repo, review_repo, monkeypatch) -> None:
    release = threading.Event()

    def hang(output):
        release.wait(60)
        return Analysis()

    replace_agent(monkeypatch, "style", hang)
    replace_agent(monkeypatch, "security", fixed_findings("security", ("app.py", 2, "B307")))
    try:
        done = review_repo(repo, agents=("security", "style"), agent_timeout_seconds=3)
    finally:
        release.set()
    style = done.report.agents["style"]
    assert style.status == "failed"
    assert style.error == "style timed out after 3 s"
    assert done.report.agents["security"].status == "ok"
    assert done.at("app.py") == [("B307", 2)]


def test_an_analyser_process_that_hangs_times_out(repo, review_repo, monkeypatch) -> None:
    sleeps = (PYTHON, "-c", "import time; time.sleep(60)", FILES)
    replace_agent(monkeypatch, "style", fixed_findings("style"), command=sleeps)
    replace_agent(monkeypatch, "security", fixed_findings("security", ("app.py", 2, "B307")))
    done = review_repo(repo, agents=("security", "style"), agent_timeout_seconds=0.3)
    style = done.report.agents["style"]
    assert style.status == "failed"
    assert "timed out after 0.3 s" in (style.error or "")
    assert done.at("app.py") == [("B307", 2)]


CRASHES = (PYTHON, "-m", "no_such_module_for_reviewbot", FILES)
PRINTS_GARBAGE = (PYTHON, "-c", "print('Traceback (most recent call last)')", FILES)


@pytest.mark.parametrize(
    ("command", "says"),
    [
        (CRASHES, "no_such_module_for_reviewbot exited with 1: "),
        (PRINTS_GARBAGE, "printed output that is not JSON"),
    ],
)
def test_a_tool_that_crashes_or_prints_garbage_fails_its_agent(
    repo, review_repo, monkeypatch, command, says
) -> None:
    replace_agent(monkeypatch, "style", parse_ruff, command=command)
    done = review_repo(repo)
    style = done.report.agents["style"]
    assert style.status == "failed"
    assert says in (style.error or "")
    assert ("B307", 2) in done.at("app.py")


@pytest.mark.parametrize("mode", [FilterMode.FILE, FilterMode.NOFILTER])
def test_findings_an_agent_cannot_back_up_are_rejected(
    repo, review_repo, monkeypatch, mode: FilterMode
) -> None:
    bogus = [
        ("app.py", 2, "OK1"),  # a real line of a changed file
        ("app.py", 999, "BEYOND"),  # past the end of the file
        ("../outside.py", 1, "ESCAPE"),
        ("pkg/../../outside.py", 1, "ESCAPE2"),
        (".git/config", 1, "GITDIR"),
        ("/etc/passwd", 1, "ABSOLUTE"),
    ]
    if mode is FilterMode.FILE:  # with nofilter, a path outside the change may be anything
        bogus.append(("pkg", 1, "DIRECTORY"))
    replace_agent(monkeypatch, "style", fixed_findings("style", *bogus))
    done = review_repo(repo, agents=("style",), filter_mode=mode)
    assert [(f.path, f.rule) for f in done.report.findings] == [("app.py", "OK1")]
    rejected = " ".join(done.report.rejected)
    for _, _, rule in bogus[1:]:
        assert rule in rejected
    assert done.report.agents["style"].status == "ok"


def corrupt_after(monkeypatch, name: str, content: str) -> None:
    """Let the agent run, then replace its findings file with `content`."""
    original = workflow.run_local_agent

    def run_then_corrupt(agent, run, request):
        summary = original(agent, run, request)
        if agent == name:
            run.findings_file(agent).write_text(content)
        return summary

    monkeypatch.setattr(workflow, "run_local_agent", run_then_corrupt)


@pytest.mark.parametrize("content", ['{"status": "ok", "findings": [{"path"', "", "\x00\xff"])
def test_a_corrupt_findings_file_is_a_failed_agent(
    repo, review_repo, monkeypatch, content: str
) -> None:
    corrupt_after(monkeypatch, "style", content)
    done = review_repo(repo)
    style = done.report.agents["style"]
    assert style.status == "failed"
    assert style.error.startswith("no readable findings file")  # type: ignore[union-attr]
    assert ("B307", 2) in done.at("app.py")


def test_invalid_entries_of_a_findings_file_are_rejected_one_by_one(
    repo, review_repo, monkeypatch
) -> None:
    corrupt_after(
        monkeypatch,
        "style",
        json.dumps(
            {
                "status": "ok",
                "findings": [
                    {"rule": "GOOD", "path": "app.py", "line": 1, "message": "fine"},
                    {"rule": "NOLINE", "path": "app.py", "message": "no line"},
                    {"rule": "BADSEV", "path": "app.py", "line": 1, "message": "x", "severity": 7},
                    "not an object",
                    {"rule": "NOMSG", "path": "app.py", "line": 1},
                ],
            }
        ),
    )
    done = review_repo(repo)
    assert [f.rule for f in done.report.findings if f.agent == "style"] == ["GOOD"]
    assert len([r for r in done.report.rejected if r.startswith("style: ")]) == 4


@pytest.mark.parametrize("content", ["[]", "null", '"text"', '{"findings": 5}'])
def test_a_findings_file_of_the_wrong_shape_is_a_failed_agent(
    repo, review_repo, monkeypatch, content: str
) -> None:
    corrupt_after(monkeypatch, "style", content)
    done = review_repo(repo)
    assert done.report.agents["style"].status == "failed"
    assert done.report.agents["style"].error
    assert ("B307", 2) in done.at("app.py")


@pytest.mark.parametrize(
    ("content", "status"),
    [('{"seconds": "soon"}', "failed"), ('{"status": "ok", "seconds": [], "notes": 5}', "ok")],
)
def test_a_findings_file_with_fields_of_the_wrong_type_does_not_sink_the_review(
    repo, review_repo, monkeypatch, content: str, status: str
) -> None:
    corrupt_after(monkeypatch, "style", content)
    done = review_repo(repo)
    style = done.report.agents["style"]
    assert (style.status, style.seconds, style.notes) == (status, 0.0, ())
    assert ("B307", 2) in done.at("app.py")


def test_a_missing_findings_file_is_a_failed_agent(repo, tmp_path) -> None:
    """The merge step alone, as after an agent function that never wrote its file."""
    config = ReviewConfig(agents=("security", "style", "secrets"))
    request = ReviewRequest(str(repo.path), str(repo.path), repo.head, repo.base, config=config)
    run = Workspace(tmp_path).run(request.run_id)
    steps.prepare(run, request)
    steps.clone(run, request)
    run_agent(registry.get_agent("security"), run, request.config)
    steps.merge(run, request)
    report = read_json(run.report_file)
    assert report["agents"]["security"]["status"] == "ok"
    assert report["agents"]["style"]["status"] == "failed"
    assert "no readable findings file" in report["agents"]["style"]["error"]


def test_run_agent_never_raises(tmp_path) -> None:
    def explode(output):
        raise AgentError("boom")

    run = Workspace(tmp_path).run("missing-run")
    agent = Agent("style", "", EVERY_FILE, (Analyser(SILENT, parse=explode),))
    run_agent(agent, run, ReviewConfig())  # no diff.json at all
    data = read_json(run.findings_file("style"))
    assert data["status"] == "failed" and data["findings"] == []
    assert "diff.json" in data["error"]
