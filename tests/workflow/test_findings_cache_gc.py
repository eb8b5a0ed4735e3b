"""The workspace sweep and the findings cache's packs: an entry is an index link to a pack
shared with the other entries of its analyser run (`agents.cache_packs`), so a pack's
bytes are counted once and freed only with its last link, and packs no entry links to
any more are removed."""

from __future__ import annotations

import os
import time
from pathlib import Path

from agents.cache import FORMAT, FindingsCache
from agents.cache_packs import write_pack
from orchestrator.workspace_gc import ORPHAN_GRACE_SECONDS, collect_garbage, disk_usage


def key(n: int) -> str:
    return f"{n:064x}"


def entry(n: int, size: int = 100) -> dict[str, object]:
    return {"format": FORMAT, "path": f"f{n}.py", "padding": "x" * size}


def cache_folder(root: Path) -> Path:
    return root / "runs" / ".findings-cache" / "0123456789abcdef"


def pack_of(folder: Path, n: int) -> Path:
    """The pack file (in packs/) that key `n`'s index path links to."""
    inode = (folder / key(n)[:2] / f"{key(n)}.json").stat().st_ino
    (pack,) = [p for p in (folder / "packs").iterdir() if p.stat().st_ino == inode]
    return pack


def allocated(path: Path) -> int:
    return path.stat().st_blocks * 512


def aged(path: Path, seconds: float) -> None:
    then = time.time() - seconds
    os.utime(path, (then, then))


def test_a_pack_counts_once_and_is_freed_with_its_last_link(tmp_path: Path) -> None:
    folder = cache_folder(tmp_path)
    write_pack(folder, {key(n): entry(n, 20_000) for n in range(3)})  # an older run's
    write_pack(folder, {key(n): entry(n) for n in range(3, 5)})
    old, new = pack_of(folder, 0), pack_of(folder, 3)
    aged(old, 3600)  # one inode: every link of it is as old
    total = disk_usage(tmp_path)
    assert total < 3 * allocated(old)  # the three links of the big pack are counted once
    done = collect_garbage(tmp_path, max_bytes=total - 1, retention_seconds=3600)
    # one byte over: the least recently used links go until a pack is gone with its last
    assert done.cache_entries_removed == 3 and done.cache_packs_removed == 1
    assert done.freed_bytes == total - disk_usage(tmp_path) > 0
    assert done.total_bytes == disk_usage(tmp_path)
    assert not old.exists() and new.stat().st_nlink == 3
    store = FindingsCache(folder, "identity")
    assert store.read_raw(key(0)) is None and store.read_raw(key(3)) == entry(3)


def test_removing_a_few_links_of_a_pack_frees_nothing_so_the_sweep_goes_on(
    tmp_path: Path,
) -> None:
    folder = cache_folder(tmp_path)
    write_pack(folder, {key(n): entry(n, 20_000) for n in range(4)})
    total = disk_usage(tmp_path)
    done = collect_garbage(tmp_path, max_bytes=0, retention_seconds=3600)
    assert done.cache_entries_removed == 4 and done.cache_packs_removed == 1
    assert not [p for p in tmp_path.rglob("*") if p.is_file()]
    assert done.freed_bytes == total - disk_usage(tmp_path)


def test_packs_no_entry_links_to_are_removed_once_past_their_grace(tmp_path: Path) -> None:
    folder = cache_folder(tmp_path)
    write_pack(folder, {key(1): entry(1), key(2): entry(2)})
    first = pack_of(folder, 1)
    write_pack(folder, {key(1): entry(10), key(2): entry(20)})  # both linked elsewhere now
    assert first.stat().st_nlink == 1
    aged(first, ORPHAN_GRACE_SECONDS + 60)
    write_pack(folder, {key(3): entry(3)})
    fresh = pack_of(folder, 3)
    os.unlink(folder / key(3)[:2] / f"{key(3)}.json")  # as if its writer had not linked it yet
    size = allocated(first)
    done = collect_garbage(tmp_path, max_bytes=10**9, retention_seconds=3600)
    assert done.cache_packs_removed == 1 and done.cache_entries_removed == 0
    assert done.freed_bytes == size
    assert not first.exists() and fresh.exists()
    store = FindingsCache(folder, "identity")
    assert store.read_raw(key(1)) == entry(10) and store.read_raw(key(2)) == entry(20)
