"""Running an analyser as a child process: bounded in time, blind to our secrets.

Analysers read repository files but never execute them. They still run in their own
process so that a crash or a hang in one cannot take the workflow down, and with a
minimal environment so that no token or key of ours is visible to them.
"""

from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path
from typing import Any

from agents.base import AgentError

_SAFE_ENV_KEYS = ("PATH", "LANG", "LC_ALL", "TMPDIR", "SYSTEMROOT")


def analyser_env() -> dict[str, str]:
    """The environment an analyser gets: locale and PATH, nothing that could hold a secret."""
    env = {key: os.environ[key] for key in _SAFE_ENV_KEYS if key in os.environ}
    env.setdefault("LANG", "C.UTF-8")
    env["PYTHONDONTWRITEBYTECODE"] = "1"
    env["HOME"] = os.environ.get("TMPDIR", "/tmp")  # noqa: S108 - tools want a HOME; ours stays private
    return env


def run_python_tool(
    module: str, args: list[str], cwd: Path, timeout: float, ok_codes: tuple[int, ...] = (0,)
) -> str:
    """Run `python -m <module> <args>` in `cwd` and return its standard output."""
    command = [sys.executable, "-m", module, *args]
    try:
        completed = subprocess.run(
            command,
            cwd=cwd,
            env=analyser_env(),
            capture_output=True,
            timeout=timeout,
            stdin=subprocess.DEVNULL,
            check=False,
        )
    except subprocess.TimeoutExpired as exc:
        raise AgentError(f"{module} timed out after {timeout:g} s") from exc
    if completed.returncode not in ok_codes:
        detail = completed.stderr.decode("utf-8", "replace").strip().splitlines()
        last = detail[-1] if detail else "no error output"
        raise AgentError(f"{module} exited with {completed.returncode}: {last}")
    return completed.stdout.decode("utf-8", "replace")


def parse_json_output(module: str, text: str) -> Any:
    try:
        return json.loads(text)
    except json.JSONDecodeError as exc:
        raise AgentError(f"{module} printed output that is not JSON") from exc


def as_arguments(paths: list[str]) -> list[str]:
    """Repository paths as command arguments that can never be read as options."""
    return [f"./{p}" for p in paths]


def from_argument(reported: str, cwd: Path) -> str:
    """The repository path of a file name an analyser reports (relative or absolute)."""
    path = Path(reported)
    if path.is_absolute():
        path = path.relative_to(cwd.resolve())
    text = path.as_posix()
    return text[2:] if text.startswith("./") else text
