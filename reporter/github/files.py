"""GitHub's pull request files listing as the domain's `Diff`: the lines a review may comment on.

Placement is decided from GitHub's own per-file `patch` (not from our diff), because
GitHub rejects a whole review with 422 when one comment is outside the diff it shows.
Files without a patch (binary, too large, a pure rename) are listed without hunks, so
nothing is placed on them. The same `Diff` model serves the review's filter.
"""

from __future__ import annotations

import logging
from collections.abc import Iterable
from typing import Any

from review.diff import ChangedFile, Diff, FileStatus, ShownDiff, hunks_of_patch

log = logging.getLogger(__name__)
MAX_LISTED_FILES = 3000  # the listing stops there (GitHub REST: "List pull requests files")
_STATUS = {
    "added": FileStatus.ADDED,
    "removed": FileStatus.DELETED,
    "renamed": FileStatus.RENAMED,
    "copied": FileStatus.COPIED,
    "changed": FileStatus.TYPE_CHANGED,
}


def shown_diff(files: Iterable[dict[str, Any]], changed_files: int, notes: list[str]) -> ShownDiff:
    """The diff GitHub shows, from its files listing; notes when the listing is cut short."""
    listed = list(files)
    diff = Diff({entry.path: entry for entry in map(_changed_file, listed) if entry})
    notes = list(notes)
    if len(listed) >= MAX_LISTED_FILES or changed_files > len(listed):
        notes.append(
            f"GitHub lists only the first {len(listed)} of {changed_files} changed files: "
            "findings in the others cannot be commented inline."
        )
    return ShownDiff(diff, notes)


def _changed_file(entry: dict[str, Any]) -> ChangedFile | None:
    path = entry.get("filename")
    if not isinstance(path, str) or not path:
        return None
    changed = ChangedFile(
        path=path,
        status=_STATUS.get(str(entry.get("status")), FileStatus.MODIFIED),
        old_path=entry.get("previous_filename"),
    )
    patch = entry.get("patch")
    if not isinstance(patch, str) or not patch.strip():
        return changed  # binary, too large, or a pure rename: nothing to comment on
    try:
        hunks, binary = hunks_of_patch(patch)
    except Exception as exc:  # noqa: BLE001 - it only costs the file its inline comments
        log.warning("patch of %s not understood (%s)", path, exc)
        return changed
    changed.binary = binary
    changed.hunks = [] if binary else hunks
    return changed
