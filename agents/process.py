"""Running a declared analyser as a child process: bounded in time, blind to our secrets.

Analysers read repository files but never execute them. They still run in their own
process so that a crash or a hang in one cannot take the workflow down, with a minimal
environment so that no token or key of ours is visible to them, and with standard input
closed. Where a tool runs and how it is told the files (and so how the names it reports
map back to repository paths) is decided by `invocation` alone.
"""

from __future__ import annotations

import os
import subprocess
import sys
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path

from agents.analysis import AgentError, AgentInput, Analysis
from agents.declaration import CONFIG, FILES, PYTHON, Analyser
from agents.lines import to_git_lines
from agents.parsers import ToolOutput

_SAFE_ENV_KEYS = ("PATH", "LANG", "LC_ALL", "TMPDIR", "SYSTEMROOT")


@dataclass(frozen=True)
class Invocation:
    """Where an analyser runs (`cwd`, `env`), the arguments naming its files, and the
    checkout `root` the names it reports are mapped back into."""

    cwd: Path
    env: dict[str, str]
    files: list[str]
    root: Path

    def repo_path(self, reported: str) -> str | None:
        """The repository path of a file name the tool reports (relative to `cwd`, or
        absolute), or None when it is not inside the checkout."""
        path = Path(reported)
        path = Path(os.path.normpath(path if path.is_absolute() else self.cwd / path))
        for root in {Path(os.path.normpath(self.root.absolute())), self.root.resolve()}:
            if path.is_relative_to(root) and path != root:
                return path.relative_to(root).as_posix()
        return None


@contextmanager
def invocation(src: Path, paths: list[str]) -> Iterator[Invocation]:
    """How an analyser is run over `paths` (repository paths) of the checkout `src`, for
    the duration of the `with` block: in the checkout, with the files as `./`-prefixed
    relative arguments. (A context, so that running from a scratch directory of its own
    would change this function only.)"""
    yield Invocation(cwd=src, env=analyser_env(), files=as_arguments(paths), root=src)


def run_analyser(agent: str, analyser: Analyser, work: AgentInput) -> Analysis:
    """Run `analyser` over the agent's files and parse what it prints into findings."""
    with invocation(work.run.src, [f.path for f in work.files]) as call:
        text = run_command(
            command_line(analyser, call.files),
            call,
            timeout=work.config.agent_timeout_seconds,
            ok_codes=analyser.ok_codes,
            tool=analyser.tool,
        )
        paths = tuple(f.path for f in work.files)
        output = ToolOutput(
            text, agent, analyser.tool, analyser.severities, call.repo_path, files=paths
        )
        analysis = analyser.parse(output)
    limit = work.config.max_file_bytes
    return to_git_lines(analysis, work.run.src, analyser.line_model, limit)


def command_line(analyser: Analyser, files: list[str]) -> list[str]:
    """The analyser's command with its placeholders filled in."""
    argv: list[str] = []
    for arg in analyser.command:
        if arg == FILES:
            argv += files
        elif arg == PYTHON:
            argv.append(sys.executable)
        else:
            argv.append(arg.replace(CONFIG, str(analyser.config)) if CONFIG in arg else arg)
    return argv


def run_command(
    argv: list[str], call: Invocation, timeout: float, ok_codes: tuple[int, ...], tool: str
) -> str:
    """Run `argv` as `call` says and return its standard output; AgentError when it times
    out or exits with a status outside `ok_codes` (with its last line of error output)."""
    try:
        completed = subprocess.run(
            argv,
            cwd=call.cwd,
            env=call.env,
            capture_output=True,
            timeout=timeout,
            stdin=subprocess.DEVNULL,
            check=False,
        )
    except subprocess.TimeoutExpired as exc:
        raise AgentError(f"{tool} timed out after {timeout:g} s") from exc
    if completed.returncode not in ok_codes:
        detail = completed.stderr.decode("utf-8", "replace").strip().splitlines()
        last = detail[-1] if detail else "no error output"
        raise AgentError(f"{tool} exited with {completed.returncode}: {last}")
    return completed.stdout.decode("utf-8", "replace")


def analyser_env() -> dict[str, str]:
    """The environment an analyser gets: locale and PATH, nothing that could hold a secret."""
    env = {key: os.environ[key] for key in _SAFE_ENV_KEYS if key in os.environ}
    env.setdefault("LANG", "C.UTF-8")
    env["PYTHONDONTWRITEBYTECODE"] = "1"
    env["HOME"] = os.environ.get("TMPDIR", "/tmp")  # noqa: S108 - tools want a HOME; ours stays private
    return env


def as_arguments(paths: list[str]) -> list[str]:
    """Repository paths as command arguments that can never be read as options."""
    return [f"./{p}" for p in paths]
