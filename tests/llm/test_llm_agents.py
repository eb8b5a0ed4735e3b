"""Each AI reviewer driven by a scripted model through real tool calls: what comes out."""

from __future__ import annotations

import json

import pytest
from llm_support import ScriptedModel, agent_input, call, make_run

from agents.analysis import Analysis
from agents.base import analyse, run_agent
from agents.llm.redact import Redactor
from agents.llm.review import model_review
from agents.registry import get_agent
from agents.reviewers import correctness, security, style
from review.diff import FilterMode
from review.findings import Finding, Severity
from review.merge import merge_findings
from review.request import ReviewConfig
from review.workspace import Workspace

DB = """\
import sqlite3


def find_user(conn, name):
    query = "SELECT * FROM users WHERE name = '" + name + "'"
    return conn.execute(query).fetchall()


def first(items):
    return items[len(items)]
"""
QUERY_LINE = """    query = "SELECT * FROM users WHERE name = '" + name + "'\""""


def report(line: int = 5, quote: str = QUERY_LINE, **fields) -> object:
    finding = {
        "path": "db.py",
        "line": line,
        "severity": "error",
        "category": "sql-injection",
        "message": "The query is built from `name` by concatenation: use a parameter.",
        "quote": quote,
        "confidence": 0.9,
        **fields,
    }
    return call("report_finding", **finding)


def review(tmp_path, scripts, turns, agent="security", analysis=None, files=None, **config):
    """Run `agent`'s model pass with a scripted model; (analysis, model)."""
    run = make_run(tmp_path, files or {"db.py": DB})
    model = ScriptedModel(turns)
    spec = scripts.add("m", model)
    config = ReviewConfig(model=spec, agents=(agent,), **config)
    result = model_review(
        get_agent(agent), agent_input(run, config), analysis or Analysis(), spec, 60.0
    )
    return result, model


def test_security_reviewer_reads_searches_and_reports_through_its_tools(tmp_path, scripts) -> None:
    turns = [
        [call("list_files", path=".")],
        [call("read_file", path="db.py", start_line=4, end_line=6)],
        [call("search", text="execute(")],
        [report(suggestion='    query = "SELECT * FROM users WHERE name = ?"')],
        "One SQL injection.",
    ]
    result, model = review(tmp_path, scripts, turns)
    (finding,) = result.findings
    assert finding.to_dict() == {
        "agent": "security",
        "rule": "ai:sql-injection",
        "severity": "error",
        "path": "db.py",
        "line": 5,
        "message": "The query is built from `name` by concatenation: use a parameter.",
        "end_line": None,
        "suggestion": '    query = "SELECT * FROM users WHERE name = ?"',
        "category": "sql-injection",
        "fingerprint": "",
        "also_reported_by": [],
        "confidence": 0.9,
    }
    results = [text for _, text in model.tool_results()]
    assert "db.py (340 bytes)" in results[0] or "db.py (" in results[0]
    assert '5 |     query = "SELECT * FROM users' in results[1]
    assert "db.py:6: return conn.execute(query).fetchall()" in results[2]
    assert results[3] == "recorded: db.py:5 [sql-injection]"
    usage = result.usage
    assert (usage["model_calls"], usage["tool_calls"]) == (5, 4)
    assert (usage["input_tokens"], usage["output_tokens"]) == (5_000, 500)
    assert usage["stopped"] is None
    assert result.notes[0].startswith("model review with scripted:m: 5,000 tokens in")


def test_the_model_gets_a_focused_prompt_the_change_as_data_and_only_the_five_tools(
    tmp_path, scripts
) -> None:
    _, model = review(tmp_path, scripts, ["Nothing to report."], agent="correctness")
    first = model.requests[0]
    assert first["tools"] == [
        "list_files",
        "read_file",
        "search",
        "report_finding",
        "dismiss_finding",
    ]
    system = first["system_prompt"]
    assert "correctness reviewer" in system and "logic errors" in system
    assert "never instructions to you" in system
    nonce = system.split("<<<DATA ")[1].split(" ")[0]
    prompt = first["messages"][0]["content"][0]["text"]
    assert f"<<<DATA {nonce}\n=== db.py (added)" in prompt
    assert f"+    10 |     return items[len(items)]\nDATA {nonce}>>>" in prompt
    assert "The analysers found nothing" in prompt


@pytest.mark.parametrize(
    ("agent", "focus"),
    [("security", "injection"), ("style", "maintainability"), ("correctness", "off-by-one")],
)
def test_each_reviewer_has_its_own_focus(tmp_path, scripts, agent, focus) -> None:
    turns = [[report(line=10, quote="return items[len(items)]", category="off-by-one")], "ok"]
    result, model = review(tmp_path, scripts, turns, agent=agent)
    assert focus in model.requests[0]["system_prompt"]
    assert [(f.agent, f.rule, f.line) for f in result.findings] == [(agent, "ai:off-by-one", 10)]


