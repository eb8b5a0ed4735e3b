"""Which analysers this installation has: `reviewbot doctor`.

Each agent's analysers are looked up as a review would find them (beside this
interpreter first, then on PATH) and asked for their version in a scratch environment,
so a missing or broken tool shows here before it skips an agent in a review.
"""

from __future__ import annotations

import re
import subprocess
import sys
import tempfile
from dataclasses import dataclass
from pathlib import Path

from agents import registry
from agents.command import ToolMissing, analyser_env, program
from agents.declaration import PYTHON, Analyser

_VERSION = re.compile(r"\d+(?:\.\d+)+(?:[-+.][0-9A-Za-z.]+)?")


@dataclass(frozen=True)
class ToolStatus:
    """One analyser of one agent: whether it can run, and what it says its version is."""

    agent: str
    tool: str
    available: bool
    version: str  # the first line it printed, or why it is not available
    install: str


def inventory(timeout: float = 30.0) -> list[ToolStatus]:
    """Every declared analyser, in the registry's order."""
    return [
        _status(agent.name, analyser, timeout)
        for agent in registry.declarations()
        for analyser in agent.analysers
    ]


def _status(agent: str, analyser: Analyser, timeout: float) -> ToolStatus:
    try:
        executable = program(analyser)
    except ToolMissing:
        return ToolStatus(agent, analyser.tool, False, "not installed", analyser.install)
    argv = [sys.executable if arg == PYTHON else arg for arg in analyser.version]
    if argv and argv[0] == analyser.command[0]:
        argv[0] = executable
    if not argv:
        return ToolStatus(agent, analyser.tool, True, "installed", analyser.install)
    with tempfile.TemporaryDirectory(prefix="reviewbot-doctor-") as scratch:
        for folder in ("home", "tmp"):
            (Path(scratch) / folder).mkdir()
        try:
            done = subprocess.run(  # noqa: S603 - our own declared argument list
                argv,
                cwd=scratch,
                env=analyser_env(Path(scratch)),
                capture_output=True,
                stdin=subprocess.DEVNULL,
                timeout=timeout,
                check=False,
            )
        except (OSError, subprocess.TimeoutExpired) as exc:
            return ToolStatus(agent, analyser.tool, False, f"broken: {exc}", analyser.install)
    text = (done.stdout or done.stderr).decode("utf-8", "replace").strip()
    if done.returncode != 0:
        last = text.splitlines()[-1] if text else f"exit status {done.returncode}"
        return ToolStatus(agent, analyser.tool, False, f"broken: {last}", analyser.install)
    # the first version number printed, whatever surrounds it ("__main__.py 1.9.4",
    # ShellCheck's title line, "Version: 1.89.0")
    found = _VERSION.search(text)
    version = found.group() if found else (text.splitlines()[0] if text else "installed")
    return ToolStatus(agent, analyser.tool, True, version, analyser.install)
