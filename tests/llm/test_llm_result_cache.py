"""The AI result cache: a model pass is reused only for the same request over the same reads."""

from __future__ import annotations

import errno
import json

from llm_support import ScriptedModel, agent_input, call, make_run

from agents.analysis import Analysis
from agents.llm.review import model_review
from agents.registry import get_agent
from review.findings import Finding, Severity
from review.request import ReviewConfig

DB = """\
import sqlite3
from util import quote


def find_user(conn, name):
    query = "SELECT * FROM users WHERE name = '" + name + "'"
    return conn.execute(query).fetchall()
"""
QUERY_LINE = """    query = "SELECT * FROM users WHERE name = '" + name + "'\""""
UTIL = "def quote(text):\n    return text\n"


def turns() -> list:
    """Read the helper the change calls, look around, report the injection, finish."""
    return [
        [call("read_file", path="util.py"), call("list_files", path="lib")],
        [
            call(
                "report_finding",
                path="db.py",
                line=6,
                severity="error",
                category="sql-injection",
                message="The query is built by concatenation: use a parameter.",
                quote=QUERY_LINE,
                confidence=0.9,
            )
        ],
        "done",
    ]


def run_review(tmp_path, scripts, run_id, files, analysis=None, model_id="m", **config):
    """One model pass of the security reviewer over `files` (only db.py changed) in run
    `run_id` of the shared workspace; (analysis, the model built for it or None)."""
    run = make_run(tmp_path, files, changed={"db.py": range(1, 8)}, run_id=run_id, blobs=True)
    scripts.add(model_id, lambda: ScriptedModel(turns()))
    scripts.built.pop(model_id, None)
    spec = f"scripted:{model_id}"
    review_config = ReviewConfig(model=spec, agents=("security",), **config)
    work = agent_input(run, review_config)
    result = model_review(get_agent("security"), work, analysis or Analysis(), spec, 60.0)
    return result, scripts.built.get(model_id), run


def files(util: str = UTIL, lib: str = "x = 1\n") -> dict[str, str]:
    return {"db.py": DB, "util.py": util, "lib/a.py": lib}


def test_the_same_request_is_answered_from_the_cache_without_calling_the_model(
    tmp_path, scripts
) -> None:
    first, model, run = run_review(tmp_path, scripts, "run1", files())
    assert model is not None and len(model.requests) == 3
    assert [f.line for f in first.findings] == [6]
    assert first.usage["cached"] is False and first.usage["input_tokens"] == 3_000

    again, model, _ = run_review(tmp_path, scripts, "run2", files())  # a re-review
    assert model is None  # never built: no credentials or Strands needed for a hit
    assert [f.to_dict() for f in again.findings] == [f.to_dict() for f in first.findings]
    assert again.usage["cached"] is True
    assert again.usage["input_tokens"] == 0 and again.usage["saved_tokens"] == 3_300
    assert any("reused from the cache" in n for n in again.notes)
    entries = list(run.findings_cache_dir.glob("*/*.json"))
    assert len(entries) == 1
    stored = json.loads(entries[0].read_text())["entries"][entries[0].stem]
    assert stored["kind"] == "model-review"
    assert set(stored["reads"]) >= {"util.py", "lib", "db.py"}


def test_a_changed_file_the_model_read_runs_the_model_again(tmp_path, scripts) -> None:
    run_review(tmp_path, scripts, "run1", files())
    _, model, _ = run_review(tmp_path, scripts, "run2", files(util="def quote(t):\n    return t\n"))
    assert model is not None and model.requests  # util.py is another blob now

    run_review(tmp_path, scripts, "run3", files())
    _, model, _ = run_review(tmp_path, scripts, "run4", files(lib="x = 2\n"))
    assert model is not None and model.requests  # a file under a listed folder changed


def test_an_unread_file_changing_keeps_the_cached_result(tmp_path, scripts) -> None:
    run_review(tmp_path, scripts, "run1", files())
    more = {**files(), "docs/other.md": "unrelated\n"}
    result, model, _ = run_review(tmp_path, scripts, "run2", more)
    assert model is None and result.usage["cached"] is True


def test_another_model_prompt_input_or_configuration_is_another_request(tmp_path, scripts) -> None:
    run_review(tmp_path, scripts, "run1", files())
    _, model, _ = run_review(tmp_path, scripts, "run2", files(), model_id="other")
    assert model is not None and model.requests
    _, model, _ = run_review(tmp_path, scripts, "run3", files(), min_confidence=0.5)
    assert model is not None and model.requests
    finding = Finding(
        agent="security", rule="B608", severity=Severity.WARNING, path="db.py", line=6,
        message="Possible SQL injection.",
    )  # fmt: skip
    _, model, _ = run_review(tmp_path, scripts, "run4", files(), Analysis(findings=[finding]))
    assert model is not None and model.requests


def test_a_pass_cut_short_is_not_stored(tmp_path, scripts) -> None:
    result, model, run = run_review(tmp_path, scripts, "run1", files(), max_model_calls=1)
    assert result.usage["stopped"]
    assert not list(run.findings_cache_dir.glob("*/*.json"))
    _, model, _ = run_review(tmp_path, scripts, "run2", files(), max_model_calls=1)
    assert model is not None and model.requests


def test_no_cache_when_the_review_turns_it_off(tmp_path, scripts) -> None:
    run_review(tmp_path, scripts, "run1", files(), cache=False)
    result, model, run = run_review(tmp_path, scripts, "run2", files(), cache=False)
    assert model is not None and model.requests
    assert "cached" not in result.usage
    assert not list(run.findings_cache_dir.glob("*/*.json"))


def test_a_read_only_workspace_returns_the_entry_for_the_workflow(
    tmp_path, scripts, monkeypatch
) -> None:
    from agents import cache

    def read_only(*_args) -> None:
        raise OSError(errno.EROFS, "Read-only file system")

    with monkeypatch.context() as patched:
        patched.setattr(cache, "write_pack", read_only)
        result, _, run = run_review(tmp_path, scripts, "run1", files())
    assert not list(run.findings_cache_dir.glob("*/*.json"))
    assert len(result.cache_entries) == 1
    assert cache.write_returned(run.findings_cache_dir, result.cache_entries) == 1
    _, model, _ = run_review(tmp_path, scripts, "run2", files())
    assert model is None
