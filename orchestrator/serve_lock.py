"""One `reviewbot serve` per workspace: an exclusive lock on its `state/serve.lock`.

The durable queue (`review_queue`) runs every review it records as not ended at start-up,
so two servers on one workspace would both run them (a rolling deploy starting the new
server before the old one has stopped). The server holds an advisory `flock` on
`state/serve.lock` for its whole life (the kernel drops it when the process ends, however
it ends) and writes its pid and host there; a second server waits a bounded time for it,
then gives up. The file itself is never removed, so both always lock the same file.
"""

from __future__ import annotations

import contextlib
import fcntl
import os
import socket
import time
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path

POLL_SECONDS = 0.2


class WorkspaceBusy(Exception):
    """Another server kept the workspace past the wait; the message is one line."""


@dataclass
class ServeLock:
    """The held lock; `release` (or the process ending) lets the next server start."""

    path: Path
    fd: int | None

    def release(self) -> None:
        if self.fd is not None:
            os.close(self.fd)
            self.fd = None


def lock_path(root: Path) -> Path:
    return root / "state" / "serve.lock"


def holder(root: Path) -> str:
    """Who holds (or last held) the workspace: "pid N on HOST", or "an unknown process"."""
    try:
        text = lock_path(root).read_text(encoding="utf-8", errors="replace").strip()
    except OSError:
        text = ""
    return text.splitlines()[0][:200] if text else "an unknown process"


def lock_workspace(
    root: Path,
    wait_seconds: float,
    on_wait: Callable[[str], None] | None = None,
    *,
    clock: Callable[[], float] = time.monotonic,
    sleep: Callable[[float], None] = time.sleep,
) -> ServeLock:
    """Take the workspace `root` for this process, waiting up to `wait_seconds` for the
    server holding it to stop; `on_wait(holder)` is called once when it has to wait.

    Raises WorkspaceBusy naming the workspace and the other process when the wait ends.
    """
    path = lock_path(root)
    path.parent.mkdir(parents=True, exist_ok=True)
    fd = os.open(path, os.O_RDWR | os.O_CREAT, 0o644)  # not inherited by child processes
    deadline = clock() + wait_seconds
    waited = False
    try:
        while True:
            try:
                fcntl.flock(fd, fcntl.LOCK_EX | fcntl.LOCK_NB)
                break
            except BlockingIOError:
                if not waited and on_wait is not None:
                    on_wait(holder(root))
                waited = True
                if clock() >= deadline:
                    raise WorkspaceBusy(
                        f"the workspace {root} is in use by another reviewbot serve "
                        f"({holder(root)}), which did not stop within {wait_seconds:g} s: "
                        "stop it first, or give this one another REVIEWBOT_WORKSPACE"
                    ) from None
                sleep(POLL_SECONDS)
        os.ftruncate(fd, 0)
        os.pwrite(fd, f"pid {os.getpid()} on {socket.gethostname()}\n".encode(), 0)
    except BaseException:
        with contextlib.suppress(OSError):
            os.close(fd)
        raise
    return ServeLock(path, fd)
