"""Running a declared analyser as a child process, hardened against the code it reads.

Every run: an empty scratch working directory with its own HOME, XDG and temporary
directories; the agent's files as private copies (`agents.scratch`: no repository
configuration beside them, suppressions the change adds neutralised, a name no tool can
print ambiguously) named by absolute paths; our configuration for them, when the
analyser makes one per run (`Analyser.config_for`); the program started as `agents.command`
says (a minimal environment, no network, a time limit, a bound on its output); files
the findings cache (`agents.cache`) has a result for are not read again; a missing tool
skips the analyser with its install hint. Its findings' lines are mapped onto git's as
soon as they are parsed (`agents.lines`), from the bytes it read.

A run that fails (a crash, a timeout, output its parser cannot read) is repeated on each
half of the files, down to the file that breaks the tool (after a timeout, on each file
alone, so files that hang the tool cannot use up its time: `_run_isolating`): one bad
file costs that file only, with a note. A YAML alias bomb never reaches a tool that
would expand it (`agents.yaml_bombs`). The files with findings are then read at the
base (`RunDir.base_src`) and each finding is told apart as new or already there
(`agents.baseline`); a `new_only` analyser keeps only the new ones.
"""

from __future__ import annotations

import os
import tempfile
import time
from collections.abc import Callable, Iterable, Iterator, Mapping
from contextlib import contextmanager
from dataclasses import replace
from pathlib import Path

from agents.analysis import AgentError, AgentInput, Analysis
from agents.baseline import UNCHANGED, classify
from agents.cache import FindingsCache, Lookup
from agents.command import (
    Invocation,
    ToolMissing,
    ToolTimeout,
    analyser_env,
    command_line,
    program,
    run_command,
)
from agents.declaration import Analyser
from agents.files import copy_suffix
from agents.lines import to_git_lines
from agents.neighbours import context, digest, patterns_for
from agents.parsers import ToolOutput
from agents.run_cache import load_previous, load_run, run_key, store_run
from agents.scratch import copy_names, read_copies, write_copies
from agents.turns import expected, outside_turn, took, turn
from review.diff import FileStatus
from review.lines import split_lines
from review.workspace import PathEscape, read_regular_file

MIN_ATTEMPT_SECONDS = 5.0  # an attempt gets its share of the time left, but at least this


@contextmanager
def invocation(
    analyser: Analyser,
    copies: Mapping[str, bytes],
    as_text: Iterable[str] = (),
    sources: Mapping[str, str] | None = None,
) -> Iterator[Invocation]:
    """A scratch directory holding `copies` (repository path -> the bytes to read) for one
    run, removed afterwards. A copy is at its repository path, unless the tool could print
    that path ambiguously (a newline in it: `agents.scratch.copy_names`), or it is one of
    `as_text`, named for the tool to read it as plain text (`ExpandsAliases.as_text`), or
    a script named with its interpreter's suffix for a tool that reads none without one
    (`Analyser.language_by_suffix`). A copy of `sources` is a link to its file
    (`agents.scratch.write_copies`). The configuration `Analyser.config_for` makes for
    the copies is written in the scratch directory too (`Invocation.config`)."""
    with tempfile.TemporaryDirectory(prefix="reviewbot-analyser-") as scratch:
        root = Path(scratch)
        cwd, home, files = root / "cwd", root / "home", root / "files"
        for folder in (cwd, home, files, root / "tmp"):
            folder.mkdir()
        names = copy_names(copies, _suffixes(analyser, copies, as_text))
        write_copies(files, copies, names, sources)
        config = _run_config(analyser, [names.get(path, path) for path in copies], root)
        env = {**analyser_env(root), **analyser.env}
        if analyser.relative:  # from among the copies: still nothing of the repository's
            cwd = files
        yield Invocation(cwd, env, list(copies), files, analyser.relative, names, config)


def _run_config(analyser: Analyser, names: list[str], scratch: Path) -> Path | None:
    """The configuration `analyser.config_for` makes for a run over the copies named
    `names`, written in `scratch/config/` under the name of `analyser.config`; None when
    the analyser has no such function (its `config` is given as it is)."""
    if analyser.config_for is None or analyser.config is None:
        return None
    made = scratch / "config" / analyser.config.name
    made.parent.mkdir()
    made.write_text(analyser.config_for(names), encoding="utf-8")
    return made


def _suffixes(
    analyser: Analyser, copies: Mapping[str, bytes], as_text: Iterable[str]
) -> dict[str, str]:
    """The suffix each copy's name gets for the tool to read it as it should."""
    suffixes: dict[str, str] = {}
    if analyser.language_by_suffix:
        suffixes = {path: copy_suffix(path, data) for path, data in copies.items()}
    if analyser.expands_aliases:
        suffixes |= dict.fromkeys(as_text, analyser.expands_aliases.as_text)
    return suffixes


