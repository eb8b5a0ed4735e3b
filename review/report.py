"""The review's result: merged findings plus what each agent did. Plain data, JSON version 1."""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

from review.agent_result import AgentResult, cache_of, usage_of
from review.config_file import ConfigSource
from review.findings import Finding, Severity

REPORT_VERSION = 1


@dataclass(frozen=True)
class AgentStatus:
    status: str  # "ok" | "failed" | "skipped"
    findings: int = 0
    seconds: float = 0.0
    error: str | None = None
    notes: tuple[str, ...] = ()
    # AI reviewers only (absent from analyser-only reports): what the model pass spent, and
    # the analyser findings it judged false positives (kept here, with the reason, not posted).
    usage: dict[str, Any] | None = None
    dismissed: tuple[dict[str, Any], ...] = ()
    cache: dict[str, int] | None = None  # analysers' files from the findings cache, and not

    def to_dict(self) -> dict[str, Any]:
        data: dict[str, Any] = {
            "status": self.status,
            "findings": self.findings,
            "seconds": self.seconds,
            "error": self.error,
            "notes": list(self.notes),
        }
        if self.usage is not None:
            data["usage"] = dict(self.usage)
        if self.dismissed:
            data["dismissed"] = [dict(d) for d in self.dismissed]
        if self.cache is not None:
            data["cache"] = dict(self.cache)
        return data

    @classmethod
    def from_dict(cls, data: dict[str, Any]) -> AgentStatus:
        return cls(
            status=data["status"],
            findings=int(data.get("findings", 0)),
            seconds=float(data.get("seconds", 0.0)),
            error=data.get("error"),
            notes=tuple(data.get("notes", ())),
            usage=usage_of(data.get("usage")),
            dismissed=tuple(d for d in data.get("dismissed") or () if isinstance(d, dict)),
            cache=cache_of(data.get("cache")),
        )

    @classmethod
    def of(cls, result: AgentResult, findings: int) -> AgentStatus:
        """The status of an agent's result, with the findings it contributed to the review."""
        return cls(
            status=result.status,
            findings=findings,
            seconds=result.seconds,
            error=result.error,
            notes=tuple(result.notes),
            usage=result.usage,
            dismissed=tuple(result.dismissed),
            cache=result.cache,
        )

    def usage_text(self) -> str:
        """The model pass's usage in a few words, or "" when the agent ran no model."""
        usage = self.usage or {}
        if not usage.get("model"):
            return ""
        if usage.get("cached"):
            return f"reused from the cache ({_count(usage.get('saved_tokens'))} tokens saved)"
        text = (
            f"{_count(usage.get('input_tokens'))} tokens in, "
            f"{_count(usage.get('output_tokens'))} out, {usage.get('model_calls') or 0} model calls"
        )
        return text + (f", budget reached: {usage['stopped']}" if usage.get("stopped") else "")


def _count(value: object) -> str:
    number = value if isinstance(value, int | float) else 0
    return f"{number / 1000:.1f}k" if number >= 10_000 else f"{int(number)}"


@dataclass(frozen=True)
class ConfigUsed:
    """The repository configuration a review used (`source`: which file at which commit,
    or the defaults, and the problems of an invalid file or of the change's version of
    it), the severity that fails the review, and what the configuration left out: changed
    files it excludes, findings on excluded paths, findings of disabled rules (by rule)."""

    source: ConfigSource = field(default_factory=ConfigSource)
    fail_on: Severity | None = Severity.ERROR
    excluded_files: int = 0
    excluded_findings: int = 0
    disabled_findings: dict[str, int] = field(default_factory=dict)

    def to_dict(self) -> dict[str, Any]:
        return {
            **self.source.to_dict(),
            "fail_on": self.fail_on.value if self.fail_on else "never",
            "excluded_files": self.excluded_files,
            "excluded_findings": self.excluded_findings,
            "disabled_findings": dict(self.disabled_findings),
        }

    @classmethod
    def from_dict(cls, data: dict[str, Any] | None) -> ConfigUsed:
        data = data or {}
        fail_on = data.get("fail_on", Severity.ERROR.value)
        return cls(
            source=ConfigSource.from_dict(data),
            fail_on=None if fail_on in (None, "never") else Severity(fail_on),
            excluded_files=int(data.get("excluded_files", 0)),
            excluded_findings=int(data.get("excluded_findings", 0)),
            disabled_findings={
                str(k): int(v) for k, v in (data.get("disabled_findings") or {}).items()
            },
        )

    def summary(self) -> str:
        """One sentence: the configuration used and what it left out."""
        text = f"Configuration: {self.source.describe()}"
        if self.source.status == "invalid":
            text += f", invalid ({len(self.source.errors)} errors), so the defaults were used"
        left_out = []
        if self.excluded_files:
            left_out.append(f"{_plural(self.excluded_files, 'changed file')} excluded")
        if self.excluded_findings:
            left_out.append(f"{_plural(self.excluded_findings, 'finding')} on excluded paths")
        if self.disabled_findings:
            rules = ", ".join(f"{rule} ({n})" for rule, n in sorted(self.disabled_findings.items()))
            total = sum(self.disabled_findings.values())
            left_out.append(f"{_plural(total, 'finding')} of disabled rules: {rules}")
        return text + (f"; {'; '.join(left_out)}." if left_out else ".")


def _plural(count: int, noun: str) -> str:
    return f"{count} {noun}{'s' if count != 1 else ''}"


@dataclass
class Report:
    """The merged review. `findings` are what the review reports; `pre_existing` are the
    findings the `introduced` filter found already at the base and set aside (counted,
    not reported); `filtered_out` counts what the filter dropped otherwise."""

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
    pre_existing: list[Finding] = field(default_factory=list)
    config: ConfigUsed = field(default_factory=ConfigUsed)

    def count(self, severity: Severity) -> int:
        return sum(1 for f in self.findings if f.severity is severity)

    def worst(self) -> Severity | None:
        return max((f.severity for f in self.findings), key=lambda s: s.rank, default=None)

    def all_notes(self) -> list[str]:
        """The review's notes, then each agent's (what it skipped and why), labelled."""
        agent_notes = [f"{name}: {note}" for name, s in self.agents.items() for note in s.notes]
        return [*self.notes, *agent_notes]

    def fails(self, threshold: Severity | None) -> bool:
        """Whether any finding is at or above `threshold`, or the change breaks the
        repository's configuration file (None never fails)."""
        worst = self.worst()
        if threshold is None:
            return False
        return bool(worst and worst.rank >= threshold.rank) or bool(self.config.source.proposed)

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
            "pre_existing": [f.to_dict() for f in self.pre_existing],
            "config": self.config.to_dict(),
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
            pre_existing=[Finding.from_dict(f) for f in data.get("pre_existing", ())],
            config=ConfigUsed.from_dict(data.get("config")),
        )
