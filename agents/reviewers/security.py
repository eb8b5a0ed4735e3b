"""Security reviewer: bandit and ruff's bandit-derived `S` rules over the changed Python
files, then a model pass if configured.

bandit parses with the running interpreter, so on Python 3.11 it cannot read a file using
3.12+ syntax (`type X = ...`, PEP 695 generics, nested same-quote f-strings) and only notes
it; ruff has its own parser, so its `S` rules still review such a file. Where both find
the same problem they report it alike (ruff's S602 is bandit's B602: same rule id, same
category), so the review merges them into one finding.
"""

from __future__ import annotations

import re
from collections.abc import Mapping
from pathlib import PurePosixPath

from agents.analysis import Analysis
from agents.declaration import FILES, PYTHON, Agent, Analyser, Brief
from agents.files import PYTHON_FILES
from agents.parsers import ToolOutput
from agents.reviewers.style import NOQA
from review.findings import Finding, Severity
from review.lines import LineModel

# bandit rule id -> the category shared with the other agents that find the same problem
# (detect-secrets' secrets, the `patterns` rule pack's injections), so they merge.
CATEGORIES = {
    **dict.fromkeys(("B105", "B106", "B107"), "hardcoded-secret"),
    **dict.fromkeys(("B601", "B602", "B604", "B605", "B609"), "command-injection"),
    **dict.fromkeys(("B102", "B307"), "code-injection"),
    **dict.fromkeys(("B608", "B610", "B611"), "sql-injection"),
    **dict.fromkeys(("B301", "B302", "B506", "B614"), "unsafe-deserialization"),
    **dict.fromkeys(("B501", "B502", "B503", "B504", "B323"), "insecure-tls"),
    **dict.fromkeys(("B303", "B304", "B305", "B324"), "weak-crypto"),
    **dict.fromkeys(("B701", "B702", "B704"), "xss"),
}

# Severity policy: injection sinks with run-time data, unsafe deserialisation and disabled
# TLS verification are errors, hygiene is a note, everything else a warning. Keyed by
# bandit id; ruff's S rules use the same ids. A shell command bandit judges constant (its
# LOW, ruff's "seems safe") is a warning. `eval`/`exec` (B307, B102) and SQL strings (B608)
# stay warnings whatever the data: bandit and ruff flag constants alike, and the
# `patterns` agent's rule pack reports the run-time cases as errors (merged with these).
_ERRORS = (
    *("B601", "B602", "B604", "B605", "B609"),  # a shell command
    *("B301", "B302", "B506", "B614"),  # pickle, marshal, yaml.load, torch.load
    *("B501", "B502", "B503", "B504", "B323"),  # TLS verification off, SSL/TLS too old
    "B704",  # markupsafe.Markup of a run-time string
)
_HYGIENE = ("B101", "B110", "B112", "B311", "B603", "B607")  # and every import rule, B4xx
# a password guessed from a variable's name: detect-secrets' warning says it for both
_GUESSES = ("B105", "B106", "B107")
SEVERITIES = {
    **dict.fromkeys(_ERRORS, Severity.ERROR),
    **dict.fromkeys((*_HYGIENE, *_GUESSES), Severity.NOTE),
}

# Rules that are noise in test code: pytest is built on `assert`.
TEST_CODE_RULES = frozenset({"B101"})

# bandit's in-code suppression, `# nosec` or `# nosec B602` (ruff's are the style agent's NOQA)
NOSEC = r"(?i)nosec"


def is_test_file(path: str) -> bool:
    """Whether a path is test code by the usual Python conventions."""
    parts = PurePosixPath(path).parts
    name = parts[-1]
    in_tests = any(part in ("tests", "test", "testing") for part in parts[:-1])
    return (
        in_tests or name.startswith("test_") or name.endswith("_test.py") or name == "conftest.py"
    )


def severity(rule: str, severities: Mapping[str, Severity], constant: bool) -> Severity:
    """Our severity of bandit rule `rule`; `constant` when the tool judged the data
    reaching the sink constant (bandit's LOW, ruff's "seems safe")."""
    found = severities.get(rule)
    if found is Severity.ERROR and constant:
        return Severity.WARNING
    if found is None and rule.startswith("B4"):  # importing a module with a bad history
        return Severity.NOTE
    return found or Severity.WARNING