def run_analyser(agent: str, analyser: Analyser, work: AgentInput) -> Analysis:
    """Run `analyser` over the agent's files; findings in git's line numbers, each with
    its `baseline_state` against the base versions of the files (`agents.baseline`).

    Files the findings cache has a result for are not read again, and a run over exactly
    the file versions of a run before is reused whole (`agents.run_cache`). A missing tool gives a
    skipped analysis saying how to install it; a tool failing on every file raises
    AgentError with its reason.
    """
    try:
        executable = program(analyser)
    except ToolMissing as exc:
        return Analysis(notes=[str(exc)], status="skipped")
    deadline = time.monotonic() + work.config.agent_timeout_seconds
    # Python work in turns, the slowest tools first; the tool runs outside (`agents.turns`)
    with turn(deadline, expected(f"{agent}/{analyser.tool}")):
        return _run_analyser(agent, analyser, work, executable, deadline)


def _run_analyser(
    agent: str, analyser: Analyser, work: AgentInput, executable: str, deadline: float
) -> Analysis:
    store = FindingsCache.of(agent, analyser, work, executable)
    paths = [f.path for f in work.files]
    whole = run_key(store, analyser, work)
    reused = load_run(store, whole, paths) if whole else None
    try:
        if reused is not None:
            analysis = reused
        else:
            analysis = _run_anew(agent, analyser, work, deadline, store, bool(whole))
            if whole:
                store_run(store, whole, analysis, work)
    finally:  # the run's entries, whole and per file, as one pack
        store.flush()
    analysis.cache = {"hits": store.hits, "misses": store.misses}
    analysis.cache_entries = store.unwritten
    return analysis


def _run_anew(
    agent: str,
    analyser: Analyser,
    work: AgentInput,
    deadline: float,
    store: FindingsCache,
    kept: bool,
) -> Analysis:
    """The analyser's result over `work.files` when no whole run had the same inputs: the
    files whose version is the same as in the last whole run over these paths take their
    result from it (`load_previous`, when whole runs are `kept`); the others are analysed
    (their cache entries first) and compared with their base versions."""
    previous = load_previous(store, analyser, work) if kept else {}
    todo = work
    if previous:
        todo = replace(work, files=[f for f in work.files if f.path not in previous])
    paths = [f.path for f in todo.files]
    analysis = Analysis()
    if paths:
        analysis = _run_isolating(agent, analyser, todo, paths, deadline, store)
        analysis = _against_base(agent, analyser, todo, analysis, deadline, store)
    for part in previous.values():
        analysis.findings += part.findings
        analysis.notes += part.notes
    return analysis


def _run_isolating(
    agent: str,
    analyser: Analyser,
    work: AgentInput,
    paths: list[str],
    deadline: float,
    store: FindingsCache,
    source: Path | None = None,
    share: int = 2,
) -> Analysis:
    """One run over `paths`, given 1/`share` of the time left (at least
    MIN_ATTEMPT_SECONDS, when there is that much); when it fails, the files that break
    the tool are found and left out, each with a note, and the others analysed:

    - a run that fails quickly (a crash, output its parser cannot read) is repeated on each
      half of its files, each half given half the time left, down to the files that
      break the tool: k bad files among n cost about 2k·log2(n) short runs;
    - a run that times out is repeated on each of its files alone, each given an equal
      share of the time left (recomputed after each run, so a file that finishes early
      leaves its time to the others). Halving would spend a whole time limit at every
      level of the search for each file that hangs the tool, every limit half the time
      then left, so a few such files use up the agent's time before the other files are
      read, and the agent fails; one by one, a file that hangs costs its own share only,
      at the price of one start-up of the tool per file.

    Files there is no time left for are noted as such. Only when no file could be
    analysed is the tool itself broken: AgentError.
    """
    left = deadline - time.monotonic()
    if left <= 0:
        late = f"not analysed, {analyser.tool} ran out of time"
        return Analysis(notes=[f"{path}: {late}" for path in paths])
    try:
        timeout = max(left / share, min(left, MIN_ATTEMPT_SECONDS))
        return _run_once(agent, analyser, work, paths, timeout, store, source)
    except ToolMissing:
        raise
    except AgentError as exc:
        if len(paths) == 1:
            return Analysis(
                notes=[f"{paths[0]}: not analysed, {analyser.tool} failed on it: {exc}"]
            )
        if isinstance(exc, ToolTimeout):
            parts = [([path], len(paths) - n) for n, path in enumerate(paths)]
        else:
            half = len(paths) // 2
            parts = [(paths[:half], 2), (paths[half:], 2)]
        done = [
            _run_isolating(agent, analyser, work, part, deadline, store, source, share)
            for part, share in parts
        ]
        failed = [n for part in done for n in part.notes if ": not analysed, " in n]
        if len(failed) == len(paths):  # the tool itself is broken, not a file
            raise AgentError(str(exc)) from None
        return Analysis(
            findings=[f for part in done for f in part.findings],
            notes=[n for part in done for n in part.notes],
        )


