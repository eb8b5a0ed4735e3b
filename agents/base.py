"""Running an agent: (declaration, run folder, configuration) -> findings file.

The same call serves every place an agent runs: a thread of the local workflow or a
separate Lambda function. It picks the changed files that concern the agent, runs its
analyser (`agents.process`), grades the findings by where they are (`agents.policy`),
then runs its model pass when it has a brief and the review a model
(`agents.llm.review`). An agent never raises to its caller: whatever happens,
`findings/<agent>.json` says what it found or why it failed, so one broken agent never
sinks the review.
"""

from __future__ import annotations

import logging
import os
import re
import stat
import threading
import time
from collections.abc import Iterable
from typing import Any

from agents import policy, registry
from agents.analysis import AgentError, AgentInput, Analysis
from agents.cache import cache_note
from agents.declaration import Agent
from agents.files import SHEBANG_BYTES
from agents.llm.review import model_pass
from agents.process import run_analyser
from agents.run_cache import agent_run, load_agent_run, store_agent_run, whole_run
from agents.turns import expected, turn
from review.agent_result import AgentResult
from review.diff import ChangedFile, Diff
from review.merge import combine_tools
from review.request import ReviewConfig
from review.workspace import PathEscape, RunDir, read_regular_file

log = logging.getLogger(__name__)


def run_agent(agent: Agent, run: RunDir, config: ReviewConfig) -> AgentResult:
    """Run one agent on a prepared run folder; its findings file is written atomically."""
    started = time.monotonic()
    deadline = started + config.agent_timeout_seconds
    result = AgentResult(agent=agent.name)
    try:
        # Python work in turns with the other agents, the longest tools' first (`agents.turns`)
        with turn(deadline, _first(agent)):
            change = run.read_change()
            files, notes = reviewable_files(run, change.diff, agent, config)
        if not files:
            result = idle_result(agent.name, notes)
            analysis = Analysis(notes=result.notes, status=result.status)
        else:
            work = AgentInput(run, change.diff, files, config, change.head)
            analysis = _analyse_in_time(agent, work)
            analysis.notes[:0] = notes
        result.findings = analysis.findings
        result.notes = analysis.notes
        result.status = analysis.status or result.status
        result.usage = analysis.usage
        result.dismissed = analysis.dismissed
        result.cache = analysis.cache
        result.cache_entries = analysis.cache_entries
    except Exception as exc:  # noqa: BLE001 - an agent must report, not raise
        log.warning("agent failed", extra={"agent": agent.name, "error": str(exc)})
        result = AgentResult.failed(agent.name, _describe(exc))
    result.seconds = time.monotonic() - started
    run.write_agent_result(result)
    return result


def idle_result(agent: str, notes: list[str]) -> AgentResult:
    """The result of an agent no changed file concerns: skipped, with the notes of the
    files it skipped (`reviewable_files`)."""
    return AgentResult(
        agent=agent, status="skipped", notes=[*notes, "no changed file concerns this agent"]
    )


def write_idle_results(run: RunDir, diff: Diff, config: ReviewConfig) -> list[str]:
    """Write the result of every configured agent that no changed file concerns, so the
    workflow starts none of them (a thread, a checkpoint, on AWS a function invoked,
    each); their names. An agent some file concerns is started, even when it must skip
    them all (`reviewable_files` says why, in its own result)."""
    paths = [c.path for c in diff.reviewable() if not config.excludes(c.path)]
    idle = []
    for name in config.agents:
        if name not in registry.names():
            continue
        files = registry.get_agent(name).files
        if not any(files.concerns(p, lambda p=p: _first_line(run, p)) for p in paths):
            run.write_agent_result(idle_result(name, []))
            idle.append(name)
    return idle


def analyse(agent: Agent, work: AgentInput) -> Analysis:
    """The agent's analysers over `work.files`, then its model pass (which decides whether
    the review's configuration gives it a model). Raises AgentError for a failed tool."""
    started = time.monotonic()
    analysis = _analysers(agent, work)
    if agent.brief is None:
        return analysis
    reviewed = model_pass(agent, work, analysis, started)
    reviewed.findings = policy.apply(reviewed.findings)  # the model's, graded alike
    return reviewed


