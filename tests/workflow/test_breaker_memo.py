"""Breaker (session 23): what a merge again must report as the first merge did."""

from __future__ import annotations

import json

from orchestrator import steps
from review.workspace import read_json
from tests.workflow.test_merge_memo import AGENTS, merges, review, run_and_request  # noqa: F401


def test_a_findings_file_of_the_wrong_shape_stays_failed_on_a_merge_again(
    run_and_request,  # noqa: F811
    merges,  # noqa: F811
) -> None:
    run, request = run_and_request
    review(run, request)
    data = read_json(run.findings_file("style"))
    data["findings"] = {"not": "a list"}  # status stays "ok"
    run.findings_file("style").write_text(json.dumps(data))
    first = steps.merge(run, request)
    status_first = read_json(run.report_file)["agents"]["style"]
    second = steps.merge(run, request)  # e.g. the merge step run again after a crash
    status_second = read_json(run.report_file)["agents"]["style"]
    assert status_first["status"] == "failed"
    assert first == second
    assert status_second == status_first


def test_a_findings_file_with_encoded_surrogates_fails_its_agent_not_the_merge(
    run_and_request,  # noqa: F811
) -> None:
    """Bytes ED A0 80 (a UTF-16 surrogate encoded as UTF-8) are not UTF-8: before orjson
    the file read as a failed agent ("no readable findings file")."""
    run, request = run_and_request
    review(run, request)
    data = read_json(run.findings_file("style"))
    data["findings"] = [
        {"rule": "X1", "path": "app.py", "line": 2, "message": "SURROGATE", "severity": "warning"}
    ]
    raw = json.dumps(data).encode().replace(b"SURROGATE", b"a\xed\xa0\x80b")
    run.findings_file("style").write_bytes(raw)
    steps.merge(run, request)
    assert read_json(run.report_file)["agents"]["style"]["status"] == "failed"
