"""Style and correctness-lint reviewer: ruff over the changed Python files, then a
maintainability review by a model if one is configured.

Ruff runs `--isolated`: a reviewed repository's configuration could point ruff at files
outside the checkout (`extend = "/etc/..."`), so it is never read.
"""

from __future__ import annotations

from typing import Any

from agents.analysis import Analysis
from agents.declaration import FILES, Agent, Analyser, Brief
from agents.files import PYTHON_FILES
from agents.parsers import ToolOutput
from review.findings import Finding, Severity
from review.lines import LineModel

# pyflakes, pycodestyle errors, bugbear, simplify, comprehensions: findings worth a comment.
RULES = "E4,E7,E9,F,B,SIM,C4"
# ruff's in-code suppression comments (case-insensitive): noqa, per line (with or without
# codes) or for the whole file (ruff: noqa, flake8: noqa), and ruff: disable[...] ranges
NOQA = r"(?i)noqa|ruff\s*:\s*disable"
# Severity policy (README, "Severities"): code that cannot run is an error (a syntax
# error, E999 or ruff's unnamed ones; pyflakes' compile-time errors F701-F707; a name
# nothing defines, F821, or a local read before it is bound, F823); a likely bug is a
# warning (the rest of pyflakes and bugbear); style and hygiene are notes: pycodestyle's
# E4/E7, simplify and comprehensions, and the pyflakes and bugbear rules below.
# https://docs.astral.sh/ruff/rules/
_ERRORS = ("E999", "F70", "F821", "F823")
_HYGIENE = (
    "E4",  # import placement
    "E7",  # statements: `== None`, bare except, lambda assignment, ambiguous names
    "SIM",
    "C4",
    *("F401", "F403", "F405", "F541", "F841", "F842"),  # unused, star imports, f"" bare
    *("B007", "B009", "B010", "B021", "B024", "B026", "B027"),  # unused loop var, getattr…
    *("B028", "B904", "B905", "B911", "B912"),  # stacklevel, raise from, zip/map strict
)


def _severity(code: str | None) -> Severity:
    if not code or code.startswith(_ERRORS):
        return Severity.ERROR  # a syntax error, or a name that will fail at run time
    if code.startswith(_HYGIENE):
        return Severity.NOTE
    return Severity.WARNING


def _suggestion(item: dict[str, Any]) -> tuple[str, tuple[int, int]] | None:
    """A safe fix of one edit that replaces whole lines: its new text and the lines it
    replaces (which may be more than the flagged ones: an unused name of a multi-line
    import is removed with the whole statement)."""
    fix = item.get("fix") or {}
    edits = fix.get("edits") or []
    if fix.get("applicability") != "safe" or len(edits) != 1:
        return None
    start, end = edits[0]["location"], edits[0]["end_location"]
    if start["column"] != 1 or end["column"] != 1 or end["row"] <= start["row"]:
        return None  # part of a line, or an insertion between lines
    return edits[0]["content"].removesuffix("\n"), (start["row"], end["row"] - 1)


def parse_ruff(output: ToolOutput) -> Analysis:
    """ruff's JSON list of diagnostics: a finding each, with its safe whole-line fix."""
    analysis = Analysis()
    for item in output.json():
        path = output.repo_path(item["filename"])
        if path is None:
            continue
        line = item["location"]["row"]
        end = item["end_location"]["row"]
        code = item.get("code")
        fix = _suggestion(item)
        analysis.findings.append(
            Finding(
                agent=output.agent,
                rule=code or "syntax-error",
                severity=_severity(code),
                path=path,
                line=line,
                end_line=end if end > line else None,
                message=item["message"],
                suggestion=fix[0] if fix else None,
                suggestion_lines=fix[1] if fix else None,
            )
        )
    return analysis


AGENT = Agent(
    name="style",
    description="ruff on Python files, plus a model's maintainability review",
    files=PYTHON_FILES,
    order=20,
    analysers=(
        Analyser(
            command=("ruff", "check", "--isolated", "--no-cache", "--exit-zero")
            + ("--output-format", "json", "--select", RULES, "--", FILES),
            version=("ruff", "--version"),
            # the program itself: `python -m ruff` starts an interpreter only to exec it
            install="pip install ruff (a reviewbot dependency)",
            rule_ids=r"[A-Z]{1,4}[0-9]{1,4}|syntax-error",
            parse=parse_ruff,
            line_model=LineModel.UNIVERSAL,
            suppressions=(NOQA,),
        ),
    ),
    brief=Brief(
        title="maintainability",
        focus="code a maintainer will struggle with: misleading names, functions doing too "
        "much, duplicated logic, dead or unreachable code, swallowed errors, magic values, "
        "missing cleanup, and APIs that are easy to misuse. Formatting and lint rules are "
        "checked by ruff already: do not repeat them.",
        categories=(
            "naming",
            "complexity",
            "duplication",
            "dead-code",
            "error-handling",
            "magic-value",
            "api-design",
            "documentation",
        ),
    ),
)