def _analysers(agent: Agent, work: AgentInput) -> Analysis:
    """The agent's analysers' findings, combined (one problem two tools found: one
    finding) and graded where they are (`agents.policy`), with their notes. When every
    analyser's whole run has the same inputs as one before, the combined result kept for
    them answers (`agents.run_cache.load_agent_run`) and none of them is started."""
    tools, files = [a.tool for a in agent.analysers], len(work.files)
    deadline = time.monotonic() + work.config.agent_timeout_seconds
    with turn(deadline, _first(agent)):
        runs = [whole_run(agent.name, a, work) for a in agent.analysers]
        saved = agent_run(agent.name, runs) if runs and all(runs) else None  # type: ignore[arg-type]
        kept = load_agent_run(*saved, tools, files) if saved else None
    if kept is not None:
        findings, notes = kept
        per_tool = [Analysis(notes=n, cache={"hits": files, "misses": 0}) for n in notes]
    else:
        per_tool = _run_analysers(agent, work)
        findings = combine_tools(found.findings for found in per_tool)
        if saved and all(found.status is None for found in per_tool):
            with turn(deadline):
                store_agent_run(*saved, (findings, [f.notes for f in per_tool]), tools, files)
    analysis = Analysis(findings=policy.apply(findings))
    for analyser, found in zip(agent.analysers, per_tool, strict=True):
        analysis.notes += found.notes
        if work.config.cache and (note := cache_note(analyser.tool, found.cache)):
            analysis.notes.append(note)
        analysis.cache_entries |= found.cache_entries
        if found.cache is not None:
            counts = analysis.cache or {"hits": 0, "misses": 0}
            analysis.cache = {k: counts[k] + found.cache[k] for k in ("hits", "misses")}
    if saved:
        analysis.cache_entries |= saved[0].unwritten
    if agent.analysers and all(found.status is not None for found in per_tool):
        analysis.status = "skipped"  # none of its tools is installed
    return analysis


def _first(agent: Agent) -> float:
    """The turn priority of the agent's own work: its longest tool's (`agents.turns`)."""
    return min((expected(f"{agent.name}/{a.tool}") for a in agent.analysers), default=0.0)


def _run_analysers(agent: Agent, work: AgentInput) -> list[Analysis]:
    """Each of the agent's analysers over `work.files`, at the same time (each waits on
    its own child process), in declaration order; the first AgentError raised, if any.

    The extra threads are daemons, as `_analyse_in_time`'s is: each analyser keeps its own
    deadline, and the agent's time limit abandons them all.
    """
    results: list[Analysis | Exception | None] = [None] * len(agent.analysers)

    def run(index: int) -> None:
        try:
            results[index] = run_analyser(agent.name, agent.analysers[index], work)
        except Exception as exc:  # noqa: BLE001 - re-raised in the agent's thread
            results[index] = exc

    others = [
        threading.Thread(target=run, args=(i,), name=f"agent-{agent.name}-{i}", daemon=True)
        for i in range(1, len(agent.analysers))
    ]
    for thread in others:
        thread.start()
    if agent.analysers:
        run(0)
    for thread in others:
        thread.join()
    for result in results:
        if isinstance(result, Exception):
            raise result
    return [result for result in results if isinstance(result, Analysis)]


def _analyse_in_time(agent: Agent, work: AgentInput) -> Analysis:
    """The agent's analysis, or AgentError once `agent_timeout_seconds` have passed.

    The analysis runs in a daemon thread that is abandoned on timeout: an analyser that
    hangs (a tool, or a model that never answers) must not hold up the whole review.
    """
    outcome: dict[str, Any] = {}

    def work_on() -> None:
        try:
            outcome["analysis"] = analyse(agent, work)
        except Exception as exc:  # noqa: BLE001 - re-raised in the caller's thread
            outcome["error"] = exc

    timeout = work.config.agent_timeout_seconds
    worker = threading.Thread(target=work_on, name=f"agent-{agent.name}", daemon=True)
    worker.start()
    worker.join(timeout)
    if worker.is_alive():
        raise AgentError(f"{agent.name} timed out after {timeout:g} s")
    if "error" in outcome:
        raise outcome["error"]
    return outcome["analysis"]


