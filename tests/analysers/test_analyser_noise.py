"""Analyser findings a reviewer would call noise are kept out, and guesses are not errors."""

from __future__ import annotations

import pytest

from agents.policy import Role, role


@pytest.mark.parametrize(
    ("path", "expected"),
    [
        ("tests/test_app.py", Role.TEST),
        ("pkg/tests/helpers.py", Role.TEST),
        ("test_app.py", Role.TEST),
        ("app_test.py", Role.TEST),
        ("conftest.py", Role.TEST),
        ("handler_test.go", Role.TEST),
        ("web/src/app.test.ts", Role.TEST),
        ("src/test/java/UsersTest.java", Role.TEST),
        ("spec/models/user_spec.rb", Role.TEST),
        ("testdata/key.pem", Role.TEST),
        ("pkg/fixtures/server.key", Role.TEST),
        ("examples/client.py", Role.EXAMPLE),
        (".env.example", Role.EXAMPLE),
        ("config.sample.yaml", Role.EXAMPLE),
        ("settings.py.dist", Role.EXAMPLE),
        ("example_settings.py", Role.EXAMPLE),
        ("docs/conf.py", Role.DOC),
        ("HISTORY.md", Role.DOC),
        ("guide.rst", Role.DOC),
        ("README", Role.DOC),
        ("CHANGES.txt", Role.DOC),
        ("app.py", None),
        ("pkg/contest.py", None),
        ("latest/app.py", None),
        ("signal/down_sample.py", None),
        ("src/readme_parser.py", None),
        ("requirements.txt", None),
        ("template.yaml", None),
        ("dist/app.js", None),
    ],
)
def test_test_examples_and_docs_are_told_by_the_usual_conventions(path, expected) -> None:
    assert role(path) == expected


def test_assert_is_flagged_in_code_but_not_in_tests(make_repo, review_repo) -> None:
    body = "def check(x):\n    assert x > 0\n    return x\n"
    repo = make_repo([{"README.md": "x\n"}, {"app.py": body, "tests/test_app.py": body}])
    reviewed = review_repo(repo, agents=("security",))
    assert reviewed.at("app.py") == [("B101", 2)]
    assert reviewed.at("tests/test_app.py") == []


def test_a_keyword_guess_is_a_warning_and_a_known_key_format_an_error(make_repo, review_repo):
    code = 'password = "correct-horse-battery-staple"\nAWS = "AKIAZ7Q3WVJ2K5LMNP4R"\n'
    repo = make_repo([{"README.md": "x\n"}, {"settings.py": code}])
    reviewed = review_repo(repo, agents=("secrets",))
    severities = {f.rule: f.severity.value for f in reviewed.report.findings}
    assert severities == {"Secret Keyword": "warning", "AWS Access Key": "error"}


def test_a_documented_placeholder_key_is_a_note(make_repo, review_repo):
    """AWS's documentation's example key ends in EXAMPLE; a password `pass` in a URL."""
    code = 'AWS = "AKIAIOSFODNN7EXAMPLE"\nPROXY = "http://user:pass@proxy:8080"\n'
    repo = make_repo([{"README.md": "x\n"}, {"settings.py": code}])
    reviewed = review_repo(repo, agents=("secrets",))
    severities = {f.rule: f.severity.value for f in reviewed.report.findings}
    assert severities == {"AWS Access Key": "note", "Basic Auth Credentials": "note"}
