"""The review's copy of the repository: what the change needs, not the whole repository.

Each run has a bare repository (`RunDir.repo_dir`) holding the review's commits:

- a repository on this machine is **borrowed**: its objects are read in place
  (`objects/info/alternates`), nothing of its history is copied (`local_repo`);
- a URL is fetched as a **partial, shallow** clone: commits and trees only, one commit
  deep, deepened until the merge base of the head and the base is reachable; then, in one
  request each, the blobs of the changed files (`fetch_blobs`) and, when an AI reviewer
  takes part, the head's files up to `max_file_bytes` (`fetch_tree`), so the AI tools can
  read any file of the head without a working tree.

Only the changed text files of the head are written out (`write_files`), each at most
`max_file_bytes` and all of them at most a per-run byte budget; the rest of the head is
read from git objects on demand. A file whose blob an earlier review of the repository
wrote is a hard link to it (`checkout_blobs`), not a new file. Git runs bare, so no
working tree, index or `.gitattributes` ever comes into play.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass
from pathlib import Path

from agents.neighbours import MAX_NEIGHBOURS, matches
from orchestrator.checkout_blobs import CheckoutBlobs
from orchestrator.git import check_source
from orchestrator.local_repo import LocalRepository, borrow
from review.git import EMPTY_TREE, Git, GitError

DEEPEN_STEPS = (10, 100, 1_000, 10_000)  # commits per round before fetching all history
_FETCH = ("fetch", "--quiet", "--no-tags", "--no-write-fetch-head", "--recurse-submodules=no")


@dataclass(frozen=True)
class Repository:
    """The review's bare repository (`open_repository`): `merge_base` is that of the head
    and the base (EMPTY_TREE for a review against the empty tree); `partial` whether its
    blobs are fetched on request (a URL), not all there (a borrowed repository)."""

    git: Git
    merge_base: str
    partial: bool


def open_repository(
    source: str,
    dest: Path,
    commits: Sequence[str],
    auth_header: str | None,
    fallback_ref: str | None = None,
) -> Repository:
    """A bare repository at `dest` with `commits` (the head first, then the base) and their
    merge base reachable. `fallback_ref` is fetched when the head cannot be fetched by its
    id (a fork's head, under `refs/pull/<n>/head`). GitError says what failed, and that
    the head and the base share no history when they do not."""
    check_source(source)
    head, *others = commits
    base = others[0] if others else EMPTY_TREE
    if "://" not in source:
        git, found = borrow(LocalRepository(Path(source).resolve()), dest, head, base)
        return Repository(git, _or_unrelated(found, head, base), partial=False)
    dest.mkdir(parents=True, exist_ok=True)
    git = Git(dest, git_dir=dest, auth_header=auth_header)
    git.run("init", "--quiet", "--bare", "--template=")  # no sample hooks, no description
    git.run("remote", "add", "origin", source)
    wanted = [c for c in dict.fromkeys(commits) if c != EMPTY_TREE]
    try:
        git.run(*_FETCH, "--filter=blob:none", "--depth=1", "origin", *wanted)
    except GitError:
        if fallback_ref is None:
            raise
        wanted = [f"+{fallback_ref}:refs/reviewbot/head", *wanted[1:]]  # by name from now on
        git.run(*_FETCH, "--filter=blob:none", "--depth=1", "origin", *wanted)
        if not _has(git, f"{head}^{{commit}}"):
            gone = f"commit {head[:12]} is not in {fallback_ref} (force-pushed away?)"
            raise GitError(gone) from None
    found = _deepen_to_merge_base(git, head, base, wanted)
    return Repository(git, _or_unrelated(found, head, base), _is_partial(git))


def _or_unrelated(merge_base: str | None, head: str, base: str) -> str:
    if merge_base is None:
        raise GitError(f"{base[:12]} and {head[:12]} share no history")
    return merge_base


def _deepen_to_merge_base(git: Git, head: str, base: str, wanted: list[str]) -> str | None:
    """Fetch deeper history of `wanted` (commit ids or refspecs) until the merge base of
    `head` and `base` is reachable; it (EMPTY_TREE for the empty tree), or None when
    they share no history."""
    if base == EMPTY_TREE:
        return EMPTY_TREE
    for depth in (*DEEPEN_STEPS, None):
        found = _merge_base(git, head, base)
        if found is not None:
            return found
        if not (Path(git.git_dir or git.cwd) / "shallow").is_file():
            return None  # all history is here: they share none
        deeper = f"--deepen={depth}" if depth else "--unshallow"
        git.run(*_FETCH, "--filter=blob:none", deeper, "origin", *wanted)
    return _merge_base(git, head, base)


def _merge_base(git: Git, head: str, base: str) -> str | None:
    try:
        return git.text("merge-base", base, head)
    except GitError:
        return None


def _has(git: Git, name: str) -> bool:
    try:
        git.run("cat-file", "-e", name)
    except GitError:
        return False
    return True


def fetch_blobs(repository: Repository, oids: Iterable[str]) -> int:
    """Fetch, in one request, the objects `oids` (a partial clone's changed files); returns
    how many it asked for. A borrowed repository has them all and fetches nothing.

    Which of them a partial clone already has is not asked: git before 2.45 cannot look
    an object up without fetching it when it is missing (there is no GIT_NO_LAZY_FETCH),
    and a fresh partial clone has no blob anyway.
    """
    wanted = [oid for oid in dict.fromkeys(oids) if oid]
    if not wanted or not repository.partial:
        return 0
    request = "".join(f"{oid}\n" for oid in wanted).encode()
    repository.git.run(*_FETCH, "--filter=blob:none", "--stdin", "origin", input_bytes=request)
    return len(wanted)


def folder_files(git: Git, commit: str, folders: Mapping[str, tuple[str, ...]]) -> dict[str, str]:
    """The regular files directly in each folder of `folders` ("" the root) at `commit`
    whose names match the folder's globs (`agents.neighbours`), by path -> blob id; read
    from trees alone, so nothing is fetched. A folder missing at `commit` has none."""
    found: dict[str, str] = {}
    for folder, globs in sorted(folders.items()):
        try:
            listing = git.run(
                "ls-tree", "-z", f"{commit}:{folder}" if folder else f"{commit}^{{tree}}"
            )
        except GitError:
            continue
        names = []
        for record in listing.decode("utf-8", "surrogateescape").split("\0"):
            meta, _, name = record.partition("\t")
            fields = meta.split()
            if len(fields) == 3 and fields[0] in ("100644", "100755") and matches(name, globs):
                names.append((name, fields[2]))
        for name, oid in sorted(names)[:MAX_NEIGHBOURS]:
            found[f"{folder}/{name}" if folder else name] = oid
    return found


def fetch_tree(repository: Repository, head: str, max_file_bytes: int) -> None:
    """Fetch every file of the head up to `max_file_bytes` (for the AI reviewers' tools),
    in one request, leaving larger ones out; nothing to do for a borrowed repository."""
    if not repository.partial:
        return
    limit = f"--filter=blob:limit={max_file_bytes}"
    repository.git.run(*_FETCH, "--refetch", limit, "--depth=1", "origin", head)


def _is_partial(git: Git) -> bool:
    try:
        return git.text("config", "--get", "remote.origin.promisor") == "true"
    except GitError:
        return False


def write_files(
    git: Git,
    blobs: Mapping[str, str],
    dest: Path,
    max_file_bytes: int,
    budget: int,
    whole_budget: int | None = None,
    store: CheckoutBlobs | None = None,
    sizes: Mapping[str, int] | None = None,
) -> tuple[int, dict[str, str]]:
    """Write `blobs` (path -> object id) under `dest`, each at most `max_file_bytes`, until
    `budget` bytes are written (what is left of the run's `whole_budget`); returns the
    bytes counted against the budget and, for each file left out, why ("its content is
    not available", "N bytes is over the M-byte limit", "over the checkout budget of N MB").

    Sizes are read before anything is written, so a "checkout bomb" (many paths sharing
    one huge blob) is refused without writing it even once. With a `store` (the clone's
    view of the repository's `RunDir.checkout_blobs_dir`), a blob checked out before is a
    hard link to its entry there and one written now becomes one
    (`orchestrator.checkout_blobs`). `sizes` (object id -> bytes: `blob_sizes`, or the
    store's `CheckoutBlobs.sizes`) saves reading them again.
    """
    if sizes is None or not set(blobs.values()) <= sizes.keys():
        sizes = blob_sizes(git, set(blobs.values()))
    whole = f"over the checkout budget of {(whole_budget or budget) / 2**20:.3g} MB"
    left_out: dict[str, str] = {}
    chosen: dict[str, str] = {}
    total = 0
    for path, oid in sorted(blobs.items()):
        size = sizes.get(oid)
        if size is None:
            left_out[path] = "its content is not available"
        elif size > max_file_bytes:
            left_out[path] = f"{size} bytes is over the {max_file_bytes}-byte limit"
        elif total + size > budget:
            left_out[path] = whole
        else:
            chosen[path] = oid
            total += size
    kept = store if store is not None else CheckoutBlobs(None)
    contents = kept.contents({oid: sizes[oid] for oid in set(chosen.values())})
    contents |= _contents(git, set(chosen.values()) - contents.keys())
    made: set[Path] = set()
    for path, oid in chosen.items():
        target = dest / path
        if target.parent not in made:
            target.parent.mkdir(parents=True, exist_ok=True)
            made.add(target.parent)
        if not kept.link(oid, target):
            target.write_bytes(contents[oid])
            kept.keep(oid, target)
    return total, left_out


def blob_sizes(git: Git, oids: Iterable[str]) -> dict[str, int]:
    """The size in bytes of each blob among `oids` (missing ones are left out), from one
    `git cat-file --batch-check`."""
    oids = set(oids)
    if not oids:
        return {}
    out = git.run("cat-file", "--batch-check", input_bytes="".join(f"{o}\n" for o in oids).encode())
    sizes = {}
    for line in out.decode().splitlines():
        fields = line.split()
        if len(fields) == 3 and fields[1] == "blob":  # "<oid> missing" otherwise
            sizes[fields[0]] = int(fields[2])
    return sizes


def _contents(git: Git, oids: set[str]) -> dict[str, bytes]:
    """The content of each object among `oids`, from one `git cat-file --batch`."""
    if not oids:
        return {}
    output = git.run("cat-file", "--batch", input_bytes="".join(f"{o}\n" for o in oids).encode())
    blobs: dict[str, bytes] = {}
    offset = 0
    while offset < len(output):
        end = output.index(b"\n", offset)
        oid, _, size = output[offset:end].decode().split()
        start = end + 1
        blobs[oid] = output[start : start + int(size)]
        offset = start + int(size) + 1
    return blobs
