"""The noise corpus (`benchmarks/noise/`): every false-positive shape of issue 13 and its
real twin, reviewed by every analyser agent as one change, gets the severity the policy
gives it (README, "Severities"): no noise case is an error, no real one expected at error
is below it, and each case is graded exactly as `expected.toml` says."""

from __future__ import annotations

import re
import sys
from pathlib import Path

import pytest

from review.findings import Finding

sys.path.insert(0, str(Path(__file__).resolve().parents[2] / "benchmarks"))
import noise_corpus  # noqa: E402 - the benchmark's loader and scorer, tested here too

AGENTS = ("security", "patterns", "style", "secrets", "workflows", "iac", "javascript")
CASES, FILES = noise_corpus.load()


@pytest.fixture(scope="module")
def findings(repo_factory, review_repo) -> list[Finding]:
    repo = repo_factory([{"README.md": "noise corpus\n"}, FILES], name="noise")
    reviewed = review_repo(repo, agents=AGENTS)
    failed = {n: s.error for n, s in reviewed.report.agents.items() if s.status != "ok"}
    assert failed == {}
    return reviewed.report.findings


def test_the_corpus_covers_every_shape_the_issue_names() -> None:
    """Each shape of issue 13 has a noise case and a real twin, and the fakes are in."""
    paths = {case.path for case in CASES}
    for shape in (".pre-commit-config.yaml", "web/package-lock.json", "web/index.html"):
        assert shape in paths  # revisions, lock-file checksums, SRI values
    assert {"tests/fixtures/server.key", "docs/proxies.md", "examples/upload.py"} <= paths
    assert any("usedforsecurity=False" in case.at for case in CASES)
    assert sum(case.kind == "real" and case.expect == "error" for case in CASES) >= 15
    assert not any(re.search(rb"\{\{[a-z_]+\}\}", content) for content in FILES.values())


@pytest.mark.parametrize("case", CASES, ids=lambda case: f"{case.path}:{case.at}")
def test_each_case_gets_its_expected_severity(case, findings) -> None:
    assert noise_corpus.graded(case, findings) == case.expect, case.why


def test_no_noise_is_an_error_and_no_real_problem_is_below_one(findings) -> None:
    score = noise_corpus.score(CASES, findings)
    assert score.false_errors == [] and score.missed_errors == []