def parse_bandit(output: ToolOutput) -> Analysis:
    """bandit's JSON report: a finding per result (its whole `line_range`, its confidence
    in the message), `assert` left alone in test code; a note for each file it could not
    parse, and for each file it was given but did not report analysing."""
    report = output.json()
    analysis = Analysis()
    for item in report.get("results", []):
        path = output.repo_path(item["filename"])
        rule = item["test_id"]
        if path is None or (rule in TEST_CODE_RULES and is_test_file(path)):
            continue
        # the whole statement: bandit's `line_number` is the line of what it flags inside
        # it (`shell=True`), ruff's the statement's first line, where both are placed
        line_range = item.get("line_range") or [item["line_number"]]
        line, end = min(line_range), max(line_range)
        constant = item.get("issue_severity") == "LOW"
        analysis.findings.append(
            Finding(
                agent=output.agent,
                rule=rule,
                severity=severity(rule, output.severities, constant),
                path=path,
                line=line,
                end_line=end if end > line else None,
                message=f"{item['issue_text']} ({item['test_name']}, "
                f"confidence {item.get('issue_confidence', '?').lower()})",
                category=CATEGORIES.get(rule, ""),
            )
        )
    reached = {output.repo_path(name) for name in report.get("metrics") or {}}
    for error in report.get("errors", []):
        path = output.repo_path(error["filename"]) or error["filename"]
        reached.add(path)
        analysis.notes.append(f"{path}: {error['reason']} (bandit; ruff's S rules still read it)")
    for path in output.files:
        if path not in reached:
            analysis.notes.append(f"{path}: bandit did not analyse it")
    return analysis


_S_RULE = re.compile(r"S(\d{3})")


def parse_ruff_security(output: ToolOutput) -> Analysis:
    """ruff's JSON diagnostics for the `S` rules, named as bandit names them (S602 is
    reported as B602, "ruff S602" in the message) so that the two tools' findings of one
    problem merge. Syntax errors are the style agent's to report, not repeated here."""
    analysis = Analysis()
    for item in output.json():
        path = output.repo_path(item["filename"])
        match = _S_RULE.fullmatch(item.get("code") or "")
        if path is None or match is None:
            continue
        rule = f"B{match.group(1)}"
        if rule in TEST_CODE_RULES and is_test_file(path):
            continue
        line, end = item["location"]["row"], item["end_location"]["row"]
        message = item["message"]
        analysis.findings.append(
            Finding(
                agent=output.agent,
                rule=rule,
                severity=severity(rule, output.severities, "seems safe" in message),
                path=path,
                line=line,
                end_line=end if end > line else None,
                message=f"{message} (ruff {item['code']})",
                category=CATEGORIES.get(rule, ""),
            )
        )
    return analysis


AGENT = Agent(
    name="security",
    description="bandit and ruff's S rules on Python files, plus a model's security review",
    files=PYTHON_FILES,
    order=10,
    analysers=(
        Analyser(
            # `--exclude ""` drops bandit's default excludes (.tox, __pycache__, *.egg…), which
            # it applies even to the files it is given; every changed Python file is read
            command=(PYTHON, "-m", "bandit", "--format", "json", "--quiet", "--exclude", "")
            + ("--", FILES),
            version=(PYTHON, "-m", "bandit", "--version"),
            rule_ids=r"B[0-9]{3}",
            parse=parse_bandit,
            line_model=LineModel.UNIVERSAL,
            findings_exit_codes=(1,),
            severities=SEVERITIES,
            suppressions=(NOSEC,),
        ),
        Analyser(
            # --isolated: no configuration of the repository's; no --target-version, so
            # syntax of any Python version is read without complaint
            command=(PYTHON, "-m", "ruff", "check", "--isolated", "--no-cache", "--exit-zero")
            + ("--output-format", "json", "--select", "S", "--", FILES),
            version=(PYTHON, "-m", "ruff", "--version"),
            parse=parse_ruff_security,
            name="ruff",
            rule_ids=r"B[0-9]{3}",  # named as bandit names them
            line_model=LineModel.UNIVERSAL,
            severities=SEVERITIES,
            suppressions=(NOQA,),
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
