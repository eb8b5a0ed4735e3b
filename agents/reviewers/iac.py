"""Infrastructure-as-code reviewer: checkov over Terraform, CloudFormation, Kubernetes,
Serverless, ARM and Bicep files, with our curated list of checks.

checkov executes Python from the directories its configuration names
(`external-checks-dir`), so it must never read the repository's `.checkov.yaml`: it runs
from an empty directory with `--config-file` ours, `--skip-download` and, in its
environment, `CKV_SKIP_PACKAGE_UPDATE_CHECK` (without it, it asks PyPI for a newer
version). Checks judge a whole resource, so the analyser is `new_only`: a check that
already failed on the base version of the file is not reported again because of an
unrelated edit to the resource. A finding is placed on the lines of the attributes the
check evaluated (`acl`, `cidr_blocks`, `privileged`), or on the whole resource when none
is written out (a missing setting).

checkov is installed in an environment of its own (see README, "Installing the
analysers"): in reviewbot's it would replace detect-secrets with Bridgecrew's fork and
pin boto3, packaging and urllib3 below what reviewbot needs.
"""

from __future__ import annotations

import re
from typing import Any

from agents.analysis import Analysis
from agents.configs import config
from agents.declaration import CONFIG, FILES, Agent, Analyser
from agents.files import Files
from agents.parsers import ToolOutput
from agents.yaml_bombs import ExpandsAliases
from review.findings import Finding, Severity
from review.lines import LineModel

# Credentials written into the code are errors; every other curated check (something
# exposed or opened) is a warning.
SEVERITIES = {"CKV_AWS_41": Severity.ERROR}

# `#checkov:skip=CKV_AWS_20:reason` (also bridgecrew's spelling) and the Kubernetes
# annotation `checkov.io/skip1: CKV_K8S_16=reason`
SKIP = r"(?i)(?:checkov|bridgecrew)\s*:\s*skip|checkov\.io/skip"

_INDEX = re.compile(r"\[\d+\]|\*")
_BREAKS = "\r\n\x85\u2028\u2029"


def parse_checkov(output: ToolOutput) -> Analysis:
    """checkov's JSON: one report per framework (a list), one report (an object), or only
    a summary when no file held a resource. A finding per failed check; a note per file
    checkov could not parse."""
    data = output.json()
    reports = data if isinstance(data, list) else [data]
    analysis = Analysis()
    for report in reports:
        results = report.get("results") if isinstance(report, dict) else None
        if not isinstance(results, dict):
            continue
        for check in results.get("failed_checks") or []:
            finding = _finding(output, check)
            if finding is not None:
                analysis.findings.append(finding)
        for reported in results.get("parsing_errors") or []:
            path = output.repo_path(str(reported))
            if path is not None:
                analysis.notes.append(f"{path}: checkov could not parse it")
    return analysis


def _finding(output: ToolOutput, check: dict[str, Any]) -> Finding | None:
    path = output.repo_path(str(check.get("file_abs_path") or ""))
    first, last = (check.get("file_line_range") or [0, 0])[:2]
    if path is None or not isinstance(first, int) or first < 1:
        return None
    keys = (check.get("check_result") or {}).get("evaluated_keys") or []
    code = check.get("code_block") or []
    lines = attribute_lines(code, keys)
    if not _numbered_as_read(code, lines, output.lines(path)):
        lines = []  # its code block is numbered otherwise (Bicep's: str.splitlines)
    line, end = (min(lines), max(lines)) if lines else (first, max(first, last))
    rule = str(check["check_id"])
    resource = check.get("resource") or "the resource"
    return Finding(
        agent=output.agent,
        rule=rule,
        severity=output.severities.get(rule, Severity.WARNING),
        path=path,
        line=line,
        end_line=end if end > line else None,
        message=f"{check.get('check_name') or rule} ({resource})",
        category="hardcoded-secret" if rule in ("CKV_AWS_41", "CKV_AWS_45", "CKV_AWS_46") else "",
    )


def _numbered_as_read(code_block: list[Any], numbers: list[int], read: list[str]) -> bool:
    """Whether the code block's lines `numbers` are those lines of the file the tool read
    (`read`, as it numbers them; an unreadable file is taken on trust)."""
    if not read:
        return True
    texts = {p[0]: p[1] for p in code_block if isinstance(p, list | tuple) and len(p) == 2}
    return all(
        0 < n <= len(read) and read[n - 1].rstrip(_BREAKS) == str(texts.get(n)).rstrip(_BREAKS)
        for n in numbers
    )


def attribute_lines(code_block: list[Any], keys: list[str]) -> list[int]:
    """The lines of a resource's code (checkov's `code_block`: [line, text] pairs) that set
    one of the evaluated attributes: for "ingress/[0]/cidr_blocks", a line starting
    `cidr_blocks =` (HCL), `cidr_blocks:` (YAML) or `"cidr_blocks":` (JSON)."""
    names = {
        parts[-1]
        for key in keys
        if (parts := [p for p in _INDEX.sub("", str(key)).split("/") if p])
        and parts[-1] != "resource_type"
    }
    if not names:
        return []
    alternatives = "|".join(map(re.escape, sorted(names)))
    setting = re.compile(rf"""^\s*(?:-\s+)?["']?({alternatives})["']?\s*[:=]""")
    return [
        number
        for number, text in (pair for pair in code_block if isinstance(pair, list | tuple))
        if isinstance(number, int) and isinstance(text, str) and setting.match(text)
    ]


AGENT = Agent(
    name="iac",
    description="checkov (curated checks) on Terraform, CloudFormation, Kubernetes, ARM, Bicep",
    files=Files.of(
        suffixes=["tf", "bicep", "yaml", "yml", "json", "template"],
        exclude=[
            ".github/*",  # workflows: the workflows agent's
            "*package.json",
            "*package-lock.json",
            "*-lock.yaml",
            "*tsconfig*.json",
            "*/templates/*",  # Helm templates are not YAML until rendered
        ],
    ),
    order=56,
    analysers=(
        Analyser(
            command=("checkov", "--config-file", CONFIG, "--skip-download", "-o", "json")
            + ("-f", FILES),
            config=config("checkov.yaml"),
            version=("checkov", "--version"),
            env={"CKV_SKIP_PACKAGE_UPDATE_CHECK": "true"},
            parse=parse_checkov,
            severities=SEVERITIES,
            suppressions=(SKIP,),
            new_only=True,
            rule_ids=r"CKV2?_[A-Z0-9]+_[0-9]+",
            # a module's variables, locals and providers decide its resources' values
            neighbours={"*.tf": ("*.tf",)},
            # it loads YAML expanding aliases (a bomb hangs it), and tries YAML first on
            # CloudFormation's .json and .template files too
            expands_aliases=ExpandsAliases(),
            # it loads YAML, and JSON, with PyYAML (whose lines also end at U+0085, U+2028
            # and U+2029), and reads HCL and Bicep with universal newlines (a lone CR too)
            line_model=LineModel.YAML,
            line_models={"*.tf": LineModel.UNIVERSAL, "*.bicep": LineModel.UNIVERSAL},
            install="checkov runs from an environment of its own: pipx install checkov, or "
            "see README, 'Installing the analysers'",
        ),
    ),
)