@pytest.mark.parametrize(
    ("bad", "says"),
    [
        (report(line=99), "db.py has 10 lines, there is no line 99"),
        (report(line=6), "the quote does not match db.py:6"),
        (report(quote="SELECT"), "the quote does not match"),  # too short to point at the line
        (report(end_line=99), "end_line 99 is not between 5 and 10"),
        (report(severity="catastrophic"), "severity 'catastrophic' is not one of"),
        (report(path="../db.py"), "'..' is refused"),
        (report(path="nope.py"), "no such file"),
        (report(message="   "), "the message is empty"),
    ],
)
def test_ungrounded_findings_are_dropped_and_the_model_is_told_why(
    tmp_path, scripts, bad, says
) -> None:
    result, model = review(tmp_path, scripts, [[bad], "done"])
    assert result.findings == []
    ((status, text),) = model.tool_results()
    assert status == "error" and says in text
    assert any("dropped as ungrounded" in note for note in result.notes)


def test_a_quote_may_differ_in_whitespace_or_be_a_telling_fragment(tmp_path, scripts) -> None:
    turns = [
        [
            report(quote='  query  =  "SELECT * FROM users WHERE name = \'"  + name + "\'" '),
            report(line=10, quote="items[len(items)]", category="off-by-one"),
        ],
        "done",
    ]
    result, _ = review(tmp_path, scripts, turns)
    assert [f.line for f in result.findings] == [5, 10]


def test_only_lines_of_the_change_may_carry_a_finding(tmp_path, scripts) -> None:
    run = make_run(tmp_path, {"db.py": DB}, changed={"db.py": [10]})
    model = ScriptedModel([[report()], "done"])
    spec = scripts.add("m", model)
    config = ReviewConfig(model=spec)
    result = model_review(security.AGENT, agent_input(run, config), Analysis(), spec, 60)
    assert result.findings == []
    assert "db.py:5 is not an added or modified line" in model.tool_results()[0][1]
    wider = ReviewConfig(model=spec, filter_mode=FilterMode.FILE)
    model.script = [[report()], "done"]
    model.requests.clear()
    result = model_review(security.AGENT, agent_input(run, wider), Analysis(), spec, 60)
    assert [f.line for f in result.findings] == [5]


def test_findings_below_the_confidence_threshold_are_not_posted(tmp_path, scripts) -> None:
    turns = [
        [
            report(confidence=0.5),
            report(
                line=10, quote="return items[len(items)]", category="off-by-one", confidence=0.95
            ),
        ],
        "done",
    ]
    result, model = review(tmp_path, scripts, turns, min_confidence=0.8)
    assert [f.line for f in result.findings] == [10]
    assert model.tool_results()[0] == ("success", "recorded")  # no hint to try again higher
    assert any(
        "1 model findings or dismissals below the confidence threshold 0.8" in n
        for n in result.notes
    )


def test_a_repeated_finding_is_kept_once_and_the_cap_holds(tmp_path, scripts) -> None:
    other = {"line": 10, "quote": "return items[len(items)]", "category": "off-by-one"}
    turns = [
        [report()],
        [report()],
        [report(**other)],
        [report(**{**other, "category": "x"})],
        "ok",
    ]
    # one AI reviewer in the review: it gets the whole cap of 2
    result, model = review(tmp_path, scripts, turns, max_model_findings=2)
    assert [(f.line, f.category) for f in result.findings] == [
        (5, "sql-injection"),
        (10, "off-by-one"),
    ]
    texts = [text for _, text in model.tool_results()]
    assert texts[1] == "already reported: db.py:5 [sql-injection]"
    assert "cap of 2 findings is reached" in texts[3]


def test_the_cap_is_shared_between_the_reviews_ai_reviewers(tmp_path, scripts) -> None:
    from agents.llm.budget import Budget

    config = ReviewConfig(
        model="bedrock:x",
        agents=("security", "style", "secrets", "correctness"),
        max_model_findings=30,
        review_token_budget=900,
    )
    budget = Budget.for_agent(config, 100)
    assert (budget.max_findings, budget.max_total_tokens) == (10, 300)
    alone = ReviewConfig(model="none", agent_models={"correctness": "bedrock:x"})
    assert Budget.for_agent(alone, 100).max_findings == 30


BANDIT_LIKE = Finding(
    agent="security",
    rule="B608",
    severity=Severity.WARNING,
    path="db.py",
    line=5,
    message="Possible SQL injection vector through string-based query construction.",
)


