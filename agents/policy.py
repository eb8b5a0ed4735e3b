"""The noise policy's part that depends on where a finding is (issue 13; README,
"Severities").

`error` means a reviewer would block the merge. Each analyser agent grades a finding by
what it is (its module's severity map); where it is matters too, and no tool knows it:

- **Test code** runs against fixtures, never an attacker: a security finding there
  (injection, unsafe deserialisation, disabled TLS verification…) is at most a warning,
  and a few hygiene rules are not worth a word (pytest is built on `assert`: bandit's
  B101 is not reported) or are notes (B113, a request without a timeout; B108, a
  hard-coded `/tmp`).
- **Test fixtures, example files and documentation** hold placeholder credentials by
  design (test TLS keys, `user:pass@host` in a proxy how-to, `.env.example`): a secret
  found there is at most a note.

`apply` runs on every agent's analyser findings after the findings cache (so changing it
never needs a cache entry invalidated) and again after the model pass, whose findings
follow the same policy.
"""

from __future__ import annotations

import re
from collections.abc import Iterable
from enum import StrEnum
from functools import lru_cache
from pathlib import PurePosixPath

from review.findings import Finding, Severity


class Role(StrEnum):
    """What a file is for, by the usual conventions of its path."""

    TEST = "test"
    EXAMPLE = "example"
    DOC = "doc"


_TEST_DIRS = frozenset(
    ("test", "tests", "testing", "__tests__", "spec", "specs", "testdata", "test_data")
    + ("test-data", "fixtures", "fixture", "__fixtures__", "__mocks__", "e2e")
)
_TEST_FILE = re.compile(
    r"^(test_[^/]*\.py|conftest\.py|[^/]*_tests?\.[a-z]+|[^/]*\.(test|spec)\.[a-z]+"
    r"|[^/]*Tests?\.(java|kt|cs|scala|swift)|[^/]*_spec\.rb)$"
)
_EXAMPLE_DIRS = frozenset(["example", "examples", "sample", "samples", "demo", "demos"])
# .env.example, config.sample.yaml, settings.py.dist, example_settings.py, sample-app.json
_EXAMPLE_FILE = re.compile(r"(?i)^(examples?|samples?)[._-]|\.(example|sample|dist)(\.|$)")
_DOC_DIRS = frozenset(["doc", "docs", "documentation"])
_DOC_FILE = re.compile(
    r"(?i)\.(md|markdown|mdx|rst|adoc|asciidoc)$"
    r"|^(readme|changelog|changes|history|news|authors|contributing)(\.txt)?$"
)


@lru_cache(maxsize=4096)  # a review asks once per finding
def role(path: str) -> Role | None:
    """Whether `path` is test code (or a test fixture), an example, documentation, or
    none of these (None: code that ships)."""
    parts = PurePosixPath(path).parts
    folders, name = {p.lower() for p in parts[:-1]}, parts[-1] if parts else ""
    if folders & _TEST_DIRS or _TEST_FILE.match(name):
        return Role.TEST
    if folders & _EXAMPLE_DIRS or _EXAMPLE_FILE.search(name):
        return Role.EXAMPLE
    if folders & _DOC_DIRS or _DOC_FILE.search(name):
        return Role.DOC
    return None


# Findings of these categories are errors by the severity policy; in test code, warnings.
SECURITY_CATEGORIES = frozenset(
    {
        "command-injection",
        "code-injection",
        "sql-injection",
        "unsafe-deserialization",
        "insecure-tls",
        "xss",
        "ssrf",
        "path-traversal",
        "xxe",
    }
)
LEAKED_CREDENTIAL = "hardcoded-secret"  # the category of a secret in code
# rule -> its severity in test code (None: not reported), whatever the agent grades it
IN_TESTS: dict[str, Severity | None] = {
    "B101": None,  # assert: how pytest checks
    "B113": Severity.NOTE,  # a request without a timeout, to a test server
    "B108": Severity.NOTE,  # a hard-coded /tmp path
}


def ceiling(finding: Finding) -> Severity | None:
    """The gravest severity `finding` may have where it is; None when it is not reported."""
    where = role(finding.path)
    if where is Role.TEST and finding.rule in IN_TESTS:
        return IN_TESTS[finding.rule]
    if finding.category == LEAKED_CREDENTIAL and where is not None:
        return Severity.NOTE
    if finding.category in SECURITY_CATEGORIES and where is Role.TEST:
        return Severity.WARNING
    return Severity.ERROR


def apply(findings: Iterable[Finding]) -> list[Finding]:
    """`findings` with each one's severity at most its `ceiling`; those not reported where
    they are left out."""
    kept = []
    for finding in findings:
        top = ceiling(finding)
        if top is None:
            continue
        if finding.severity.rank > top.rank:
            finding = finding.evolve(severity=top)
        kept.append(finding)
    return kept
