"""A pull request pushed to several times, and an agent that compares with the base.

`compare_agent` stands in for the `security` agent (bandit and ruff's `S` rules, whose
findings `agents.baseline` compares with the base version of each file) where a test
needs many reviews to be quick: on this pull request it finds what bandit finds (B307,
an `eval(name)`; B701, a jinja2 `Environment(` call without `autoescape=`) and stamps
each finding "unchanged" when the base version of its file had the same problem on the
same code, "new" otherwise, as SARIF's `baselineState`. Renaming the variable an `eval`
assigns to keeps it pre-existing; deleting `autoescape=True` makes the unchanged
`Environment(` line a new finding. The real agent reviews the same pull request in
`test_github_converge_analysers.py` and `benchmarks/converge_bench.py`.

`PUSHES` is the pull request: `BASE`, then each push's files (the `converging` fixture
opens it at the first push).
"""

from __future__ import annotations

import re
from collections.abc import Callable
from pathlib import Path
from typing import Any

from github_support import files_of, follow_comments, run_workflow

from reporter.formats.markdown import SUMMARY_MARKER
from review.agent_result import AgentResult
from review.findings import Finding, Severity
from review.pull_state import PullState
from review.request import ReviewRequest
from review.workspace import RunDir

Rule = tuple[str, "re.Pattern[str]", Callable[[str], bool], str]
RULES: tuple[Rule, ...] = (
    ("B307", re.compile(r"eval\(\w+\)"), lambda text: True, "Use of eval on untrusted input."),
    (
        "B701",
        re.compile(r"Environment\("),
        lambda text: "autoescape=" not in text,
        "A jinja2 Environment without autoescape renders templates unescaped (XSS).",
    ),
)

APP = """\
def compute(text):
    {name} = eval(text)
    return {name}
"""
# a short call: a line deleted from it leaves `Environment(` in the hunk GitHub shows
RENDER = """\
from jinja2 import Environment, select_autoescape

env = Environment(
    trim_blocks=True,
{autoescape})
"""
# a long call: a line deleted at its end leaves `Environment(` outside every hunk
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
AUTOESCAPE = "    autoescape=True,\n"
BASE = {
    "app.py": APP.format(name="val"),
    "render.py": RENDER.format(autoescape=AUTOESCAPE),
    "templates.py": TEMPLATES.format(autoescape=AUTOESCAPE),
}
# push 1: the eval line is edited (a rename: the finding was already there); autoescape
# is deleted from both environments (a new finding on each unchanged `Environment(`
# line: render.py's is shown as context of the hunk, templates.py's is outside it)
PUSH_1 = {
    "app.py": APP.format(name="value"),
    "render.py": RENDER.format(autoescape=""),
    "templates.py": TEMPLATES.format(autoescape=""),
}
# push 2: render.py's environment is fixed, a new eval comes in a new file, and two
# lines above the template environment move it down
PUSH_2 = {
    "render.py": RENDER.format(autoescape="    autoescape=select_autoescape(),\n"),
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


def rebase_onto_moved_base(scenario: Any, prefix: dict[str, str]) -> str:
    """The base branch moves on (the text `prefix` gives is put on top of those files)
    and the pull request's branch is rebased onto it: the same changes, in new commits,
    on lines moved down. GitHub's pull request follows (its base, head, files and the
    review comments' lines)."""
    repo, pull = scenario.repo, scenario.pull
    old_head = pull.head
    repo.git("checkout", "-q", "-B", "main", pull.base)
    moved = {path: text + (repo.path / path).read_text() for path, text in prefix.items()}
    base = repo.commit(moved, "the base moves on")
    repo.git("checkout", "-q", old_head, "--", ".")  # the pull request's files, replayed
    head = repo.commit(
        {path: text + (repo.path / path).read_text() for path, text in prefix.items()}, "rebased"
    )
    repo.git("update-ref", "refs/pull/1/head", head)
    pull.base, pull.head = base, head
    pull.files = files_of(repo.path, base, head)
    follow_comments(scenario.github, repo.path, head)
    return head


def reformat(text: str) -> str:
    """`text` as a formatter might leave it: a module docstring on top, and spaces
    around the calls changed (the code of each flagged line, whitespace aside, is the
    same, and so are the findings' fingerprints)."""
    return '"""Formatted."""\n\n' + text.replace("return eval(", "return  eval(")


def review(scenario: Any, workspace: Path, **trigger: Any) -> tuple[Any, list[tuple]]:
    """Review the pull request's head with the `security` agent: the workflow's outcome
    and the new inline comments' (path, first line, rule)."""
    before = len(scenario.github.review_comments)
    values = {"agents": ("security",), "head_sha": scenario.pull.head, **trigger}
    ran = run_workflow(scenario.app(), scenario.trigger(**values), workspace)
    assert ran.error is None, ran.error
    new = scenario.github.review_comments[before:]
    return ran, [(c["path"], c["start_line"] or c["line"], c["body"].split("**")[1]) for c in new]


def summary_of(scenario: Any) -> tuple[str, PullState]:
    """The one summary comment's body and the state its marker keeps."""
    (summary,) = scenario.github.issue_comments
    assert summary["body"].startswith(SUMMARY_MARKER)
    return summary["body"], PullState.from_comment(summary["body"])


def comment_on(scenario: Any, path: str, rule: str) -> dict[str, Any]:
    """The one inline comment on `path` about `rule`."""
    (comment,) = [
        c
        for c in scenario.github.review_comments
        if c["path"] == path and f"**{rule}**" in c["body"]
    ]
    return comment