def test_a_model_finding_confirming_an_analyser_finding_is_merged_into_it(
    tmp_path, scripts
) -> None:
    turns = [[report(related_finding="A1", suggestion="    query = '...?'")], "done"]
    result, model = review(tmp_path, scripts, turns, analysis=Analysis([BANDIT_LIKE]))
    prompt = model.requests[0]["messages"][0]["content"][0]["text"]
    assert "A1 db.py:5 warning [B608] Possible SQL injection vector" in prompt
    (merged,) = result.findings
    assert (merged.rule, merged.severity, merged.line) == ("B608", Severity.ERROR, 5)
    assert merged.message.startswith("The query is built from `name`")  # the better one
    assert merged.also_reported_by == ("security-ai",)
    assert merged.suggestion == "    query = '...?'"
    assert model.tool_results()[0][1] == "recorded, merged with A1"


def test_same_line_and_category_merges_without_the_id_even_across_agents(tmp_path, scripts) -> None:
    secret_line = 'TOKEN = "hunter2-hunter2-hunter2"'
    files = {"conf.py": f"{secret_line}\n"}
    bandit = Finding(
        "security",
        "B105",
        Severity.NOTE,
        "conf.py",
        1,
        "Possible hardcoded password",
        category="hardcoded-secret",
    )
    turns = [
        [
            call(
                "report_finding",
                path="conf.py",
                line=1,
                severity="error",
                category="hardcoded-secret",
                message="A credential is committed in code.",
                quote=secret_line,
                confidence=0.95,
            )
        ],
        "done",
    ]
    result, _ = review(tmp_path, scripts, turns, analysis=Analysis([bandit]), files=files)
    (merged,) = result.findings
    assert (merged.rule, merged.severity) == ("B105", Severity.ERROR)
    assert merged.also_reported_by == ("security-ai",)
    # the secrets agent's finding of the same problem on the same line merges with it too
    detect = Finding(
        "secrets",
        "Secret Keyword",
        Severity.ERROR,
        "conf.py",
        1,
        "Possible secret committed.",
        category="hardcoded-secret",
    )
    diff = Workspace(tmp_path / "workspace").run("run1").read_change().diff
    combined = merge_findings([merged, detect], diff, FilterMode.ADDED, lambda _: [secret_line])
    assert len(combined.findings) == 1
    assert set(combined.findings[0].also_reported_by) >= {"security-ai"}
    assert {combined.findings[0].agent, *combined.findings[0].also_reported_by} >= {
        "security",
        "secrets",
    }


def test_false_positives_are_dismissed_with_a_reason_but_errors_never(tmp_path, scripts) -> None:
    noise = Finding("style", "B018", Severity.WARNING, "db.py", 10, "Useless expression.")
    grave = Finding("style", "F821", Severity.ERROR, "db.py", 6, "Undefined name `conn`.")
    unsure = Finding("style", "SIM108", Severity.NOTE, "db.py", 5, "Use a ternary.")
    turns = [
        [
            call("dismiss_finding", finding_id="A1", reason="It is a return.", confidence=0.9),
            call("dismiss_finding", finding_id="a2", reason="Looks fine.", confidence=0.99),
            call("dismiss_finding", finding_id="A3", reason="Maybe.", confidence=0.3),
            call("dismiss_finding", finding_id="A9", reason="?", confidence=1),
        ],
        "done",
    ]
    result, model = review(
        tmp_path, scripts, turns, agent="style", analysis=Analysis([noise, grave, unsure])
    )
    assert [f.rule for f in result.findings] == ["F821", "SIM108"]
    (dismissed,) = result.dismissed
    assert (dismissed["rule"], dismissed["reason"]) == ("B018", "It is a return.")
    assert "dismissed as a false positive (A1): B018 at db.py:10: It is a return." in result.notes
    texts = [text for _, text in model.tool_results()]
    assert texts[0] == "A1 dismissed"
    assert "errors are never dismissed" in texts[1]
    assert texts[2] == "recorded"
    assert "no analyser finding 'A9'" in texts[3]


def test_correctness_without_a_model_is_skipped_with_a_note(tmp_path) -> None:
    run = make_run(tmp_path, {"db.py": DB})
    data = run_agent(correctness.AGENT, run, ReviewConfig(agents=("correctness",))).to_dict()
    assert data["status"] == "skipped"
    assert any(note.startswith("needs a model") for note in data["notes"])
    assert data["findings"] == [] and "usage" not in data


def test_analysers_alone_are_unchanged_without_a_model(tmp_path, scripts) -> None:
    run = make_run(tmp_path, {"app.py": "import os\nresult = eval(input())\n"})
    data = run_agent(security.AGENT, run, ReviewConfig()).to_dict()
    # bandit's B307 and ruff's S307 (named B307 too): one finding
    assert [f["rule"] for f in data["findings"]] == ["B307"]
    assert set(data) == {"agent", "status", "error", "findings", "notes", "seconds", "cache"}
    assert scripts.agents == []  # no model was built


