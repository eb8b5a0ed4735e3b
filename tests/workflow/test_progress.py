"""The progress step's policy: a few updates per review, apart in time, only when
something changed, never after the last agent, and never a failed review."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pytest

from orchestrator.progress import ProgressPolicy, notify, progress_file
from review.agent_result import AgentResult
from review.findings import Finding, Severity
from review.workspace import RunDir, Workspace

AGENTS = ("security", "style", "secrets")


class Sink:
    name = "recording"

    def __init__(self, fail: bool = False) -> None:
        self.updates: list[tuple[list[dict[str, Any]], list[str]]] = []
        self.fail = fail

    def progress(self, state, done, running) -> None:
        self.updates.append((done, running))
        if self.fail:
            raise RuntimeError("GitHub said no")


@pytest.fixture
def run(tmp_path: Path) -> RunDir:
    return Workspace(tmp_path).run("r1")


def finish(run: RunDir, agent: str, findings: int = 0, status: str = "ok") -> None:
    found = [
        Finding(agent, "R1", Severity.WARNING, "a.py", n + 1, "m", fingerprint=f"{agent}{n}")
        for n in range(findings)
    ]
    error = "it broke" if status == "failed" else None
    run.write_agent_result(AgentResult(agent, status, found, seconds=1.26, error=error))


def test_an_update_names_the_agents_done_and_running(run: RunDir) -> None:
    sink = Sink()
    finish(run, "style", findings=2)
    finish(run, "secrets", status="failed")
    result = notify([sink], {}, run, AGENTS, ProgressPolicy(min_seconds=0))
    assert result == {"sent": ["style", "secrets"]}
    ((done, running),) = sink.updates
    assert done == [
        {"agent": "style", "status": "ok", "findings": 2, "seconds": 1.3, "error": None},
        {"agent": "secrets", "status": "failed", "findings": 0, "seconds": 1.3,
         "error": "it broke"},
    ]  # fmt: skip
    assert running == ["security"]


def test_nothing_new_nothing_sent_and_the_last_agent_sends_nothing(run: RunDir) -> None:
    sink, policy = Sink(), ProgressPolicy(min_seconds=0)
    finish(run, "style")
    assert notify([sink], {}, run, AGENTS, policy)["sent"] == ["style"]
    assert notify([sink], {}, run, AGENTS, policy) == {
        "sent": None,
        "why": "nothing new since the last update",
    }
    finish(run, "security")
    finish(run, "secrets")
    assert notify([sink], {}, run, AGENTS, policy)["why"].startswith("every agent is done")
    assert len(sink.updates) == 1


def test_at_most_max_updates_at_least_min_seconds_apart(run: RunDir) -> None:
    agents = tuple(f"agent{n}" for n in range(8))
    sink, now = Sink(), [1000.0]
    policy = ProgressPolicy(min_seconds=10, max_updates=2)
    sent = []
    for name in agents[:-1]:
        finish(run, name)
        now[0] += 4  # an agent done every 4 s
        sent.append(notify([sink], {}, run, agents, policy, lambda: now[0])["sent"])
    assert [s is not None for s in sent] == [True, False, False, True, False, False, False]
    assert len(sink.updates) == 2


def test_a_new_review_of_the_same_run_counts_afresh(run: RunDir) -> None:
    from orchestrator import steps
    from review.request import ReviewRequest

    finish(run, "style")
    notify([Sink()], {}, run, AGENTS, ProgressPolicy(min_seconds=0, max_updates=1))
    assert progress_file(run).exists()
    steps.prepare(run, ReviewRequest(repository="r", source="/r", head="a" * 40, base="b" * 40))
    assert not progress_file(run).exists()


@pytest.mark.parametrize("damage", [b"not json", b'{"sent": "many"}', b"[1, 2]"])
def test_a_damaged_record_or_a_failing_sink_never_fails_the_step(
    run: RunDir, damage: bytes
) -> None:
    finish(run, "style")
    progress_file(run).write_bytes(damage)
    failing = Sink(fail=True)
    result = notify([failing], {}, run, AGENTS, ProgressPolicy(min_seconds=0))
    assert result["sent"] == ["style"] or result["why"].startswith("failed")
    again = notify([failing], {}, run, AGENTS, ProgressPolicy(min_seconds=0))
    assert again["sent"] is None  # a sink's failure still counted the update


def test_no_sink_no_record(run: RunDir) -> None:
    finish(run, "style")
    assert notify([], {}, run, AGENTS, ProgressPolicy(min_seconds=0))["sent"] is None
    assert not progress_file(run).exists()
