"""Keeping the workspace bounded: finished run folders past retention go, then the oldest
finished ones until the workspace is under its cap, then the least recently used entries
of the findings cache (`runs/.findings-cache/`, see `agents.cache`) while it is still over.

A findings cache entry is an index link to a pack shared by the entries one analyser run
stored (`agents.cache_packs`): entries go least recently used first (a hit refreshes its
pack's modification time), and a pack's bytes count as freed only when its last index
link goes (the pack itself is then removed). Packs no index link names any more (every
key linked to a newer pack, a writer that died before linking) are removed on every
sweep, once older than ORPHAN_GRACE_SECONDS (a pack just written is about to be linked).

A checked-out file is a hard link to its repository's store of checked-out blobs
(`runs/.checkout-blobs/`, see `orchestrator.checkout_blobs`), shared by every run folder
that checked the blob out: a run folder's size leaves those files out, and each store
entry counts once. An entry no run folder links any more (`st_nlink` 1) is removed once
its last link has been gone ORPHAN_GRACE_SECONDS (its ctime), or, while the workspace is
over its cap, as soon as the run folder that last linked it is removed.

A run folder is never removed while it is busy: held by a run in progress (`hold_run`, an
advisory `flock` on `state/locks/<run_id>.lock` that the local review takes for its whole
run), or named as busy by the caller (`reviewbot serve` passes the reviews its durable
queue records as pending or running, matched by repository, pull request and head).
Sizes are disk usage (allocated blocks), each hard-linked file counted once. A lock file
whose run folder is gone (a run that failed before making its folder, or a folder removed
by hand) is removed too, unless a run holds it.
"""

from __future__ import annotations

import fcntl
import logging
import math
import os
import shutil
import stat
import threading
import time
from collections.abc import Callable, Iterable, Iterator, Mapping
from contextlib import contextmanager
from dataclasses import dataclass, field
from pathlib import Path

from agents.cache_packs import PACKS
from orchestrator.checkout_blobs import StoredBlob, stored_blobs
from review.hardlinks import remove_unlinked, walk_files
from review.workspace import CHECKOUT_BLOBS, FINDINGS_CACHE, RunDir, Workspace

log = logging.getLogger(__name__)
UNREADABLE_GRACE_SECONDS = 600.0  # a run folder without its request yet is kept this long
ORPHAN_GRACE_SECONDS = 60.0  # a findings cache pack without index links is kept this long
_ONE_AT_A_TIME = threading.Lock()  # two reviews starting together need not both sweep


@dataclass
class Collected:
    """What one sweep did: `removed` run ids, bytes freed, the workspace's size after it,
    how many folders it kept because they were busy, how many findings cache entries
    (index links) and packs it removed, how many lock files of runs without a folder and
    how many entries of the store of checked-out blobs it removed."""

    removed: list[str] = field(default_factory=list)
    freed_bytes: int = 0
    total_bytes: int = 0
    kept_busy: int = 0
    cache_entries_removed: int = 0
    cache_packs_removed: int = 0
    orphan_locks: int = 0
    checkout_blobs_removed: int = 0


@dataclass(frozen=True)
class _Folder:
    run: RunDir
    size: int  # bytes of its files that no store entry shares
    last_used: float
    blobs: frozenset[tuple[int, int]]  # the store entries it links, by (device, inode)


def _lock_path(root: Path, run_id: str) -> Path:
    return root / "state" / "locks" / f"{run_id}.lock"


def _lock(path: Path, blocking: bool) -> int | None:
    """An fd holding an exclusive flock on `path`, or None if it is held (non-blocking).

    The file is checked to still be the one at `path` after locking, so a lock file that
    a sweep removed meanwhile is never mistaken for the current one.
    """
    path.parent.mkdir(parents=True, exist_ok=True)
    while True:
        fd = os.open(path, os.O_RDWR | os.O_CREAT, 0o600)
        try:
            fcntl.flock(fd, fcntl.LOCK_EX | (0 if blocking else fcntl.LOCK_NB))
        except BlockingIOError:
            os.close(fd)
            return None
        try:
            if os.stat(path).st_ino == os.fstat(fd).st_ino:
                return fd
        except FileNotFoundError:
            pass
        os.close(fd)  # removed or replaced while we waited: lock the current file


@contextmanager
def hold_run(root: Path, run_id: str) -> Iterator[None]:
    """Mark run `run_id` of workspace `root` in progress for the duration (blocks while a
    sweep is removing it)."""
    fd = _lock(_lock_path(root, run_id), blocking=True)
    assert fd is not None
    try:
        yield
    finally:
        os.close(fd)


