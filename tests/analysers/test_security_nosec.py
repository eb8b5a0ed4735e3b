"""A `# nosec` already in the code silences ruff's `S` duplicate of a bandit rule too
(ruff does not read `# nosec`); one the change adds is neutralised for both tools."""

from __future__ import annotations

import pytest

from agents.reviewers.security import is_suppressed, nosec_lines
from review.diff import FilterMode

# bandit cannot parse 3.12 syntax on 3.11, so only ruff's S rules read this file
MODERN = "type Command = str\n\n\ndef run(cmd: Command) -> None:\n    import os\n\n"


def test_an_old_nosec_silences_ruff_where_bandit_cannot_read_the_file(make_repo, review_repo):
    """Before the fix, ruff's S605 came through here although the line says `# nosec`."""
    old = MODERN + "    os.system(cmd)  # nosec\n    os.system(cmd)  # nosec B101\n"
    repo = make_repo([{"app.py": old}, {"app.py": old + "    os.system(cmd)  # nosec\n"}])
    done = review_repo(repo, agents=("security",), filter_mode=FilterMode.FILE)
    found = [(f.rule, f.line) for f in done.report.findings if f.rule == "B605"]
    # line 7: silenced; line 8: its nosec names another rule; line 9: the change added it
    assert found == [("B605", 8), ("B605", 9)]
    assert "app.py:9: a suppression the change adds was ignored" in (
        done.report.agents["security"].notes
    )


def test_an_old_nosec_on_any_line_of_the_statement_silences_its_rule(make_repo, review_repo):
    old = MODERN + (
        "    os.system(\n        cmd,\n    )  # nosec B605\n"  # on its last line, by id
        "    os.system(cmd)  # nosec: start_process_with_a_shell\n"  # by bandit's test name
        "    os.system(cmd)  # nosec subprocess_popen_with_shell_equals_true\n"  # another test
    )
    repo = make_repo([{"app.py": old}, {"app.py": old + "x = 1\n"}])
    done = review_repo(repo, agents=("security",), filter_mode=FilterMode.FILE)
    assert [f.line for f in done.report.findings if f.rule == "B605"] == [11]


@pytest.mark.parametrize(
    ("source", "expected"),
    [
        ("x(a)  # nosec\n", {1: None}),
        ("x(a)  # nosec B602, B607\n", {1: frozenset({"B602", "B607"})}),
        ("x(a)  #nosec:B602,B607\n", {1: frozenset({"B602", "B607"})}),
        ("x(a)  # nosec - trusted input\n", {1: None}),  # no test named: every test
        ("x(a)  # NOSEC\n", {}),  # bandit's pattern is lowercase
        ("s = '# nosec'\n", {}),  # in a string, not a comment
        ("x(\n  a,\n)  # nosec B602\ny = 2\n", dict.fromkeys((1, 2, 3), frozenset({"B602"}))),
        ("# nosec\nx(a)\n", {1: None}),  # a comment line covers itself only
        ("x(a  # nosec\n", {1: None}),  # the tokenizer gives up: the comment's own line
    ],
)
def test_nosec_comments_are_read_as_bandit_reads_them(source: str, expected: dict) -> None:
    assert nosec_lines(source.splitlines()) == expected


def test_a_nosec_naming_other_rules_leaves_this_one() -> None:
    nosec = nosec_lines(["x(a)  # nosec B602", "y(a)"])
    assert is_suppressed("B602", nosec, 1, 1)
    assert not is_suppressed("B605", nosec, 1, 1)
    assert not is_suppressed("B602", nosec, 2, 2)


def test_a_file_without_nosec_is_not_tokenized_and_case_matters() -> None:
    from agents.reviewers.security import nosec_lines

    assert nosec_lines(["x = eval(y)  # NOSEC", "def f(:"]) == {}  # bandit's nosec is lowercase
    assert nosec_lines(["x = (", "  eval(y))  # nosec"]) == {1: None, 2: None}
