"""Git, used safely on untrusted repositories.

Nothing from the reviewed repository may run: git's system and global configuration are
ignored, hooks point at /dev/null, no filter driver is defined (so `.gitattributes` can
ask for LFS or smudge filters in vain), submodules are never fetched, and symbolic links
are checked out as plain files holding the link text (`core.symlinks=false`), so nothing
can read through one. Arguments are always lists: repository text never reaches a shell.
Credentials, when needed, travel in the child's environment only (`GIT_CONFIG_*`),
never in a URL, a config file or a log line.
"""

from __future__ import annotations

import base64
import os
import subprocess
import tempfile
from collections.abc import Sequence
from dataclasses import dataclass
from pathlib import Path
from urllib.parse import urlsplit

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
    """Runs git in one directory with the safety settings above."""

    cwd: Path
    auth_header: str | None = None  # an HTTP header, e.g. for an installation token
    allow_file_protocol: bool = False

    def run(self, *args: str, timeout: float = 600, input_bytes: bytes | None = None) -> bytes:
        command = ["git"]
        for key, value in _SAFE_CONFIG.items():
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
        if done.returncode != 0:
            message = done.stderr.decode("utf-8", "replace").strip().splitlines()
            raise GitError(f"git {args[0]} failed: {_redact(' '.join(message[-2:]))}")
        return done.stdout

    def text(self, *args: str) -> str:
        return self.run(*args).decode("utf-8", "surrogateescape").strip()

    def _env(self) -> dict[str, str]:
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
            GIT_ALLOW_PROTOCOL="https:http" + (":file" if self.allow_file_protocol else ""),
            HOME=tempfile.gettempdir(),
        )
        if self.auth_header:
            env.update(
                GIT_CONFIG_COUNT="1",
                GIT_CONFIG_KEY_0="http.extraHeader",
                GIT_CONFIG_VALUE_0=self.auth_header,
            )
        return env


def token_auth_header(token: str) -> str:
    """The header GitHub expects for an installation token used by git over https."""
    encoded = base64.b64encode(f"x-access-token:{token}".encode()).decode()
    return f"Authorization: Basic {encoded}"


def check_source(source: str) -> None:
    """Accept a local directory, an https URL, or plain http to a loopback host (tests)."""
    if "://" not in source:
        if not Path(source).is_dir():
            raise GitError(f"{source} is not a directory")
        return
    parts = urlsplit(source)
    if parts.username or parts.password:
        raise GitError("clone URLs must not carry credentials")
    if parts.scheme == "https":
        return
    if parts.scheme == "http" and parts.hostname in ("127.0.0.1", "localhost", "::1"):
        return
    raise GitError(f"refusing to fetch from {parts.scheme}:// URLs (only https)")


def resolve_commit(repo: Path, ref: str) -> str:
    """The full SHA a ref names in a local repository, or GitError naming the ref."""
    try:
        return Git(repo).text(
            "rev-parse", "--verify", "--quiet", "--end-of-options", f"{ref}^{{commit}}"
        )
    except GitError:
        raise GitError(f"unknown revision {ref!r} in {repo}") from None


def repository_root(path: Path) -> Path:
    try:
        return Path(Git(path).text("rev-parse", "--show-toplevel"))
    except GitError:
        raise GitError(f"{path} is not inside a git repository") from None


def default_base(repo: Path, head: str) -> tuple[str, str]:
    """The base a local review compares with, and a phrase saying why.

    The merge base with the default branch when the head is off it; otherwise the head's
    parent (reviewing the last commit); for a root commit, the empty tree.
    """
    git = Git(repo)
    for candidate in ("refs/remotes/origin/HEAD", "refs/heads/main", "refs/heads/master"):
        try:
            branch = git.text("rev-parse", "--verify", "--quiet", candidate)
            merge_base = git.text("merge-base", branch, head)
        except GitError:
            continue
        if merge_base != head:
            return merge_base, f"merge base with {candidate.removeprefix('refs/')}"
    try:
        return git.text("rev-parse", "--verify", "--quiet", f"{head}^"), "parent of the head"
    except GitError:
        return EMPTY_TREE, "empty tree (the head is a root commit)"


def fetch_checkout(source: str, dest: Path, commits: Sequence[str], auth_header: str | None) -> Git:
    """Fetch exactly `commits` from `source` into a new repository at `dest`, check out the first.

    URL sources are fetched as a partial clone (no blobs until needed); local sources are
    fetched whole, which git does from disk.
    """
    check_source(source)
    local = "://" not in source
    dest.mkdir(parents=True, exist_ok=True)
    git = Git(dest, auth_header=auth_header, allow_file_protocol=local)
    git.run("init", "--quiet", ".")
    git.run("remote", "add", "origin", str(Path(source).resolve()) if local else source)
    wanted = [c for c in dict.fromkeys(commits) if c != EMPTY_TREE]
    filters = [] if local else ["--filter=blob:none"]
    git.run("fetch", "--quiet", "--no-tags", "--no-write-fetch-head", *filters, "origin", *wanted)
    git.run("checkout", "--quiet", "--detach", wanted[0])
    return git


def merge_base(git: Git, base: str, head: str) -> str:
    if base == EMPTY_TREE:
        return EMPTY_TREE
    try:
        return git.text("merge-base", base, head)
    except GitError:
        raise GitError(f"{base[:12]} and {head[:12]} share no history") from None


def _redact(text: str) -> str:
    """Drop anything that looks like a credential from a git message."""
    return " ".join(
        "***" if "@" in word or "Authorization" in word else word for word in text.split()
    )
