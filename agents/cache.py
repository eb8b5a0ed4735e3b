"""The findings cache: one analyser's result for one file, keyed by what it read.

A review after a push, a rebase, a force-push or another pull request holding the same
file reads the analyser's earlier result instead of running it again; only the line
filter and the merge run anew. An entry's key is the SHA-256 of

- the analyser's identity (`analyser_identity`): the agent, its declared command line,
  environment, severities, suppressions, line model and how it reads a YAML alias bomb
  (`agents.yaml_bombs`); the bytes of its configuration
  file and of the YAML files in its folder (a rule pack's rules); the installed tool (the
  distribution's version for `python -m` tools, else the program's path, size and
  modification time); the source of every module of ours (the `agents` and `review`
  packages: a parser, and a severity map or helper it borrows from another agent's
  module, are part of what it computes; any other change of them is a new identity too,
  which costs a re-analysis after an upgrade, never a stale result); `FORMAT`;
- the file's path and its git blob id (the checkout's files are written from git's
  objects, so a hit reads nothing), or, for a file known by no blob id, the bytes of the
  private copy.

An entry holds, per reading of the file, the findings the parser made of it (their lines
mapped onto git's, `agents.lines`, so a hit reads nothing) and the file's own notes. A
reading is which of the file's lines that carry a suppression comment the tool honours
(`marked`, stored in the entry) the change adds, so are neutralised in the copy: the
same file read for a change that adds `# nosec` on line 2 and for one that does not are
two readings, while a base version and a head whose added lines carry no suppression
are the same one.

Entries live in the repository's cache folder of the workspace,
`runs/.findings-cache/<repository>/` (`RunDir.findings_cache_dir`): an analyser's run
stores its entries together (`FindingsCache.flush`) as one pack file,
`packs/<sha256>.pack`, and each key's index path `<key[:2]>/<key>.json` is a hard link to
that pack (`agents.cache_packs`: the layout, the no-link fallback). Packs are written
atomically (a temporary file renamed into place) and links are replaced atomically, so
agents in separate processes can read and add entries at once (two adding readings of one
file at the same moment may keep only one: the other is a miss later). An agent
function, whose mount of the run folders is read-only, returns the entries it could not
write with its result (`unwritten`), and the workflow writes them as one pack
(`write_returned`). A hit refreshes its pack's modification time; the workspace sweep
(`orchestrator.workspace_gc`) removes the least recently used index links once finished
runs are gone and the workspace is still over its cap (a pack goes with its last link).
A file that could not be analysed (a timeout, a tool failure) is never stored.
"""

from __future__ import annotations

import errno
import hashlib
import importlib.metadata
import importlib.util
import json
import logging
import os
import sys
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from functools import cache
from pathlib import Path
from typing import Any

from agents.analysis import AgentInput, Analysis
from agents.cache_packs import FORMAT, Packs, write_pack
from agents.declaration import PYTHON, Analyser
from agents.yaml_bombs import MAX_ALIAS_NODES
from review.findings import Finding, InvalidFinding

log = logging.getLogger(__name__)


@dataclass(frozen=True)
class Lookup:
    """How a file is looked up: its entry `key`, and the lines the change adds to it when
    the analyser neutralises suppressions there (None: it reads the file as it is)."""

    key: str
    added: frozenset[int] | None = None

    def variant(self, marked: Sequence[int]) -> str:
        """The reading of the file this lookup asks for, given its `marked` lines (those
        carrying a suppression): which of them the change adds, so are neutralised."""
        if not self.added:
            return ""
        return ",".join(str(n) for n in sorted(self.added.intersection(marked)))


