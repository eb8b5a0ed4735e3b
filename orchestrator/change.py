"""Computing the change (diff.json) from a checkout: the merge base against the head.

The change is read from git's objects with every display rule off: the review's
repository is bare (`review.git.Git`), so the reviewed repository's `.gitattributes` (at
the base or the head) cannot mark a file binary, hide a hunk or run a diff driver, and no
external diff or textconv ever runs. Huge files are kept out of the
patch (they are listed, with a note, but get no hunks), so the memory a review needs is
bounded by the size of the reviewable change.
"""

from __future__ import annotations

import functools
import hashlib
import importlib.metadata
import json
import os
import shutil
from dataclasses import replace

from review.diff import (
    ChangedFile,
    Diff,
    FileKind,
    FileStatus,
    Hunk,
    RawEntry,
    build_diff,
    kind_of_mode,
    parse_raw,
    split_raw,
)
from review.git import Git

MAX_CHANGED_LINES_PER_FILE = 20_000
# git's own test (xdiff's buffer_is_binary): a NUL byte in the first 8,000 bytes
_BINARY_PROBE = 8000
_MAX_TEXT_CHECK_BYTES = 1_000_000  # agents do not read larger files anyway
_LISTING_OPTIONS = (
    "--no-color", "--no-ext-diff", "--no-textconv", "--find-renames", "--full-index",
    "--no-abbrev",
)  # fmt: skip
# `--unified` implies `--patch` (git-diff(1)): the listing runs must not have it, or they
# would make the whole patch, huge files too, for nothing
_DIFF_OPTIONS = (*_LISTING_OPTIONS, "--unified=3")
_MAX_PATHSPEC_CHARS = 64 * 1024  # the names of the files whose patch is read alone
_ENTRY_FORMAT = 1  # bump when what a changed file's entry holds changes


@functools.cache
def diff_key() -> str:
    """What a change's files are computed with, as a digest: the diff options and limits,
    the git program (its path, size and modification time: another git may cut hunks
    otherwise) and unidiff's version. An earlier change is reused only under the same
    key (`compute_diff`)."""
    found = shutil.which("git")
    program = os.path.realpath(found) if found else "git (not found)"
    try:
        info = os.stat(program)
        git = f"{program} {info.st_size} {info.st_mtime_ns}"
    except OSError:
        git = f"{program} (missing)"
    parts = [_DIFF_OPTIONS, MAX_CHANGED_LINES_PER_FILE, _BINARY_PROBE, _MAX_TEXT_CHECK_BYTES]
    parts += [_ENTRY_FORMAT, git, importlib.metadata.version("unidiff")]
    return hashlib.sha256(json.dumps(parts).encode()).hexdigest()[:16]


def changed_listing(git: Git, merge_base: str, head: str, renames: bool) -> bytes:
    """git's `--raw -z` listing of the change. Without `renames`, from the trees alone: no
    blob is read, so a partial clone can list what to fetch first. With them, as the diff
    pairs renamed files (reading the blobs of added and deleted ones): `compute_diff`'s
    own listing, which it can then take instead of making it."""
    if renames:
        return git.run("diff", *_LISTING_OPTIONS, "--raw", "-z", merge_base, head)
    return git.run("diff", "--raw", "-z", "--no-renames", "--no-abbrev", merge_base, head)


def changed_objects(listing: bytes) -> list[str]:
    """The object ids of both versions of every changed file of `listing`
    (`changed_listing`, either kind): what the diff will read."""
    entries = parse_raw(listing)
    gitlink = "160000"  # a submodule's commit: never fetched
    olds = [e.old_blob for e in entries if e.old_blob and e.old_mode != gitlink]
    return olds + [e.blob for e in entries if e.blob and e.mode != gitlink]


