"""Which findings a change introduced: head findings matched against the base's by rule and
code, never by line number."""

from __future__ import annotations

from agents.baseline import NEW, UNCHANGED, classify
from review.findings import Finding, Severity


def at(path: str, line: int, rule: str = "B307", message: str = "Use of eval") -> Finding:
    return Finding("security", rule, Severity.WARNING, path, line, message)


def states(
    head: list[Finding],
    base: list[Finding],
    head_text: str,
    base_text: str,
    added: set[int],
    created: frozenset[str] = frozenset(),
) -> list[str | None]:
    texts = {"head": head_text.splitlines(), "base": base_text.splitlines()}
    found = classify(
        head,
        base,
        (lambda p: texts["head"], lambda p: texts["base"]),
        {"a.py": frozenset(added)},
        frozenset() if created else frozenset({"a.py"}),
        created,
    )
    assert [(f.path, f.line, f.rule) for f in found] == [(f.path, f.line, f.rule) for f in head]
    return [f.baseline_state for f in found]


def test_a_finding_that_moved_down_is_unchanged() -> None:
    base = "x = eval(a)\n"
    head = "import os\n\nx = eval(a)\n"
    assert states([at("a.py", 3)], [at("a.py", 1)], head, base, {1, 2}) == [UNCHANGED]


def test_a_renamed_variable_on_a_flagged_line_is_not_blamed_on_the_change() -> None:
    base = "x = eval(a)\n"
    head = "renamed = eval(a)\n"
    assert states([at("a.py", 1)], [at("a.py", 1)], head, base, {1}) == [UNCHANGED]


def test_a_new_copy_of_an_existing_problem_is_new() -> None:
    base = "x = eval(a)\n"
    head = "x = eval(a)\ny = eval(b)\n"
    found = states([at("a.py", 1), at("a.py", 2)], [at("a.py", 1)], head, base, {2})
    assert found == [UNCHANGED, NEW]


def test_an_added_line_like_none_of_several_base_findings_is_new() -> None:
    base = "x = eval(a)\ny = eval(b)\n"
    head = "x = eval(a)\ny = eval(b)\nresult = sandbox.run(eval(compile(src)))\n"
    found = states(
        [at("a.py", 1), at("a.py", 2), at("a.py", 3)],
        [at("a.py", 1), at("a.py", 2)],
        head,
        base,
        {3},
    )
    assert found == [UNCHANGED, UNCHANGED, NEW]


def test_a_problem_on_an_untouched_line_caused_by_the_change_is_new() -> None:
    """Deleting `autoescape=True` makes the unchanged `Environment(` line vulnerable."""
    base = "env = jinja2.Environment(\n    loader=loader,\n    autoescape=True,\n)\n"
    head = "env = jinja2.Environment(\n    loader=loader,\n)\n"
    finding = at("a.py", 1, "B701", "jinja2 autoescape false")
    assert states([finding], [], head, base, set()) == [NEW]


def test_a_different_rule_on_the_same_line_is_new() -> None:
    text = "x = eval(a)\n"
    found = states([at("a.py", 1, "S307")], [at("a.py", 1, "B307")], text, text, set())
    assert found == [NEW]


def test_each_base_finding_matches_one_head_finding() -> None:
    base = "x = eval(a)\n"
    head = "x = eval(a)\nx = eval(a)\n"
    found = states([at("a.py", 1), at("a.py", 2)], [at("a.py", 1)], head, base, {2})
    assert found == [UNCHANGED, NEW]  # the untouched line keeps the old finding


def test_a_created_file_is_all_new_and_an_uncompared_one_is_unknown() -> None:
    head = [at("a.py", 1)]
    created = states(head, [], "x = eval(a)\n", "", {1}, created=frozenset({"a.py"}))
    assert created == [NEW]
    unknown = classify(head, [], (lambda p: [], lambda p: []), {}, frozenset(), frozenset())
    assert [f.baseline_state for f in unknown] == [None]
