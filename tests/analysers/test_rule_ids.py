"""The analysers' declared rule ids (`Analyser.rule_ids`) are precise enough that a
repository's `disable_rules` naming a rule nobody reports is an error, typos included."""

from __future__ import annotations

import pytest
from detect_secrets.core.plugins.util import get_mapping_from_secret_type_to_class

from agents.reviewers.secrets import SECRET_TYPES
from orchestrator.repo_config import config_context
from review.request import ReviewConfig

CONTEXT = config_context(ReviewConfig(), max_inline_comments=25)


def test_the_secret_types_are_those_of_the_installed_detect_secrets() -> None:
    assert sorted(SECRET_TYPES) == sorted(get_mapping_from_secret_type_to_class())


@pytest.mark.parametrize(
    "rule",
    ["B101", "B608", "F401", "E711", "SIM108", "syntax-error", "Secret Keyword",
     "Public IP (ipv4)", "ai:sql-injection", "py-command-injection", "zizmor/template-injection",
     "actionlint/syntax-check", "SC2086", "DL3007", "CKV_AWS_20", "CKV2_AWS_6",
     "eslint(no-eval)", "key-duplicates"],
)  # fmt: skip
def test_rules_the_agents_report_are_known(rule: str) -> None:
    assert CONTEXT.knows_rule(rule)


@pytest.mark.parametrize(
    "rule",
    ["B1O1", "b101", "F-401", "secret keyword", "Secret Keywords", "ai:", "ai:Naming", "all"],
)
def test_anything_else_is_unknown(rule: str) -> None:
    assert not CONTEXT.knows_rule(rule)
