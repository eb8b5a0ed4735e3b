"""Our analyser configurations and rule pack are package data: a plain `pip install .`
(the Lambda image's) ships every file an analyser names. Checked against the
declaration, offline: setuptools includes the files its `package-data` globs match."""

from __future__ import annotations

import tomllib
from pathlib import Path

from agents import registry

REPO_ROOT = Path(__file__).resolve().parents[2]


def test_package_data_holds_every_configuration_and_rule() -> None:
    declared = tomllib.loads((REPO_ROOT / "pyproject.toml").read_text())["tool"]["setuptools"]
    shipped = {
        path.relative_to(REPO_ROOT).as_posix()
        for package, patterns in declared["package-data"].items()
        for pattern in patterns
        for path in (REPO_ROOT / package.replace(".", "/")).glob(pattern)
    }
    configs = {
        Path(analyser.config).relative_to(REPO_ROOT).as_posix()
        for agent in registry.declarations()
        for analyser in agent.analysers
        if analyser.config is not None
    }
    rules = {
        p.relative_to(REPO_ROOT).as_posix() for p in (REPO_ROOT / "agents/rules").rglob("*.yml")
    }
    assert len(rules) > 60 and "agents/rules/sgconfig.yml" in configs
    assert configs | rules <= shipped
