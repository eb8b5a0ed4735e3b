"""Running a declared analyser as a child process, hardened against the code it reads.

Every run: an empty scratch working directory with its own HOME, XDG and temporary
directories; the agent's files as private copies (`agents.scratch`: no repository
configuration beside them, suppressions the change adds neutralised) named by absolute
paths; a minimal environment with nothing of ours in it; standard input closed; no
network (in a network namespace without interfaces where the system allows one, and with
the tools' offline switches always); a time limit and a bound on what it may print. The
tool is found beside this interpreter first (the wheels that bundle binaries install
there), then on PATH; a missing tool skips the analyser with the declared install hint.

A run that fails (a crash, a timeout, output its parser cannot read) is repeated on each
half of the files, down to the file that breaks the tool: one bad file costs that file
only, with a note. A `new_only` analyser also reads the base versions of the changed files
(`RunDir.base_src`), and only findings that were not already there are kept.
"""

from __future__ import annotations

import os
import shutil
import signal
import subprocess
import sys
import tempfile
import time
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from functools import cache
from pathlib import Path

from agents.analysis import AgentError, AgentInput, Analysis
from agents.baseline import UNCHANGED, classify
from agents.cache import FindingsCache, analyser_identity
from agents.declaration import CONFIG, FILES, PYTHON, Analyser
from agents.lines import to_git_lines
from agents.parsers import ToolOutput
from agents.scratch import copy_files
from review.diff import FileStatus
from review.lines import split_lines
from review.workspace import PathEscape, read_regular_file

MAX_OUTPUT_BYTES = 64 * 1024 * 1024  # what a tool may print on standard output
MIN_ATTEMPT_SECONDS = 5.0  # an attempt gets half the time left, but at least this much
_SAFE_ENV_KEYS = ("LANG", "LC_ALL", "SYSTEMROOT")
_JAIL = ("unshare", "--net", "--map-root-user", "--")


class ToolMissing(AgentError):
    """The analyser's program is not installed."""


@dataclass(frozen=True)
class Invocation:
    """Where an analyser runs (`cwd`, `env`), the repository paths of the files copied
    (`present`), and the `root` of the copies, whose names it reports are mapped back to
    repository paths."""

    cwd: Path
    env: dict[str, str]
    present: list[str]
    root: Path
    relative: bool = False

    def arguments(self, paths: list[str]) -> list[str]:
        """The command-line arguments naming these copied files."""
        if self.relative:
            return [f"./{p}" for p in paths]
        return [str(self.root / p) for p in paths]

    def repo_path(self, reported: str) -> str | None:
        """The repository path of a file name the tool reports (relative to `cwd`, or
        absolute), or None when it is not one of the copies."""
        path = Path(reported)
        path = Path(os.path.normpath(path if path.is_absolute() else self.cwd / path))
        for root in {Path(os.path.normpath(self.root.absolute())), self.root.resolve()}:
            if path.is_relative_to(root) and path != root:
                return path.relative_to(root).as_posix()
        return None


@contextmanager
def invocation(
    work: AgentInput, analyser: Analyser, paths: list[str], source: Path | None = None
) -> Iterator[tuple[Invocation, list[str]]]:
    """A scratch directory for one run over `paths`, copied from `source` (the checkout by
    default; the base versions for a `new_only` comparison), removed afterwards; also the
    notes on suppressions neutralised in the copies."""
    head = source is None
    with tempfile.TemporaryDirectory(prefix="reviewbot-analyser-") as scratch:
        root = Path(scratch)
        cwd, home, files = root / "cwd", root / "home", root / "files"
        for folder in (cwd, home, files, root / "tmp"):
            folder.mkdir()
        added = {f.path: f.added_lines for f in work.files} if head else None
        notes = copy_files(
            work.run.src if head else source,  # type: ignore[arg-type]
            files,
            paths,
            work.config.max_file_bytes,
            added,
            analyser.suppressions,
        )
        present = [p for p in paths if (files / p).is_file()]
        env = {**analyser_env(root), **analyser.env}
        if analyser.relative:  # from among the copies: still nothing of the repository's
            cwd = files
        yield Invocation(cwd, env, present, files, analyser.relative), notes


