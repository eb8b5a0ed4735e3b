"""Warm starts for the analysers run as `python -m <module>` (bandit, detect-secrets,
yamllint).

Most of a Python tool's run on a few files is its start-up: the interpreter, then its
imports and plugins (bandit: 0.14 s of imports, 0.2 s in all, before reading a file). A
one-line follow-up review pays that again for every such tool. An analyser that
declares `warm` imports (`Analyser.warm`) is therefore run by a warm start server
(`agents.warm_server`): a process started exactly as the tool would be (the same
interpreter and flags, a minimal environment of its own scratch directory, the network
jail), that has imported those modules once and forks a child per run. The child runs
the tool as `python -m` would, in the run's scratch directory, with the run's
environment, in a session of its own (killed as a group on timeout), so a run sees what
a cold start would, without paying for the imports. Nothing of the reviewed repository
is loaded before the fork: the server imports the tool's own modules only.

Servers are kept per command (interpreter, jail, module, imports), one per run at a
time, up to `MAX_IDLE` idle ones each; a server leaves when its standard input closes,
so none outlives this process. A server that misbehaves (it exits, or answers what is
not its protocol) is dropped, and the run falls back to a cold start.
"""

from __future__ import annotations

import contextlib
import json
import shutil
import subprocess
import tempfile
import threading
from collections.abc import Callable, Mapping
from dataclasses import dataclass, field
from pathlib import Path

MAX_IDLE = 2  # idle servers kept per command


class ServerGone(Exception):
    """The warm start server stopped answering its protocol: start the tool cold."""


@dataclass
class Server:
    """One warm start server process and the scratch directory it runs in."""

    process: subprocess.Popen[bytes]
    scratch: Path

    def run(
        self, argv: list[str], cwd: Path, env: Mapping[str, str], out: Path, err: Path
    ) -> tuple[int, Callable[[], int]]:
        """Start a run; its process id (also its process group) and a call that waits for
        its exit code (negative: killed by that signal). ServerGone when the server
        fails."""
        request = {"argv": argv, "cwd": str(cwd), "env": dict(env)}
        request |= {"stdout": str(out), "stderr": str(err)}
        try:
            assert self.process.stdin is not None
            self.process.stdin.write(json.dumps(request).encode() + b"\n")
            self.process.stdin.flush()
        except OSError as exc:
            raise ServerGone(str(exc)) from None
        pid = self._answer("pid")
        return pid, lambda: self._answer("exit")

    def _answer(self, key: str) -> int:
        assert self.process.stdout is not None
        line = self.process.stdout.readline()
        try:
            value = json.loads(line)[key]
        except (ValueError, KeyError, TypeError):
            raise ServerGone(f"no {key} from the warm start server") from None
        if not isinstance(value, int) or isinstance(value, bool):
            raise ServerGone(f"a {key} that is not a number from the warm start server")
        return value

    def close(self) -> None:
        with contextlib.suppress(OSError):
            if self.process.stdin is not None:
                self.process.stdin.close()
        try:
            self.process.wait(timeout=5)
        except subprocess.TimeoutExpired:
            self.process.kill()
            self.process.wait()
        shutil.rmtree(self.scratch, ignore_errors=True)


@dataclass(frozen=True)
class WarmCommand:
    """What starts a server: its argument vector (the jail's prefix, the interpreter,
    `-m agents.warm_server`, the tool's module, the modules to import) and the
    analyser's own environment variables (`Analyser.env`)."""

    argv: tuple[str, ...]
    env: tuple[tuple[str, str], ...] = ()


@dataclass
class Pool:
    """Idle servers by command; `start` makes a new one (OSError when it cannot)."""

    start: Callable[[WarmCommand], Server]
    idle: dict[WarmCommand, list[Server]] = field(default_factory=dict)
    lock: threading.Lock = field(default_factory=threading.Lock)

    def take(self, command: WarmCommand) -> Server:
        with self.lock:
            servers = self.idle.get(command, [])
            while servers:
                server = servers.pop()
                if server.process.poll() is None:
                    return server
                server.close()
        return self.start(command)

    def close_all(self) -> None:
        """Close every idle server (at exit: their scratch directories go too)."""
        with self.lock:
            servers = [server for group in self.idle.values() for server in group]
            self.idle.clear()
        for server in servers:
            server.close()

    def give_back(self, command: WarmCommand, server: Server) -> None:
        with self.lock:
            servers = self.idle.setdefault(command, [])
            if len(servers) < MAX_IDLE and server.process.poll() is None:
                servers.append(server)
                return
        server.close()


def start_server(command: WarmCommand, env_for: Callable[[Path], dict[str, str]]) -> Server:
    """A server for `command`, run from a fresh scratch directory with the environment
    `env_for` gives for it, plus the command's own variables; the server removes that
    directory when it leaves (`agents.warm_server`)."""
    scratch = Path(tempfile.mkdtemp(prefix="reviewbot-warm-"))
    for folder in ("cwd", "home", "tmp"):
        (scratch / folder).mkdir()
    process = subprocess.Popen(  # noqa: S603 - an argument list of ours, no shell
        list(command.argv),
        cwd=scratch / "cwd",
        env={**env_for(scratch), **dict(command.env), "REVIEWBOT_WARM_SCRATCH": str(scratch)},
        stdin=subprocess.PIPE,
        stdout=subprocess.PIPE,
        stderr=subprocess.DEVNULL,
        start_new_session=True,
    )
    return Server(process, scratch)
