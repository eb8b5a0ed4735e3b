"""The bounded workspace: finished runs past retention go, then the oldest until under the
cap; a run in progress or recorded as pending never does."""

from __future__ import annotations

import os
import threading
import time
from pathlib import Path

import pytest

from orchestrator.workspace_gc import collect_garbage, disk_usage, hold_run, recorded_busy
from review.request import ReviewRequest
from review.workspace import Workspace

KB = 1024
HOUR = 3600.0


def make_run(root: Path, run_id: str, kilobytes: int, age_hours: float, **request) -> Path:
    """A finished run folder of about `kilobytes`, last used `age_hours` ago."""
    run = Workspace(root).run(run_id)
    (run.src).mkdir(parents=True)
    (run.src / "blob.bin").write_bytes(os.urandom(kilobytes * KB))
    fields = {"repository": "o/r", "source": "x", "head": "h", "base": "b", **request}
    run.write_request(ReviewRequest(**fields))
    when = time.time() - age_hours * HOUR
    for path in (run.path, run.request_file):
        os.utime(path, (when, when))
    return run.path


def remaining(root: Path) -> list[str]:
    """The run folders left (the findings cache and the store of checked-out blobs beside
    them are not: their names start with a dot, which no run id has)."""
    return sorted(p.name for p in (root / "runs").iterdir() if not p.name.startswith("."))


def test_finished_runs_past_retention_go_first(tmp_path: Path) -> None:
    make_run(tmp_path, "old", 100, age_hours=30)
    make_run(tmp_path, "recent", 100, age_hours=2)
    done = collect_garbage(tmp_path, max_bytes=10**9, retention_seconds=24 * HOUR)
    assert done.removed == ["old"] and remaining(tmp_path) == ["recent"]
    assert 100 * KB <= done.freed_bytes < 200 * KB
    # what is left, give or take the sweep's own lock folder
    assert abs(done.total_bytes - disk_usage(tmp_path)) <= 8 * KB


def test_then_the_oldest_until_under_the_cap(tmp_path: Path) -> None:
    for n, age in enumerate([5, 4, 3, 2, 1]):
        make_run(tmp_path, f"run{n}", 200, age_hours=age)
    done = collect_garbage(tmp_path, max_bytes=450 * KB, retention_seconds=24 * HOUR)
    assert done.removed == ["run0", "run1", "run2"]  # oldest first, until under 450 KB
    assert remaining(tmp_path) == ["run3", "run4"]
    assert done.total_bytes <= 450 * KB


def test_busy_and_held_runs_are_never_removed(tmp_path: Path) -> None:
    make_run(tmp_path, "pending", 100, age_hours=48, pull_number=3, head="p")
    make_run(tmp_path, "in_progress", 100, age_hours=48)
    make_run(tmp_path, "done", 100, age_hours=48)
    busy = recorded_busy({("o/r", 3, "p")})  # what serve's queue records as pending
    with hold_run(tmp_path, "in_progress"):  # what a local review holds while it runs
        done = collect_garbage(tmp_path, max_bytes=1, retention_seconds=0, busy=busy)
    assert done.removed == ["done"] and done.kept_busy == 2
    assert remaining(tmp_path) == ["in_progress", "pending"]


def test_a_run_starting_during_a_sweep_waits_for_it(tmp_path: Path) -> None:
    make_run(tmp_path, "reused", 100, age_hours=48)
    order: list[str] = []
    from orchestrator import workspace_gc

    real_rmtree = workspace_gc.shutil.rmtree

    def slow_rmtree(path, **kwargs):
        order.append("sweep removing")
        time.sleep(0.3)
        real_rmtree(path, **kwargs)
        order.append("sweep removed")

    def start_run() -> None:
        time.sleep(0.1)
        with hold_run(tmp_path, "reused"):
            order.append("run holds its folder")

    workspace_gc.shutil.rmtree = slow_rmtree
    try:
        runner = threading.Thread(target=start_run)
        runner.start()
        collect_garbage(tmp_path, max_bytes=1, retention_seconds=0)
        runner.join(5)
    finally:
        workspace_gc.shutil.rmtree = real_rmtree
    assert order == ["sweep removing", "sweep removed", "run holds its folder"]


