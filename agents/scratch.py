"""The private copy of an agent's files that an analyser reads.

An analyser never runs in the checkout. It runs in a scratch directory of its own, on
copies of exactly the files it is asked about, at their repository paths:

- no configuration file, plugin or ignore file of the reviewed repository sits next to
  them (tools look for those beside and above the files they read), so none is obeyed;
- the in-code suppression comments the tool honours (its `suppressions`) are neutralised
  on the lines the change adds, by a same-length rewrite (letters become `x`), so offsets
  and line numbers stay true: a change cannot hide its own findings, while suppressions
  already in the code keep working;
- links are never followed: a file is copied only when it is a regular file inside the
  checkout (`review.workspace.read_regular_file`).
"""

from __future__ import annotations

import re
from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field
from pathlib import Path

from review.workspace import PathEscape, read_regular_file

_LETTER = re.compile(rb"[A-Za-z]")


@dataclass
class Copies:
    """What an analyser is to read: each file's bytes by repository path (in the order
    asked), a note per suppression neutralised, and, per file, the lines of the original
    that carry a suppression comment (`marked`: what the findings cache needs to know
    whether another change would read the same file differently)."""

    files: dict[str, bytes] = field(default_factory=dict)
    notes: list[str] = field(default_factory=list)
    marked: dict[str, tuple[int, ...]] = field(default_factory=dict)


def read_copies(
    source: Path,
    paths: Iterable[str],
    limit: int,
    added: Mapping[str, frozenset[int]] | None = None,
    suppressions: Iterable[str] = (),
) -> Copies:
    """The copies of `paths` under `source` (regular files only, each cut at `limit` bytes,
    with `suppressions` (regular expressions) neutralised on the `added` lines of each
    file). Nothing is written: the findings cache is asked first."""
    patterns = [re.compile(p.encode()) for p in suppressions]
    copies = Copies()
    for path in paths:
        try:
            data = read_regular_file(source, path, limit)
        except PathEscape:
            data = None
        if data is None:
            continue
        if patterns:
            copies.marked[path] = marked_lines(data, patterns)
        if patterns and added and added.get(path):
            data, lines = neutralise(data, added[path], patterns)
            copies.notes += [
                f"{path}:{n}: a suppression the change adds was ignored" for n in lines
            ]
        copies.files[path] = data
    return copies


def marked_lines(data: bytes, patterns: list[re.Pattern[bytes]]) -> tuple[int, ...]:
    """The lines (git's numbering) of `data` where one of `patterns` matches."""
    return tuple(
        number
        for number, line in enumerate(data.split(b"\n"), 1)
        if any(pattern.search(line) for pattern in patterns)
    )


def write_copies(dest: Path, copies: Mapping[str, bytes]) -> None:
    """Write each copy at its repository path under `dest` (a fresh scratch directory)."""
    for path, data in copies.items():
        target = dest / path
        target.parent.mkdir(parents=True, exist_ok=True)
        target.write_bytes(data)


def neutralise(
    data: bytes, lines: frozenset[int], patterns: list[re.Pattern[bytes]]
) -> tuple[bytes, list[int]]:
    """`data` with every match of `patterns` on `lines` (git's numbering) rewritten to the
    same length, and the lines where that happened."""
    out: list[bytes] = []
    touched: list[int] = []
    for number, line in enumerate(data.split(b"\n"), 1):
        if number in lines:
            new = line
            for pattern in patterns:
                new = pattern.sub(lambda m: _LETTER.sub(b"x", m.group()), new)
            if new != line:
                touched.append(number)
            line = new
        out.append(line)
    return b"\n".join(out), touched
