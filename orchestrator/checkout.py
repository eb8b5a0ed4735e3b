"""A checkout of the head commit in the workspace, from wherever the change lives.

A repository on this machine is borrowed in place (`local_repo.borrow_checkout`: its
objects are read, not copied, whatever kind of clone it is); a URL is fetched as a
partial clone (no blobs until the checkout needs them) with exactly the commits wanted.
"""

from __future__ import annotations

from collections.abc import Sequence
from pathlib import Path

from orchestrator.git import EMPTY_TREE, Git, check_source
from orchestrator.local_repo import LocalRepository, borrow_checkout


def fetch_checkout(source: str, dest: Path, commits: Sequence[str], auth_header: str | None) -> Git:
    """Check out `commits[0]` (the head) from `source` at `dest`, with the other commits (the
    base) reachable too. GitError says what failed, never with a credential."""
    check_source(source)
    head, *others = commits
    if "://" not in source:
        return borrow_checkout(LocalRepository(Path(source).resolve()), dest, head, *others[:1])
    dest.mkdir(parents=True, exist_ok=True)
    git = Git(dest, auth_header=auth_header)
    git.run("init", "--quiet", ".")
    git.run("remote", "add", "origin", source)
    wanted = [c for c in dict.fromkeys(commits) if c != EMPTY_TREE]
    git.run(
        "fetch", "--quiet", "--no-tags", "--no-write-fetch-head", "--filter=blob:none",
        "origin", *wanted,
    )  # fmt: skip
    git.run("checkout", "--quiet", "--detach", head)
    return git
