"""A pull request pushed to several times, and an analyser that compares with the base.

The analysers' own comparison with the base lands separately; `compare_agent` stands in
for it: it flags three problems by their code (an `eval(name)`, a jinja2 `Environment(`
in a file without `autoescape=True`, a `subprocess.call(cmd, shell=shell)` in a file
that sets `shell = True`) and stamps each finding "unchanged" when the base version of
its file had the same problem on the same code, "new" otherwise: as SARIF's
`baselineState`, and as a content-keyed comparison would. Renaming the variable an
`eval` assigns to keeps it pre-existing; deleting `autoescape=True` makes the unchanged
`Environment(` line a new finding.

`PUSHES` is the pull request: `BASE`, then each push's files (see `converge_pull`).
"""

from __future__ import annotations

import re
from collections.abc import Callable
from typing import Any

from review.agent_result import AgentResult
from review.findings import Finding, Severity
from review.request import ReviewRequest
from review.workspace import RunDir

Rule = tuple[str, "re.Pattern[str]", Callable[[str], bool], str]
RULES: tuple[Rule, ...] = (
    ("B307", re.compile(r"eval\(\w+\)"), lambda text: True, "Use of eval on untrusted input."),
    (
        "B701",
        re.compile(r"Environment\("),
        lambda text: "autoescape=True" not in text,
        "A jinja2 Environment without autoescape=True renders templates unescaped (XSS).",
    ),
    (
        "B602",
        re.compile(r"subprocess\.call\(cmd, shell=shell\)"),
        lambda text: "shell = True" in text,
        "subprocess call with shell=True: the command goes through a shell.",
    ),
)

APP = """\
import subprocess


def run(cmd):
    shell = {flag}
    return subprocess.call(cmd, shell=shell)


def compute(text):
    {name} = eval(text)
    return {name}
"""
TEMPLATES = """\
from jinja2 import Environment, FileSystemLoader

env = Environment(
    loader=FileSystemLoader("templates"),
    extensions=[],
    trim_blocks=True,
    lstrip_blocks=True,
    keep_trailing_newline=True,
{autoescape})
"""
BASE = {
    "app.py": APP.format(flag="False", name="val"),
    "templates.py": TEMPLATES.format(autoescape="    autoescape=True,\n"),
}
# push 1: the eval line is edited (a rename: the finding was already there); the shell
# flag goes on (a new finding on the unchanged call below it); autoescape is deleted (a
# new finding on the unchanged `Environment(` line, outside every hunk GitHub shows)
PUSH_1 = {
    "app.py": APP.format(flag="True", name="value"),
    "templates.py": TEMPLATES.format(autoescape=""),
}
# push 2: the shell flag is fixed, a new eval comes in a new file, and two lines above
# the template environment move it down
PUSH_2 = {
    "app.py": APP.format(flag="False", name="value"),
    "extra.py": "def again(expression):\n    return eval(expression)\n",
    "templates.py": '"""Templates."""\n\n' + TEMPLATES.format(autoescape=""),
}
PUSHES = (PUSH_1, PUSH_2)


def scan(text: str) -> list[tuple[str, int, str, str]]:
    """(rule, line, the flagged code, message) of every problem in `text`."""
    found = []
    for rule, pattern, applies, message in RULES:
        if not applies(text):
            continue
        for number, line in enumerate(text.split("\n"), 1):
            match = pattern.search(line)
            if match:
                found.append((rule, number, match.group(), message))
    return found


def compare_agent(name: str, run: RunDir, request: ReviewRequest) -> dict[str, Any]:
    """An agent run (`orchestrator.workflow.run_local_agent`'s shape) whose findings
    carry their baseline state."""
    findings = []
    for changed in run.read_change().diff.reviewable():
        head = (run.src / changed.path).read_text()
        base_file = run.base_src / changed.path
        before = (
            {(r, code) for r, _, code, _ in scan(base_file.read_text())}
            if base_file.is_file()
            else set()
        )
        for rule, line, code, message in scan(head):
            findings.append(
                Finding(
                    agent=name,
                    rule=rule,
                    severity=Severity.ERROR,
                    path=changed.path,
                    line=line,
                    message=message,
                    baseline_state="unchanged" if (rule, code) in before else "new",
                )
            )
    result = AgentResult(agent=name, findings=findings)
    run.write_agent_result(result)
    return result.summary()


def force_push_same_content(repo: Any, pull: Any) -> str:
    """The pull request's branch rewritten (a rebase, a squash) to a new commit with the
    same files: GitHub moves the pull request's head to it."""
    tree = repo.git("rev-parse", f"{pull.head}^{{tree}}")
    commit = repo.git("commit-tree", tree, "-p", pull.base, "-m", "squashed")
    repo.git("reset", "-q", "--hard", commit)
    repo.git("update-ref", "refs/pull/1/head", commit)
    repo.commits.append(commit)
    pull.head = commit
    return commit


def reformat(text: str) -> str:
    """`text` as a formatter might leave it: a module docstring on top, and spaces
    around the calls changed (the code of each flagged line, whitespace aside, is the
    same, and so are the findings' fingerprints)."""
    return '"""Formatted."""\n\n' + text.replace("return eval(", "return  eval(")
