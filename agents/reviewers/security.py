"""Security reviewer: bandit over the changed Python files, then a model pass if configured."""

from __future__ import annotations

from pathlib import PurePosixPath

from agents.analysis import Analysis
from agents.declaration import FILES, PYTHON, Agent, Analyser, Brief
from agents.files import PYTHON_FILES
from agents.parsers import ToolOutput
from review.findings import Finding, Severity
from review.lines import LineModel

# Rules that find the same problem as another agent's rules, named alike so they merge.
CATEGORIES = {"B105": "hardcoded-secret", "B106": "hardcoded-secret", "B107": "hardcoded-secret"}

# Rules that are noise in test code: pytest is built on `assert`.
TEST_CODE_RULES = frozenset({"B101"})


def is_test_file(path: str) -> bool:
    """Whether a path is test code by the usual Python conventions."""
    parts = PurePosixPath(path).parts
    name = parts[-1]
    in_tests = any(part in ("tests", "test", "testing") for part in parts[:-1])
    return (
        in_tests or name.startswith("test_") or name.endswith("_test.py") or name == "conftest.py"
    )


def parse_bandit(output: ToolOutput) -> Analysis:
    """bandit's JSON report: a finding per result (its whole `line_range`, its confidence
    in the message), `assert` left alone in test code; a note for each file it could not
    parse, and for each file it was given but did not report analysing."""
    report = output.json()
    analysis = Analysis()
    for item in report.get("results", []):
        path = output.repo_path(item["filename"])
        if path is None or (item["test_id"] in TEST_CODE_RULES and is_test_file(path)):
            continue
        line_range = item.get("line_range") or [item["line_number"]]
        analysis.findings.append(
            Finding(
                agent=output.agent,
                rule=item["test_id"],
                severity=output.severities.get(item.get("issue_severity", ""), Severity.WARNING),
                path=path,
                line=item["line_number"],
                end_line=max(line_range) if max(line_range) > item["line_number"] else None,
                message=f"{item['issue_text']} ({item['test_name']}, "
                f"confidence {item.get('issue_confidence', '?').lower()})",
                category=CATEGORIES.get(item["test_id"], ""),
            )
        )
    reached = {output.repo_path(name) for name in report.get("metrics") or {}}
    for error in report.get("errors", []):
        path = output.repo_path(error["filename"]) or error["filename"]
        reached.add(path)
        analysis.notes.append(f"{path}: {error['reason']}")
    for path in output.files:
        if path not in reached:
            analysis.notes.append(f"{path}: bandit did not analyse it")
    return analysis


AGENT = Agent(
    name="security",
    description="bandit on Python files, plus a model's security review",
    files=PYTHON_FILES,
    order=10,
    analysers=(
        Analyser(
            # `--exclude ""` drops bandit's default excludes (.tox, __pycache__, *.egg…), which
            # it applies even to the files it is given; every changed Python file is read
            command=(PYTHON, "-m", "bandit", "--format", "json", "--quiet", "--exclude", "")
            + ("--", FILES),
            version=(PYTHON, "-m", "bandit", "--version"),
            parse=parse_bandit,
            line_model=LineModel.UNIVERSAL,
            findings_exit_codes=(1,),
            severities={"HIGH": Severity.ERROR, "MEDIUM": Severity.WARNING, "LOW": Severity.NOTE},
        ),
    ),
    brief=Brief(
        title="security",
        focus="vulnerabilities an attacker could use: injection (SQL, shell, code, template, "
        "path), unsafe deserialization, missing or broken authentication and authorisation, "
        "secrets in code, weak or misused cryptography, server-side request forgery, unsafe "
        "file handling, information leaks, and trust placed in user-controlled input.",
        categories=(
            "sql-injection",
            "command-injection",
            "code-injection",
            "path-traversal",
            "unsafe-deserialization",
            "hardcoded-secret",
            "weak-crypto",
            "ssrf",
            "authz",
            "insecure-config",
            "information-leak",
            "prompt-injection",
        ),
    ),
)
