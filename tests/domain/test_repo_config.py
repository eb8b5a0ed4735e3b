"""`.github/reviewbot.yml`: every kind of error as `FILE:LINE: key: message`, and what a
valid file changes in a review's configuration."""

from __future__ import annotations

import pytest

from review.config_file import (
    ConfigFile,
    ConfigSource,
    load_config,
    parse_config,
    proposed_problems,
)
from review.diff import ChangedFile, Diff, FileStatus, FilterMode, Hunk
from review.findings import Finding, Severity
from review.merge import merge_findings
from review.repo_config import ConfigContext, RepoConfig
from review.request import ReviewConfig, ReviewRequest

FILE = ".github/reviewbot.yml"
CONTEXT = ConfigContext(
    agents=frozenset({"security", "style", "secrets", "correctness"}),
    rule_ids=(r"B[0-9]{3}", r"[A-Z]+[0-9]+"),
    limits=ReviewConfig().limits(max_inline_comments=25),
)


def problems(text: str | bytes) -> list[str]:
    data = text.encode() if isinstance(text, str) else text
    parsed = parse_config(ConfigFile(FILE, data), CONTEXT)
    assert isinstance(parsed, list), f"valid: {parsed}"
    return [str(p) for p in parsed]


VALID = """\
# reviewbot's configuration for this repository
agents: [security, style]
exclude:
  - "docs/**"
  - "*.min.js"
  - "!docs/keep.min.js"
disable_rules: [B101, E741, ai:naming]
fail_on: warning
filter: diff_context
max_inline_comments: 10
instructions:
  - path: "api/**"
    text: Every handler must check the caller's permission.
max_model_calls: 5
review_token_budget: 100000
"""


def test_a_valid_file_parses_to_its_values() -> None:
    config = parse_config(ConfigFile(FILE, VALID.encode()), CONTEXT)
    assert isinstance(config, RepoConfig)
    assert config.agents == ["security", "style"]
    assert config.disable_rules == ["B101", "E741", "ai:naming"]
    assert (config.fail_on, config.filter, config.max_inline_comments) == (
        "warning",
        "diff_context",
        10,
    )
    assert config.instructions[0].matches("api/users.py")
    assert not config.instructions[0].matches("web/api.py")


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        # unknown keys, at the top and inside an instruction
        ("agents: [security]\nexlude: [docs]\n", [f"{FILE}:2: exlude: unknown key"]),
        (
            "instructions:\n  - path: '*.py'\n    txt: be strict\n",
            [
                f"{FILE}:2: instructions[0].text: required key is missing",
                f"{FILE}:3: instructions[0].txt: unknown key",
            ],
        ),
        # wrong types: no coercion of "10" into 10, nor of a word into a list
        (
            "max_inline_comments: '10'\n",
            [f"{FILE}:1: max_inline_comments: Input should be a valid integer, got '10'"],
        ),
        ("agents: security\n", [f"{FILE}:1: agents: Input should be a valid list"]),
        ("exclude:\n  - docs/\n  - 3\n", [f"{FILE}:3: exclude[1]: Input should be a valid string"]),
        (
            "fail_on: no\n",
            [
                f"{FILE}:1: fail_on: Input should be 'error', 'warning', 'note' or 'never', "
                "got False (YAML reads yes, no, on and off as true or false: quote the word)"
            ],
        ),
        ("filter: everything\n", [f"{FILE}:1: filter: Input should be 'introduced'"]),
        ("max_model_calls: -1\n", [f"{FILE}:1: max_model_calls: Input should be greater than"]),
        ("agents: []\n", [f"{FILE}:1: agents: List should have at least 1 item"]),
        # bad globs: invalid, or with no effect
        ("exclude:\n  - 'src\\'\n", [f"{FILE}:2: exclude[0]: is not a valid .gitignore pattern"]),
        ("exclude: ['# vendored']\n", [f"{FILE}:1: exclude[0]: matches nothing"]),
        ("exclude: [' docs/']\n", [f"{FILE}:1: exclude[0]: has leading or trailing spaces"]),
        (
            "instructions:\n  - path: '!*.py'\n    text: x\n",
            [f"{FILE}:2: instructions[0].path: a negated pattern (!) alone matches nothing"],
        ),
        # names nobody knows
        ("agents: [security, linter]\n", [f"{FILE}:1: agents[1]: unknown agent 'linter'"]),
        (
            "disable_rules:\n  - B101\n  - no such rule\n",
            [f"{FILE}:3: disable_rules[1]: no agent reports a rule 'no such rule'"],
        ),
        ("disable_rules: ['ai:']\n", [f"{FILE}:1: disable_rules[0]: no agent reports a rule"]),
        # limits above the App's
        (
            "max_model_calls: 21\n",
            [f"{FILE}:1: max_model_calls: 21 is above this App's limit of 20"],
        ),
        (
            "max_inline_comments: 26\n",
            [f"{FILE}:1: max_inline_comments: 26 is above this App's limit of 25"],
        ),
        # YAML itself
        (
            "agents: [security\n",
            [f"{FILE}:2: invalid YAML: while parsing a flow sequence, expected ',' or ']'"],
        ),
        (
            "fail_on: error\nfail_on: never\n",
            [f"{FILE}:2: fail_on: duplicate key (first on line 1)"],
        ),
        ("1: security\n", [f"{FILE}:1: keys must be text"]),
        ("- security\n", [f"{FILE}:1: must be a mapping of keys to values"]),
        (
            "a: 1\n---\nb: 2\n",
            [f"{FILE}:2: invalid YAML: expected a single document in the stream, but found"],
        ),
        ("exclude: !!python/name:os.system\n", [f"{FILE}:1: invalid YAML: could not determine"]),
        (b"fail_on: error\nfilter: \xff\n", [f"{FILE}:2: is not UTF-8 text"]),
        (b"#" * 70_000, [f"{FILE}:1: is over 64 KB"]),
    ],
)
def test_every_error_names_the_file_the_line_and_the_key(
    text: str | bytes, expected: list[str]
) -> None:
    found = problems(text)
    assert len(found) == len(expected), found
    for message, start in zip(found, expected, strict=True):
        assert message.startswith(start), message