@dataclass
class FindingsCache:
    """One analyser's entries under `directory` (None: no cache, every file is a miss),
    counting `hits` and `misses` over a review. Entries stored are kept in memory (and
    read from there) until `flush` writes them as one pack."""

    directory: Path | None
    identity: str
    hits: int = 0
    misses: int = 0
    # entries a read-only workspace (an agent function's mount) could not take, by key:
    # returned with the agent's result for the workflow to write
    unwritten: dict[str, dict[str, Any]] = field(default_factory=dict)
    # the entries `load` read (None: none stored) by key, for `store` not to read them again
    _read_by_load: dict[str, dict[str, Any] | None] = field(default_factory=dict, repr=False)
    # entries stored and not yet written, by key (`flush`)
    _pending: dict[str, dict[str, Any]] = field(default_factory=dict, repr=False)
    _packs: Packs = field(default_factory=Packs, repr=False)
    _identity_state: Any = field(default=None, repr=False)

    @classmethod
    def of(cls, agent: str, analyser: Analyser, work: AgentInput, program: str) -> FindingsCache:
        """Agent `agent`'s `analyser` (run as `program`)'s entries for `work`'s review: in
        its repository's cache folder, none when the review turns the cache off."""
        directory = work.run.findings_cache_dir if work.config.cache else None
        return cls(directory, analyser_identity(agent, analyser, program))

    def key(self, path: str, data: bytes) -> str:
        """The entry key of repository path `path` read as `data` (its content, or a
        description that determines it)."""
        digest = self._identity_digest().copy()
        for part in (path.encode("utf-8", "surrogateescape"), data):
            digest.update(len(part).to_bytes(8, "big"))
            digest.update(part)
        return digest.hexdigest()

    def _identity_digest(self) -> Any:
        """The SHA-256 state after the identity, the first part of every key."""
        if self._identity_state is None:
            identity = self.identity.encode()
            self._identity_state = hashlib.sha256(len(identity).to_bytes(8, "big") + identity)
        return self._identity_state

    def load(self, lookups: Mapping[str, Lookup]) -> dict[str, Analysis]:
        """The stored analyses of the paths of `lookups` that have one for the reading
        asked; an unreadable entry is a miss."""
        found: dict[str, Analysis] = {}
        for path, lookup in lookups.items():
            entry = self._read_by_load[lookup.key] = self._read(lookup.key, path)
            if entry is None:
                continue
            stored = entry["variants"].get(lookup.variant(entry["marked"]))
            analysis = None if stored is None else _analysis(stored, path)
            if analysis is not None:
                found[path] = analysis
        self.hits += len(found)
        self.misses += len(lookups) - len(found)
        return found

    def store(
        self,
        lookups: Mapping[str, Lookup],
        analysis: Analysis,
        marked: Mapping[str, tuple[int, ...]],
    ) -> None:
        """Store, for each path of `lookups`, its findings and notes from `analysis` (the
        result of one run over those files) as the reading its lookup asked for, beside
        the other readings stored for that file; `marked` gives each file's lines that
        carry a suppression. Written by the next `flush`."""
        if self.directory is None:
            return
        per_path: dict[str, dict[str, list[Any]]] = {
            p: {"findings": [], "notes": []} for p in lookups
        }
        for finding in analysis.findings:
            if finding.path in per_path:
                per_path[finding.path]["findings"].append(finding.to_dict())
        for note in analysis.notes:
            for path in note_paths(note, per_path):
                per_path[path]["notes"].append(note)
        for path, result in per_path.items():
            if any(": not analysed" in n for n in result["notes"]):
                continue  # a failure is not a result
            lines = list(marked.get(path, ()))
            key = lookups[path].key
            if key in self._read_by_load:
                entry = self._read_by_load.pop(key)
            else:
                entry = self._read(key, path)
            if entry is None or entry["marked"] != lines:
                entry = {"format": FORMAT, "path": path, "marked": lines, "variants": {}}
            entry["variants"][lookups[path].variant(lines)] = result
            self.stage(key, entry)

    def _read(self, key: str, path: str) -> dict[str, Any] | None:
        """The findings entry at `key` for `path`, if it is one of this format (a copy:
        the pack it came from may be read again)."""
        data = self.read_raw(key)
        if data is None or data.get("path") != path:
            return None
        variants = data.get("variants")
        try:
            if not isinstance(variants, dict):
                return None
            marked = [int(n) for n in data.get("marked") or ()]
        except (ValueError, TypeError):
            return None
        return {**data, "marked": marked, "variants": dict(variants)}

    def read_raw(self, key: str) -> dict[str, Any] | None:
        """The entry at `key`: one stored and not yet written, or one in the pack its
        index path links to (`agents.cache_packs.Packs.entry`: marked as recently used,
        None when missing, damaged or of another FORMAT)."""
        if self.directory is None:
            return None
        if key in self._pending:
            return self._pending[key]
        return self._packs.entry(self.directory, key)

    def stage(self, key: str, entry: dict[str, Any]) -> None:
        """Keep `entry` at `key` for the next `flush` (read from memory until then)."""
        if self.directory is not None:
            self._pending[key] = entry

    def flush(self) -> None:
        """Write the entries stored since the last flush as one pack; kept in `unwritten`
        when the workspace is read-only, logged on any other failure."""
        if self.directory is None or not self._pending:
            return
        entries, self._pending = self._pending, {}
        try:
            write_pack(self.directory, entries)
        except OSError as exc:
            if exc.errno in (errno.EROFS, errno.EACCES, errno.EPERM):
                self.unwritten |= entries
            else:
                log.warning("could not store %d findings cache entries: %s", len(entries), exc)

    def write_raw(self, key: str, entry: dict[str, Any]) -> None:
        """Write `entry` at `key` now, with anything else stored (`flush`)."""
        self.stage(key, entry)
        self.flush()


def write_returned(directory: Path | None, entries: Mapping[str, Any]) -> int:
    """Write the entries of this FORMAT an agent function returned (keys already checked
    to be hex digests, so each stays in `directory`) as one pack, over any of the same
    key; how many were written. A failure is logged: the cache only saves work."""
    if directory is None:
        return 0
    kept = {
        key: entry
        for key, entry in entries.items()
        if isinstance(entry, dict) and entry.get("format") == FORMAT
    }
    try:
        write_pack(directory, kept)
    except OSError as exc:
        log.warning("could not store %d returned findings cache entries: %s", len(kept), exc)
        return 0
    return len(kept)


