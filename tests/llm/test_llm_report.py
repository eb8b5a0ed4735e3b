"""Usage and dismissals in the report and its renderings; the model config on Lambda."""

from __future__ import annotations

from llm_support import ScriptedModel, call, make_run

from reporter.formats.markdown import render_markdown
from reporter.formats.text import render_text, summary_line
from review.agent_result import AgentResult, from_returned
from review.findings import Finding, Severity
from review.report import AgentStatus, Report
from review.request import ReviewConfig, ReviewRequest
from review.settings import load_settings
from reviewbot.lambda_handlers import build_agent

USAGE = {
    "model": "bedrock:claude",
    "input_tokens": 12_345,
    "output_tokens": 678,
    "model_calls": 5,
    "tool_calls": 9,
    "seconds": 3.2,
    "stopped": "tool calls (60)",
    "error": None,
}


def report(**agents: AgentStatus) -> Report:
    return Report("r", "b" * 40, "h" * 40, "m" * 40, agents=dict(agents))


def test_usage_and_dismissals_round_trip_and_stay_out_of_analyser_statuses() -> None:
    dismissed = {
        **Finding("style", "B018", Severity.WARNING, "a.py", 3, "x").to_dict(),
        "reason": "a docstring",
    }
    status = AgentStatus("ok", 2, 4.0, usage=USAGE, dismissed=(dismissed,))
    again = AgentStatus.from_dict(status.to_dict())
    assert again == status
    assert again.to_dict()["usage"]["input_tokens"] == 12_345
    assert set(AgentStatus("ok").to_dict()) == {"status", "findings", "seconds", "error", "notes"}


def test_a_findings_file_gives_the_status_keeping_only_known_usage_fields() -> None:
    data = {"status": "ok", "seconds": 2, "notes": ["n"], "usage": {**USAGE, "x": [1]}}
    status = AgentStatus.of(AgentResult.from_dict("correctness", data), findings=3)
    assert status.usage == USAGE and status.findings == 3 and status.notes == ("n",)
    junk = {"usage": "junk", "seconds": "soon", "notes": 5, "dismissed": {"a": 1}, "error": 3}
    junk_status = AgentStatus.of(AgentResult.from_dict("correctness", junk), 0)
    assert junk_status == AgentStatus("failed", error="3")


def test_text_and_markdown_summaries_show_the_usage() -> None:
    shown = report(
        security=AgentStatus("ok", 1, 4.0, usage=USAGE),
        secrets=AgentStatus("ok", 0, 1.0),
        correctness=AgentStatus(
            "failed",
            error="model review not run: openai: set KEY",
            usage={"model": None, "error": "openai: set KEY"},
        ),
    )
    line = summary_line(shown)
    assert "security ok (4.0 s; 12.3k tokens in, 678 out, 5 model calls, budget reached: " in line
    assert "secrets ok (1.0 s)" in line
    markdown = render_markdown(shown)
    assert "AI reviewers used security: 12.3k tokens in, 678 out, 5 model calls" in markdown
    assert "| security | ok | 1 | 4.0 s |" in markdown
    degraded = report(style=AgentStatus("ok", usage={"model": None, "error": "no key"}))
    assert "agent style: model review failed: no key" in render_text(degraded)


def test_an_agent_lambda_reads_the_model_config_from_request_json(
    tmp_path, scripts, monkeypatch
) -> None:

    run = make_run(tmp_path, {"app.py": "def first(items):\n    return items[len(items)]\n"})
    spec = scripts.add(
        "m",
        ScriptedModel(
            [
                [
                    call(
                        "report_finding",
                        path="app.py",
                        line=2,
                        severity="error",
                        category="off-by-one",
                        message="Always out of range.",
                        quote="return items[len(items)]",
                        confidence=1,
                    )
                ],
                "done",
            ]
        ),
    )
    config = ReviewConfig(agents=("correctness",), agent_models={"correctness": spec})
    run.write_request(ReviewRequest("r", "s", "h", "b", config=config))
    settings = load_settings({"REVIEWBOT_WORKSPACE": str(tmp_path / "workspace")})
    handler = build_agent(settings)
    returned = handler({"run_id": run.run_id, "agent": "correctness"}, None)
    result = from_returned("correctness", returned)  # what the orchestrator writes down
    assert result.status == "ok" and len(result.findings) == 1
    assert scripts.agents == ["correctness"]
    assert result.usage is not None and result.usage["model"] == spec
    assert not run.findings_file("correctness").exists()  # the agent writes nothing