def test_all_errors_of_a_file_are_reported_in_line_order() -> None:
    text = "agents: [linter]\nexclude: ['a\\']\nmax_tool_calls: 61\nbogus: 1\nfail_on: x\n"
    lines = [int(p.split(":")[1]) for p in problems(text)]
    assert lines == [1, 2, 3, 4, 5]


def test_anchors_are_followed_once_and_an_empty_file_configures_nothing() -> None:
    shared = "x: &globs ['docs/']\n"
    assert problems(shared + "exclude: *globs\n") == [
        f"{FILE}:1: x: unknown key (see `reviewbot config schema` for the keys)"
    ]
    assert parse_config(ConfigFile(FILE, b""), CONTEXT) == RepoConfig()
    assert parse_config(ConfigFile(FILE, b"# nothing yet\n"), CONTEXT) == RepoConfig()


def test_an_unreadable_file_is_a_problem_on_line_one() -> None:
    unreadable = ConfigFile(FILE, unreadable="is a directory, not a file")
    assert [str(p) for p in parse_config(unreadable, CONTEXT)] == [
        f"{FILE}:1: is a directory, not a file"
    ]


def test_an_invalid_file_means_the_defaults_and_says_why() -> None:
    config, source = load_config(ConfigFile(FILE, b"fail_on: fatal\n"), "c" * 40, CONTEXT)
    assert config == RepoConfig()
    assert source.status == "invalid" and source.errors[0].key == "fail_on"
    config, source = load_config(None, "c" * 40, CONTEXT)
    assert (config, source.status) == (RepoConfig(), "defaults")
    config, source = load_config(ConfigFile(FILE, VALID.encode()), "c" * 40, CONTEXT)
    assert source.status == "applied" and config.fail_on == "warning"
    assert source.describe() == f"{FILE} at cccccccccccc"