def compute_diff(
    git: Git,
    merge_base: str,
    head: str,
    largest_blob: int | None = None,
    earlier: Diff | None = None,
    listing: bytes | None = None,
) -> tuple[Diff, list[str]]:
    """The change from `merge_base` to `head`, and notes on what had to be left out.

    Two `git diff` runs: the listing with each file's changed-line counts
    (`--raw --numstat`), then, without the files over MAX_CHANGED_LINES_PER_FILE, the
    listing and the patch together (`--raw --patch`: names and hunks of one run). Given
    the size of the largest blob the change reads (`largest_blob`, bytes), the counts
    are left out when no file can be over the limit: a line is at least a byte, so a file
    changes at most as many lines as its two versions hold bytes.

    With an `earlier` change of the same repository computed under the same `diff_key()`
    (e.g. the review before a follow-up commit), a file listed exactly as there (path,
    status, old path, kind, both object ids) takes its hunks from it, and only the other
    files' patch is read (`_reusing`); the result is the same as without it. `listing` is
    the change's `changed_listing` with renames, when it was made already."""
    numstat = largest_blob is None or 2 * largest_blob > MAX_CHANGED_LINES_PER_FILE
    too_large: dict[str, str | None] = {}
    if numstat or (earlier and listing is None):
        counts = ("--numstat",) if numstat else ()
        listing, lines = split_raw(
            git.run("diff", *_LISTING_OPTIONS, "--raw", *counts, "-z", merge_base, head)
        )
        too_large = _files_over_limit(lines) if numstat else {}
    # the files over the limit are left out of the patch, which changes what git pairs
    found = None
    if earlier and listing is not None and not too_large:
        found = _reusing(git, merge_base, head, listing, earlier)
    diff, reused = found or (_patched(git, merge_base, head, too_large), set())
    notes = []
    if too_large:
        for entry in build_diff(listing or b"", "", allow_missing_patch=True).files.values():
            if entry.path in too_large:
                entry.skipped = f"over {MAX_CHANGED_LINES_PER_FILE} changed lines"
                diff.files[entry.path] = entry
    for changed in diff.files.values():
        if changed.path not in reused:
            _text_at_head(git, changed)
    for path in [p for p in diff.files if not _is_utf8(p)]:
        # such a name cannot be written to diff.json, shown, or commented on
        del diff.files[path]
        notes.append(f"{_printable(path)}: file name is not valid UTF-8, not reviewed")
    for changed in diff.files.values():
        if changed.old_path is not None and not _is_utf8(changed.old_path):
            changed.old_path = _printable(changed.old_path)
    notes += [f"{c.path}: {why}, not analysed" for c in diff.files.values() if (why := _unread(c))]
    return diff, notes


def _patched(git: Git, merge_base: str, head: str, too_large: dict[str, str | None]) -> Diff:
    """The listing and the patch of every file but those in `too_large` (a renamed one is
    left out under both names, or its old name would show as deleted)."""
    excluded = {p for new_and_old in too_large.items() for p in new_and_old if p}
    exclude = [f":(exclude,literal){path}" for path in sorted(excluded)]
    pathspec = ["--", ".", *exclude] if exclude else []
    names, patch = split_raw(
        git.run("diff", *_DIFF_OPTIONS, "--raw", "-z", "--patch", merge_base, head, *pathspec)
    )
    return build_diff(names, patch.decode("utf-8", "replace"))


def _reusing(
    git: Git, merge_base: str, head: str, listing: bytes, earlier: Diff
) -> tuple[Diff, set[str]] | None:
    """The change of `listing` (the whole `--raw` listing) and the paths taken from
    `earlier`: the files listed exactly as there; the others are read from their own patch
    (`git diff` limited to their paths). None to read the whole patch instead: when no
    file is as in `earlier`.

    A file's hunks depend only on its two versions and the diff options; which files
    git pairs as renamed depends on the set of files it compares, so the paths' own
    listing must be exactly the whole listing's entries for them, or None. None too when
    their names would not fit a command line (`_MAX_PATHSPEC_CHARS`)."""
    files: dict[str, ChangedFile | None] = {}
    rest = []
    for entry in parse_raw(listing):
        prior = earlier.files.get(entry.path)
        if prior is not None and _same_versions(prior, entry):
            files[entry.path] = replace(prior, hunks=list(prior.hunks))  # earlier is shared
        else:
            files[entry.path] = None
            rest.append(entry)
    reused = {path for path, changed in files.items() if changed is not None}
    if not reused:
        return None
    if rest:
        paths = [p for e in rest for p in (e.path, e.old_path) if p is not None]
        if sum(len(p) + 12 for p in paths) > _MAX_PATHSPEC_CHARS:
            return None
        pathspec = ["--", *(f":(literal){p}" for p in paths)]
        names, patch = split_raw(
            git.run("diff", *_DIFF_OPTIONS, "--raw", "-z", "--patch", merge_base, head, *pathspec)
        )
        if parse_raw(names) != rest:  # paired otherwise, or a name matched a folder
            return None
        files |= build_diff(names, patch.decode("utf-8", "replace")).files
    return Diff({path: changed for path, changed in files.items() if changed is not None}), reused


