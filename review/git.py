"""Git, run safely on untrusted repositories: the one way reviewbot runs git.

Nothing from the reviewed repository may run: git's system and global configuration are
ignored, hooks point at /dev/null, no filter driver is defined (so `.gitattributes` can
ask for LFS or smudge filters in vain), submodules are never fetched, and symbolic links
are never followed. Arguments are always lists: repository text never reaches a shell.
Credentials, when needed, travel in the child's environment only (`GIT_CONFIG_*`),
never in a URL, a config file or a log line.

It lives in the domain package because both the flow (cloning, diffing) and the agents
(the AI reviewers read the head's files from git objects) run it.
"""

from __future__ import annotations

import os
import subprocess
import tempfile
from dataclasses import dataclass
from pathlib import Path

EMPTY_TREE = "4b825dc642cb6eb9a060e54bf8d69288fbee4904"

_SAFE_CONFIG = {
    "core.hooksPath": "/dev/null",
    "core.symlinks": "false",
    "core.fsmonitor": "false",
    "core.autocrlf": "false",
    "core.quotePath": "false",
    "submodule.recurse": "false",
    "fetch.recurseSubmodules": "false",
    "diff.external": "",
    "advice.detachedHead": "false",
    "init.defaultBranch": "review",
    "gc.auto": "0",
    "maintenance.auto": "false",
    "protocol.ext.allow": "never",
}


class GitError(RuntimeError):
    """A git command failed; the message is safe to show (no credentials)."""


@dataclass(frozen=True)
class Git:
    """Runs git in one directory with the safety settings above.

    With `git_dir`, git runs on that repository as a bare one (`core.bare`): no working
    tree, index or `.gitattributes` file (at any commit) changes what a command reports,
    so nothing is hidden as binary by `-diff` or `binary`, no `diff=` driver or textconv
    applies, and binary is decided from content alone (a NUL byte in the first 8000
    bytes, as git does without attributes). Every repository of a review is bare.
    """

    cwd: Path
    auth_header: str | None = None  # an HTTP header, e.g. for an installation token
    git_dir: Path | None = None
    # The user's own git configuration (credential helpers, remotes over ssh): only to fetch
    # into the user's own repository for `reviewbot review`; hooks stay off.
    user_config: bool = False

    def run(self, *args: str, timeout: float = 600, input_bytes: bytes | None = None) -> bytes:
        command = ["git"]
        config = {**_SAFE_CONFIG, **({"core.bare": "true"} if self.git_dir else {})}
        for key, value in config.items():
            command += ["-c", f"{key}={value}"]
        command += list(args)
        try:
            done = subprocess.run(
                command,
                cwd=self.cwd,
                env=self._env(),
                input=input_bytes,
                capture_output=True,
                timeout=timeout,
                check=False,
            )
        except subprocess.TimeoutExpired as exc:
            raise GitError(f"git {args[0]} timed out after {timeout:g} s") from exc
        except FileNotFoundError as exc:
            if exc.filename != "git":  # the working folder is gone
                raise GitError(f"git {args[0]} failed: {exc.filename} does not exist") from None
            raise GitError(
                "git is not installed or not on PATH: install git (e.g. apt-get install git) "
                "and try again"
            ) from None
        if done.returncode != 0:
            message = done.stderr.decode("utf-8", "replace").strip().splitlines()
            raise GitError(f"git {args[0]} failed: {_redact(' '.join(message[-2:]))}")
        return done.stdout

    def text(self, *args: str) -> str:
        return self.run(*args).decode("utf-8", "surrogateescape").strip()

    def _env(self) -> dict[str, str]:
        if self.user_config:
            return self._user_env()
        env = {k: os.environ[k] for k in ("PATH", "LANG", "TMPDIR") if k in os.environ}
        env.update(
            GIT_CONFIG_NOSYSTEM="1",
            GIT_CONFIG_GLOBAL=os.devnull,
            GIT_TERMINAL_PROMPT="0",
            GIT_ASKPASS="/bin/false",
            SSH_ASKPASS="/bin/false",
            GIT_LFS_SKIP_SMUDGE="1",
            GIT_ATTR_NOSYSTEM="1",
            GIT_NO_REPLACE_OBJECTS="1",
            GIT_ALLOW_PROTOCOL="https:http",
            GIT_NO_LAZY_FETCH="1",  # git 2.45+: a missing object is an error, never a fetch
            HOME=tempfile.gettempdir(),
        )
        if self.git_dir is not None:
            env["GIT_DIR"] = str(self.git_dir)
        if self.auth_header:
            env.update(
                GIT_CONFIG_COUNT="1",
                GIT_CONFIG_KEY_0="http.extraHeader",
                GIT_CONFIG_VALUE_0=self.auth_header,
            )
        return env

    @staticmethod
    def _user_env() -> dict[str, str]:
        """The user's environment and configuration, without prompts or LFS downloads
        (hooks stay off through `_SAFE_CONFIG`)."""
        env = {k: v for k, v in os.environ.items() if not k.startswith("GIT_")}
        env.update(GIT_TERMINAL_PROMPT="0", GIT_LFS_SKIP_SMUDGE="1")
        return env


def _redact(text: str) -> str:
    """Drop anything that looks like a credential from a git message."""
    return " ".join(
        "***" if "@" in word or "Authorization" in word else word for word in text.split()
    )