def _run_once(
    agent: str,
    analyser: Analyser,
    work: AgentInput,
    paths: list[str],
    timeout: float,
    store: FindingsCache,
    source: Path | None = None,
) -> Analysis:
    """One run of the tool over the files of `paths` (under `source`, the checkout by
    default) the cache has no result for. A file is known by its git blob (the checkout
    is written from git's objects), so a hit reads nothing; a file without a blob id is
    known by the bytes it reads."""
    head = source is None
    root: Path = work.run.src if head else source  # type: ignore[assignment]
    changed = {f.path: f for f in work.files}
    added = {path: changed[path].added_lines for path in paths} if head else {}
    neutralised = bool(analyser.suppressions)
    limit = work.config.max_file_bytes
    beside = {p: context(root, p, patterns_for(analyser.neighbours, p), limit) for p in paths}
    lookups: dict[str, Lookup] = {}
    for path in paths:
        blob = changed[path].blob if head else changed[path].old_blob
        if blob:
            key = store.key(path, f"git blob {blob}".encode() + _context_key(beside[path]))
            lookups[path] = Lookup(key, added.get(path) if neutralised else None)
    cached = store.load(lookups)
    unread = [path for path in paths if path not in cached]
    copies = read_copies(
        root, unread, limit, added, analyser.suppressions, analyser.expands_aliases
    )
    unknown = {
        p: Lookup(store.key(p, data + _context_key(beside[p])))
        for p, data in copies.files.items()
        if p not in lookups
    }
    cached |= store.load(unknown)
    lookups |= unknown
    missing = {path: data for path, data in copies.files.items() if path not in cached}
    analysis = Analysis(notes=copies.notes)  # the neutralised suppressions: kept per file
    if missing:
        read = {n: d for p in missing for n, d in beside[p].items() if n not in missing}
        as_is = [p for p in missing if p in copies.verbatim]
        as_is += [n for n, data in read.items() if len(data) < limit]
        sources = {path: os.path.join(root, path) for path in as_is}
        with invocation(analyser, {**missing, **read}, copies.as_text, sources) as call:
            argv = command_line(analyser, call.arguments(call.present), call.config)
            started = time.monotonic()
            with outside_turn(started + timeout):
                text = run_command(argv, call, timeout, analyser)
                took(f"{agent}/{analyser.tool}", time.monotonic() - started)
            model_of = call.line_model(analyser)
            output = ToolOutput(
                text,
                agent,
                analyser.tool,
                analyser.severities,
                call.repo_path,
                tuple(missing),
                call.root,
                call.names,
                model_of,
            )
            # in git's lines before they are stored: a hit needs no file read to place them
            found = to_git_lines(analyser.parse(output), missing, model_of)
        kept = [f for f in found.findings if f.path not in read]  # neighbours: context
        analysis.findings, analysis.notes = kept, [*copies.notes, *found.notes]
        store.store({path: lookups[path] for path in missing}, analysis, copies.marked)
    for path in paths:
        if path in cached:
            analysis.findings += cached[path].findings
            analysis.notes += cached[path].notes
    return analysis


def _context_key(files: Mapping[str, bytes]) -> bytes:
    """What a file's cache key adds for the neighbours read with it (nothing without)."""
    return b"\0neighbours " + digest(files) if files else b""


def _against_base(
    agent: str,
    analyser: Analyser,
    work: AgentInput,
    head: Analysis,
    deadline: float,
    store: FindingsCache,
) -> Analysis:
    """`head` with each finding's `baseline_state`: the same analyser's findings on the
    base versions of the files (`RunDir.base_src`) are what was already there. Only the
    files with findings at the head are read at the base. A `new_only` analyser keeps only
    the findings the change introduced."""
    base = work.run.base_src
    created = frozenset(f.path for f in work.files if f.status is FileStatus.ADDED)
    flagged = {f.path for f in head.findings}  # a file without findings has nothing to tell
    paths = [
        f.path
        for f in work.files
        if f.path in flagged and f.path not in created and _plain_file(base, f.path)
    ]
    before, unread = Analysis(), set(paths)
    if paths:
        try:
            before = _run_isolating(agent, analyser, work, paths, deadline, store, base)
        except AgentError as exc:
            head.notes.append(f"{analyser.tool} could not read the base versions: {exc}")
        else:
            unread = {
                p for p in paths if any(n.startswith(f"{p}: not analysed") for n in before.notes)
            }
    if unread:
        head.notes.append(
            f"{analyser.tool} could not read the base version of {len(unread)} files: "
            "their findings are not told apart as new or already there"
        )
    head.findings = classify(
        head.findings,
        before.findings,
        (_lines_of(work.run.src, work), _lines_of(base, work)),
        {f.path: f.added_lines for f in work.files},
        frozenset(paths) - unread,
        created,
    )
    if analyser.new_only:
        kept = [f for f in head.findings if f.baseline_state != UNCHANGED]
        if len(kept) < len(head.findings):
            head.notes.append(
                f"{len(head.findings) - len(kept)} {analyser.tool} findings were already "
                "there before the change, not reported"
            )
        head.findings = kept
    return head


def _plain_file(root: Path, path: str) -> bool:
    try:
        return read_regular_file(root, path, 0) is not None
    except PathEscape:
        return False


def _lines_of(root: Path, work: AgentInput) -> Callable[[str], list[str] | None]:
    def read(path: str) -> list[str] | None:
        try:
            data = read_regular_file(root, path, work.config.max_file_bytes)
        except PathEscape:
            return None
        return None if data is None else split_lines(data)

    return read
