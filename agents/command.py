"""Starting an analyser's program, bounded: the environment it gets, where it runs, its
time limit and how much it may print.

The program is found beside this interpreter first (the wheels that bundle binaries
install there), then on PATH; a missing one is `ToolMissing`, with the declared install
hint. It runs with a minimal environment (nothing of ours in it, HOME, XDG and TMPDIR in
its scratch directory), standard input closed, in its own process group (killed whole on
timeout), in a network namespace without interfaces where the system allows one, and
with a bound on what it may print.
"""

from __future__ import annotations

import atexit
import contextlib
import logging
import os
import shutil
import signal
import subprocess
import sys
import threading
from collections.abc import Callable, Mapping
from dataclasses import dataclass, field
from functools import cache, cached_property
from pathlib import Path

from agents.analysis import AgentError
from agents.declaration import CONFIG, FILES, PYTHON, Analyser
from agents.warm import Pool, ServerGone, WarmCommand, start_server
from review.lines import LineModel

log = logging.getLogger(__name__)
MAX_OUTPUT_BYTES = 64 * 1024 * 1024  # what a tool may print on standard output
_SAFE_ENV_KEYS = ("LANG", "LC_ALL", "SYSTEMROOT")
_JAIL = ("unshare", "--net", "--map-root-user", "--")


class ToolMissing(AgentError):
    """The analyser's program is not installed."""


class ToolTimeout(AgentError):
    """The analyser's program ran out of time and was killed."""


@dataclass(frozen=True)
class Invocation:
    """Where an analyser runs (`cwd`, `env`), the repository paths of the files copied
    (`present`), and the `root` of the copies, whose names it reports are mapped back to
    repository paths. A copy is at its repository path under `root`, or at the name
    `names` gives it (`agents.scratch.copy_names`). `config` is the configuration made
    for this run (`Analyser.config_for`), None for the analyser's own."""

    cwd: Path
    env: dict[str, str]
    present: list[str]
    root: Path
    relative: bool = False
    names: Mapping[str, str] = field(default_factory=dict)
    config: Path | None = None

    def arguments(self, paths: list[str]) -> list[str]:
        """The command-line arguments naming these copied files."""
        named = [self.names.get(p, p) for p in paths]
        if self.relative:
            return [f"./{n}" for n in named]
        return [os.path.join(self.root, n) for n in named]

    def line_model(self, analyser: Analyser) -> Callable[[str], LineModel]:
        """How `analyser` numbers the lines of a repository path: by the name of its copy."""
        return lambda path: analyser.line_model_of(self.names.get(path, path))

    def repo_path(self, reported: str) -> str | None:
        """The repository path of a file name the tool reports (relative to `cwd`, or
        absolute), or None when it is not one of the copies. A tool names each file many
        times: each name is mapped once."""
        if reported not in self._mapped:
            self._mapped[reported] = self._map(reported)
        return self._mapped[reported]

    def _map(self, reported: str) -> str | None:
        path = os.path.normpath(os.path.join(self.cwd, reported))  # `reported` if absolute
        for root in self._roots:
            if path.startswith(root + os.sep):
                name = path[len(root) + 1 :]
                if name in self.names and name not in self._renamed:
                    return None  # not a copy: that one has another name
                return self._renamed.get(name, name)
        return None

    @cached_property
    def _mapped(self) -> dict[str, str | None]:
        return {}

    @cached_property
    def _roots(self) -> frozenset[str]:
        """`root` as the tool may print it: as given, or with its links resolved."""
        return frozenset({os.path.normpath(self.root.absolute()), str(self.root.resolve())})

    @cached_property
    def _renamed(self) -> dict[str, str]:
        """The repository path of each copy named otherwise, by that name."""
        return {copy: repo for repo, copy in self.names.items()}


