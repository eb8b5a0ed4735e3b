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


HEX40 = "8b5112a3b8c3f2d7e4a1f9c6d2b7e0a5c3f1d9e2"
B64 = "oqVuAfXRKap7fdgcCY5uykM6+R9GqQ8K5uxy9rx7HNQlGYl1kPzQho1wx4JwY8wC"


@pytest.mark.parametrize(
    ("path", "line", "value", "expected"),
    [
        # pinned revisions and lock files' checksums, whatever the key
        (".pre-commit-config.yaml", f"    rev: {HEX40}  # frozen: v1.2.3", HEX40, True),
        ("yarn.lock", f'  resolved "https://r.example/a.tgz#{HEX40}"', HEX40, True),
        ("Cargo.lock", f'checksum = "{HEX40 + HEX40[:24]}"', HEX40 + HEX40[:24], True),
        ("pnpm-lock.yaml", f"    resolution: {{digest: {HEX40}}}", HEX40, True),
        ("requirements.txt", f"flask==3.0 --hash=sha256:{HEX40}", f"sha256:{HEX40}", True),
        ("go.sum", f"example.com/m v1.0.0 h1:{HEX40}", HEX40, True),
        # Subresource Integrity values anywhere
        ("web/index.html", f'<script integrity="sha384-{B64}">', f"sha384-{B64}", True),
        # a digest named as one, outside lock files
        ("app/release.py", f'EXPECTED_SHA256 = "{HEX40}"', HEX40, True),
        ("WORKSPACE", f'    sha256 = "{HEX40}",', HEX40, True),
        # a secret of the same shape named as a secret, and anything not digest-shaped
        ("app/settings.py", f'WEBHOOK_SECRET = "{HEX40}"', HEX40, False),
        ("app/settings.py", f'API_TOKEN = "{HEX40}"', HEX40, False),
        ("package-lock.json", '"resolved": "https://ghp_x@github.com/a"', "ghp_x", False),
        ("app/settings.py", f'SIGNING_KEY = "{B64}"', B64, False),
        ("poetry.lock", f'password = "{B64}"', B64, False),
    ],
)
def test_digests_are_told_from_secrets_by_their_shape_key_and_file(
    path, line, value, expected
) -> None:
    from agents.reviewers.secrets import is_hash

    assert is_hash(path, line, value) is expected


def test_weak_hashes_said_not_for_security_are_no_finding(make_repo, review_repo) -> None:
    """`usedforsecurity=False` (Python 3.9+) is not a finding for bandit, ruff or the rule
    pack, in any of its spellings; the same hash without it is a warning."""
    code = (
        "import hashlib\n"
        "a = hashlib.md5(b'x', usedforsecurity=False).hexdigest()\n"
        "b = hashlib.new('sha1', b'x', usedforsecurity=False).hexdigest()\n"
        "c = hashlib.sha1(usedforsecurity=False)\n"
        "d = hashlib.md5(b'x').hexdigest()\n"
    )
    repo = make_repo([{"README.md": "x\n"}, {"app/cache_keys.py": code}])
    reviewed = review_repo(repo, agents=("security", "patterns"))
    lines = {f.line: f.severity.value for f in reviewed.report.findings}
    assert lines == {5: "warning"}
