"""Scripts known by their `#!` line, not their suffix, are analysed by every agent that
concerns itself with them.

ast-grep (`patterns`) and oxlint (`javascript`) choose a file's language by its suffix
alone and pass over `bin/tool` without a word; they are given a copy named with the
interpreter's suffix, and their findings come back on `bin/tool`, on its lines. bandit,
ruff and ShellCheck read such a file as it is (ShellCheck by its `#!` line).
"""

from __future__ import annotations

import json

import pytest

from agents.declaration import FILES, Agent, Analyser
from agents.files import Files, copy_suffix
from agents.parsers import sarif

XXE = """\
from lxml import etree


def parse(text):
    parser = etree.XMLParser(resolve_entities=True)
    return etree.fromstring(text, parser)
"""
PY_SCRIPT = "#!/usr/bin/env python3\n" + XXE  # the parser on line 6
JS_SCRIPT = "#!/usr/bin/env node\nconst x = process.argv[2];\neval(x);\n"
SH_SCRIPT = "#!/bin/bash\nrm -rf $1/build\n"
FILES_OF_CHANGE = {
    "lib.py": XXE,  # the parser on line 5
    "bin/tool": PY_SCRIPT,
    "bin/tool.py": "VERSION = 1\n",  # the name the copy of bin/tool would take: kept apart
    "bin/cli": JS_SCRIPT,
    "bin/build": SH_SCRIPT,
    "bin/run": "#!/usr/bin/python3\nimport subprocess\nsubprocess.call(cmd, shell=True)\n",
    "bin/notes": "just text, no #! line\n",
}


@pytest.fixture(scope="module")
def report(repo_factory, run_cli) -> dict:
    repo = repo_factory([{"README.md": "x\n"}, FILES_OF_CHANGE], name="scripts")
    done = run_cli(
        "review", str(repo.path), "--format", "json", "-q", "--fail-on", "never",
        "--agents", "patterns,javascript,security,style,shell",
    )  # fmt: skip
    assert done.code == 0, done.stderr
    return json.loads(done.stdout)


def ran(report: dict, agent: str) -> dict:
    """The agent's state; skip when its tool is not installed (it is skipped, saying so)."""
    state = report["agents"][agent]
    if state["status"] == "skipped" and any("is not installed" in n for n in state["notes"]):
        pytest.skip(f"{agent}: {state['notes'][0]}")
    assert state["status"] == "ok", state
    assert not [n for n in state["notes"] if "not analysed" in n], state["notes"]
    return state


def on(report: dict, agent: str, path: str) -> set[tuple[str, int]]:
    """(rule, line) of the agent's findings on `path`, merged ones included."""
    return {
        (f["rule"], f["line"])
        for f in report["findings"]
        if f["path"] == path and agent in (f["agent"], *f["also_reported_by"])
    }


def test_a_python_script_gets_the_pattern_findings_of_a_py_file(report) -> None:
    ran(report, "patterns")
    assert ("py-xxe", 5) in on(report, "patterns", "lib.py")
    assert ("py-xxe", 6) in on(report, "patterns", "bin/tool")
    assert on(report, "patterns", "bin/tool.py") == set()  # its name's twin: nothing
    [xxe] = [f for f in report["findings"] if f["path"] == "bin/tool" and f["rule"] == "py-xxe"]
    assert xxe["severity"] == "error"


def test_a_node_script_is_read_by_oxlint_and_the_rule_pack(report) -> None:
    ran(report, "javascript")
    ran(report, "patterns")
    # oxlint's no-eval and the pack's js-code-injection: one finding, by both agents
    [found] = [f for f in report["findings"] if f["path"] == "bin/cli"]
    assert (found["rule"], found["line"]) == ("js-code-injection", 3)
    assert {found["agent"], *found["also_reported_by"]} == {"patterns", "javascript"}


def test_the_other_python_and_shell_analysers_read_scripts_as_they_are(report) -> None:
    ran(report, "shell")
    assert ("SC2086", 2) in on(report, "shell", "bin/build")
    ran(report, "style")
    assert ("F821", 3) in on(report, "style", "bin/run")
    ran(report, "security")
    assert ("B602", 3) in on(report, "security", "bin/run")


def test_no_finding_is_put_on_a_file_without_one(report) -> None:
    paths = {f["path"] for f in report["findings"]}
    assert "bin/notes" not in paths
    assert report["rejected"] == [] and report["filtered_out"] == 0


def test_a_script_s_copy_is_named_by_its_interpreter() -> None:
    assert copy_suffix("bin/tool", b"#!/usr/bin/env python3\n") == ".py"
    assert copy_suffix("bin/tool", b"#!/usr/bin/python3.12 -u\n") == ".py"
    assert copy_suffix("bin/cli", b"#!/usr/bin/env node\n") == ".js"
    assert copy_suffix("bin/build", b"#!/bin/sh\n") == ""  # no tool here reads it by name
    assert copy_suffix("bin/notes", b"notes\n") == ""
    assert copy_suffix("tool.py", b"#!/usr/bin/env python3\n") == ""  # has its own


def test_an_agent_whose_tool_reads_by_suffix_must_name_each_interpreter_s_suffix() -> None:
    tool = Analyser(command=("tool", FILES), parse=sarif, language_by_suffix=True)
    with pytest.raises(ValueError, match="ruby"):
        Agent("x", "x", Files.of(interpreters=["python", "ruby"]), analysers=(tool,))
    Agent("x", "x", Files.of(interpreters=["python", "node"]), analysers=(tool,))