def recorded_busy(heads: set[tuple[str, int, str]]) -> Callable[[RunDir], bool]:
    """A `busy` predicate for `collect_garbage`: the run folder of a review recorded as
    pending or running, as (repository, pull number, head) in `heads`, matched by its
    request; or a folder whose request cannot be read yet and that was written in the last
    ten minutes (a run being prepared)."""

    def busy(run: RunDir) -> bool:
        try:
            request = run.read_request()
        except (OSError, ValueError, KeyError):
            try:
                return time.time() - run.path.stat().st_mtime < UNREADABLE_GRACE_SECONDS
            except OSError:
                return False
        return (request.repository, request.pull_number, request.head) in heads

    return busy


def disk_usage(path: Path) -> int:
    """Bytes allocated under `path` (not following links; hard links counted once)."""
    return _usage(path, {})[0]


def _usage(
    path: Path, shared: Mapping[tuple[int, int], object]
) -> tuple[int, set[tuple[int, int]]]:
    """Bytes allocated under `path` (as `disk_usage`) but for the files whose inode is one
    of `shared`, and those inodes it holds."""
    seen: set[tuple[int, int]] = set()
    held: set[tuple[int, int]] = set()
    total = 0
    stack = [path]
    while stack:
        try:
            entries = list(os.scandir(stack.pop()))
        except OSError:
            continue
        for entry in entries:
            try:
                info = entry.stat(follow_symlinks=False)
            except OSError:
                continue
            if info.st_nlink > 1 and not stat.S_ISDIR(info.st_mode):
                inode = (info.st_dev, info.st_ino)
                if inode in shared:
                    held.add(inode)
                    continue
                if inode in seen:
                    continue
                seen.add(inode)
            total += _allocated(info)
            if stat.S_ISDIR(info.st_mode):
                stack.append(Path(entry.path))
    return total, held


def _allocated(info: os.stat_result) -> int:
    blocks = getattr(info, "st_blocks", None)
    return blocks * 512 if blocks is not None else info.st_size


def _last_used(run: RunDir) -> float:
    """When the run was last written: a re-run rewrites request.json, merging report.json."""
    times = []
    for path in (run.path, run.request_file, run.report_file):
        try:
            times.append(path.stat().st_mtime)
        except OSError:
            continue
    return max(times, default=0.0)


def collect_garbage(
    root: Path,
    *,
    max_bytes: int,
    retention_seconds: float,
    busy: Callable[[RunDir], bool] = lambda run: False,
    now: float | None = None,
) -> Collected:
    """Remove finished run folders of workspace `root`: those last used more than
    `retention_seconds` ago, then the oldest until the workspace is at most `max_bytes`.

    `busy(run)` keeps a run the caller knows to be pending or running. Never raises for a
    folder it cannot measure or remove (it is logged and counted as kept).
    """
    now = time.time() if now is None else now
    with _ONE_AT_A_TIME:
        blobs = stored_blobs(root / "runs" / CHECKOUT_BLOBS)
        folders = [_measure(run, blobs) for run in _runs(root)]
        result = Collected()
        total = disk_usage(root)
        for folder in sorted(folders, key=lambda f: f.last_used):
            expired = now - folder.last_used > retention_seconds
            if not expired and total <= max_bytes:
                continue
            if busy(folder.run) or not _remove(root, folder.run):
                result.kept_busy += 1
                continue
            result.removed.append(folder.run.run_id)
            result.freed_bytes += folder.size
            total -= folder.size
            if total > max_bytes:  # its blobs no other run folder links go now
                total -= _remove_blobs(blobs, folder.blobs, math.inf, result)
        total -= _remove_blobs(blobs, list(blobs), now - ORPHAN_GRACE_SECONDS, result)
        cache = root / "runs" / FINDINGS_CACHE
        total -= _remove_orphan_packs(cache, now - ORPHAN_GRACE_SECONDS, result)
        if total > max_bytes:
            total = _evict_cache(cache, total, max_bytes, result)
        result.orphan_locks = _remove_orphan_locks(root)
        result.total_bytes = max(total, 0)
        return result


def _measure(run: RunDir, blobs: Mapping[tuple[int, int], StoredBlob]) -> _Folder:
    size, held = _usage(run.path, blobs)
    return _Folder(run, size, _last_used(run), frozenset(held))


