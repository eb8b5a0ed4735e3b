"""The change a repository's last reviews computed, for the next clone to reuse.

A follow-up commit to a 300-file pull request gets a new run folder, whose clone would
read and parse the patch of all 300 files again though 299 compare the same two versions
as the review before. `orchestrator.change.compute_diff` takes those files' hunks from an
earlier change; this module finds one without scanning the workspace: each clone
records its run folder in the repository's file (`RunDir.last_changes_file`:
`runs/.last-changes/<partition>.json`), the most recent first, at most KEPT, with the
pull request it reviewed, under the key the changes were computed with
(`orchestrator.change.diff_key`: the diff options, the git program, unidiff's version).
A clone takes the last run of its own pull request, else the repository's last run.

The file and the earlier diff.json are hints: a missing, damaged or swept run folder, a
run folder of another repository or a change computed under another key just means
no reuse, and `compute_diff` takes a file from it only when git lists the file with the
same two object ids. A lost update (two clones writing at once) only loses a hint.
"""

from __future__ import annotations

import logging
from pathlib import Path
from typing import Any

from orchestrator.change import diff_key
from review.diff import Diff
from review.request import ReviewRequest
from review.workspace import RunDir, Workspace, read_json, write_json_atomic

KEPT = 16  # runs recorded per repository: enough for its open pull requests' last reviews
log = logging.getLogger(__name__)


def earlier_change(run: RunDir, request: ReviewRequest) -> Diff | None:
    """The change of the last run of the same pull request of the repository (else of
    the repository's last run), when it can still be read and was computed with the
    current `diff_key()`; None otherwise."""
    entries = _entries(run.last_changes_file(request.repository))
    if not entries:
        return None
    entry = next((e for e in entries if e.get("pull") == request.pull_number), entries[0])
    try:
        earlier = Workspace(run.path.parent.parent).run(str(entry.get("run")))
        if earlier.read_request().repository != request.repository:
            return None
        return earlier.read_change().diff
    except (OSError, ValueError, KeyError, TypeError, AttributeError):
        return None  # swept, being rewritten, or damaged: no reuse


def remember_change(run: RunDir, request: ReviewRequest) -> None:
    """Record `run` (whose diff.json was just written) as the repository's last change.
    Never raises: without the record the next clone reads its whole patch."""
    path = run.last_changes_file(request.repository)
    if path is None:
        return
    entries = [e for e in _entries(path) if e.get("run") != run.run_id]
    entries.insert(0, {"run": run.run_id, "pull": request.pull_number})
    try:
        # not synced: a record lost in a crash only costs the next clone its reuse
        write_json_atomic(path, {"diff_key": diff_key(), "runs": entries[:KEPT]}, sync=False)
    except OSError as exc:
        log.warning("could not record the change for reuse: %s", exc)


def _entries(path: Path | None) -> list[dict[str, Any]]:
    """The recorded runs, most recent first; none when the file is missing, damaged or
    was written under another `diff_key()`."""
    if path is None:
        return []
    try:
        data = read_json(path)
    except (OSError, ValueError):
        return []
    if not isinstance(data, dict) or data.get("diff_key") != diff_key():
        return []
    runs = data.get("runs")
    return [e for e in runs if isinstance(e, dict)] if isinstance(runs, list) else []
