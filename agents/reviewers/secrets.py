"""Secrets reviewer: detect-secrets over every changed text file.

`--no-verify`: verifying a secret means sending it to its provider; a reviewer must
never do that with somebody else's credentials.
"""

from __future__ import annotations

from agents.base import Agent, Analysis
from agents.process import as_arguments, from_argument, parse_json_output, run_python_tool
from review.diff import ChangedFile
from review.findings import Finding, Severity
from review.request import ReviewConfig
from review.workspace import RunDir

# Detectors that guess from names or entropy, not from a credential's known format:
# worth a look, not a failed check.
HEURISTIC = frozenset({"Secret Keyword", "Base64 High Entropy String", "Hex High Entropy String"})


def _analyse(run: RunDir, files: list[ChangedFile], config: ReviewConfig) -> Analysis:
    output = run_python_tool(
        "detect_secrets",
        ["scan", "--no-verify", "--", *as_arguments([f.path for f in files])],
        cwd=run.src,
        timeout=config.agent_timeout_seconds,
    )
    report = parse_json_output("detect-secrets", output)
    analysis = Analysis()
    for reported, secrets in (report.get("results") or {}).items():
        for secret in secrets:
            analysis.findings.append(
                Finding(
                    agent="secrets",
                    rule=secret["type"],
                    severity=Severity.WARNING if secret["type"] in HEURISTIC else Severity.ERROR,
                    path=from_argument(reported, run.src),
                    line=secret["line_number"],
                    message=f"Possible secret committed ({secret['type']}): rotate it and "
                    "load it from a secret store instead.",
                    category="hardcoded-secret",
                )
            )
    return analysis


AGENT = Agent(name="secrets", concerns=lambda path: True, analyse=_analyse)
