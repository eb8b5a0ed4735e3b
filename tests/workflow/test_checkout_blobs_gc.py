"""The workspace sweep and the store of checked-out blobs (`orchestrator.checkout_blobs`):
a file shared by several run folders counts once, an entry no run folder links goes after
a grace period, or at once while the workspace is over its cap."""

from __future__ import annotations

import os
import time
from pathlib import Path

from orchestrator import steps
from orchestrator.workspace_gc import ORPHAN_GRACE_SECONDS, collect_garbage, disk_usage
from review.request import ReviewRequest
from review.workspace import RunDir, Workspace

KB = 1024
FOREVER = 10 * 365 * 24 * 3600.0


def clone(repo, root: Path, head: str) -> RunDir:
    request = ReviewRequest(str(repo.path), str(repo.path), head, repo.commits[0])
    run = Workspace(root).run(request.run_id)
    steps.prepare(run, request)
    steps.clone(run, request)
    return run


def store_files(root: Path) -> list[Path]:
    return [p for p in (root / "runs" / ".checkout-blobs").rglob("*") if p.is_file()]


def two_runs(make_repo, root: Path) -> list[RunDir]:
    """Two run folders of one repository sharing a 300 KB file (and a small one each)."""
    big = os.urandom(150 * KB).hex() + "\n"
    repo = make_repo([{"README.md": "hi\n"}, {"big.txt": big, "small.txt": "one\n"}])
    second = repo.commit({"small.txt": "two\n"})
    return [clone(repo, root, repo.commits[1]), clone(repo, root, second)]


def test_a_shared_file_counts_once_and_stays_while_a_run_folder_links_it(
    make_repo, tmp_path
) -> None:
    root = tmp_path / "ws"
    first, second = two_runs(make_repo, root)
    assert (first.src / "big.txt").stat().st_ino == (second.src / "big.txt").stat().st_ino
    total = disk_usage(root)
    assert total < disk_usage(first.path) + disk_usage(second.path)  # not counted twice
    later = time.time() + ORPHAN_GRACE_SECONDS + 1
    done = collect_garbage(root, max_bytes=total, retention_seconds=FOREVER, now=later)
    assert done.removed == [] and done.checkout_blobs_removed == 0
    assert done.total_bytes == total == disk_usage(root)
    assert len(store_files(root)) == 3  # big, and each run's small file


def test_entries_no_run_folder_links_go_after_the_grace_period(make_repo, tmp_path) -> None:
    root = tmp_path / "ws"
    runs = two_runs(make_repo, root)
    entries = store_files(root)
    freed_by_entries = sum(p.stat().st_blocks * 512 for p in entries)
    done = collect_garbage(root, max_bytes=2**40, retention_seconds=0)  # runs expired
    assert sorted(done.removed) == sorted(r.run_id for r in runs)
    assert done.checkout_blobs_removed == 0  # just unlinked: within the grace period
    assert sorted(store_files(root)) == sorted(entries)
    before = disk_usage(root)
    later = time.time() + ORPHAN_GRACE_SECONDS + 1
    done = collect_garbage(root, max_bytes=2**40, retention_seconds=0, now=later)
    assert done.checkout_blobs_removed == 3 and store_files(root) == []
    assert done.freed_bytes == freed_by_entries == before - disk_usage(root)
    assert done.total_bytes == disk_usage(root)


def test_over_the_cap_entries_go_with_the_last_run_folder_linking_them(make_repo, tmp_path) -> None:
    root = tmp_path / "ws"
    first, second = two_runs(make_repo, root)
    os.utime(first.path, (time.time() - 60, time.time() - 60))  # the older one
    total = disk_usage(root)
    # a cap the run folders alone cannot meet: the entries they linked go in the same
    # sweep (no grace while over the cap), each counted once
    done = collect_garbage(root, max_bytes=64 * KB, retention_seconds=FOREVER)
    assert done.removed == [first.run_id, second.run_id]
    assert done.checkout_blobs_removed == 3 and store_files(root) == []
    assert done.total_bytes == disk_usage(root) == total - done.freed_bytes