def _same_versions(prior: ChangedFile, entry: RawEntry) -> bool:
    """Whether `prior` (a file of an earlier change) compared the same two versions as
    `entry`, with hunks that are well-formed (diff.json is read back from disk)."""
    same = (prior.status, prior.old_path, prior.kind, prior.old_blob, prior.blob) == (
        entry.status,
        entry.old_path,
        kind_of_mode(entry.mode),
        entry.old_blob,
        entry.blob,
    )
    if not same or not (prior.skipped is None or isinstance(prior.skipped, str)):
        return False
    return all(_well_formed(hunk) for hunk in prior.hunks)


def _well_formed(hunk: Hunk) -> bool:
    numbers = (hunk.start, hunk.length, *hunk.added, *hunk.context)
    if not all(type(n) is int for n in numbers):
        return False
    return all(n in hunk.lines for n in (*hunk.added, *hunk.context))


def _text_at_head(git: Git, changed: ChangedFile) -> None:
    """Undo git's "Binary files differ" for a file that is text at the head.

    git calls a whole change binary when either side is, so a binary file replaced by a
    text one would never be read. Its head version is all new: every line is added.
    """
    if not changed.binary or not changed.blob or changed.kind is not FileKind.FILE:
        return
    if int(git.run("cat-file", "-s", changed.blob)) > _MAX_TEXT_CHECK_BYTES:
        return
    content = git.run("cat-file", "blob", changed.blob)
    if b"\0" in content[:_BINARY_PROBE]:
        return
    count = content.count(b"\n") + (0 if content.endswith(b"\n") or not content else 1)
    changed.binary = False
    changed.hunks = [Hunk(1, count, tuple(range(1, count + 1)), ())] if count else []
    if count > MAX_CHANGED_LINES_PER_FILE:
        changed.skipped = f"over {MAX_CHANGED_LINES_PER_FILE} changed lines"


def _unread(changed: ChangedFile) -> str | None:
    """Why no agent reads this changed file, if none does (a deleted file has nothing)."""
    if changed.status == FileStatus.DELETED:
        return None
    if changed.kind is FileKind.SYMLINK:
        return "a symbolic link (never followed)"
    if changed.kind is FileKind.SUBMODULE:
        return "a submodule (never fetched)"
    if changed.skipped:
        return changed.skipped
    return "a binary file" if changed.binary else None


def _is_utf8(path: str) -> bool:
    try:
        path.encode("utf-8")
    except UnicodeEncodeError:  # undecodable bytes, kept as surrogates
        return False
    return True


def _printable(path: str) -> str:
    return path.encode("utf-8", "surrogateescape").decode("utf-8", "replace")


def _files_over_limit(numstat: bytes) -> dict[str, str | None]:
    """Paths whose added plus deleted lines exceed the limit, from `--numstat -z` output,
    each with its old path when it was renamed.

    Renames appear as `added<TAB>deleted<TAB>` followed by two NUL-terminated paths.
    """
    fields = numstat.decode("utf-8", "surrogateescape").split("\x00")
    large: dict[str, str | None] = {}
    i = 0
    while i < len(fields) and fields[i]:
        added, deleted, path = fields[i].split("\t", 2)
        old_path = None
        if path:
            i += 1
        else:  # rename: the old and new path follow
            old_path, path = fields[i + 1], fields[i + 2]
            i += 3
        if added != "-" and int(added) + int(deleted) > MAX_CHANGED_LINES_PER_FILE:
            large[path] = old_path
    return large
