"""The user's own repository, for `reviewbot review`: whatever clone they have.

- **Shallow** (most CI checkouts): the history a review needs (the head's parent, the
  merge base with the base) may lie past the shallow boundary. It is fetched from the
  repository's remote, deepening step by step; a boundary is never taken for a root
  commit. With no remote to ask, GitError says to fetch more history.
- **Partial** (`--filter=blob:none`): the blobs a review reads (the trees of the head,
  the base and their merge base) are fetched from the promisor remote in one request.
- **Borrowed, not copied**: the review's bare repository reads the repository's objects in
  place (`objects/info/alternates`), so nothing of its history is copied.

Fetching into the user's repository uses their git configuration (their credentials and
remotes), with hooks off; nothing is ever checked out or changed in their working tree.
"""

from __future__ import annotations

import re
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from pathlib import Path

from orchestrator.git import resolve_commit
from review.git import EMPTY_TREE, Git, GitError

DEEPEN_STEPS = (1, 50, 500, 5_000)  # commits fetched per round before unshallowing
FETCH_MORE = "fetch more history (e.g. `git fetch --unshallow`, or `fetch-depth: 0` in CI)"
FETCH_BLOBS = (
    "check that the remote answers (`git fetch`), or fetch every file's content at once "
    "(`git fetch --refetch`, or drop `filter:` in CI)"
)


# origin's default branch when the clone recorded it; else a local main or master; else
# origin's (a remote added by hand, or `git clone --no-checkout`, has no origin/HEAD)
_DEFAULT_BRANCHES = (
    "refs/remotes/origin/HEAD",
    "refs/heads/main",
    "refs/heads/master",
    "refs/remotes/origin/main",
    "refs/remotes/origin/master",
)


@dataclass(frozen=True)
class TreeEntry:
    """One entry of a commit's tree: `path` (from the root), `mode` (e.g. 100644), `kind`
    (blob, tree or commit) and the object id."""

    path: str
    mode: str
    kind: str
    oid: str


