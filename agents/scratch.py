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
  checkout (`review.workspace.read_regular_file`);
- a copy whose bytes are the checkout file's as they are is a hard link to that file
  (`write_copies`): no data is written and no inode allocated, which is most of what
  a scratch directory costs (on ext4, finding a free inode after many deletions scans
  the inode tables); where a link cannot be made (another file system), it is written;
- a YAML alias bomb (`agents.yaml_bombs`) is never given as YAML to a tool that would
  expand it (`Analyser.expands_aliases`): it is left out with a note, or, for a tool that
  reads a file named otherwise as plain lines, its copy is named so (`Copies.as_text`);
- a script recognised by its `#!` line is named, for a tool that chooses the language
  by the suffix alone, with its interpreter's suffix (`agents.files.copy_suffix`), so
  the tool reads it instead of passing over it;
- a path a tool could print ambiguously (a newline, tab or CR in a name, `#` or `%`
  that a URI reads otherwise, a leading `-`, bytes beyond ASCII) is never given to it:
  that copy gets a generated name keeping its suffix (`copy_names`), and the names the
  tool prints are mapped back to repository paths (`agents.command.Invocation`), so its
  findings stay on the file they are about, in every output format.
"""

from __future__ import annotations

import os
import re
from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field
from pathlib import Path, PurePosixPath

from agents.turns import outside_turn
from agents.yaml_bombs import MAX_ALIAS_NODES, ExpandsAliases, alias_bomb
from review.hardlinks import link_regular_file
from review.workspace import PathEscape, read_regular_file

_LETTER = re.compile(rb"[A-Za-z]")
# a part of a path every tool prints as it is, in text, JSON or a URI: anything else is
# renamed in the copies (`copy_names`)
_SAFE_PART = re.compile(r"[A-Za-z0-9_.+@=~,][A-Za-z0-9_.+@=~,-]*")
_SAFE_SUFFIX = re.compile(r"\.[A-Za-z0-9_+-]+")


@dataclass
class Copies:
    """What an analyser is to read: each file's bytes by repository path (in the order
    asked), a note per suppression neutralised, and, per file, the lines of the original
    that carry a suppression comment (`marked`: what the findings cache needs to know
    whether another change would read the same file differently), the files whose
    copy is to be named for the tool to read as plain text (`as_text`: alias bombs), and
    the files whose bytes are their source file's as they are, neither cut nor rewritten
    (`verbatim`: their copies may be links to it)."""

    files: dict[str, bytes] = field(default_factory=dict)
    notes: list[str] = field(default_factory=list)
    marked: dict[str, tuple[int, ...]] = field(default_factory=dict)
    as_text: set[str] = field(default_factory=set)
    verbatim: set[str] = field(default_factory=set)


def read_copies(
    source: Path,
    paths: Iterable[str],
    limit: int,
    added: Mapping[str, frozenset[int]] | None = None,
    suppressions: Iterable[str] = (),
    aliases: ExpandsAliases | None = None,
) -> Copies:
    """The copies of `paths` under `source` (regular files only, each cut at `limit` bytes,
    with `suppressions` (regular expressions) neutralised on the `added` lines of each
    file). For a tool that expands YAML aliases (`aliases`), the alias bombs among the
    files it parses as YAML are left out, each with a note, or marked `as_text`. Nothing
    is written: the findings cache is asked first."""
    patterns = [re.compile(p.encode()) for p in suppressions]
    copies = Copies()
    for path in paths:
        try:
            data = read_regular_file(source, path, limit)
        except PathEscape:
            data = None
        if data is None:
            continue
        if aliases and aliases.parses(path) and _alias_bomb(data):
            bomb = f"its YAML aliases expand to more than {MAX_ALIAS_NODES:,} nodes (an alias bomb)"
            if not aliases.as_text:
                copies.notes.append(f"{path}: not analysed: {bomb}")
                continue
            copies.notes.append(f"{path}: read as plain text: {bomb}")
            copies.as_text.add(path)
        if patterns:
            copies.marked[path] = marked_lines(data, patterns)
        lines: list[int] = []
        if patterns and added and added.get(path):
            data, lines = neutralise(data, added[path], patterns)
            copies.notes += [
                f"{path}:{n}: a suppression the change adds was ignored" for n in lines
            ]
        if not lines and len(data) < limit:
            copies.verbatim.add(path)
        copies.files[path] = data
    return copies


def _alias_bomb(data: bytes) -> bool:
    """`alias_bomb`, outside this thread's turn (`agents.turns`): composing a large YAML
    file takes seconds, which the other analysers must not wait out."""
    with outside_turn():
        return alias_bomb(data)


def marked_lines(data: bytes, patterns: list[re.Pattern[bytes]]) -> tuple[int, ...]:
    """The lines (git's numbering) of `data` where one of `patterns` matches."""
    if not any(pattern.search(data) for pattern in patterns):
        return ()  # most files: one scan of the whole (no pattern is anchored to a line)
    return tuple(
        number
        for number, line in enumerate(data.split(b"\n"), 1)
        if any(pattern.search(line) for pattern in patterns)
    )


def write_copies(
    dest: Path,
    copies: Mapping[str, bytes],
    names: Mapping[str, str],
    sources: Mapping[str, str] | None = None,
) -> None:
    """Write each copy at its repository path under `dest` (a fresh scratch directory), or
    under the name `names` gives it.

    A copy of `sources` (path -> the regular file its bytes were read from, as they are:
    `Copies.verbatim`) is a hard link to that file, never to a link (`linkat` without
    following). Where links cannot be made (`dest` on another file system, or one without
    them), the copies are written."""
    made = {str(dest)}
    linking = bool(sources)
    for path, data in copies.items():
        target = os.path.join(dest, names.get(path, path))
        parent = os.path.dirname(target)
        if parent not in made:
            os.makedirs(parent, exist_ok=True)
            made.add(parent)
        source = sources.get(path) if linking and sources else None
        if source is not None and link_regular_file(source, target):
            continue
        linking = linking and source is None
        with open(target, "wb") as handle:
            handle.write(data)


def copy_names(paths: Iterable[str], suffixes: Mapping[str, str] | None = None) -> dict[str, str]:
    """The names of the copies not written at their repository path (path -> name).

    A path with a part a tool could print ambiguously or mangle (a control character such
    as a newline, tab or CR, a character URIs reserve such as `#`, `?` or `%`, a space,
    anything beyond ASCII or not UTF-8, a leading `-`) is given a generated name instead:
    `renamed-N` keeping the part's suffix (`.js`, `.yml`: tools choose their parser by
    it), a directory one name for all its files (so files beside each other stay so), its
    other parts as they are (`.github/workflows/`), and no name another copy has. The
    copy of each path of `suffixes` gets its suffix added (a tool picks its parser by it:
    `.conf` for a YAML alias bomb to be read as plain text, `.py` for a Python script
    without a suffix), as often as it takes to name no other copy.
    """
    paths = list(paths)
    taken = {"/".join(p.split("/")[:n]) for p in paths for n in range(1, p.count("/") + 2)}
    renamed: dict[str, str] = {}  # a path's unsafe prefix -> its name

    def fresh(parent: str, part: str) -> str:
        tail = PurePosixPath(part).suffix
        tail = tail if _SAFE_SUFFIX.fullmatch(tail) else ""
        number = len(renamed)
        while (name := f"{parent}renamed-{number}{tail}") in taken:
            number += 1
        taken.add(name)
        return name

    names: dict[str, str] = {}
    for path in paths:
        parts, name = path.split("/"), ""
        for index, part in enumerate(parts):
            parent = f"{name}/" if name else ""
            if _SAFE_PART.fullmatch(part):
                name = parent + part
                continue
            key = "/".join(parts[: index + 1])
            if key not in renamed:
                renamed[key] = fresh(parent, part)
            name = renamed[key]
        names[path] = name
    for path, suffix in (suffixes or {}).items():
        if not suffix:
            continue
        name = names[path] + suffix
        while name in taken:
            name += suffix
        taken.add(name)
        names[path] = name
    return {path: name for path, name in names.items() if name != path}


def neutralise(
    data: bytes, lines: frozenset[int], patterns: list[re.Pattern[bytes]]
) -> tuple[bytes, list[int]]:
    """`data` with every match of `patterns` on `lines` (git's numbering) rewritten to the
    same length, and the lines where that happened."""
    if not any(pattern.search(data) for pattern in patterns):
        return data, []
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
