"""Computing the change (diff.json) from a checkout: the merge base against the head.

Huge files are kept out of the patch (they are listed, with a note, but get no hunks),
so the memory a review needs is bounded by the size of the reviewable change.
"""

from __future__ import annotations

from orchestrator.git import Git
from review.diff import Diff, build_diff

MAX_CHANGED_LINES_PER_FILE = 20_000
_DIFF_OPTIONS = ("--no-color", "--no-ext-diff", "--no-textconv", "--find-renames", "--unified=3")


def compute_diff(git: Git, merge_base: str, head: str) -> tuple[Diff, list[str]]:
    """The change from `merge_base` to `head`, and notes on what had to be left out."""
    numstat = git.run("diff", *_DIFF_OPTIONS, "--numstat", "-z", merge_base, head)
    too_large = _files_over_limit(numstat)
    exclude = [f":(exclude,literal){path}" for path in too_large]
    pathspec = ["--", ".", *exclude] if exclude else []
    names = git.run("diff", *_DIFF_OPTIONS, "--raw", "-z", merge_base, head, *pathspec)
    patch = git.run("diff", *_DIFF_OPTIONS, merge_base, head, *pathspec)
    diff = build_diff(names, patch.decode("utf-8", "replace"))
    notes = []
    if too_large:
        listing = git.run("diff", *_DIFF_OPTIONS, "--raw", "-z", merge_base, head)
        for entry in build_diff(listing, "", allow_missing_patch=True).files.values():
            if entry.path in too_large:
                diff.files[entry.path] = entry
                notes.append(
                    f"{entry.path}: over {MAX_CHANGED_LINES_PER_FILE} changed lines, not reviewed"
                )
    return diff, notes


def _files_over_limit(numstat: bytes) -> set[str]:
    """Paths whose added plus deleted lines exceed the limit, from `--numstat -z` output.

    Renames appear as `added<TAB>deleted<TAB>` followed by two NUL-terminated paths.
    """
    fields = numstat.decode("utf-8", "surrogateescape").split("\x00")
    large: set[str] = set()
    i = 0
    while i < len(fields) and fields[i]:
        added, deleted, path = fields[i].split("\t", 2)
        if path:
            i += 1
        else:  # rename: the old and new path follow
            path = fields[i + 2]
            i += 3
        if added != "-" and int(added) + int(deleted) > MAX_CHANGED_LINES_PER_FILE:
            large.add(path)
    return large
