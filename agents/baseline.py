"""Which of an analyser's findings the change introduced: the head's findings matched
against the same analyser's findings on the base version of each changed file.

Each head finding gets SARIF's `baselineState`: "new" when the base version of its file
had no matching finding left, "unchanged" when it had one. Line numbers never decide a
match (an edit above a finding moves it); as code-scanning tools do, findings are matched
by rule and by the code they point at, each base finding matching at most one head
finding, in three passes from the most to the least exact:

1. the same rule, the same code on the flagged line (whitespace-insensitive) and the same
   message;
2. the same rule and the same code on the flagged line (a message that names a column or
   a count may change while the problem stays);
3. the same rule and the same message, the base finding whose line is most like the
   head's (a renamed variable or a reformatted call: the line differs, the problem is
   the one the base had); on a line the change added, with several such base findings
   left, only when the lines are at least `MIN_SIMILARITY` alike (difflib's ratio).

Head findings on lines the change did not touch are matched first, so a problem that was
already there is not credited to an added copy of the same line. A file the change adds
has no base version: all its findings are new.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping
from difflib import SequenceMatcher

from review.findings import Finding

NEW = "new"
UNCHANGED = "unchanged"
MIN_SIMILARITY = 0.5  # of an added line to a base finding's line, when several could match
Lines = Callable[[str], list[str] | None]  # a file's lines as git numbers them, or None


def classify(
    head: list[Finding],
    base: list[Finding],
    lines: tuple[Lines, Lines],
    added: Mapping[str, frozenset[int]],
    compared: frozenset[str],
    created: frozenset[str] = frozenset(),
) -> list[Finding]:
    """`head` with `baseline_state` set, in the same order.

    `lines` reads a file's head and base versions; `added` gives each file's added lines;
    findings in a file of `compared` (whose base version was analysed, giving `base`) are
    "new" or "unchanged" against `base`; findings in a file of `created` (added by the
    change) are "new"; others keep `baseline_state` None (not compared).
    """
    head_lines, base_lines = lines
    states: dict[int, str] = {}
    by_path: dict[str, list[int]] = {}
    for index, finding in enumerate(head):
        by_path.setdefault(finding.path, []).append(index)
    for path, indexes in by_path.items():
        if path in created:
            states.update((i, NEW) for i in indexes)
        if path not in compared:
            continue
        olds = [f for f in base if f.path == path]
        matched = _match(
            [(i, head[i]) for i in indexes],
            olds,
            head_lines(path) or [],
            base_lines(path) or [],
            added.get(path, frozenset()),
        )
        for index in indexes:
            states[index] = UNCHANGED if index in matched else NEW
    return [f.evolve(baseline_state=states[i]) if i in states else f for i, f in enumerate(head)]


def _match(
    heads: list[tuple[int, Finding]],
    olds: list[Finding],
    head_text: list[str],
    base_text: list[str],
    added: frozenset[int],
) -> set[int]:
    """The indexes of `heads` matched to a finding of `olds` (see the module docstring)."""
    heads = sorted(heads, key=lambda item: (item[1].line in added, item[1].line))
    left = list(range(len(olds)))
    matched: set[int] = set()

    def code(text: list[str], line: int) -> str:
        return " ".join(text[line - 1].split()) if 0 < line <= len(text) else ""

    def message(finding: Finding) -> str:
        return " ".join(finding.message.split())

    exact = (
        lambda f, t: (f.rule, code(t, f.line), message(f)),
        lambda f, t: (f.rule, code(t, f.line)),
    )
    for key in exact:
        for index, finding in heads:
            if index in matched:
                continue
            wanted = key(finding, head_text)
            for position, old in enumerate(left):
                if key(olds[old], base_text) == wanted:
                    matched.add(index)
                    del left[position]
                    break
    for index, finding in heads:  # the third pass: rule and message
        if index in matched:
            continue
        line = code(head_text, finding.line)
        candidates = [
            (SequenceMatcher(None, line, code(base_text, olds[old].line)).ratio(), position)
            for position, old in enumerate(left)
            if (olds[old].rule, message(olds[old])) == (finding.rule, message(finding))
        ]
        if not candidates:
            continue
        similarity, position = max(candidates)
        if finding.line in added and len(candidates) > 1 and similarity < MIN_SIMILARITY:
            continue  # an added line like none of them: which one it would be is a guess
        matched.add(index)
        del left[position]
    return matched
