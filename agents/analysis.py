"""What an agent's analysis works on and what it gives back, as plain data."""

from __future__ import annotations

import functools
import os
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

    @functools.cached_property
    def file_versions(self) -> list[list[Any]] | None:
        """What tells the versions of `files` apart, for keying a whole run of an analyser
        over them (`agents.run_cache`): per file its path, status, kind, former path, head
        and base blobs, the lines the change adds, and whether its base version is in the
        checkout (a checkout budget can leave it out). None when a file has no blob id.
        Computed once for all the agent's analysers."""
        versions = []
        base = str(self.run.base_src)
        for changed in self.files:
            if not changed.blob:
                return None
            versions.append(
                [
                    changed.path,
                    changed.status.value,
                    changed.kind.value,
                    changed.old_path,
                    changed.blob,
                    changed.old_blob,
                    sorted(n for hunk in changed.hunks for n in hunk.added),
                    os.path.isfile(os.path.join(base, changed.path)),
                ]
            )
        return versions


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
