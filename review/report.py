"""The review's result: merged findings plus what each agent did. Plain data, JSON version 1."""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

from review.findings import Finding, Severity

REPORT_VERSION = 1


@dataclass(frozen=True)
class AgentStatus:
    status: str  # "ok" | "failed" | "skipped"
    findings: int = 0
    seconds: float = 0.0
    error: str | None = None
    notes: tuple[str, ...] = ()

    def to_dict(self) -> dict[str, Any]:
        return {
            "status": self.status,
            "findings": self.findings,
            "seconds": self.seconds,
            "error": self.error,
            "notes": list(self.notes),
        }

    @classmethod
    def from_dict(cls, data: dict[str, Any]) -> AgentStatus:
        return cls(
            status=data["status"],
            findings=int(data.get("findings", 0)),
            seconds=float(data.get("seconds", 0.0)),
            error=data.get("error"),
            notes=tuple(data.get("notes", ())),
        )


@dataclass
class Report:
    repository: str
    base: str
    head: str
    merge_base: str
    findings: list[Finding] = field(default_factory=list)
    agents: dict[str, AgentStatus] = field(default_factory=dict)
    notes: list[str] = field(default_factory=list)
    files_changed: int = 0
    filtered_out: int = 0
    rejected: list[str] = field(default_factory=list)

    def count(self, severity: Severity) -> int:
        return sum(1 for f in self.findings if f.severity is severity)

    def worst(self) -> Severity | None:
        return max((f.severity for f in self.findings), key=lambda s: s.rank, default=None)

    def fails(self, threshold: Severity | None) -> bool:
        """Whether any finding is at or above `threshold` (None never fails)."""
        worst = self.worst()
        return bool(threshold and worst and worst.rank >= threshold.rank)

    def to_dict(self) -> dict[str, Any]:
        return {
            "version": REPORT_VERSION,
            "repository": self.repository,
            "base": self.base,
            "head": self.head,
            "merge_base": self.merge_base,
            "files_changed": self.files_changed,
            "findings": [f.to_dict() for f in self.findings],
            "agents": {name: status.to_dict() for name, status in self.agents.items()},
            "notes": self.notes,
            "filtered_out": self.filtered_out,
            "rejected": self.rejected,
        }

    @classmethod
    def from_dict(cls, data: dict[str, Any]) -> Report:
        return cls(
            repository=data["repository"],
            base=data["base"],
            head=data["head"],
            merge_base=data["merge_base"],
            findings=[Finding.from_dict(f) for f in data.get("findings", ())],
            agents={k: AgentStatus.from_dict(v) for k, v in data.get("agents", {}).items()},
            notes=list(data.get("notes", ())),
            files_changed=int(data.get("files_changed", 0)),
            filtered_out=int(data.get("filtered_out", 0)),
            rejected=list(data.get("rejected", ())),
        )
