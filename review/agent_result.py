"""What one agent wrote: the `findings/<agent>.json` file of a run folder, as plain data.

The file is untrusted (an analyser bug, or a model steered by the repository, can put
anything in it), so reading it validates every field: a finding that cannot be trusted
is kept out and named in `rejected`, a file that is missing or of the wrong shape reads
as a failed agent, never as an exception.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

from review.findings import Finding, InvalidFinding

MAX_DISMISSED = 100
_USAGE_KEYS = (
    "model",
    "input_tokens",
    "output_tokens",
    "model_calls",
    "tool_calls",
    "seconds",
    "stopped",
    "error",
)


@dataclass
class AgentResult:
    """One agent's findings and what happened: `status` is "ok", "failed" or "skipped".

    AI reviewers add `usage` (what the model pass spent) and `dismissed` (analyser
    findings the model judged false positives, with its reason: kept, not posted).
    """

    agent: str
    status: str = "ok"
    findings: list[Finding] = field(default_factory=list)
    notes: list[str] = field(default_factory=list)
    seconds: float = 0.0
    error: str | None = None
    usage: dict[str, Any] | None = None
    dismissed: list[dict[str, Any]] = field(default_factory=list)
    rejected: list[str] = field(default_factory=list)  # set by the reader, never written

    def to_dict(self) -> dict[str, Any]:
        data: dict[str, Any] = {
            "agent": self.agent,
            "status": self.status,
            "error": self.error,
            "findings": [f.to_dict() for f in self.findings],
            "notes": list(self.notes),
            "seconds": round(self.seconds, 3),
        }
        if self.usage is not None:
            data["usage"] = dict(self.usage)
        if self.dismissed:
            data["dismissed"] = [dict(d) for d in self.dismissed]
        return data

    @classmethod
    def from_dict(cls, agent: str, data: object) -> AgentResult:
        """Agent `agent`'s result from untrusted JSON; bad findings land in `rejected`."""
        if not isinstance(data, dict) or not isinstance(data.get("findings", []), list):
            return cls.failed(agent, "findings file of the wrong shape")
        findings: list[Finding] = []
        rejected: list[str] = []
        for raw in data.get("findings", ()):
            try:
                findings.append(Finding.from_dict({**raw, "agent": agent}))
            except (InvalidFinding, TypeError, AttributeError) as exc:
                rejected.append(f"{agent}: {exc}")
        seconds, notes, error = data.get("seconds"), data.get("notes"), data.get("error")
        dismissed = data.get("dismissed")
        return cls(
            agent=agent,
            status=str(data.get("status", "failed")),
            findings=findings,
            notes=[str(n) for n in notes] if isinstance(notes, list) else [],
            seconds=float(seconds) if isinstance(seconds, int | float) else 0.0,
            error=None if error is None else str(error),
            usage=usage_of(data.get("usage")),
            dismissed=[d for d in dismissed if isinstance(d, dict)][:MAX_DISMISSED]
            if isinstance(dismissed, list)
            else [],
            rejected=rejected,
        )

    @classmethod
    def failed(cls, agent: str, error: str) -> AgentResult:
        return cls(agent=agent, status="failed", error=error)

    def summary(self) -> dict[str, Any]:
        """The small summary that goes back to the workflow's checkpoint."""
        return {
            "agent": self.agent,
            "status": self.status,
            "findings": len(self.findings),
            "seconds": self.seconds,
            "error": self.error,
        }


def usage_of(data: object) -> dict[str, Any] | None:
    """A usage record, keeping only known keys of plain types."""
    if not isinstance(data, dict):
        return None
    plain = str | int | float | None
    return {k: v for k, v in data.items() if k in _USAGE_KEYS and isinstance(v, plain)}
