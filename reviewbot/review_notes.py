"""What `reviewbot review` says on stderr besides errors: the live progress (on a
terminal only), the note on uncommitted changes, and why a review whose every agent
failed did not run."""

from __future__ import annotations

import sys
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from orchestrator.local_repo import LocalRepository
    from review.report import Report
    from reviewbot.progress_view import LiveProgress


def live_progress(why: str, base: str, head: str) -> LiveProgress | None:
    """A live line per agent on stderr when it is a terminal; None (quiet) otherwise."""
    from reviewbot import progress_view

    console = progress_view.stderr_console()
    if not console.is_terminal:
        return None
    headline = f"reviewing {head[:12]} against {base[:12]} ({why})"
    return progress_view.LiveProgress(console, headline)


def note_uncommitted(repo: LocalRepository, base: str, head: str) -> None:
    """A note on stderr when the working tree holds changes the review does not see."""
    from review.git import GitError

    try:
        changed, untracked = repo.uncommitted()
    except GitError:  # a tree git cannot read is not a reason to stop the review
        return
    if not changed and not untracked:
        return
    parts = [f"{changed} changed file{'s' if changed != 1 else ''}"] if changed else []
    parts += [f"{untracked} untracked file{'s' if untracked != 1 else ''}"] if untracked else []
    print(
        f"reviewbot: note: uncommitted changes ({', '.join(parts)}) are not reviewed: this "
        f"review covers the commits {base[:12]}..{head[:12]}; commit them to include them",
        file=sys.stderr,
    )


def nothing_ran(report: Report) -> bool:
    """Whether every agent that had work failed (then the review could not run): say so."""
    failed = {n: s for n, s in report.agents.items() if s.status == "failed"}
    if not failed or any(s.status == "ok" for s in report.agents.values()):
        return False
    reasons = "; ".join(
        f"{n}: {' '.join((s.error or 'failed').split())[:200]}" for n, s in failed.items()
    )
    print(
        f"reviewbot: every agent failed, so nothing was reviewed ({reasons}); "
        "check `reviewbot doctor` and rerun with --verbose",
        file=sys.stderr,
    )
    return True