def command_line(analyser: Analyser, files: list[str], config: Path | None = None) -> list[str]:
    """The analyser's command with its placeholders filled in and its program resolved;
    CONFIG names `config` (a run's own, `Analyser.config_for`), by default the analyser's."""
    named = str(config or analyser.config)
    argv: list[str] = []
    for index, arg in enumerate(analyser.command):
        if arg == FILES:
            argv += files
        elif arg == PYTHON:
            argv.append(sys.executable)
        elif index == 0:
            argv.append(program(analyser))
        else:
            argv.append(arg.replace(CONFIG, named) if CONFIG in arg else arg)
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
    """Run `argv` as `call` says and return its standard output; ToolTimeout when it times
    out; AgentError when it prints more than MAX_OUTPUT_BYTES or exits outside the
    analyser's `ok_codes` (with its last line of error output)."""
    out_path, err_path = call.root.parent / "stdout", call.root.parent / "stderr"
    code = _run_warm(argv, call, timeout, analyser) if analyser.warm else None
    if code is None:
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
            code = _wait(process.pid, process.wait, timeout, analyser)
    if out_path.stat().st_size > MAX_OUTPUT_BYTES:
        raise AgentError(f"{analyser.tool} printed more than {MAX_OUTPUT_BYTES // 2**20} MB")
    if code not in analyser.ok_codes:
        detail = err_path.read_bytes()[-4000:].decode("utf-8", "replace").strip().splitlines()
        last = detail[-1] if detail else "no error output"
        raise AgentError(f"{analyser.tool} exited with {code}: {last}")
    return out_path.read_bytes().decode("utf-8", "replace")


def _wait(group: int, wait: Callable[[], int], timeout: float, analyser: Analyser) -> int:
    """The exit code `wait` gives, the process group `group` (led by the process of that
    id) killed after `timeout` seconds (ToolTimeout then). A timer kills it:
    `Popen.wait(timeout=)` would poll, sleeping up to 50 ms a time."""
    timed_out = threading.Event()

    def kill() -> None:
        timed_out.set()
        try:
            os.killpg(group, signal.SIGKILL)
        except ProcessLookupError:  # a warm start's child not yet leading its group
            with contextlib.suppress(ProcessLookupError, PermissionError):
                os.kill(group, signal.SIGKILL)
        except PermissionError:
            pass

    timer = threading.Timer(max(0.1, timeout), kill)
    timer.start()
    try:
        code = wait()
    finally:
        timer.cancel()
    if timed_out.is_set():
        raise ToolTimeout(f"{analyser.tool} timed out after {timeout:.0f} s")
    return code


def _run_warm(argv: list[str], call: Invocation, timeout: float, analyser: Analyser) -> int | None:
    """Run `argv` (`python -m <tool> …`) by a warm start server (`agents.warm`): its exit
    code, or None when no server could run it (a cold start then). ToolTimeout as
    `run_command`."""
    command = WarmCommand(
        (*_jail(), argv[0], "-m", "agents.warm_server", argv[2], *analyser.warm),
        tuple(sorted(analyser.env.items())),
    )
    try:
        server = _WARM.take(command)
    except OSError as exc:
        log.warning("no warm start for %s: %s", analyser.tool, exc)
        return None
    out, err = call.root.parent / "stdout", call.root.parent / "stderr"
    for made in (out, err):
        made.write_bytes(b"")  # ours; the run opens them without creating anything
    guard = threading.Timer(max(0.1, timeout), server.process.kill)  # a server that hangs
    guard.start()
    try:
        pid, wait = server.run(argv[3:], call.cwd, call.env, out, err)
    except ServerGone as exc:
        server.close()
        if not guard.is_alive():
            raise ToolTimeout(f"{analyser.tool} timed out after {timeout:.0f} s") from None
        log.warning("warm start of %s failed, starting it cold: %s", analyser.tool, exc)
        return None
    finally:
        guard.cancel()
    try:
        code = _wait(pid, wait, timeout, analyser)
    except ServerGone as exc:  # the server went away during the run: stop the run too
        with contextlib.suppress(ProcessLookupError, PermissionError):
            os.killpg(pid, signal.SIGKILL)
        server.close()
        log.warning("warm start of %s failed, starting it cold: %s", analyser.tool, exc)
        return None
    except ToolTimeout:
        server.close()  # its answer may still come: a new server for the next run
        raise
    _WARM.give_back(command, server)
    return code


_WARM = Pool(lambda command: start_server(command, analyser_env))
atexit.register(_WARM.close_all)  # their scratch directories go with them


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
