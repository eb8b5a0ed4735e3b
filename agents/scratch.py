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
from pathlib import Path

from review.workspace import PathEscape, read_regular_file

_LETTER = re.compile(rb"[A-Za-z]")


def copy_files(
    source: Path,
    dest: Path,
    paths: Iterable[str],
    limit: int,
    added: Mapping[str, frozenset[int]] | None = None,
    suppressions: Iterable[str] = (),
) -> list[str]:
    """Copy the regular files `paths` of `source` to the same paths under `dest`, each cut
    at `limit` bytes, with `suppressions` (regular expressions) neutralised on the
    `added` lines of each file; returns a note per neutralised suppression."""
    patterns = [re.compile(p.encode()) for p in suppressions]
    notes: list[str] = []
    for path in paths:
        try:
            data = read_regular_file(source, path, limit)
        except PathEscape:
            data = None
        if data is None:
            continue
        if patterns and added and added.get(path):
            data, lines = neutralise(data, added[path], patterns)
            notes += [f"{path}:{n}: a suppression the change adds was ignored" for n in lines]
        target = dest / path
        target.parent.mkdir(parents=True, exist_ok=True)
        target.write_bytes(data)
    return notes


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
