"""Security reviewer: bandit over the changed Python files."""

from __future__ import annotations

from pathlib import PurePosixPath

from agents.base import Agent, Analysis
from agents.llm.review import with_model_review
from agents.process import as_arguments, from_argument, parse_json_output, run_python_tool
from review.diff import ChangedFile
from review.findings import Finding, Severity
from review.request import ReviewConfig
from review.workspace import RunDir

_SEVERITY = {"HIGH": Severity.ERROR, "MEDIUM": Severity.WARNING, "LOW": Severity.NOTE}
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


def _analyse(run: RunDir, files: list[ChangedFile], config: ReviewConfig) -> Analysis:
    paths = [f.path for f in files]
    output = run_python_tool(
        "bandit",
        ["--format", "json", "--quiet", "--", *as_arguments(paths)],
        cwd=run.src,
        timeout=config.agent_timeout_seconds,
        ok_codes=(0, 1),  # 1 means "issues found"
    )
    report = parse_json_output("bandit", output)
    analysis = Analysis()
    for item in report.get("results", []):
        path = from_argument(item["filename"], run.src)
        if item["test_id"] in TEST_CODE_RULES and is_test_file(path):
            continue
        line_range = item.get("line_range") or [item["line_number"]]
        analysis.findings.append(
            Finding(
                agent="security",
                rule=item["test_id"],
                severity=_SEVERITY.get(item.get("issue_severity", ""), Severity.WARNING),
                path=path,
                line=item["line_number"],
                end_line=max(line_range) if max(line_range) > item["line_number"] else None,
                message=f"{item['issue_text']} ({item['test_name']}, "
                f"confidence {item.get('issue_confidence', '?').lower()})",
                category=CATEGORIES.get(item["test_id"], ""),
            )
        )
    for error in report.get("errors", []):
        analysis.notes.append(f"{from_argument(error['filename'], run.src)}: {error['reason']}")
    return analysis


AGENT = Agent(
    name="security",
    concerns=lambda path: path.endswith(".py"),
    analyse=with_model_review("security", _analyse),
)
