"""What an agent's analysis works on and what it gives back, as plain data."""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

from review.diff import ChangedFile, Diff
from review.findings import Finding
from review.request import ReviewConfig
from review.workspace import RunDir


class AgentError(RuntimeError):
    """An analyser failed in a way worth telling the user about."""


@dataclass(frozen=True)
class AgentInput:
    """One agent's work: the run folder, the change (parsed once, from `diff.json`), the
    changed files that concern the agent and passed the size and path checks, the
    review's configuration, and the head commit (whose other files an AI reviewer reads
    from the run's git objects)."""

    run: RunDir
    diff: Diff
    files: list[ChangedFile]
    config: ReviewConfig
    head: str = "HEAD"


@dataclass
class Analysis:
    """What an analyser returns: findings plus notes on what it skipped."""

    findings: list[Finding] = field(default_factory=list)
    notes: list[str] = field(default_factory=list)
    status: str | None = None  # instead of "ok", e.g. "skipped" by a reviewer needing a model
    usage: dict[str, Any] | None = None  # what a model pass spent (AI reviewers)
    dismissed: list[dict[str, Any]] = field(default_factory=list)  # analyser findings a model
    # judged false positives, with its reason
    cache: dict[str, int] | None = None  # findings cache {"hits": files, "misses": files}
    cache_entries: dict[str, Any] = field(default_factory=dict)  # unwritten (read-only mount)
