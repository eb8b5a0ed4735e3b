"""Style and correctness-lint reviewer: ruff over the changed Python files.

Ruff runs `--isolated`: a reviewed repository's configuration could point ruff at files
outside the checkout (`extend = "/etc/..."`), so it is never read.
"""

from __future__ import annotations

from agents.base import Agent, Analysis
from agents.llm.review import with_model_review
from agents.process import as_arguments, from_argument, parse_json_output, run_python_tool
from review.diff import ChangedFile
from review.findings import Finding, Severity
from review.request import ReviewConfig
from review.workspace import RunDir

# pyflakes, pycodestyle errors, bugbear, simplify, comprehensions: findings worth a comment.
RULES = "E4,E7,E9,F,B,SIM,C4"
_ERRORS = ("E9", "F821", "F822", "F823", "F63", "F7")


def _severity(code: str | None) -> Severity:
    if not code or code.startswith(_ERRORS):
        return Severity.ERROR  # a syntax error, or a name that will fail at run time
    if code.startswith(("F", "B")):
        return Severity.WARNING
    return Severity.NOTE


def _suggestion(item: dict, line: int) -> str | None:
    """A one-hunk safe fix that replaces whole lines, as a suggested replacement."""
    fix = item.get("fix") or {}
    edits = fix.get("edits") or []
    if fix.get("applicability") != "safe" or len(edits) != 1:
        return None
    edit = edits[0]
    if edit["location"]["row"] != line or edit["location"]["column"] != 1:
        return None
    if edit["end_location"]["column"] != 1:
        return None
    return edit["content"].removesuffix("\n")


def _analyse(run: RunDir, files: list[ChangedFile], config: ReviewConfig) -> Analysis:
    output = run_python_tool(
        "ruff",
        ["check", "--isolated", "--no-cache", "--exit-zero", "--output-format", "json"]
        + ["--select", RULES, "--", *as_arguments([f.path for f in files])],
        cwd=run.src,
        timeout=config.agent_timeout_seconds,
    )
    analysis = Analysis()
    for item in parse_json_output("ruff", output):
        line = item["location"]["row"]
        end = item["end_location"]["row"]
        code = item.get("code")
        analysis.findings.append(
            Finding(
                agent="style",
                rule=code or "syntax-error",
                severity=_severity(code),
                path=from_argument(item["filename"], run.src),
                line=line,
                end_line=end if end > line else None,
                message=item["message"],
                suggestion=_suggestion(item, line),
            )
        )
    return analysis


AGENT = Agent(
    name="style",
    concerns=lambda path: path.endswith((".py", ".pyi")),
    analyse=with_model_review("style", _analyse),
)
