"""Analyser findings a reviewer would call noise are kept out, and guesses are not errors."""

from __future__ import annotations

import pytest

from agents.reviewers.security import is_test_file


@pytest.mark.parametrize(
    ("path", "expected"),
    [
        ("tests/test_app.py", True),
        ("pkg/tests/helpers.py", True),
        ("test_app.py", True),
        ("app_test.py", True),
        ("conftest.py", True),
        ("app.py", False),
        ("pkg/contest.py", False),
        ("latest/app.py", False),
    ],
)
def test_test_files_are_told_by_the_usual_conventions(path: str, expected: bool) -> None:
    assert is_test_file(path) is expected


def test_assert_is_flagged_in_code_but_not_in_tests(make_repo, review_repo) -> None:
    body = "def check(x):\n    assert x > 0\n    return x\n"
    repo = make_repo([{"README.md": "x\n"}, {"app.py": body, "tests/test_app.py": body}])
    reviewed = review_repo(repo, agents=("security",))
    assert reviewed.at("app.py") == [("B101", 2)]
    assert reviewed.at("tests/test_app.py") == []


def test_a_keyword_guess_is_a_warning_and_a_known_key_format_an_error(make_repo, review_repo):
    code = 'password = "correct-horse-battery-staple"\nAWS = "AKIAIOSFODNN7EXAMPLE"\n'
    repo = make_repo([{"README.md": "x\n"}, {"settings.py": code}])
    reviewed = review_repo(repo, agents=("secrets",))
    severities = {f.rule: f.severity.value for f in reviewed.report.findings}
    assert severities == {"Secret Keyword": "warning", "AWS Access Key": "error"}