def run_analyser(agent: str, analyser: Analyser, work: AgentInput) -> Analysis:
    """Run `analyser` over the agent's files; findings in git's line numbers, each with
    its `baseline_state` against the base versions of the files (`agents.baseline`).

    Files the findings cache has a result for are not read again. A missing tool gives a
    skipped analysis saying how to install it; a tool failing on every file raises
    AgentError with its reason.
    """
    try:
        executable = program(analyser)
    except ToolMissing as exc:
        return Analysis(notes=[str(exc)], status="skipped")
    deadline = time.monotonic() + work.config.agent_timeout_seconds
    identity = analyser_identity(agent, analyser, executable)
    store = FindingsCache(work.run.findings_cache_dir if work.config.cache else None, identity)
    paths = [f.path for f in work.files]
    analysis = _run_isolating(agent, analyser, work, paths, deadline, store)
    limit = work.config.max_file_bytes
    analysis = to_git_lines(analysis, work.run.src, analyser.line_model, limit)
    analysis = _against_base(agent, analyser, work, analysis, deadline, store)
    if note := store.note(analyser.tool):
        analysis.notes.append(note)
    analysis.cache = {"hits": store.hits, "misses": store.misses}
    return analysis


def _run_isolating(
    agent: str,
    analyser: Analyser,
    work: AgentInput,
    paths: list[str],
    deadline: float,
    store: FindingsCache,
    source: Path | None = None,
) -> Analysis:
    """One run over `paths`; when it fails, a run over each half, down to the files that
    break the tool (noted and left out). Each attempt gets half the time that is left (at
    least MIN_ATTEMPT_SECONDS, when there is that much), so a file that hangs the tool
    cannot use up the agent's whole budget."""
    left = deadline - time.monotonic()
    if left <= 0:
        late = f"not analysed, {analyser.tool} ran out of time"
        return Analysis(notes=[f"{path}: {late}" for path in paths])
    try:
        timeout = max(left / 2, min(left, MIN_ATTEMPT_SECONDS))
        return _run_once(agent, analyser, work, paths, timeout, store, source)
    except ToolMissing:
        raise
    except AgentError as exc:
        if len(paths) == 1:
            return Analysis(
                notes=[f"{paths[0]}: not analysed, {analyser.tool} failed on it: {exc}"]
            )
        first, second = paths[: len(paths) // 2], paths[len(paths) // 2 :]
        halves = [
            _run_isolating(agent, analyser, work, part, deadline, store, source)
            for part in (first, second)
        ]
        failed = [n for half in halves for n in half.notes if ": not analysed, " in n]
        if len(failed) == len(paths):  # the tool itself is broken, not a file
            raise AgentError(str(exc)) from None
        return Analysis(
            findings=[f for half in halves for f in half.findings],
            notes=[n for half in halves for n in half.notes],
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
    """One run of the tool over the files of `paths` the cache has no result for."""
    with invocation(work, analyser, paths, source) as (call, notes):
        keys = {p: store.key(p, (call.root / p).read_bytes()) for p in call.present}
        cached = store.load(keys)
        missing = [p for p in call.present if p not in cached]
        analysis = Analysis()
        if missing:
            argv = command_line(analyser, call.arguments(missing))
            text = run_command(argv, call, timeout, analyser)
            output = ToolOutput(
                text, agent, analyser.tool, analyser.severities, call.repo_path, tuple(missing)
            )
            analysis = analyser.parse(output)
            store.store({p: keys[p] for p in missing}, analysis)
    for path in call.present:
        if path in cached:
            analysis.findings += cached[path].findings
            analysis.notes += cached[path].notes
    analysis.notes[:0] = notes
    return analysis


def _against_base(
    agent: str,
    analyser: Analyser,
    work: AgentInput,
    head: Analysis,
    deadline: float,
    store: FindingsCache,
) -> Analysis:
    """`head` with each finding's `baseline_state`: the same analyser's findings on the
    base versions of the files (`RunDir.base_src`) are what was already there. A
    `new_only` analyser keeps only the findings the change introduced."""
    base = work.run.base_src
    created = frozenset(f.path for f in work.files if f.status is FileStatus.ADDED)
    paths = [f.path for f in work.files if f.path not in created and _plain_file(base, f.path)]
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
            limit = work.config.max_file_bytes
            before = to_git_lines(before, base, analyser.line_model, limit)
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


def command_line(analyser: Analyser, files: list[str]) -> list[str]:
    """The analyser's command with its placeholders filled in and its program resolved."""
    argv: list[str] = []
    for index, arg in enumerate(analyser.command):
        if arg == FILES:
            argv += files
        elif arg == PYTHON:
            argv.append(sys.executable)
        elif index == 0:
            argv.append(program(analyser))
        else:
            argv.append(arg.replace(CONFIG, str(analyser.config)) if CONFIG in arg else arg)
    return argv


def program(analyser: Analyser) -> str:
    """The absolute path of the analyser's program; ToolMissing with the install hint."""
    name = analyser.command[0]
    if name == PYTHON:
        return sys.executable
    beside = Path(sys.executable).parent / name  # the venv's bin: wheels put binaries there
    if beside.is_file() and os.access(beside, os.X_OK):
        return str(beside)
    found = shutil.which(name)
    if found:
        return found
    hint = f": {analyser.install}" if analyser.install else ""
    raise ToolMissing(f"{analyser.tool} is not installed, so it did not run{hint}")


def run_command(argv: list[str], call: Invocation, timeout: float, analyser: Analyser) -> str:
    """Run `argv` as `call` says and return its standard output; AgentError when it times
    out, prints more than MAX_OUTPUT_BYTES or exits outside the analyser's `ok_codes`
    (with its last line of error output)."""
    out_path, err_path = call.root.parent / "stdout", call.root.parent / "stderr"
    with out_path.open("wb") as out, err_path.open("wb") as err:
        process = subprocess.Popen(  # noqa: S603 - an argument list of ours, no shell
            [*_jail(), *argv],
            cwd=call.cwd,
            env=call.env,
            stdin=subprocess.DEVNULL,
            stdout=out,
            stderr=err,
            start_new_session=True,  # its own process group, killed whole on timeout
        )
        try:
            code = process.wait(timeout=max(0.1, timeout))
        except subprocess.TimeoutExpired:
            os.killpg(process.pid, signal.SIGKILL)
            process.wait()
            raise AgentError(f"{analyser.tool} timed out after {timeout:.0f} s") from None
    if out_path.stat().st_size > MAX_OUTPUT_BYTES:
        raise AgentError(f"{analyser.tool} printed more than {MAX_OUTPUT_BYTES // 2**20} MB")
    if code not in analyser.ok_codes:
        detail = err_path.read_bytes()[-4000:].decode("utf-8", "replace").strip().splitlines()
        last = detail[-1] if detail else "no error output"
        raise AgentError(f"{analyser.tool} exited with {code}: {last}")
    return out_path.read_bytes().decode("utf-8", "replace")


def analyser_env(scratch: Path) -> dict[str, str]:
    """The environment an analyser gets: locale, a PATH that finds the bundled tools, and
    HOME, XDG and TMPDIR inside its scratch directory; nothing that could hold a secret."""
    home = scratch / "home"
    env = {key: os.environ[key] for key in _SAFE_ENV_KEYS if key in os.environ}
    env.setdefault("LANG", "C.UTF-8")
    path = os.environ.get("PATH", "/usr/bin:/bin")
    env.update(
        PATH=f"{Path(sys.executable).parent}{os.pathsep}{path}",
        HOME=str(home),
        XDG_CONFIG_HOME=str(home / ".config"),
        XDG_CACHE_HOME=str(home / ".cache"),
        XDG_DATA_HOME=str(home / ".local" / "share"),
        XDG_STATE_HOME=str(home / ".local" / "state"),
        TMPDIR=str(scratch / "tmp"),
        PYTHONDONTWRITEBYTECODE="1",
        PYTHONNOUSERSITE="1",
        # `python -m tool` puts its working directory first on sys.path, and a `relative`
        # analyser runs among the copies: a change adding json.py would run it (3.11+)
        PYTHONSAFEPATH="1",
        NO_COLOR="1",
    )
    return env


@cache
def _jail() -> tuple[str, ...]:
    """The prefix that runs a command in a network namespace without interfaces, where the
    system lets an unprivileged process make one (not on Lambda: there the agents'
    security group allows no internet egress); empty otherwise."""
    if not shutil.which("unshare"):
        return ()
    try:
        done = subprocess.run(  # noqa: S603 - fixed arguments
            [*_JAIL, "true"], capture_output=True, timeout=10, check=False
        )
    except (OSError, subprocess.TimeoutExpired):
        return ()
    return _JAIL if done.returncode == 0 else ()
