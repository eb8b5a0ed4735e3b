"""Where a review's change comes from, and where its results go besides the run folder.

A `Source` prepares the request (a durable step), fetches the checkout (another) and
names the sinks that publish the result; the workflow (`orchestrator.workflow`) is the
same for every source. The event names its source: `{"source": "local", "request": ...}`
or `{"source": "pull_request", "trigger": ...}` (`review.trigger`).
"""

from __future__ import annotations

from pathlib import Path
from typing import Any, Protocol

from review.request import ReviewRequest
from review.workspace import RunDir

Outcome = dict[str, Any] | None
State = dict[str, dict[str, Any]]  # sink name -> what its steps returned so far


class Sink(Protocol):
    """An output of the review; each phase runs as one durable step (at least once)."""

    name: str

    def start(self, state: State) -> Outcome: ...

    def progress(self, state: State, done: list[dict[str, Any]], running: list[str]) -> None:
        """Show the agents `done` so far (`orchestrator.progress.finished_agents`) and
        those still `running`; called a few times per review, within a step."""
        ...

    def publish(self, state: State) -> Outcome: ...

    def fail(self, state: State, error: str) -> Outcome: ...

    def skip(self, state: State, reason: str) -> Outcome: ...


class Source(Protocol):
    name: str

    def prepare(self, event: dict[str, Any], root: Path) -> dict[str, Any]:
        """The step that builds the request: {"request": ...}, or {"skip": why, "head": sha}
        when there is nothing to review. It writes the run folder's request."""
        ...

    def clone(self, run: RunDir, request: ReviewRequest) -> dict[str, Any]:
        """The step that checks out the head and writes the change (see `steps.clone`)."""
        ...

    def sinks(self, event: dict[str, Any], prepared: dict[str, Any], root: Path) -> list[Sink]:
        """Where the result goes besides the run folder, in publish order."""
        ...
