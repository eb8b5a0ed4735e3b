"""The hand-off between the edge and the flow: a review trigger, the starter protocol, and
the workflow event a trigger becomes.

The edge (`webhook`) decides that a pull request needs a review and hands a
`ReviewTrigger` to a `ReviewStarter`; whatever runs reviews (the local runner of
`reviewbot serve`, or a durable execution on AWS) implements the protocol. Neither side
imports the other: both import this module.
"""

from __future__ import annotations

import hashlib
import json
from dataclasses import asdict, dataclass, fields
from enum import StrEnum
from typing import Any, Protocol

# Reasons whose every delivery is a fresh request: a `/review` or a "Re-run" click must
# review again even when the head commit has been reviewed already.
ON_DEMAND_REASONS = frozenset({"command", "rerun"})

# The workflow's event names where its change comes from (see `orchestrator.sources`).
LOCAL_SOURCE = "local"
PULL_REQUEST_SOURCE = "pull_request"


@dataclass(frozen=True)
class ReviewTrigger:
    """A request to review one head commit of one pull request.

    `agents` empty means every default agent. `reason` is the pull_request action
    ("opened", "synchronize", ...), "command" or "rerun". `clone_url` is the base
    repository's: a fork's head commit is fetchable there as `refs/pull/<n>/head`.
    `full` asks for a full review (`/review full`, the check run's Re-run button): inline
    comments on every finding not yet commented, rather than only on what changed since
    the last reviewed head.
    """

    delivery_id: str
    event: str
    repository: str
    clone_url: str
    installation_id: int | None
    pull_number: int
    head_sha: str
    base_ref: str | None
    head_ref: str | None
    agents: tuple[str, ...] = ()
    reason: str = "opened"
    requested_by: str = ""
    full: bool = False

    @property
    def review_key(self) -> str:
        """Stable identity of what is reviewed, independent of who asked or when."""
        return json.dumps(
            [self.repository, self.pull_number, self.head_sha, sorted(set(self.agents))],
            separators=(",", ":"),
        )

    def execution_name(self) -> str:
        """A durable-execution name (64 hex chars): equal names are one review.

        Automatic triggers for one head share a name, so redeliveries and racing events
        dedupe; on-demand ones add the delivery id so each request runs once.
        """
        key = self.review_key
        if self.reason in ON_DEMAND_REASONS:
            key += "\n" + self.delivery_id
        return hashlib.sha256(key.encode()).hexdigest()

    def run_key(self) -> str:
        """The marker key of one review on GitHub: redeliveries share it, each `/review`
        has its own (32 hex characters)."""
        return self.execution_name()[:32]

    def to_dict(self) -> dict[str, Any]:
        data = asdict(self)
        data["agents"] = list(self.agents)
        return data

    @classmethod
    def from_dict(cls, data: dict[str, Any]) -> ReviewTrigger:
        """A trigger from JSON; unknown keys (from a newer edge) are ignored."""
        names = {f.name for f in fields(cls)}
        known = {k: v for k, v in data.items() if k in names}
        return cls(**{**known, "agents": tuple(known.get("agents") or ())})

    def workflow_event(self) -> dict[str, Any]:
        """The review workflow's input for this trigger (what a starter sends)."""
        return {"source": PULL_REQUEST_SOURCE, "trigger": self.to_dict()}


@dataclass(frozen=True)
class StartResult:
    """Whether this call started the review; `started=False` is a duplicate, not an error.

    `queued`: the review is recorded but this process will not run it (it is stopping);
    the next one does. The edge answers it as `queued`, not `started`.
    """

    started: bool
    execution_name: str
    reason: str = ""
    queued: bool = False


class ReviewStatus(StrEnum):
    """What became of a started review, as far as its starter knows.

    A trigger whose review is PENDING or SUCCEEDED is a duplicate; one whose review
    FAILED (for good, cancelled or lost) may be started again.
    """

    PENDING = "pending"  # accepted: queued or running
    SUCCEEDED = "succeeded"
    FAILED = "failed"


class ReviewStarter(Protocol):
    """Starts a review and returns at once; the review itself runs elsewhere.

    `start` is idempotent by outcome: a trigger whose execution name, or whose delivery,
    already has a review that is pending or succeeded is a duplicate (`started=False`);
    after a failure it starts again. `status` answers for an execution name that `start`
    returned: None when the starter has no record of it.
    """

    def start(self, trigger: ReviewTrigger) -> StartResult: ...

    def status(self, execution_name: str) -> ReviewStatus | None: ...