def _analysis(stored: Any, path: str) -> Analysis | None:
    """A stored reading as an analysis; None when it is damaged or names another file."""
    try:
        findings = [Finding.from_dict(f) for f in stored["findings"]]
        notes = [str(n) for n in stored["notes"]]
    except (KeyError, TypeError, AttributeError, InvalidFinding):
        return None
    if any(f.path != path for f in findings):
        return None
    return Analysis(findings=findings, notes=notes)


def cache_note(tool: str, counts: Mapping[str, int] | None) -> str | None:
    """ "bandit: 12 files from the cache, 3 analysed (head and base versions)" from an
    analyser's `Analysis.cache` counts, or None when nothing was looked up (a file read at
    the head and at the base counts twice)."""
    if not counts or not (counts["hits"] or counts["misses"]):
        return None
    return (
        f"{tool}: {counts['hits']} files from the cache, {counts['misses']} analysed "
        "(head and base versions)"
    )


def note_paths(note: str, paths: Mapping[str, Any]) -> list[str]:
    """The paths a note is about: notes name their file first (`path: …`, `path:3: …`)."""
    head = note.split(": ", 1)[0]
    return [p for p in (head, head.rsplit(":", 1)[0]) if p in paths][:1]


def analyser_identity(agent: str, analyser: Analyser, program: str) -> str:
    """What, besides a file, decides an analyser's result (see the module docstring)."""
    parts = [
        f"format={FORMAT}",
        f"agent={agent}",
        f"command={json.dumps(analyser.command)}",
        f"env={json.dumps(sorted(analyser.env.items()))}",
        f"severities={json.dumps(sorted((k, v.value) for k, v in analyser.severities.items()))}",
        f"suppressions={json.dumps(analyser.suppressions)}",
        f"lines={analyser.line_model.value} {json.dumps(list(analyser.line_models.items()))}",
        f"relative={analyser.relative}",
        f"language_by_suffix={analyser.language_by_suffix}",  # a script's copy's name
        f"aliases={analyser.expands_aliases!r}, over {MAX_ALIAS_NODES}",  # a bomb as text
        f"tool={_tool_identity(program, analyser.command)}",
    ]
    parts.append(f"code={code_digest()}")
    if analyser.config is not None:
        # the configuration and what it names beside it (ast-grep's rule pack)
        folder = Path(analyser.config).parent
        files = sorted(p for p in folder.rglob("*.y*ml") if "__pycache__" not in p.parts)
        for path in dict.fromkeys([Path(analyser.config), *files]):
            parts.append(f"config {path.relative_to(folder)}={file_digest(str(path))}")
    return "\n".join(parts)


def _tool_identity(program: str, command: tuple[str, ...]) -> str:
    if command[0] == PYTHON and len(command) > 2 and command[1] == "-m":
        return f"python {sys.version}; {_module_version(command[2])}"
    return _stat_identity(os.path.realpath(program))


@cache
def _module_version(module: str) -> str:
    """`module`'s distribution and version, or its file's identity when it has none."""
    top = module.split(".")[0]
    try:  # most tools' distribution is named as their module: no scan of every package
        return f"{top} {importlib.metadata.version(top)}"
    except importlib.metadata.PackageNotFoundError:
        pass
    for dist in importlib.metadata.packages_distributions().get(top, ()):
        try:
            return f"{dist} {importlib.metadata.version(dist)}"
        except importlib.metadata.PackageNotFoundError:
            continue
    spec = importlib.util.find_spec(top)
    origin = spec.origin if spec is not None else None
    return _stat_identity(origin) if origin else f"{module} (not found)"


def _stat_identity(path: str) -> str:
    try:
        info = os.stat(path)
    except OSError:
        return f"{path} (missing)"
    return f"{path} {info.st_size} {info.st_mtime_ns}"


_OURS = ("agents", "review")


@cache
def code_digest() -> str:
    """The SHA-256 of every Python source of ours that can take part in a result (the
    `agents` and `review` packages: parsers, the helpers and severity maps they borrow
    from each other), by path; computed once per process: about 60 files read and hashed,
    where following each parser's imports meant parsing them (0.2 s a process)."""
    summary = hashlib.sha256()
    for package in _OURS:
        spec = importlib.util.find_spec(package)
        for folder in (spec.submodule_search_locations or ()) if spec else ():
            root = Path(folder)
            for path in sorted(root.rglob("*.py")):
                name = f"{package}/{path.relative_to(root).as_posix()}"
                summary.update(f"{name}={file_digest(str(path))}\n".encode())
    return summary.hexdigest()


def file_digest(path: str) -> str:
    """The SHA-256 of a file of ours (a configuration, a parser's source), remembered
    while its size and modification time stay the same."""
    try:
        info = os.stat(path)
    except OSError:
        return f"{path} (unreadable)"
    return _digest(path, info.st_size, info.st_mtime_ns)


@cache
def _digest(path: str, size: int, mtime_ns: int) -> str:
    try:
        return hashlib.sha256(Path(path).read_bytes()).hexdigest()
    except OSError:
        return f"{path} (unreadable)"