def test_the_heads_version_is_checked_only_when_it_differs() -> None:
    base = ConfigFile(FILE, b"fail_on: fatal\n")
    assert proposed_problems(base, base, CONTEXT) == ()
    assert proposed_problems(base, None, CONTEXT) == ()  # the change deletes it
    head = ConfigFile(FILE, b"fail_on: error\nbogus: 1\n")
    (problem,) = proposed_problems(base, head, CONTEXT)
    assert (problem.line, problem.key) == (2, "bogus")


def test_a_valid_file_changes_the_review_config_except_what_was_asked_explicitly() -> None:
    repo = parse_config(ConfigFile(FILE, VALID.encode()), CONTEXT)
    assert isinstance(repo, RepoConfig)
    applied = ReviewConfig().with_repository(repo)
    assert applied.agents == ("security", "style")
    assert (applied.fail_on, applied.filter_mode) == (Severity.WARNING, FilterMode.DIFF_CONTEXT)
    assert (applied.max_model_calls, applied.review_token_budget) == (5, 100_000)
    assert applied.max_tool_calls == ReviewConfig().max_tool_calls  # not in the file
    assert applied.excludes("docs/guide.md") and applied.excludes("web/app.min.js")
    assert not applied.excludes("docs/keep.min.js") and not applied.excludes("src/app.py")
    assert applied.instructions_for("api/x.py") == [
        "Every handler must check the caller's permission."
    ]
    assert applied.instructions_for("src/x.py") == []
    explicit = ReviewConfig(agents=("secrets",), fail_on=None).with_repository(
        repo, explicit=("agents", "fail_on")
    )
    assert explicit.agents == ("secrets",) and explicit.fail_on is None
    assert explicit.filter_mode is FilterMode.DIFF_CONTEXT
    never = RepoConfig.validated({"fail_on": "never"}, CONTEXT)
    assert ReviewConfig().with_repository(never).fail_on is None


def test_the_applied_config_survives_the_request_file() -> None:
    repo = parse_config(ConfigFile(FILE, VALID.encode()), CONTEXT)
    assert isinstance(repo, RepoConfig)
    source = ConfigSource(FILE, "c" * 40, proposed=tuple(problems_of("bogus: 1\n")))
    request = ReviewRequest(
        "o/r", "https://example.invalid/o/r.git", "h" * 40, "b" * 40,
        config=ReviewConfig().with_repository(repo), config_source=source,
    )  # fmt: skip
    assert ReviewRequest.from_dict(request.to_dict()) == request


def problems_of(text: str):
    parsed = parse_config(ConfigFile(FILE, text.encode()), CONTEXT)
    assert isinstance(parsed, list)
    return parsed


def test_the_effective_view_has_every_key_of_the_file_and_is_itself_valid() -> None:
    view = ReviewConfig(agents=("security",)).repository_view(max_inline_comments=25)
    assert list(view) == list(RepoConfig.model_fields)
    assert RepoConfig.validated(view, CONTEXT).max_inline_comments == 25


def _finding(rule: str, path: str, line: int = 1) -> Finding:
    return Finding("security", rule, Severity.ERROR, path, line, f"{rule} here")


def test_disabled_rules_and_excluded_paths_are_dropped_at_merge_and_counted() -> None:
    diff = Diff(
        {
            p: ChangedFile(p, FileStatus.ADDED, hunks=[Hunk(1, 2, (1, 2), ())])
            for p in ("a.py", "vendor/b.py")
        }
    )
    found = [
        _finding("B101", "a.py"),
        _finding("B101", "a.py", 2),
        _finding("B307", "a.py"),
        _finding("B307", "vendor/b.py"),
    ]
    merged = merge_findings(
        found,
        diff,
        FilterMode.ADDED,
        lambda path: ["x = 1", "y = 2"],
        disabled={"B101"},
        excluded=lambda path: path.startswith("vendor/"),
    )
    assert [(f.rule, f.path) for f in merged.findings] == [("B307", "a.py")]
    assert merged.disabled == {"B101": 2} and merged.excluded == 1
