"""Our analyser configurations and rule pack: package data, so a plain `pip install .`
(the Lambda image's) ships every file an analyser names (checked against the declaration,
offline: setuptools includes the files its `package-data` globs match); and part of the
findings cache's key, so a changed rule is never answered from the cache."""

from __future__ import annotations

import tomllib
from pathlib import Path

from agents import registry
from agents.cache import analyser_identity
from agents.declaration import CONFIG, FILES, Analyser
from agents.reviewers.patterns import parse_ast_grep

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


def test_a_changed_rule_changes_the_findings_cache_key(tmp_path: Path) -> None:
    (tmp_path / "rules").mkdir()
    (tmp_path / "sgconfig.yml").write_text("ruleDirs: [rules]\n")
    rule = tmp_path / "rules" / "eval.yml"
    rule.write_text("id: a\nlanguage: python\nrule: {pattern: eval($X)}\n")
    analyser = Analyser(
        command=("ast-grep", "scan", "-c", CONFIG, FILES),
        parse=parse_ast_grep,
        config=tmp_path / "sgconfig.yml",
    )
    before = analyser_identity("patterns", analyser, "/usr/bin/true")
    rule.write_text("id: a\nlanguage: python\nrule: {pattern: exec($X)}\n")
    assert analyser_identity("patterns", analyser, "/usr/bin/true") != before
