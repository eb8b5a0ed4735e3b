"""Lines as git and GitHub count them, and mapping other tools' line numbers onto them.

Git ends a line at LF only: CR is content (a CRLF file's lines end in "\\r"), and form feed,
vertical tab, U+001C-U+001E, U+0085, U+2028 and U+2029 are ordinary characters. Python's
`str.splitlines()` splits on all of those, so it must never number a repository's lines:
every place that numbers, shows, fingerprints, grounds or reads lines goes through
`split_lines`.

Some analysers count differently: Python's tokenizer (so bandit and ruff) also ends a
line at a lone CR; YAML parsers (PyYAML, so yamllint) also at U+0085, U+2028 and U+2029
(YAML 1.1's line breaks). `to_git_line` maps their numbers through byte offsets.
"""

from __future__ import annotations

import re
from bisect import bisect_right
from collections.abc import Sequence
from enum import StrEnum


class LineModel(StrEnum):
    """How a tool numbers lines."""

    GIT = "git"  # LF only (git, GitHub, tree-sitter based tools)
    UNIVERSAL = "universal"  # LF, CRLF and lone CR (Python's tokenizer: bandit, ruff)
    YAML = "yaml-1.1"  # also U+0085, U+2028, U+2029 (PyYAML's marks: yamllint)


_BREAKS = {
    LineModel.GIT: re.compile(rb"\n"),
    LineModel.UNIVERSAL: re.compile(rb"\r\n|\r|\n"),
    # YAML 1.1, 5.4: CRLF, CR, LF, NEL, LS, PS (UTF-8 encoded)
    LineModel.YAML: re.compile(rb"\r\n|\r|\n|\xc2\x85|\xe2\x80\xa8|\xe2\x80\xa9"),
}


def split_lines(data: bytes, model: LineModel = LineModel.GIT) -> list[str]:
    """`data`'s lines as git numbers them (or as `model` does): line n is
    `split_lines(data)[n - 1]`.

    Each line is decoded as UTF-8 (invalid bytes replaced) and keeps everything but its
    terminating LF (its line break under `model`), a CR before it included for git's. A
    last line without a terminator counts; an empty file has no lines.
    """
    if not data:
        return []
    parts = data.split(b"\n") if model is LineModel.GIT else _BREAKS[model].split(data)
    if parts[-1] == b"":
        parts.pop()
    return [part.decode("utf-8", "replace") for part in parts]


def line_starts(data: bytes, model: LineModel = LineModel.GIT) -> list[int]:
    """The byte offset where each line begins under `model` (line n at index n - 1)."""
    starts = [0] + [m.end() for m in _BREAKS[model].finditer(data)]
    if starts[-1] == len(data) and len(starts) > 1:
        starts.pop()  # a final terminator starts no line
    return starts if data else []


def to_git_line(line: int, starts: Sequence[int], git_starts: Sequence[int]) -> int | None:
    """Git's number for a tool's `line`, given both models' `line_starts`; None when the
    tool's line does not exist in the file."""
    if not 0 < line <= len(starts):
        return None
    return bisect_right(git_starts, starts[line - 1])  # the git line holding that offset


def display(line: str) -> str:
    """A line as a person reads it: without the CR of a CRLF ending."""
    return line.removesuffix("\r")
