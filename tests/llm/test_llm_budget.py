"""Budgets: a reviewer that will not stop is cut off, keeps what it found, and says why."""

from __future__ import annotations

import asyncio
import threading
import time

import pytest
from llm_support import ScriptedModel, agent_input, call, make_run

from agents.base import analyse, run_agent
from agents.llm import runner
from agents.reviewers import correctness
from review.request import ReviewConfig
from review.workspace import read_json

CODE = "def first(items):\n    return items[len(items)]\n"
FOUND = call(
    "report_finding",
    path="app.py",
    line=2,
    severity="error",
    category="off-by-one",
    message="Indexing with len() is always out of range.",
    quote="return items[len(items)]",
    confidence=0.9,
)


def reads_forever(index: int):
    """A model that reports once, then asks to read a file on every turn, forever."""
    return [FOUND] if index == 0 else [call("read_file", path="app.py")]


def run_correctness(tmp_path, scripts, model, **config):
    run = make_run(tmp_path, {"app.py": CODE})
    spec = scripts.add("m", model)
    config = ReviewConfig(model=spec, agents=("correctness",), **config)
    run_agent(correctness.AGENT, run, config)
    return read_json(run.findings_file("correctness"))  # what the agent wrote


def test_a_model_that_never_stops_calling_tools_is_cut_at_the_tool_budget(
    tmp_path, scripts
) -> None:
    model = ScriptedModel(reads_forever)
    data = run_correctness(tmp_path, scripts, model, max_tool_calls=5, max_model_calls=50)
    assert data["status"] == "ok"
    assert [f["line"] for f in data["findings"]] == [2]  # what it found before is kept
    usage = data["usage"]
    assert usage["stopped"] == "tool calls (5)"
    assert "budget reached: tool calls (5)" in data["notes"]
    # a report, five reads, a sixth refused with a message, one more turn (to report what it
    # has; this model reads again, refused too), then no further model call
    assert usage["model_calls"] == 1 + 5 + 1 + 1
    assert usage["tool_calls"] == 1 + 5 + 1 + 1
    refusals = [text for status, text in model.tool_results() if status == "error"]
    assert refusals == [
        "Budget reached: no more read_file calls (5 allowed). Report what you found "
        "with report_finding now, then finish."
    ]
    assert len(model.requests) == 8


def test_the_model_call_budget_ends_a_loop_of_reports(tmp_path, scripts) -> None:
    model = ScriptedModel(lambda index: [FOUND])  # reports the same thing again and again
    data = run_correctness(tmp_path, scripts, model, max_model_calls=4)
    assert data["status"] == "ok"
    assert data["usage"]["model_calls"] == 4
    assert data["usage"]["stopped"] == "model calls (4)"
    assert len(data["findings"]) == 1


def test_the_input_token_budget_stops_before_the_call_that_would_pass_it(tmp_path, scripts) -> None:
    model = ScriptedModel(reads_forever, input_tokens=50_000)
    data = run_correctness(tmp_path, scripts, model, max_input_tokens=120_000)
    usage = data["usage"]
    assert usage["stopped"] == "input tokens (120,000)"
    assert usage["input_tokens"] <= 150_000 and usage["model_calls"] <= 3


def test_the_output_token_budget(tmp_path, scripts) -> None:
    model = ScriptedModel(reads_forever, output_tokens=1_000)
    data = run_correctness(tmp_path, scripts, model, max_output_tokens=3_000)
    assert data["usage"]["stopped"] == "output tokens (3,000)"
    assert data["usage"]["output_tokens"] == 3_000


def test_the_review_token_budget_is_shared_between_ai_reviewers(tmp_path, scripts) -> None:
    run = make_run(tmp_path, {"app.py": CODE})
    spec = scripts.add("m", ScriptedModel(reads_forever, input_tokens=900, output_tokens=100))
    config = ReviewConfig(
        model=spec, agents=("security", "style", "correctness"), review_token_budget=9_000
    )
    data = run_agent(correctness.AGENT, run, config).to_dict()
    assert data["usage"]["stopped"] == "this agent's share of the review's tokens (3,000)"
    assert data["usage"]["model_calls"] == 3


def test_the_wall_clock_budget_cancels_a_slow_model(tmp_path, scripts, monkeypatch) -> None:
    monkeypatch.setattr(runner, "STOP_GRACE_SECONDS", 1.0)

    class Slow(ScriptedModel):
        async def stream(self, *args, **kwargs):
            if self.requests:
                await asyncio.sleep(0.4)
            async for event in super().stream(*args, **kwargs):
                yield event

    run = make_run(tmp_path, {"app.py": CODE})
    spec = scripts.add("m", Slow(reads_forever))
    config = ReviewConfig(model=spec, model_timeout_seconds=1.5, agent_timeout_seconds=60)
    started = time.monotonic()
    result = analyse(correctness.AGENT, agent_input(run, config))
    assert time.monotonic() - started < 1.5 + 1.0 + 1.0
    assert result.usage["stopped"] == "time"
    assert [f.line for f in result.findings] == [2]


@pytest.fixture
def release() -> threading.Event:
    event = threading.Event()
    yield event
    event.set()  # let the abandoned thread end


def test_a_model_that_hangs_is_abandoned_and_the_review_goes_on(
    tmp_path, scripts, monkeypatch, release
) -> None:
    monkeypatch.setattr(runner, "STOP_GRACE_SECONDS", 0.3)
    monkeypatch.setattr(runner, "ABANDON_GRACE_SECONDS", 0.3)

    class Hung(ScriptedModel):
        async def stream(self, *args, **kwargs):
            if self.requests:
                release.wait(30)  # blocks its event loop: not even cancelling reaches it
            async for event in super().stream(*args, **kwargs):
                yield event

    run = make_run(tmp_path, {"app.py": CODE})
    spec = scripts.add("m", Hung([[FOUND], [call("list_files")], "done"]))
    config = ReviewConfig(model=spec, model_timeout_seconds=1.0)
    started = time.monotonic()
    result = analyse(correctness.AGENT, agent_input(run, config))
    assert time.monotonic() - started < 1.0 + 0.6 + 1.0
    assert result.usage["stopped"] == "time"
    assert [f.line for f in result.findings] == [2]


def test_the_model_pass_leaves_room_in_the_agents_own_timeout(tmp_path, scripts) -> None:
    run = make_run(tmp_path, {"app.py": CODE})
    spec = scripts.add("m", ScriptedModel(["done"]))
    config = ReviewConfig(model=spec, agent_timeout_seconds=10, model_timeout_seconds=240)
    with pytest.raises(Exception, match="no time left"):
        analyse(correctness.AGENT, agent_input(run, config))
