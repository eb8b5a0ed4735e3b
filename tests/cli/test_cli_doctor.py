"""`reviewbot doctor`: every analyser of every agent, its version, and whether it can run."""

from __future__ import annotations

import dataclasses
import importlib
import importlib.metadata

from agents import registry
from agents.declaration import FILES, Analyser
from agents.parsers import sarif


def test_doctor_lists_every_analyser_with_its_version(run_cli) -> None:
    done = run_cli("doctor")
    assert done.code == 0, done.stdout
    rows = done.stdout.splitlines()
    declared = [(a.name, t.tool) for a in registry.declarations() for t in a.analysers]
    for agent, tool in declared:
        (row,) = [r for r in rows if f" {agent}/{tool} " in r]
        assert row.startswith("ok ") and any(ch.isdigit() for ch in row)  # a version number
    assert rows[-1] == f"{len(declared)} of {len(declared)} analysers can run"
    for agent, tool, dist in (("security", "bandit", "bandit"), ("style", "ruff", "ruff")):
        (row,) = [r for r in rows if f" {agent}/{tool} " in r]
        assert row.split()[-1] == importlib.metadata.version(dist)  # the number alone


def test_a_missing_tool_is_named_with_how_to_install_it(run_cli, monkeypatch) -> None:
    module = importlib.import_module("agents.reviewers.style")
    missing = Analyser(
        command=("no-such-linter-for-reviewbot", FILES), parse=sarif, install="pip install x"
    )
    agent = dataclasses.replace(module.AGENT, analysers=(*module.AGENT.analysers, missing))
    monkeypatch.setattr(module, "AGENT", agent)
    done = run_cli("doctor")
    assert done.code == 1
    (row,) = [r for r in done.stdout.splitlines() if "no-such-linter" in r]
    assert row.startswith("MISSING") and row.endswith("not installed (install: pip install x)")
