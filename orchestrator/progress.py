"""Progress while the agents run: each agent's end may update the review's sinks (the
check run's output), a few times per review at most.

Each agent's parallel branch ends with a `progress-<agent>` step (`notify`). It reads
which agents are done from the run folder (each agent's findings file) and, when the
`ProgressPolicy` allows, hands every sink the agents done so far and those still
running. The policy is kept in the run folder (`progress.json`, under a file lock), not
in memory: branches run on separate threads, and a resumed execution (the handler runs
again from the top) must not start counting afresh. The last agent to finish sends
nothing: the publish step's final update follows at once.

Steps run at least once, so a progress update may be sent twice (an update of the same
check run: harmless); a progress update never creates anything and never fails the review.
"""

from __future__ import annotations

import contextlib
import fcntl
import json
import logging
import time
from collections.abc import Callable, Iterator, Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from orchestrator.sources import Sink, State
from review.workspace import RunDir

log = logging.getLogger(__name__)
PROGRESS_FILE = "progress.json"


@dataclass(frozen=True)
class ProgressPolicy:
    """At most `max_updates` progress updates per review (the final result is not one of
    them), at least `min_seconds` apart."""

    min_seconds: float = 10.0
    max_updates: int = 4


def progress_file(run: RunDir) -> Path:
    return run.path / PROGRESS_FILE


def finished_agents(run: RunDir, agents: Sequence[str]) -> list[dict[str, Any]]:
    """{"agent", "status", "findings", "seconds", "error"} of each agent whose findings
    file is written, in `agents` order; `findings` counts what it reported, before the
    merge keeps the findings on the change."""
    done = []
    for name in agents:
        if not run.findings_file(name).exists():
            continue
        result = run.read_agent_result(name)
        done.append(
            {
                "agent": name,
                "status": result.status,
                "findings": len(result.findings),
                "seconds": round(result.seconds, 1),
                "error": result.error,
            }
        )
    return done


def notify(
    sinks: Sequence[Sink],
    state: State,
    run: RunDir,
    agents: Sequence[str],
    policy: ProgressPolicy,
    clock: Callable[[], float] = time.time,
) -> dict[str, Any]:
    """The progress step: update `sinks` with the agents done so far when `policy`
    allows and something changed since the last update; what was sent
    ({"sent": [agent names]} or {"sent": None, "why": ...})."""
    if not sinks:
        return {"sent": None, "why": "no sink"}
    try:
        return _notify(sinks, state, run, agents, policy, clock())
    except Exception as exc:  # a damaged record, a full disk: the review goes on
        log.warning("no progress update: %s", exc)
        return {"sent": None, "why": f"failed: {type(exc).__name__}"}


def _notify(
    sinks: Sequence[Sink],
    state: State,
    run: RunDir,
    agents: Sequence[str],
    policy: ProgressPolicy,
    now: float,
) -> dict[str, Any]:
    with _record(progress_file(run)) as record:
        finished = [name for name in agents if run.findings_file(name).exists()]
        why = None
        if len(finished) == len(agents):
            why = "every agent is done: the final result follows"
        elif finished == record.get("agents"):
            why = "nothing new since the last update"
        elif record.get("sent", 0) >= policy.max_updates:
            why = f"{policy.max_updates} updates sent already"
        elif now - record.get("last", 0.0) < policy.min_seconds:
            why = "rate limited"
        if why:
            return {"sent": None, "why": why}
        record.update(sent=record.get("sent", 0) + 1, last=now, agents=finished)
        done = finished_agents(run, finished)
        running = [name for name in agents if name not in finished]
        for sink in sinks:  # one update at a time: a later one never lands first
            try:
                sink.progress(state, done, running)
            except Exception as exc:  # progress is a courtesy: the review goes on
                log.warning("progress not shown by %s: %s", sink.name, exc)
        return {"sent": finished}


@contextlib.contextmanager
def _record(path: Path) -> Iterator[dict[str, Any]]:
    """The review's progress record ({"sent": updates, "last": epoch seconds, "agents":
    those done at the last update}), held under an exclusive lock and written back as
    the caller left it."""
    path.parent.mkdir(parents=True, exist_ok=True)
    with path.open("a+", encoding="utf-8") as handle:
        fcntl.flock(handle, fcntl.LOCK_EX)  # released when the file is closed
        handle.seek(0)
        try:
            record = json.loads(handle.read() or "{}")
        except ValueError:
            record = {}
        if not isinstance(record, dict):
            record = {}
        before = dict(record)
        try:
            yield record
        finally:
            if record != before:
                handle.seek(0)
                handle.truncate()
                handle.write(json.dumps(record))