def reviewable_files(
    run: RunDir, diff: Diff, agent: Agent, config: ReviewConfig
) -> tuple[list[ChangedFile], list[str]]:
    """The changed files this agent should read, and a note for each one it must skip.

    Files the repository's configuration excludes are never read (the review counts
    them). Over the agent's limit of `max_files`, the most valuable files are read first
    (see `value`) and the rest are listed as skipped.
    """
    notes: list[str] = []
    candidates: list[ChangedFile] = []
    src = str(run.src)
    for changed in diff.reviewable():
        if config.excludes(changed.path):
            continue
        if not agent.files.concerns(changed.path, lambda p=changed.path: _first_line(run, p)):
            continue
        reason = _skip_reason(src, changed.path, config.max_file_bytes)
        if reason == _NOT_WRITTEN:
            continue  # the clone step left it out, and the review's notes say why
        if reason:
            notes.append(f"{changed.path}: skipped, {reason}")
        else:
            candidates.append(changed)
    if len(candidates) > config.max_files:
        candidates.sort(key=value)
        for changed in candidates[config.max_files :]:
            notes.append(f"{changed.path}: skipped, over the limit of {config.max_files} files")
        candidates = sorted(candidates[: config.max_files], key=lambda c: c.path)
    return candidates, _summarise(notes)


_GENERATED = re.compile(
    r"(^|/)(vendor|node_modules|third_party|dist|build|generated)/|\.min\.[a-z]+$|_pb2\.py$"
    r"|\.pb\.go$|\.generated\.|(^|/)[^/]*lock[^/]*$",
    re.IGNORECASE,
)
_TEST = re.compile(
    r"(^|/)(tests?|testing|__tests__|spec|fixtures?)/|(^|/)test_[^/]*$|_test\.[a-z]+$"
    r"|\.(test|spec)\.[a-z]+$|(^|/)conftest\.py$",
    re.IGNORECASE,
)


def value(changed: ChangedFile) -> tuple[bool, bool, int, str]:
    """A sort key, most valuable first: source before tests, tests before generated or
    vendored files, and within each, the files with the most changed lines first."""
    return (
        bool(_GENERATED.search(changed.path)),
        bool(_TEST.search(changed.path)),
        -len(changed.added_lines),
        changed.path,
    )


def _first_line(run: RunDir, path: str) -> bytes | None:
    """The start of a checkout file, for its `#!` line; None for a link or a non-file."""
    try:
        return read_regular_file(run.src, path, SHEBANG_BYTES)
    except PathEscape:
        return None


_NOT_WRITTEN = "not in the workspace"


def _skip_reason(src: str, path: str, max_bytes: int) -> str | None:
    """Why the agent skips a changed file of the checkout `src`, from one `lstat` (the clone
    step writes regular files only; reading one later is confined, `read_regular_file`)."""
    try:
        info = os.lstat(os.path.join(src, path))
    except FileNotFoundError:
        return _NOT_WRITTEN
    except (OSError, ValueError):
        return "path leaves the checkout"
    if stat.S_ISLNK(info.st_mode):
        return "symbolic link"
    if not stat.S_ISREG(info.st_mode):
        return "not a regular file"
    if info.st_size > max_bytes:
        return f"{info.st_size} bytes is over the {max_bytes}-byte limit"
    return None


def _summarise(notes: Iterable[str], limit: int = 50) -> list[str]:
    notes = list(notes)
    if len(notes) <= limit:
        return notes
    return [*notes[:limit], f"… and {len(notes) - limit} more files skipped"]


def _describe(exc: Exception) -> str:
    text = str(exc).strip() or type(exc).__name__
    return text.splitlines()[0][:500]
