"""Where a review's commits come from: checking sources, naming commits, the token header.

Git itself runs through `review.git.Git`, with its safety settings.
"""

from __future__ import annotations

import base64
from pathlib import Path
from urllib.parse import urlsplit

from review.git import Git, GitError


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
