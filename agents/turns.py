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

Waiting threads get their turn by `priority`, lowest first, then in arrival order. The
analysers ask with their tool's last run time in this process, longest first
(`expected`, `took`), and an agent's own work before its analysers with its longest
tool's: the tools then start longest first, the rule that keeps a batch of parallel
jobs shortest (Graham's LPT), where a slow tool starting last would decide how long the
review takes. Work after a tool (reading its output) waits behind the work that starts
one (`AFTER_TOOL`): a tool started sooner runs beside the others.

A turn is only a saving, never a dependency: a thread waits for its turn at most
`MAX_WAIT_SECONDS` (and never past its deadline), then goes on without one, so the worst
case is the convoy again, never a hang nor a time-out. A turn may be held for long: a
thread abandoned at a time-out keeps it, and some of the Python work is long (composing
a YAML file to look for an alias bomb takes seconds per megabyte). Waiting until the
deadline instead would let one review's hostile files use up the time of every agent of
every review in the process (`reviewbot serve` runs reviews side by side).
"""

from __future__ import annotations

import heapq
import itertools
import math
import threading
import time
from collections.abc import Iterator
from contextlib import contextmanager

MAX_WAIT_SECONDS = 1.0  # turns mostly last milliseconds; a longer one is not waited out
AFTER_TOOL = 1e6  # added to a priority after the tool: behind every thread yet to start one
_changed = threading.Condition()
_waiting: list[tuple[float, int]] = []  # (priority, arrival) of the threads waiting
_arrivals = itertools.count()
_holder: list[int | None] = [None]  # the thread ident holding the turn
_held = threading.local()  # `priority`: this thread's, while it has or gave up a turn
_last_seconds: dict[str, float] = {}  # a tool's last run time, by analyser


def expected(analyser: str) -> float:
    """The priority an analyser asks with: minus its tool's last run time (seconds) in
    this process, 0 when it has not run yet."""
    return -_last_seconds.get(analyser, 0.0)


def took(analyser: str, seconds: float) -> None:
    """Record how long the analyser's tool ran."""
    _last_seconds[analyser] = seconds


def _acquire(priority: float, deadline: float) -> bool:
    """Whether this thread got the turn before `deadline` (`time.monotonic()`) and
    within MAX_WAIT_SECONDS."""
    deadline = min(deadline, time.monotonic() + MAX_WAIT_SECONDS)
    me = (priority, next(_arrivals))
    with _changed:
        heapq.heappush(_waiting, me)
        while _holder[0] is not None or _waiting[0] != me:
            left = deadline - time.monotonic()
            if left <= 0:
                _waiting.remove(me)
                heapq.heapify(_waiting)
                _changed.notify_all()  # it may have been first in line
                return False
            _changed.wait(left)
        heapq.heappop(_waiting)
        _holder[0] = threading.get_ident()
        return True


def _release() -> None:
    with _changed:
        _holder[0] = None
        _changed.notify_all()


@contextmanager
def turn(deadline: float, priority: float = 0.0) -> Iterator[None]:
    """Run the body in this thread's turn, waiting for it with `priority` until `deadline`
    (`time.monotonic()`), MAX_WAIT_SECONDS at most; a thread that already has the turn
    keeps it."""
    if _holder[0] == threading.get_ident():
        yield
        return
    _acquire(priority, deadline)  # without it, on its own: see the module docstring
    _held.priority = priority
    try:
        yield
    finally:
        if _holder[0] == threading.get_ident():  # had it, or took it back after a tool
            _release()


@contextmanager
def outside_turn(deadline: float = math.inf) -> Iterator[None]:
    """Run the body (waiting for a child process, or long work) with this thread's turn
    given up, and take it back afterwards, behind the threads yet to start their tools
    (its priority plus AFTER_TOOL), waiting for it until `deadline`, MAX_WAIT_SECONDS at
    most."""
    if _holder[0] != threading.get_ident():
        yield
        return
    _release()
    try:
        yield
    finally:
        _acquire(getattr(_held, "priority", 0.0) + AFTER_TOOL, deadline)
