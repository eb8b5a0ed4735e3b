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

When the versions differ only in part (a follow-up commit to a pull request edits one
file of 300), the last whole run over the same paths is found through a pointer entry
keyed by the paths alone (`load_previous`), and each file whose version is the same as
in that run takes its result from it, read with the run's one entry instead of a lookup
per file: only the other files are analysed, and compared with their base versions. A
file's findings, and their baseline state, depend on nothing but its version: a file's
entry in the findings cache is keyed by less.

An agent whose every analyser's whole run has the same inputs as one before is answered
by one entry too (`load_agent_run`): its analysers' findings already combined (bandit's
and ruff's `S` findings of one problem as one), with each one's notes, keyed by their
whole runs' keys; its analysers are not started.

Not kept: an analyser that reads neighbouring files (their versions are not in the
change), a file known only by its bytes (no blob id), and a result with a file not
analysed (a failure or a time-out is not a result). Not taken in part: a `new_only`
analyser's (its note counts the findings it left out over all the files), or a run with
a note that names no single file.
"""

from __future__ import annotations

import json
import re
from typing import Any

from agents.analysis import AgentInput, Analysis
from agents.cache import FORMAT, FindingsCache, note_paths
from agents.command import ToolMissing, program
from agents.declaration import Analyser
from review.findings import Finding, InvalidFinding

# notes that say a file's result is missing: such a run is not kept
_INCOMPLETE = ("not analysed", "could not read")
_HEX_KEY = re.compile(r"[0-9a-f]{64}")  # an entry key: a SHA-256 hex digest


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


def store_run(store: FindingsCache, key: str, analysis: Analysis, work: AgentInput) -> None:
    """Keep `analysis` of `work.files` at `key`, and make it the last whole run over those
    paths (`load_previous`), unless a file of it was not analysed: written with the run's
    per-file entries, in one pack, by the store's next `flush`."""
    if any(marker in note for note in analysis.notes for marker in _INCOMPLETE):
        return
    entry: dict[str, Any] = {
        "format": FORMAT,
        "path": "\0whole run",
        "findings": [f.to_dict() for f in analysis.findings],
        "notes": list(analysis.notes),
        "files": work.file_versions,
    }
    store.stage(key, entry)
    pointer = {"format": FORMAT, "path": "\0previous run", "run": key}
    store.stage(_previous_key(store, work), pointer)


def load_previous(
    store: FindingsCache, analyser: Analyser, work: AgentInput
) -> dict[str, Analysis]:
    """Per file of `work.files` whose version (`AgentInput.file_versions`) is the same as
    in the last whole run over the same paths, that run's findings and notes for it (each
    counted as a hit); nothing when there is no such run, it is damaged, or it cannot be
    taken in part (see the module docstring)."""
    if store.directory is None or analyser.neighbours or analyser.new_only:
        return {}
    if work.file_versions is None:
        return {}
    pointer = store.read_raw(_previous_key(store, work))
    run = pointer.get("run") if pointer and pointer.get("path") == "\0previous run" else None
    entry = store.read_raw(run) if isinstance(run, str) and _HEX_KEY.fullmatch(run) else None
    if entry is None or entry.get("path") != "\0whole run":
        return {}
    now = {version[0]: version for version in work.file_versions}
    before = entry.get("files")
    if not isinstance(before, list) or not all(_is_version(v) for v in before):
        return {}  # damaged
    same = {v[0] for v in before if now.get(v[0]) == v}
    try:
        findings = [Finding.from_dict(f) for f in entry["findings"]]
        notes = [str(n) for n in entry["notes"]]
    except (KeyError, TypeError, AttributeError, InvalidFinding):
        return {}
    parts = {path: Analysis() for path in same}
    for finding in findings:
        if finding.path not in now:
            return {}
        if finding.path in parts:
            parts[finding.path].findings.append(finding)
    for note in notes:
        (path,) = note_paths(note, now) or ("",)
        if not path:
            return {}  # a note about the whole run: it cannot be taken in part
        if path in parts:
            parts[path].notes.append(note)
    store.hits += len(parts)
    return parts


def _is_version(version: object) -> bool:
    """Whether `version` has the shape of a file version (`AgentInput.file_versions`)."""
    return isinstance(version, list) and len(version) == 8 and isinstance(version[0], str)


def _previous_key(store: FindingsCache, work: AgentInput) -> str:
    paths = sorted(changed.path for changed in work.files)
    described = json.dumps({"limit": work.config.max_file_bytes, "paths": paths})
    return store.key("\0previous run", described.encode())


def whole_run(agent: str, analyser: Analyser, work: AgentInput) -> tuple[FindingsCache, str] | None:
    """The analyser's findings cache and the key of its whole run over `work.files`; None
    when its tool is missing or such a run is not kept."""
    try:
        executable = program(analyser)
    except ToolMissing:
        return None
    store = FindingsCache.of(agent, analyser, work, executable)
    key = run_key(store, analyser, work)
    return (store, key) if key else None


def agent_run(agent: str, runs: list[tuple[FindingsCache, str]]) -> tuple[FindingsCache, str]:
    """Where the combined result of agent `agent`'s analysers is kept, given each one's
    findings cache and whole-run key (`agents.process.whole_run`), in declaration order:
    its cache and key. The keys hold the analysers' identities and the file versions."""
    store = FindingsCache(runs[0][0].directory, f"agent run {agent}")
    return store, store.key("\0agent run", json.dumps([key for _, key in runs]).encode())


def load_agent_run(
    store: FindingsCache, key: str, tools: list[str], files: int
) -> tuple[list[Finding], list[list[str]]] | None:
    """The combined findings and each tool's notes kept at `key` for the analysers
    `tools` over `files` files; None when there is none, it is damaged or it is of other
    tools."""
    entry = store.read_raw(key)
    if entry is None or entry.get("path") != "\0agent run" or entry.get("tools") != tools:
        return None
    try:
        findings = [Finding.from_dict(f) for f in entry["findings"]]
        notes = [[str(n) for n in part] for part in entry["notes"]]
    except (KeyError, TypeError, AttributeError, InvalidFinding):
        return None
    if len(notes) != len(tools) or entry.get("files") != files:
        return None
    return findings, notes


def store_agent_run(
    store: FindingsCache,
    key: str,
    found: tuple[list[Finding], list[list[str]]],
    tools: list[str],
    files: int,
) -> None:
    """Keep the combined findings and each tool's notes at `key` (see `load_agent_run`),
    unless a file was not analysed; written now, with the agent's other entries."""
    findings, notes = found
    if any(marker in note for part in notes for note in part for marker in _INCOMPLETE):
        return
    entry = {
        "format": FORMAT,
        "path": "\0agent run",
        "tools": tools,
        "files": files,
        "findings": [f.to_dict() for f in findings],
        "notes": notes,
    }
    store.stage(key, entry)
    store.flush()
