"""An independent reading of GitHub's per-file `patch`: which RIGHT-side lines each hunk shows.

Deliberately not `review.diff`: the tests check reviewbot's placement against this.
"""

from __future__ import annotations

import re

_HEADER = re.compile(r"^@@ -\d+(?:,\d+)? \+(\d+)(?:,(\d+))? @@")


def right_side_hunks(patch: str) -> list[set[int]]:
    """For each hunk, the new-file line numbers of its context and added lines."""
    hunks: list[set[int]] = []
    line = 0
    for text in patch.split("\n"):
        match = _HEADER.match(text)
        if match:
            hunks.append(set())
            line = int(match.group(1))
        elif hunks and text[:1] in (" ", "+"):
            hunks[-1].add(line)
            line += 1
        # "-" lines exist only on the LEFT side; "\ No newline at end of file" is no line
    return hunks


def commentable(patch: str) -> set[int]:
    return set().union(*right_side_hunks(patch)) if patch else set()
