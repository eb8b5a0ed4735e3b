"""Taking turns at Python work between the analysers running in one process.

CPython runs one thread's Python code at a time (the GIL), and a thread gives the GIL up
at every blocking system call. Threads that each make many short calls (an analyser
reading a few hundred changed files, linking their copies, writing cache entries) hand
it back and forth at every call, and each hand-over wakes a thread and switches
context: the convoy effect (bpo-7946). Measured on a 2-core machine, five threads each
reading the same 300 files took 0.27 s, where one thread took 0.016 s: 3.4 times as
long as doing the five one after another. So the analysers of a review do their Python
work in turns, one at a time (`turn`), and wait for their tools, child processes that
run at once on every core, outside their turn (`outside_turn`).

A turn is only a saving, never a dependency: a thread waits for its turn at most
`MAX_WAIT_SECONDS` (and never past its deadline), then goes on without one, so the worst
case is the convoy again, never a hang nor a time-out. A turn may be held for long: a
thread abandoned at a time-out keeps it, and some of the Python work is long (composing
a YAML file to look for an alias bomb takes seconds per megabyte). Waiting until the
deadline instead would let one review's hostile files use up the time of every agent of
every review in the process (`reviewbot serve` runs reviews side by side).
"""

from __future__ import annotations

import threading
import time
from collections.abc import Iterator
from contextlib import contextmanager

MAX_WAIT_SECONDS = 1.0  # turns mostly last milliseconds; a longer one is not waited out
_TURN = threading.Lock()
_held = threading.local()  # `holds`: whether this thread has the turn


@contextmanager
def turn(deadline: float) -> Iterator[None]:
    """Run the body in this thread's turn, waiting for it until `deadline`
    (`time.monotonic()`) or `MAX_WAIT_SECONDS` at most; a thread that already has the turn
    keeps it."""
    if getattr(_held, "holds", False):
        yield
        return
    _held.holds = _acquire(deadline)
    try:
        yield
    finally:
        if _held.holds:
            _held.holds = False
            _TURN.release()


@contextmanager
def outside_turn(deadline: float) -> Iterator[None]:
    """Run the body (waiting for a child process) with this thread's turn given up, and
    take it back afterwards, waiting for it as `turn` does."""
    if not getattr(_held, "holds", False):
        yield
        return
    _held.holds = False
    _TURN.release()
    try:
        yield
    finally:
        _held.holds = _acquire(deadline)


def _acquire(deadline: float) -> bool:
    """Whether the turn was taken, waiting until `deadline` or MAX_WAIT_SECONDS at most."""
    wait = min(deadline - time.monotonic(), MAX_WAIT_SECONDS)
    return _TURN.acquire(timeout=max(0.0, wait))
