"""YAML reviewer: yamllint over the changed YAML files, for syntax errors and duplicate
keys only (a duplicated key silently drops the first value).

yamllint reads our configuration (`-c`), never the repository's `.yamllint`; the
`# yamllint disable...` comments the change adds are neutralised.
"""

from __future__ import annotations

import re

from agents.analysis import Analysis
from agents.configs import config
from agents.declaration import CONFIG, FILES, PYTHON, Agent, Analyser
from agents.files import Files
from agents.parsers import ToolOutput
from review.findings import Finding, Severity
from review.lines import LineModel

# a file that does not parse is an error; a duplicate key a warning
SEVERITIES = {"syntax": Severity.ERROR, "key-duplicates": Severity.WARNING}

# `parsable` format: "path:line:column: [level] message (rule)"; syntax errors name the
# rule "syntax" the same way
_LINE = re.compile(r"^(?P<path>.+):(?P<line>\d+):(?P<column>\d+): \[(?P<level>\w+)\] (?P<text>.*)$")
_RULE = re.compile(r"^(?P<message>.*) \((?P<rule>[\w-]+)\)$")


def parse_yamllint(output: ToolOutput) -> Analysis:
    """yamllint's `parsable` lines: a finding each."""
    analysis = Analysis()
    for text in output.text.split("\n"):
        line = _LINE.match(text)
        path = output.repo_path(line["path"]) if line else None
        if line is None or path is None:
            continue
        named = _RULE.match(line["text"])
        rule, message = (named["rule"], named["message"]) if named else ("syntax", line["text"])
        analysis.findings.append(
            Finding(
                agent=output.agent,
                rule=rule,
                severity=output.severities.get(rule, Severity.WARNING),
                path=path,
                line=max(1, int(line["line"])),
                message=message,
            )
        )
    return analysis


AGENT = Agent(
    name="yaml",
    description="yamllint on YAML files: syntax errors and duplicate keys",
    files=Files.of(suffixes=["yaml", "yml"], exclude=["*/templates/*"]),  # Helm: not YAML yet
    order=60,
    analysers=(
        Analyser(
            command=(PYTHON, "-m", "yamllint", "-c", CONFIG, "--format", "parsable", FILES),
            config=config("yamllint.yaml"),
            version=(PYTHON, "-m", "yamllint", "--version"),
            parse=parse_yamllint,
            findings_exit_codes=(1,),  # 1: an error was found
            severities=SEVERITIES,
            # `# yamllint disable`, `disable-line`, `disable-file`
            suppressions=(r"yamllint\s+disable",),
            rule_ids=r"syntax|key-duplicates",  # the only rules our configuration enables
            # both rules report PyYAML's marks, which also end a line at NEL, LS and PS
            line_model=LineModel.YAML,
            install="pip install 'yamllint>=1.38' (a reviewbot dependency)",
        ),
    ),
)
