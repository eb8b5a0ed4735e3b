"""One analyser's whole result over one set of file versions, reused as it is.

The findings cache (`agents.cache`) keeps a result per file, so a review of files seen
before still looks each one up, merges and places their findings again, and compares
them with the base versions. When every input of an analyser's run is the same as a run
before — the analyser's identity, and for each file its path, status, kind, former
path, head and base blobs and the lines the change adds — its result was the same: this
entry holds that result whole (findings in git's lines with their baseline state, and
notes), so an identical re-review or a rebase of the same content reads one entry per
analyser instead of one per file. Whether each file's base version is in the checkout is
part of the key too (a checkout budget can leave it out).

Not kept: an analyser that reads neighbouring files (their versions are not in the
change), a file known only by its bytes (no blob id), and a result with a file not
analysed (a failure or a time-out is not a result).
"""

from __future__ import annotations

import json
from typing import Any

from agents.analysis import AgentInput, Analysis
from agents.cache import FORMAT, FindingsCache
from agents.declaration import Analyser
from review.findings import Finding, InvalidFinding

# notes that say a file's result is missing: such a run is not kept
_INCOMPLETE = ("not analysed", "could not read")


def run_key(store: FindingsCache, analyser: Analyser, work: AgentInput) -> str | None:
    """The key of the analyser's run over `work.files`, or None when such a run is not
    kept (see the module docstring)."""
    if store.directory is None or analyser.neighbours or work.file_versions is None:
        return None
    described = json.dumps(
        {"limit": work.config.max_file_bytes, "files": work.file_versions},
        separators=(",", ":"),
    )
    return store.key("\0whole run", described.encode())


def load_run(store: FindingsCache, key: str, paths: list[str]) -> Analysis | None:
    """The result stored at `key` (every file of `paths` counted as a hit), or None when
    there is none or it is damaged (nothing counted)."""
    entry = store.read_raw(key)
    if entry is None or entry.get("path") != "\0whole run":
        return None
    try:
        findings = [Finding.from_dict(f) for f in entry["findings"]]
        notes = [str(n) for n in entry["notes"]]
    except (KeyError, TypeError, AttributeError, InvalidFinding):
        return None
    if not {f.path for f in findings} <= set(paths):
        return None
    store.hits += len(paths)
    return Analysis(findings=findings, notes=notes)


def store_run(store: FindingsCache, key: str, analysis: Analysis) -> None:
    """Keep `analysis` at `key`, unless a file of it was not analysed: written with the
    run's per-file entries, in one pack, by the store's next `flush`."""
    if any(marker in note for note in analysis.notes for marker in _INCOMPLETE):
        return
    entry: dict[str, Any] = {
        "format": FORMAT,
        "path": "\0whole run",
        "findings": [f.to_dict() for f in analysis.findings],
        "notes": list(analysis.notes),
    }
    store.stage(key, entry)
