"""YAML reviewer: yamllint over the changed YAML files, for syntax errors and duplicate
keys only (a duplicated key silently drops the first value), and alias bombs: aliases
that expand to more nodes than a program loading the file can build (`agents.yaml_bombs`).

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
from agents.yaml_bombs import MAX_ALIAS_NODES, alias_bomb
from review.findings import Finding, Severity
from review.lines import LineModel

# a file that does not parse is an error; a duplicate key a warning, and an alias bomb
SEVERITIES = {
    "syntax": Severity.ERROR,
    "key-duplicates": Severity.WARNING,
    "alias-bomb": Severity.WARNING,
}

# `parsable` format: "path:line:column: [level] message (rule)"; syntax errors name the
# rule "syntax" the same way
_LINE = re.compile(r"^(?P<path>.+):(?P<line>\d+):(?P<column>\d+): \[(?P<level>\w+)\] (?P<text>.*)$")
_RULE = re.compile(r"^(?P<message>.*) \((?P<rule>[\w-]+)\)$")


def parse_yamllint(output: ToolOutput) -> Analysis:
    """yamllint's `parsable` lines: a finding each; and one for each file it read that
    is an alias bomb (yamllint does not expand aliases, so it read it as any other)."""
    analysis = Analysis(findings=[bomb for path in output.files if (bomb := _bomb(output, path))])
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


def _bomb(output: ToolOutput, path: str) -> Finding | None:
    found = alias_bomb(output.read(path) or b"")
    if found is None:
        return None
    return Finding(
        agent=output.agent,
        rule="alias-bomb",
        severity=output.severities.get("alias-bomb", Severity.WARNING),
        path=path,
        line=found.line,
        message=f"YAML aliases that add {found.added:,} nodes once expanded (an alias bomb, "
        f"over {MAX_ALIAS_NODES:,}): a program that loads this file hangs or runs out of "
        "memory, and the analysers that would expand it did not load it",
    )


AGENT = Agent(
    name="yaml",
    description="yamllint on YAML files: syntax errors and duplicate keys; alias bombs",
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
            # the only rules our configuration enables, and ours
            rule_ids=r"syntax|key-duplicates|alias-bomb",
            # both rules report PyYAML's marks, which also end a line at NEL, LS and PS
            line_model=LineModel.YAML,
            install="pip install 'yamllint>=1.38' (a reviewbot dependency)",
            warm=("yamllint.cli",),
        ),
    ),
)
