"""The agent interface: (run folder, configuration) -> findings file.

The same call serves every place an agent runs: a thread of the local workflow, a
separate Lambda function, or (later) a model-backed reviewer. An agent never raises to
its caller: whatever happens, `findings/<agent>.json` says what it found or why it failed,
so one broken agent never sinks the review.
"""

from __future__ import annotations

import logging
import threading
import time
from collections.abc import Callable, Iterable
from dataclasses import dataclass, field
from typing import Any

from review.agent_result import AgentResult
from review.diff import ChangedFile, Diff
from review.findings import Finding
from review.request import ReviewConfig
from review.workspace import RunDir

log = logging.getLogger(__name__)


class AgentError(RuntimeError):
    """An analyser failed in a way worth telling the user about."""


@dataclass
class Analysis:
    """What an analyser returns: findings plus notes on what it skipped."""

    findings: list[Finding] = field(default_factory=list)
    notes: list[str] = field(default_factory=list)
    status: str | None = None  # instead of "ok", e.g. "skipped" by a reviewer needing a model
    usage: dict[str, Any] | None = None  # what a model pass spent (AI reviewers)
    dismissed: list[dict[str, Any]] = field(default_factory=list)  # analyser findings a model
    # judged false positives, with its reason


@dataclass(frozen=True)
class Agent:
    """A named reviewer: which files concern it and how it analyses them.

    `default` agents run when a review names none; a `needs_model` agent only when the
    review has a model.
    """

    name: str
    concerns: Callable[[str], bool]
    analyse: Callable[[RunDir, list[ChangedFile], ReviewConfig], Analysis]
    default: bool = True
    needs_model: bool = False


def run_agent(agent: Agent, run: RunDir, config: ReviewConfig) -> AgentResult:
    """Run one agent on a prepared run folder; its findings file is written atomically."""
    started = time.monotonic()
    result = AgentResult(agent=agent.name)
    try:
        files, notes = reviewable_files(run, run.read_change().diff, agent, config)
        if not files:
            result.status = "skipped"
            analysis = Analysis(notes=[*notes, "no changed file concerns this agent"])
        else:
            analysis = _analyse_in_time(agent, run, files, config)
            analysis.notes[:0] = notes
        result.findings = analysis.findings
        result.notes = analysis.notes
        result.status = analysis.status or result.status
        result.usage = analysis.usage
        result.dismissed = analysis.dismissed
    except Exception as exc:  # noqa: BLE001 - an agent must report, not raise
        log.warning("agent failed", extra={"agent": agent.name, "error": str(exc)})
        result = AgentResult.failed(agent.name, _describe(exc))
    result.seconds = time.monotonic() - started
    run.write_agent_result(result)
    return result


def _analyse_in_time(
    agent: Agent, run: RunDir, files: list[ChangedFile], config: ReviewConfig
) -> Analysis:
    """The agent's analysis, or AgentError once `agent_timeout_seconds` have passed.

    The analysis runs in a daemon thread that is abandoned on timeout: an analyser that
    hangs (a tool, or a model that never answers) must not hold up the whole review.
    """
    outcome: dict[str, Any] = {}

    def work() -> None:
        try:
            outcome["analysis"] = agent.analyse(run, files, config)
        except Exception as exc:  # noqa: BLE001 - re-raised in the caller's thread
            outcome["error"] = exc

    worker = threading.Thread(target=work, name=f"agent-{agent.name}", daemon=True)
    worker.start()
    worker.join(config.agent_timeout_seconds)
    if worker.is_alive():
        raise AgentError(f"{agent.name} timed out after {config.agent_timeout_seconds:g} s")
    if "error" in outcome:
        raise outcome["error"]
    return outcome["analysis"]


def reviewable_files(
    run: RunDir, diff: Diff, agent: Agent, config: ReviewConfig
) -> tuple[list[ChangedFile], list[str]]:
    """The changed files this agent should read, and a note for each one it must skip."""
    notes: list[str] = []
    kept: list[ChangedFile] = []
    for changed in diff.reviewable():
        if not agent.concerns(changed.path):
            continue
        reason = _skip_reason(run, changed.path, config.max_file_bytes)
        if reason:
            notes.append(f"{changed.path}: skipped, {reason}")
        elif len(kept) >= config.max_files:
            notes.append(f"{changed.path}: skipped, over the limit of {config.max_files} files")
        else:
            kept.append(changed)
    return kept, _summarise(notes)


def _skip_reason(run: RunDir, path: str, max_bytes: int) -> str | None:
    try:
        target = run.source_path(path)
    except ValueError:
        return "path leaves the checkout"
    plain = run.src.resolve() / path
    if plain.is_symlink() or target != plain:
        return "symbolic link"
    if not target.is_file():
        return "not a regular file"
    size = target.stat().st_size
    if size > max_bytes:
        return f"{size} bytes is over the {max_bytes}-byte limit"
    return None


def _summarise(notes: Iterable[str], limit: int = 50) -> list[str]:
    notes = list(notes)
    if len(notes) <= limit:
        return notes
    return [*notes[:limit], f"… and {len(notes) - limit} more files skipped"]


def _describe(exc: Exception) -> str:
    text = str(exc).strip() or type(exc).__name__
    return text.splitlines()[0][:500]