class LocalRepository:
    """A repository on this machine, by its top-level path."""

    def __init__(self, path: Path) -> None:
        self.path = path
        self.git = Git(path)
        self.user = Git(path, user_config=True)

    def common_dir(self) -> Path:
        """The repository's git directory (shared by its worktrees), absolute."""
        return Path(self.git.text("rev-parse", "--path-format=absolute", "--git-common-dir"))

    def boundary(self) -> set[str]:
        """The commits whose parents this shallow clone lacks (empty when not shallow)."""
        shallow = self.common_dir() / "shallow"
        return set(shallow.read_text().split()) if shallow.is_file() else set()

    def remote(self) -> str | None:
        """The remote to fetch missing history or objects from: `origin`, else the only one."""
        remotes = self.git.text("remote").split()
        if "origin" in remotes:
            return "origin"
        return remotes[0] if len(remotes) == 1 else None

    # -- history ---------------------------------------------------------------------------

    def resolve(self, ref: str) -> str:
        """The commit `ref` names; in a shallow clone, history is fetched until it resolves
        (`HEAD~3` past the boundary). GitError names the ref when it names nothing."""
        try:
            return resolve_commit(self.path, ref)
        except GitError:
            if self.is_empty():
                raise GitError(
                    f"{self.path} has no commits yet: reviewbot reviews commits, so commit "
                    "the change (or pass --head)"
                ) from None
            anchor = re.split(r"[~^]", ref, maxsplit=1)[0] or "HEAD"
            if anchor == ref or not self.boundary():
                raise  # a name that is not there: no history would make it appear
            resolve_commit(self.path, anchor)

        def resolves() -> bool:
            try:
                resolve_commit(self.path, ref)
            except GitError:
                return False
            return True

        self._deepen_until(resolves, repr(ref))
        return resolve_commit(self.path, ref)

    def uncommitted(self) -> tuple[int, int]:
        """(changed tracked files, untracked files) of the working tree and index, which
        a review of commits does not see; (0, 0) for a bare repository. Nothing is
        written: no index refresh, no lock taken."""
        if self.git.text("rev-parse", "--is-inside-work-tree") != "true":
            return 0, 0
        status = self.git.run(
            "--no-optional-locks", "status", "--porcelain=v1", "-z", "--ignore-submodules"
        )
        # entries are "XY path"; a rename's or copy's old path follows as a field of its own
        fields = iter(status.split(b"\0"))
        changed = untracked = 0
        for entry in fields:
            if not entry:
                continue
            if entry.startswith(b"??"):
                untracked += 1
                continue
            changed += 1
            if b"R" in entry[:2] or b"C" in entry[:2]:
                next(fields, None)
        return changed, untracked

    def is_empty(self) -> bool:
        """Whether the repository has no commit at all (a fresh `git init`)."""
        return not self.git.text("for-each-ref", "--count=1", "refs/heads", "refs/remotes")

    def default_base(self, head: str) -> tuple[str, str]:
        """The base a local review compares with, and a phrase saying why.

        The merge base with the default branch (the first of `_DEFAULT_BRANCHES` that
        exists and is not the head itself) when the head is off it; otherwise the
        head's parent (reviewing the last commit); for a root commit, the empty tree. A
        shallow clone's boundary is not a root commit: its parent is fetched.
        """
        for candidate in _DEFAULT_BRANCHES:
            try:
                branch = self.git.text("rev-parse", "--verify", "--quiet", candidate)
            except GitError:
                continue
            merge_base = self.merge_base(branch, head)
            if merge_base is not None and merge_base != head:
                return merge_base, f"merge base with {candidate.removeprefix('refs/')}"
        parent = self.parent(head)
        if parent is None:
            return EMPTY_TREE, "empty tree (the head is a root commit)"
        return parent, "parent of the head"

    def parent(self, head: str) -> str | None:
        """The head's first parent, fetched if the head is a shallow boundary; None for a
        root commit."""
        self._deepen_until(lambda: head not in self.boundary(), f"the parent of {head[:12]}")
        try:
            return self.git.text("rev-parse", "--verify", "--quiet", f"{head}^")
        except GitError:
            return None

    def merge_base(self, base: str, head: str) -> str | None:
        """The merge base of `base` and `head`, fetching history until it is reachable;
        None when they share no history at all."""
        if base == EMPTY_TREE:
            return EMPTY_TREE
        found: list[str] = []

        def reachable() -> bool:
            try:
                found[:] = [self.git.text("merge-base", base, head)]
            except GitError:
                return False
            return True

        self._deepen_until(reachable, f"the merge base of {base[:12]} and {head[:12]}")
        return found[0] if found else None

    def _deepen_until(self, done: Callable[[], bool], what: str) -> None:
        """Fetch deeper history from the remote until `done()` or the clone is complete."""
        if done() or not self.boundary():
            return
        remote = self.remote()
        if remote is None:
            raise GitError(
                f"{self.path} is a shallow clone without a remote to fetch {what} "
                f"from: {FETCH_MORE}"
            )
        for depth in DEEPEN_STEPS:
            self._fetch(remote, f"--deepen={depth}", what=what)
            if done() or not self.boundary():
                return
        self._fetch(remote, "--unshallow", what=what)
        done()

    # -- objects ---------------------------------------------------------------------------

    def first_entry(self, commit: str, paths: Sequence[str]) -> TreeEntry | None:
        """The entry of the first of `paths` (in that order of preference) in `commit`'s
        tree, or None when none of them is there; one git process whatever their number."""
        listing = self.git.run("ls-tree", "-z", "--full-tree", commit, "--", *paths)
        entries = {}
        for raw in listing.split(b"\0"):
            if raw:
                info, name = raw.split(b"\t", 1)
                mode, kind, oid = info.decode().split()
                path = name.decode("utf-8", "surrogateescape")
                entries[path] = TreeEntry(path, mode, kind, oid)
        # git lists in tree order; a pathspec matches more than the exact path
        return next((entries[p] for p in paths if p in entries), None)

    def read_blob(self, entry: TreeEntry, limit: int) -> bytes:
        """The content of `entry` as a regular file (fetched first in a partial clone).
        ValueError says why it cannot be read as one: a directory, a symbolic link, a
        submodule, or more than `limit` bytes; GitError when a fetch fails."""
        if entry.kind != "blob" or entry.mode == "120000":
            what = {"tree": "a directory", "commit": "a submodule"}.get(
                entry.kind, "a symbolic link"
            )
            raise ValueError(f"is {what}, not a file")
        try:
            size = int(self.git.text("cat-file", "-s", entry.oid))
        except GitError:  # a partial clone without the blob, and git could not fetch it
            self._fetch_objects([entry.oid])
            size = int(self.git.text("cat-file", "-s", entry.oid))
        if size > limit:
            raise ValueError(f"is over {limit // 1024} KB")
        return self.git.run("cat-file", "blob", entry.oid)

    def missing_objects(self, commits: Sequence[str]) -> list[str]:
        """Objects of these commits' trees a partial clone does not have (fetches nothing)."""
        trees = [f"{c}^{{tree}}" for c in dict.fromkeys(commits) if c != EMPTY_TREE]
        if not trees:
            return []
        # object ids only: no path, which could hold a newline and "?<id>", is printed
        listing = self.git.text(
            "rev-list", "--objects", "--no-object-names", "--missing=print", *trees
        )
        return [line[1:] for line in listing.split("\n") if line.startswith("?")]

    def fetch_missing(self, commits: Sequence[str]) -> None:
        """Fetch, in one request, every object of these commits' trees the clone lacks.
        A clone without a promisor remote is not partial: its trees are not walked (in a
        100,000-file repository that took 0.1 s), as nothing could be fetched."""
        if self._promisor() is None:
            return
        missing = self.missing_objects(commits)
        if missing:
            self._fetch_objects(missing)

    def _fetch_objects(self, missing: list[str]) -> None:
        """Fetch these objects from the promisor remote, in one request."""
        promisor = self._promisor()
        if promisor is None:
            raise GitError(
                f"{self.path} lacks {_objects(len(missing))} and has no promisor "
                "remote to fetch them from: run `git fetch --refetch`"
            )
        request = ("\n".join(missing) + "\n").encode()
        self._fetch(
            promisor,
            "--filter=blob:none",
            "--stdin",
            what=_objects(len(missing)),
            advice=FETCH_BLOBS,
            input_bytes=request,
        )

    def _promisor(self) -> str | None:
        """The remote a partial clone fetches missing objects from, if it is one."""
        try:
            entries = self.git.text("config", "--get-regexp", r"^remote\..*\.promisor$")
        except GitError:  # no such setting: not a partial clone
            return None
        for key, value in (line.split(maxsplit=1) for line in entries.splitlines()):
            if value.strip().lower() == "true":
                return key.removeprefix("remote.").removesuffix(".promisor")
        return None

    def _fetch(
        self,
        remote: str,
        *options: str,
        what: str,
        advice: str = FETCH_MORE,
        input_bytes: bytes | None = None,
    ) -> None:
        try:
            self.user.run(
                "fetch",
                "--quiet",
                "--no-tags",
                "--no-write-fetch-head",
                "--recurse-submodules=no",
                *options,
                remote,
                input_bytes=input_bytes,
            )
        except GitError as exc:
            raise GitError(f"could not fetch {what} from {remote} ({exc}): {advice}") from None


def _objects(count: int) -> str:
    return f"{count} object{'s' if count != 1 else ''}"


def borrow(
    repo: LocalRepository, dest: Path, head: str, base: str = EMPTY_TREE
) -> tuple[Git, str | None]:
    """A bare repository at `dest` that reads `repo`'s objects in place, with `head`, `base`
    and their merge base reachable, and that merge base (None: they share no history).

    The merge base is made reachable and a partial clone's missing blobs are fetched into
    `repo` first; a shallow clone's boundary is copied, so git sees the same history.
    """
    merge_base = repo.merge_base(base, head)
    repo.fetch_missing([head, base, *([merge_base] if merge_base else [])])
    dest.mkdir(parents=True, exist_ok=True)
    git = Git(dest, git_dir=dest)
    git.run("init", "--quiet", "--bare", "--template=")  # no sample hooks, no description
    common = repo.common_dir()
    (dest / "objects" / "info" / "alternates").write_text(f"{common / 'objects'}\n")
    if (common / "shallow").is_file():
        (dest / "shallow").write_text((common / "shallow").read_text())
    return git, merge_base