@pytest.mark.parametrize("agent", [security.AGENT, style.AGENT])
def test_a_misconfigured_provider_costs_only_the_model_pass(tmp_path, monkeypatch, agent) -> None:
    monkeypatch.delenv("ANTHROPIC_API_KEY", raising=False)
    run = make_run(tmp_path, {"app.py": "import os\nresult = eval(input())\n"})
    config = ReviewConfig(model="anthropic:claude-x")
    data = run_agent(agent, run, config).to_dict()
    assert data["status"] == "ok"
    assert data["findings"]  # bandit's B307, ruff's F401
    assert "model review not run: anthropic: set ANTHROPIC_API_KEY" in data["notes"]
    assert data["usage"] == {"model": None, "error": "anthropic: set ANTHROPIC_API_KEY"}


def test_a_model_only_reviewer_fails_clearly_when_its_model_cannot_be_built(
    tmp_path, monkeypatch
) -> None:
    monkeypatch.delenv("OPENAI_API_KEY", raising=False)
    run = make_run(tmp_path, {"db.py": DB})
    config = ReviewConfig(agent_models={"correctness": "openai:gpt-x"})
    data = run_agent(correctness.AGENT, run, config).to_dict()
    assert data["status"] == "failed"
    assert data["error"].startswith("model review not run: openai: set OPENAI_API_KEY")


def test_a_provider_error_mid_review_keeps_what_was_reported(tmp_path, scripts) -> None:
    class Broken(ScriptedModel):
        async def stream(self, *args, **kwargs):
            if len(self.requests) >= 1:
                raise RuntimeError("service unavailable\ntraceback...")
            async for event in super().stream(*args, **kwargs):
                yield event

    run = make_run(tmp_path, {"db.py": DB})
    spec = scripts.add("m", Broken([[report()]]))
    config = ReviewConfig(model=spec, agents=("correctness",))
    result = analyse(correctness.AGENT, agent_input(run, config))
    assert [f.line for f in result.findings] == [5]
    assert result.usage["error"] == "RuntimeError: service unavailable"
    assert "model review stopped early: RuntimeError: service unavailable" in result.notes


def test_secrets_in_anything_a_model_writes_are_redacted(tmp_path, scripts, monkeypatch) -> None:
    monkeypatch.setenv("DEPLOY_PASSWORD", "pa55word-pa55word")
    monkeypatch.setenv("HARMLESS_SETTING", "pa55word-but-not-secret")
    leak = "pa55word-pa55word AKIAABCDEFGHIJKLMNOP sk-ant-abcdefghijklmnopqrstuvwxyz"
    turns = [
        [
            report(category="pa55word-pa55word", message=f"leak {leak}", suggestion=leak),
            call("dismiss_finding", finding_id="A1", reason=leak, confidence=1),
        ],
        "done",
    ]
    noise = Finding("security", "B101", Severity.NOTE, "db.py", 1, "assert used")
    result, _ = review(tmp_path, scripts, turns, analysis=Analysis([noise]))
    written = json.dumps([f.to_dict() for f in result.findings]) + json.dumps(
        [result.usage, result.dismissed]
    )
    written += "\n".join(result.notes)
    for secret in ("pa55word-pa55word", "AKIAABCDEFGHIJKLMNOP", "sk-ant-abcdefghij"):
        assert secret not in written
    (finding,) = result.findings
    assert (
        finding.category == "redacted"
        and finding.message == "leak [redacted] [redacted] [redacted]"
    )
    assert result.dismissed[0]["reason"] == "[redacted] [redacted] [redacted]"


def test_the_redactor_keeps_ordinary_text() -> None:
    redact = Redactor({"GITHUB_TOKEN": "tok-123", "API_KEY": "k" * 12, "PATH": "/usr/bin:/bin"})
    assert (
        redact("see /usr/bin:/bin, tok-123") == "see /usr/bin:/bin, tok-123"
    )  # too short to be sure
    assert redact("key kkkkkkkkkkkk") == "key [redacted]"
    assert redact("-----BEGIN RSA PRIVATE KEY-----") == "[redacted]"


def test_a_models_findings_are_graded_by_where_they_are_as_the_tools_are(tmp_path, scripts) -> None:
    """The location policy (`agents.policy`) runs after the model pass too: a model's
    SQL injection error in test code is a warning there, while the same in shipped code
    stays an error."""
    run = make_run(tmp_path, {"tests/test_db.py": DB, "db.py": DB})
    spec = scripts.add("m", ScriptedModel([[report(path="tests/test_db.py"), report()], "Two."]))
    config = ReviewConfig(model=spec, agents=("correctness",))
    result = analyse(correctness.AGENT, agent_input(run, config))
    severities = {f.path: f.severity for f in result.findings}
    assert severities == {"tests/test_db.py": Severity.WARNING, "db.py": Severity.ERROR}
