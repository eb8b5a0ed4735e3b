"""The review as SARIF 2.1.0, the format GitHub code scanning accepts, built with sarif-om.

One run per agent (code scanning expects one run per tool). Each rule carries the
analyser's own description, help (text and Markdown) and documentation link from
`reporter.rules` (a committed catalogue: rendering runs no tool), its tags, and for a
security rule `security-severity`, the number code scanning ranks alerts by. Each result's
`partialFingerprints` is the finding's fingerprint, made from the rule, the file and the
flagged line's text, so an alert survives lines moving above it.
Each result carries SARIF's `baselineState` when its agent compared it with the base
version of the file: `new` (the change introduced it) or `unchanged` (already there).
"""

from __future__ import annotations

import json
from importlib.metadata import version
from urllib.parse import quote

import sarif_om as sarif
from jschema_to_python.to_json import to_json

from reporter.formats import Format
from reporter.rules import RuleHelp, rule_help
from review.findings import Finding, Severity
from review.report import Report

SCHEMA = "https://json.schemastore.org/sarif-2.1.0.json"
FINGERPRINT = "reviewbot/v1"
_LEVEL = {"error": "error", "warning": "warning", "note": "note"}
# GitHub code scanning: 9.0+ critical, 7.0-8.9 high, 4.0-6.9 medium, 0.1-3.9 low. A
# security rule is ranked by the gravest severity our policy gave its findings.
SECURITY_SEVERITY = {Severity.ERROR: "8.0", Severity.WARNING: "5.0", Severity.NOTE: "2.0"}


def render_sarif(report: Report) -> str:
    """The SARIF log as JSON text: one run per agent of the report, findings or not."""
    tool_version = version("reviewbot")
    runs = [_run(agent, report.findings, tool_version) for agent in report.agents]
    log = sarif.SarifLog(version="2.1.0", schema_uri=SCHEMA, runs=runs)
    return json.dumps(json.loads(to_json(log)), indent=2) + "\n"


def _run(agent: str, findings: list[Finding], tool_version: str) -> sarif.Run:
    mine = [f for f in findings if f.agent == agent]
    by_rule: dict[str, list[Finding]] = {}
    for finding in mine:
        by_rule.setdefault(finding.rule, []).append(finding)
    rules = sorted(by_rule)
    driver = sarif.ToolComponent(
        name=f"reviewbot-{agent}",
        version=tool_version,
        rules=[_descriptor(agent, rule, by_rule[rule]) for rule in rules],
    )
    results = [_result(f, rules.index(f.rule)) for f in mine]
    return sarif.Run(tool=sarif.Tool(driver=driver), results=results)


def _descriptor(agent: str, rule: str, findings: list[Finding]) -> sarif.ReportingDescriptor:
    found = rule_help(agent, rule, findings[0].message)
    gravest = max((f.severity for f in findings), key=lambda s: s.rank)
    categories = sorted({f.category for f in findings if f.category})
    return sarif.ReportingDescriptor(
        id=rule,
        name=found.name,
        short_description=sarif.MultiformatMessageString(text=found.short),
        full_description=sarif.MultiformatMessageString(text=found.full),
        help=sarif.MultiformatMessageString(text=found.help_text, markdown=found.help_markdown),
        help_uri=found.help_uri or None,
        default_configuration=sarif.ReportingConfiguration(level=_LEVEL[gravest.value]),
        properties=_properties(found, categories, gravest),
    )


def _properties(found: RuleHelp, categories: list[str], gravest: Severity) -> sarif.PropertyBag:
    bag = sarif.PropertyBag(tags=list(dict.fromkeys([*found.tags, *categories])))
    if found.security:  # a property name that is no Python identifier: set as an attribute
        setattr(bag, "security-severity", SECURITY_SEVERITY[gravest])
    return bag


def _result(finding: Finding, rule_index: int) -> sarif.Result:
    return sarif.Result(
        rule_id=finding.rule,
        rule_index=rule_index,
        level=_LEVEL[finding.severity.value],
        message=sarif.Message(text=finding.message),
        locations=[
            sarif.Location(
                physical_location=sarif.PhysicalLocation(
                    artifact_location=sarif.ArtifactLocation(uri=_uri(finding.path)),
                    region=sarif.Region(start_line=finding.line, end_line=finding.last_line),
                )
            )
        ],
        partial_fingerprints={FINGERPRINT: finding.fingerprint} if finding.fingerprint else None,
        baseline_state=finding.baseline_state,  # "new" or "unchanged"; absent if not compared
    )


def _uri(path: str) -> str:
    return quote(path, safe="/")


FORMAT = Format("sarif", "SARIF 2.1.0, for GitHub code scanning and other tools", render_sarif)
