"""`reviewbot workspace gc`, and the sweep `review` makes before a run."""

from __future__ import annotations

import argparse
import sys
from collections.abc import Callable
from typing import TYPE_CHECKING

from review.settings import Settings
from reviewbot.errors import UsageError

if TYPE_CHECKING:
    from review.workspace import RunDir


def add_command(commands: argparse._SubParsersAction, common: argparse.ArgumentParser) -> None:
    """The `workspace` command and its `gc` action."""
    workspace = commands.add_parser("workspace", help="manage the workspace", parents=[common])
    actions = workspace.add_subparsers(required=True, metavar="ACTION")
    gc = actions.add_parser(
        "gc",
        parents=[common],
        help="remove finished run folders past REVIEWBOT_RUN_RETENTION_HOURS, then the oldest "
        "until the workspace is under REVIEWBOT_WORKSPACE_MAX_MB",
    )
    gc.set_defaults(command=workspace_gc)


def collect_garbage(settings: Settings) -> None:
    """Bound the workspace before a run (`review`); a failure to do so is only logged."""
    from orchestrator.review_queue import DamagedQueue
    from orchestrator.workspace_gc import collect_garbage

    try:
        collect_garbage(
            settings.workspace_root(),
            max_bytes=settings.workspace_max_bytes(),
            retention_seconds=settings.run_retention_seconds(),
            busy=pending_elsewhere(settings),
        )
    except (OSError, DamagedQueue) as exc:
        print(f"reviewbot: the workspace was not swept: {exc}", file=sys.stderr)


def pending_elsewhere(settings: Settings) -> Callable[[RunDir], bool]:
    """The run folders `reviewbot serve` records as pending or running (the same
    workspace may serve both), as a `busy(run)` predicate."""
    from orchestrator.review_queue import ReviewQueue
    from orchestrator.workspace_gc import recorded_busy

    path = settings.workspace_root() / "state" / "reviews.sqlite"
    if not path.is_file():
        return recorded_busy(set())
    queue = ReviewQueue(path)
    try:
        return recorded_busy(queue.busy_heads())
    finally:
        queue.close()


def workspace_gc(args: argparse.Namespace, settings: Settings) -> int:
    """Bound the workspace now and print what was freed."""
    from orchestrator.review_queue import DamagedQueue
    from orchestrator.workspace_gc import collect_garbage

    root = settings.workspace_root()
    try:
        done = collect_garbage(
            root,
            max_bytes=settings.workspace_max_bytes(),
            retention_seconds=settings.run_retention_seconds(),
            busy=pending_elsewhere(settings),
        )
    except DamagedQueue as exc:
        raise UsageError(str(exc)) from None
    mb = 1024 * 1024
    print(
        f"freed {done.freed_bytes / mb:.1f} MB: removed {len(done.removed)} finished run "
        f"folder{'s' if len(done.removed) != 1 else ''}"
        + (f", kept {done.kept_busy} in progress or pending" if done.kept_busy else "")
        + (
            f", removed {done.cache_entries_removed} findings cache entries"
            f" ({done.cache_packs_removed} pack files)"
            if done.cache_entries_removed or done.cache_packs_removed
            else ""
        )
        + (
            f", removed {done.checkout_blobs_removed} checked-out files no run folder used"
            if done.checkout_blobs_removed
            else ""
        )
        + f"; {root} now holds {done.total_bytes / mb:.1f} MB "
        f"(cap {settings.workspace_max_mb} MB, retention {settings.run_retention_hours:g} h)"
    )
    for run_id in done.removed:
        print(f"  removed runs/{run_id}")
    return 0