def _remove_blobs(
    blobs: dict[tuple[int, int], StoredBlob],
    inodes: Iterable[tuple[int, int]],
    before: float,
    result: Collected,
) -> int:
    """Remove the store entries among `inodes` that no run folder links any more and whose
    last link went before `before` (ctime); the bytes freed."""
    freed = 0
    for inode in inodes:
        blob = blobs.get(inode)
        if blob is not None and remove_unlinked(blob.paths, inode, before):
            del blobs[inode]
            freed += _allocated(blob.info)
            result.checkout_blobs_removed += 1
    result.freed_bytes += freed
    return freed


def _remove_orphan_packs(folder: Path, before: float, result: Collected) -> int:
    """Remove the packs of the cache folders under `folder` that no index link names
    (`st_nlink` 1) and that were written before `before`; the bytes freed."""
    freed = 0
    for pack in folder.glob(f"*/{PACKS}/*"):
        try:
            info = os.lstat(pack)
        except OSError:
            continue
        orphan = stat.S_ISREG(info.st_mode) and info.st_nlink == 1 and info.st_mtime < before
        if orphan and _remove_pack(str(pack), (info.st_dev, info.st_ino)):
            freed += _allocated(info)
            result.cache_packs_removed += 1
    result.freed_bytes += freed
    return freed


def _remove_pack(path: str, inode: tuple[int, int]) -> bool:
    """Remove pack `path` if it is still `inode` with no other link; True when removed."""
    return remove_unlinked((path,), inode)


def _evict_cache(folder: Path, total: int, max_bytes: int, result: Collected) -> int:
    """Remove findings cache index links, least recently used first (their pack's
    modification time), until `total` is at most `max_bytes`; the new total. A pack's
    size (each inode counted once) is freed when its last index link goes: the pack
    goes with it."""
    links: list[tuple[float, tuple[int, int], str]] = []
    packs: dict[tuple[int, int], str] = {}
    inodes: dict[tuple[int, int], list[int]] = {}  # size, links left
    for directory, path, info in walk_files(folder):
        inode = (info.st_dev, info.st_ino)
        inodes.setdefault(inode, [_allocated(info), info.st_nlink])
        if os.path.basename(directory) == PACKS:
            packs[inode] = path
        else:
            links.append((info.st_mtime, inode, path))
    for _, inode, path in sorted(links):
        if total <= max_bytes:
            break
        try:
            os.unlink(path)
        except OSError:
            continue
        result.cache_entries_removed += 1
        counted = inodes[inode]
        counted[1] -= 1
        if counted[1] == 1 and inode in packs and _remove_pack(packs[inode], inode):
            result.cache_packs_removed += 1
            counted[1] = 0
        if counted[1] == 0:  # its last name gone: its blocks are free
            result.freed_bytes += counted[0]
            total -= counted[0]
    return total


def _remove_orphan_locks(root: Path) -> int:
    """Remove the lock files of runs whose folder is gone, unless a run holds one (it may
    be about to make its folder); how many were removed."""
    locks = root / "state" / "locks"
    try:
        entries = list(os.scandir(locks))
    except OSError:
        return 0
    removed = 0
    for entry in entries:
        if not entry.name.endswith(".lock") or not entry.is_file(follow_symlinks=False):
            continue
        run_id = entry.name.removesuffix(".lock")
        if (root / "runs" / run_id).exists():
            continue
        path = Path(entry.path)
        try:
            fd = _lock(path, blocking=False)
        except OSError:
            continue
        if fd is None:
            continue  # a run holds it
        try:
            if not (root / "runs" / run_id).exists():  # looked at again, under the lock
                path.unlink(missing_ok=True)
                removed += 1
        except OSError as exc:
            log.warning("could not remove the lock file %s: %s", path, exc)
        finally:
            os.close(fd)
    return removed


def _runs(root: Path) -> list[RunDir]:
    """Every run folder of the workspace (real directories with a valid run id)."""
    runs_dir = root / "runs"
    if not runs_dir.is_dir():
        return []
    found = []
    for entry in sorted(runs_dir.iterdir()):
        if entry.is_dir() and not entry.is_symlink():
            try:
                found.append(Workspace(root).run(entry.name))
            except ValueError:
                continue
    return found


def _remove(root: Path, run: RunDir) -> bool:
    """Remove the run folder unless a run holds it; True when it is gone."""
    lock = _lock_path(root, run.run_id)
    fd = _lock(lock, blocking=False)
    if fd is None:
        return False
    try:
        shutil.rmtree(run.path, ignore_errors=True)
        lock.unlink(missing_ok=True)
    finally:
        os.close(fd)
    if run.path.exists():
        log.warning("could not remove all of %s", run.path)
        return False
    return True
