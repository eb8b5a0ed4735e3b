"""Neighbouring files an analyser reads beside a changed file, as context.

Some tools judge a file by its folder: checkov resolves a Terraform resource's
`var.encrypted` from the module's `variables.tf`, so `main.tf` read alone hides an
unencrypted volume. An analyser declares such needs as `neighbours`, a map from a glob of
the changed file's name to globs of the names of the files beside it that it reads too
(`{"*.tf": ("*.tf",)}`). The clone step writes those files (`folders`, then the
workflow's `write_files`), head and base, though the change does not touch them; the
analyser's run copies them beside the changed file (`context`), keeps only findings on
the changed files, and keys its cached result by their contents as well.

Globs match a file's name (not its folder), case-insensitively, as `fnmatch` does.
"""

from __future__ import annotations

import fnmatch
import hashlib
import os
from collections.abc import Iterable, Mapping
from pathlib import Path, PurePosixPath

from review.workspace import PathEscape, read_regular_file

MAX_NEIGHBOURS = 200  # per folder: a folder of thousands of files is not a module


def patterns_for(neighbours: Mapping[str, tuple[str, ...]], path: str) -> tuple[str, ...]:
    """The globs of the neighbours `neighbours` declares for changed file `path`."""
    name = PurePosixPath(path).name.lower()
    return tuple(
        glob
        for key, globs in neighbours.items()
        if fnmatch.fnmatchcase(name, key.lower())
        for glob in globs
    )


def folders(
    declared: Iterable[Mapping[str, tuple[str, ...]]], paths: Iterable[str]
) -> dict[str, tuple[str, ...]]:
    """For the changed `paths`, each folder ("" the root) whose neighbours some analyser of
    `declared` reads, with the globs of their names."""
    wanted: dict[str, set[str]] = {}
    maps = list(declared)
    for path in paths:
        for neighbours in maps:
            globs = patterns_for(neighbours, path)
            if globs:
                wanted.setdefault(str(PurePosixPath(path).parent).strip("."), set()).update(globs)
    return {folder: tuple(sorted(globs)) for folder, globs in wanted.items()}


def matches(name: str, globs: Iterable[str]) -> bool:
    lowered = name.lower()
    return any(fnmatch.fnmatchcase(lowered, g.lower()) for g in globs)


def context(root: Path, path: str, globs: tuple[str, ...], limit: int) -> dict[str, bytes]:
    """The regular files beside `path` under `root` whose names match `globs` (not `path`
    itself), by repository path, each at most `limit` bytes; links are never followed."""
    if not globs:
        return {}
    parent = PurePosixPath(path).parent
    folder = root / parent
    try:
        if folder.is_symlink() or not folder.resolve().is_relative_to(root.resolve()):
            return {}
        names = sorted(
            entry.name
            for entry in os.scandir(folder)
            if entry.is_file(follow_symlinks=False) and matches(entry.name, globs)
        )
    except OSError:
        return {}
    found: dict[str, bytes] = {}
    for name in names[:MAX_NEIGHBOURS]:
        neighbour = str(parent / name) if str(parent) != "." else name
        if neighbour == path:
            continue
        try:
            data = read_regular_file(root, neighbour, limit)
        except PathEscape:
            data = None
        if data is not None:
            found[neighbour] = data
    return found


def digest(files: Mapping[str, bytes]) -> bytes:
    """What a cache key adds for `files` (path -> bytes): their names and contents."""
    summary = hashlib.sha256()
    for path in sorted(files):
        summary.update(path.encode("utf-8", "surrogateescape") + b"\0")
        summary.update(hashlib.sha256(files[path]).digest())
    return summary.digest()
