"""The review as SARIF 2.1.0, the format GitHub code scanning accepts, built with sarif-om.

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
from review.report import Report

SCHEMA = "https://json.schemastore.org/sarif-2.1.0.json"
_LEVEL = {"error": "error", "warning": "warning", "note": "note"}


def render_sarif(report: Report) -> str:
    """One SARIF run per agent, as code scanning expects one run per tool."""
    tool_version = version("reviewbot")
    runs = []
    for agent in report.agents:
        mine = [f for f in report.findings if f.agent == agent]
        rules = sorted({f.rule for f in mine})
        results = [
            sarif.Result(
                rule_id=f.rule,
                rule_index=rules.index(f.rule),
                level=_LEVEL[f.severity.value],
                message=sarif.Message(text=f.message),
                locations=[
                    sarif.Location(
                        physical_location=sarif.PhysicalLocation(
                            artifact_location=sarif.ArtifactLocation(uri=_uri(f.path)),
                            region=sarif.Region(start_line=f.line, end_line=f.last_line),
                        )
                    )
                ],
                partial_fingerprints={"reviewbot/v1": f.fingerprint},
                baseline_state=f.baseline_state,  # "new" or "unchanged"; absent if not compared
            )
            for f in mine
        ]
        driver = sarif.ToolComponent(
            name=f"reviewbot-{agent}",
            version=tool_version,
            rules=[sarif.ReportingDescriptor(id=rule) for rule in rules],
        )
        runs.append(sarif.Run(tool=sarif.Tool(driver=driver), results=results))
    log = sarif.SarifLog(version="2.1.0", schema_uri=SCHEMA, runs=runs)
    return json.dumps(json.loads(to_json(log)), indent=2) + "\n"


def _uri(path: str) -> str:
    return quote(path, safe="/")


FORMAT = Format("sarif", "SARIF 2.1.0, for GitHub code scanning and other tools", render_sarif)