def test_review_and_workspace_gc_keep_the_workspace_under_a_tiny_cap(
    make_repo, run_cli, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """Several `reviewbot review` runs with a 1 MB cap: each removes the finished runs
    before it, so the workspace holds only the latest; `workspace gc` then frees that.
    Each change edits a 600 KB file, so a run writes its head and base versions (1.2 MB)."""

    def data(n: int) -> str:  # incompressible text, 600 KB
        return os.urandom(600 * KB).hex()[: 600 * KB - 2] + f"{n}\n"

    repo = make_repo([{"data.txt": data(1)}, {"data.txt": data(2)}])
    base = repo.base
    heads = [repo.head] + [repo.commit({"data.txt": data(n)}) for n in (3, 4)]
    workspace = tmp_path / "ws"
    monkeypatch.setenv("REVIEWBOT_WORKSPACE_MAX_MB", "1")
    for head in heads:
        done = run_cli(
            "review", str(repo.path), "--head", head, "--base", base, "-q",
            "--agents", "secrets", "--fail-on", "never", workspace=workspace,
        )  # fmt: skip
        assert done.code == 0, done.stderr
        assert len(remaining(workspace)) == 1  # only the run that just finished
    monkeypatch.setenv("REVIEWBOT_RUN_RETENTION_HOURS", "0")
    done = run_cli("workspace", "gc", workspace=workspace)
    assert done.code == 0, done.stderr
    first, removed = done.stdout.splitlines()
    assert first.startswith("freed ") and "removed 1 finished run folder," in first
    # its checked-out files were links to the store: over the cap, they go with it
    assert "removed 2 checked-out files no run folder used;" in first
    assert removed.startswith("  removed runs/") and remaining(workspace) == []
    freed_mb = float(first.split()[1])
    assert freed_mb >= 1.0


def test_lock_files_of_runs_without_a_folder_go_unless_held(tmp_path: Path) -> None:
    """A run that failed before making its folder, or whose folder was removed by hand,
    leaves its lock file: the sweep removes those, never one a run holds."""
    locks = tmp_path / "state" / "locks"
    locks.mkdir(parents=True)
    for n in range(20):
        (locks / f"gone{n}.lock").touch()
    make_run(tmp_path, "kept", 10, age_hours=1)
    (locks / "kept.lock").touch()  # its folder is there: the lock file stays with it
    (locks / "notes.txt").touch()  # not a lock file
    with hold_run(tmp_path, "starting"):  # held, its folder not made yet
        done = collect_garbage(tmp_path, max_bytes=10**9, retention_seconds=24 * HOUR)
        assert (locks / "starting.lock").exists()
    assert done.orphan_locks == 20 and done.removed == []
    assert sorted(p.name for p in locks.iterdir()) == ["kept.lock", "notes.txt", "starting.lock"]
    done = collect_garbage(tmp_path, max_bytes=10**9, retention_seconds=0)
    assert done.removed == ["kept"] and done.orphan_locks == 1  # "starting", released
    assert sorted(p.name for p in locks.iterdir()) == ["notes.txt"]


def test_workspace_gc_with_retention_0_leaves_no_lock_file(run_cli, tmp_path: Path) -> None:
    workspace = tmp_path / "ws"
    locks = workspace / "state" / "locks"
    locks.mkdir(parents=True)
    for n in range(20):
        (locks / f"failed{n}.lock").touch()
    make_run(workspace, "done", 10, age_hours=1)
    with pytest.MonkeyPatch.context() as patch:
        patch.setenv("REVIEWBOT_RUN_RETENTION_HOURS", "0")
        done = run_cli("workspace", "gc", workspace=workspace)
    assert done.code == 0, done.stderr
    assert "removed 1 finished run folder" in done.stdout
    assert list(locks.iterdir()) == [] and remaining(workspace) == []
