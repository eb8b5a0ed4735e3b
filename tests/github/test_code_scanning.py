"""The opt-in SARIF upload to GitHub code scanning, against the fake GitHub: off by default
(no token ever asks for security_events), on with REVIEWBOT_CODE_SCANNING, and a refusal
that leaves the review standing and says why in the check run."""

from __future__ import annotations

import base64
import gzip
import json
from pathlib import Path

import jsonschema
from github_support import run_workflow

from review.settings import load_settings
from webhook.setup import SetupTarget, app_manifest

SCHEMA = Path(__file__).parents[1] / "formats" / "schemas" / "sarif-2.1.0-rtm.5.json"


def grants(gh) -> list[dict]:
    return [r.body["permissions"] for r in gh.calls("POST", r"/access_tokens$")]


def test_off_by_default_nothing_is_uploaded_nor_asked_for(scenario, workspace: Path) -> None:
    gh = scenario.github
    assert load_settings({}).code_scanning is False
    assert run_workflow(scenario.app(), scenario.trigger(), workspace).error is None
    assert gh.calls("POST", r"/code-scanning/") == []
    assert all("security_events" not in permissions for permissions in grants(gh))


def test_the_review_is_uploaded_as_sarif_for_the_pull_requests_head(
    scenario, workspace: Path
) -> None:
    gh = scenario.github
    assert load_settings({"REVIEWBOT_CODE_SCANNING": "true"}).code_scanning is True
    ran = run_workflow(scenario.app(code_scanning=True), scenario.trigger(), workspace)
    assert ran.error is None, ran.error
    assert {"security_events": "write"} in grants(gh)  # a token with that permission alone
    (upload,) = gh.sarifs
    assert upload["commit_sha"] == scenario.pull.head and upload["ref"] == "refs/pull/1/head"
    log = json.loads(gzip.decompress(base64.b64decode(upload["sarif"])))
    jsonschema.Draft4Validator(json.loads(SCHEMA.read_text())).validate(log)
    results = [(r["ruleId"], r["locations"][0]["physicalLocation"]["region"]["startLine"])
               for run in log["runs"] for r in run.get("results", [])]  # fmt: skip
    assert len(results) == 7 and ("F401", 3) in results  # the review's 7 findings
    assert ran.result["outputs"]["code_scanning"]["sarif_id"].startswith("sarif-")
    # the other outputs are unchanged
    assert len(gh.reviews) == 1 and len(gh.issue_comments) == 1


def test_a_refused_upload_is_reported_and_the_review_stands(scenario, workspace: Path) -> None:
    gh = scenario.github
    refusal = "Advanced Security must be enabled for this repository to use code scanning."
    gh.fail_next("POST", r"/code-scanning/sarifs$", 403, body={"message": refusal})
    ran = run_workflow(scenario.app(code_scanning=True), scenario.trigger(), workspace)
    assert ran.error is None, ran.error
    assert gh.sarifs == [] and len(gh.reviews) == 1
    outputs = ran.result["outputs"]
    assert outputs["code_scanning"]["sarif_id"] is None
    (run,) = gh.check_runs.values()
    assert run["conclusion"] == "failure"  # the findings still decide the check
    assert "SARIF upload to code scanning failed" in json.dumps(run["output"])


def test_the_setup_page_asks_for_security_events_only_when_enabled() -> None:
    plain = app_manifest("https://bot.example")["default_permissions"]
    assert "security_events" not in plain
    target = SetupTarget.from_settings(load_settings({"REVIEWBOT_CODE_SCANNING": "1"}))
    enabled = app_manifest("https://bot.example", code_scanning=target.code_scanning)
    assert enabled["default_permissions"] == {**plain, "security_events": "write"}
