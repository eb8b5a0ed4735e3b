"""The workflow's source-independent steps as plain functions over the run folder.

Each step is idempotent, because durable steps run at least once: preparing twice writes
the same request, a clone finds its finished checkout and stops, merging reads the same
files and writes the same report. Each returns a small JSON-able summary (a checkpoint
must stay far below 256 KB); the bulky data stays in the run folder.
"""

from __future__ import annotations

import hashlib
import json
import logging
import shutil
from collections import Counter
from collections.abc import Mapping
from typing import Any

from agents import neighbours, registry
from agents.base import write_idle_results
from agents.llm.budget import ai_reviewers
from orchestrator import merge_memo
from orchestrator.change import changed_listing, changed_objects, compute_diff
from orchestrator.checkout import (
    Repository,
    blob_sizes,
    fetch_blobs,
    fetch_tree,
    folder_files,
    open_repository,
    write_files,
)
from orchestrator.checkout_blobs import CheckoutBlobs
from orchestrator.earlier_change import earlier_change, remember_change
from orchestrator.progress import progress_file
from review.agent_result import AgentResult
from review.diff import Change, Diff, FileStatus
from review.findings import Finding, Severity
from review.git import Git
from review.lines import split_lines
from review.merge import merge_findings
from review.report import AgentStatus, ConfigUsed, Report
from review.request import ReviewConfig, ReviewRequest
from review.workspace import RunDir, read_regular_file, write_json_atomic

log = logging.getLogger(__name__)


def prepare(run: RunDir, request: ReviewRequest) -> dict[str, Any]:
    """Record the request and clear the findings (and progress count) of any earlier
    review of the same run."""
    run.path.mkdir(parents=True, exist_ok=True)
    run.write_request(request)
    shutil.rmtree(run.findings_dir, ignore_errors=True)
    run.report_file.unlink(missing_ok=True)
    run.lifecycle_file.unlink(missing_ok=True)
    progress_file(run).unlink(missing_ok=True)  # a new review gets its own updates
    return {"run_id": run.run_id}


def clone(
    run: RunDir,
    request: ReviewRequest,
    auth_header: str | None = None,
    fallback_ref: str | None = None,
) -> dict[str, Any]:
    """Fetch what the change needs, write its files and diff.json; a finished clone is not
    repeated.

    The run's bare repository gets the head, the base and their merge base (borrowed from
    a local repository, a partial shallow fetch from a URL; `fallback_ref` names where a
    fork's head lives, see `checkout.open_repository`). The change's files compared as in
    the repository's last change take their hunks from it (`orchestrator.earlier_change`).
    Then only the changed text files are written: the head's under `src/`, the base's
    under `base/`, each at most `max_file_bytes` and together at most
    `max_checkout_bytes`, each a hard link to the repository's copy of its blob when an
    earlier review wrote it (`orchestrator.checkout_blobs`). When an AI reviewer takes
    part, the head's other files are fetched as objects for its tools.
    """
    recipe = checkout_recipe(request.config)
    done = run.finished_change(request.base, request.head, recipe)
    if done is not None:
        log.info("clone already done", extra={"run_id": run.run_id})
        return _clone_summary(run, done, request.config)
    for folder in (run.repo_dir, run.src, run.base_src):
        shutil.rmtree(folder, ignore_errors=True)
    commits = (request.head, request.base)
    repository = open_repository(request.source, run.repo_dir, commits, auth_header, fallback_ref)
    git, base_commit = repository.git, repository.merge_base
    earlier = earlier_change(run, request)  # the review before: its files' hunks
    # reusing lists the change as the diff does (pairing renames): once, where every blob
    # is at hand; a partial clone lists what to fetch from its trees first
    shared = bool(earlier) and not repository.partial
    listing = changed_listing(git, base_commit, request.head, renames=shared)
    objects = changed_objects(listing)
    fetch_blobs(repository, objects)
    config = request.config
    store = CheckoutBlobs(run.checkout_blobs_dir(request.repository))
    # read once: the diff's bound, the checkout's budget; those of the blobs an earlier
    # review wrote from the store, checked there by their content, the others from git
    sizes = store.sizes(objects, config.max_file_bytes, config.max_checkout_bytes)
    sizes |= blob_sizes(git, set(objects) - sizes.keys())
    largest = max(sizes.values(), default=0) if set(objects) <= sizes.keys() else None
    given = listing if shared else None
    diff, notes = compute_diff(git, base_commit, request.head, largest, earlier, given)
    written, left_out = _write_changed_files(git, run, diff, config, store, sizes)
    budget = config.max_checkout_bytes - written
    tips = (request.head, base_commit)
    left_out += _write_neighbours(repository, run, tips, diff, budget, config, store)
    if ai_reviewers(config):
        fetch_tree(repository, request.head, config.max_file_bytes)
    change = Change(request.base, request.head, base_commit, diff, [*notes, *left_out], recipe)
    run.write_change(change)
    remember_change(run, request)
    return _clone_summary(run, change, request.config)


def _write_changed_files(
    git: Git,
    run: RunDir,
    diff: Diff,
    config: ReviewConfig,
    store: CheckoutBlobs,
    sizes: Mapping[str, int],
) -> tuple[int, list[str]]:
    """Write the changed text files, the head's under `src/` and then the base's under
    `base/`, within the checkout budget, through the repository's `store` of checked-out
    blobs (`sizes`: their sizes, as read); the bytes written and a note per file left
    out."""
    heads = {c.path: c.blob for c in diff.reviewable() if c.blob}
    limit, budget = config.max_file_bytes, config.max_checkout_bytes
    written, heads_left = write_files(git, heads, run.src, limit, budget, None, store, sizes)
    bases = {
        c.path: c.old_blob
        for c in diff.reviewable()
        if c.old_blob and c.status is not FileStatus.ADDED and c.path in heads
    }
    left = budget - written
    used, bases_left = write_files(git, bases, run.base_src, limit, left, budget, store, sizes)
    notes = [f"{path}: {why}, not analysed" for path, why in heads_left.items()]
    notes += [
        f"{path}: its base version was left out ({why}), so its findings are not told "
        "apart as new or already there"
        for path, why in bases_left.items()
    ]
    return written + used, notes


def _write_neighbours(
    repository: Repository,
    run: RunDir,
    commits: tuple[str, str],
    diff: Diff,
    budget: int,
    config: ReviewConfig,
    store: CheckoutBlobs,
) -> list[str]:
    """Write the unchanged files the review's analysers read beside its changed files
    (`agents.neighbours`), the head's under `src/` and the base's under `base/`, within
    what is left of the checkout budget (through `store`, as `_write_changed_files`); a
    note when some had to be left out."""
    changed = [c.path for c in diff.reviewable() if not config.excludes(c.path)]
    wanted = neighbours.folders(_declared_neighbours(config), changed)
    if not wanted:
        return []
    taken = set(diff.files) | {c.old_path for c in diff.files.values() if c.old_path}
    # a file the change deletes was a neighbour at the base (a Terraform variable moved
    # into main.tf: without it the base reads differently, and what was there looks new)
    deleted = {c.path for c in diff.files.values() if c.status is FileStatus.DELETED}
    git = repository.git
    sides = [
        {p: oid for p, oid in folder_files(git, commit, wanted).items() if p not in skip}
        for commit, skip in zip(commits, (taken, taken - deleted), strict=True)
    ]
    fetch_blobs(repository, [oid for side in sides for oid in side.values()])
    left = 0
    for side, dest in zip(sides, (run.src, run.base_src), strict=True):
        kept = {p: oid for p, oid in side.items() if not config.excludes(p)}
        used, not_written = write_files(
            git, kept, dest, config.max_file_bytes, budget, config.max_checkout_bytes, store
        )
        budget, left = budget - used, left + len(not_written)
    if not left:
        return []
    return [f"{left} unchanged files the analysers read as context were left out, for size"]


def _declared_neighbours(config: ReviewConfig) -> list[Mapping[str, tuple[str, ...]]]:
    """The neighbouring files the review's analysers read (`Analyser.neighbours`)."""
    return [
        analyser.neighbours
        for name in config.agents
        if name in registry.names()
        for analyser in registry.get_agent(name).analysers
        if analyser.neighbours
    ]


def checkout_recipe(config: ReviewConfig) -> str:
    """What decides which files a clone writes and fetches, as a digest: the size limits,
    the excluded paths, the neighbours the review's analysers read and whether AI
    reviewers take part. A clone for the same base and head is reused only for the same
    recipe (a review of one agent, then of all, must not read the first one's files)."""
    recipe = {
        "max_file_bytes": config.max_file_bytes,
        "max_checkout_bytes": config.max_checkout_bytes,
        "exclude": sorted(config.exclude),
        "neighbours": sorted(
            json.dumps(sorted(declared.items())) for declared in _declared_neighbours(config)
        ),
        "objects": bool(ai_reviewers(config)),
    }
    return hashlib.sha256(json.dumps(recipe, sort_keys=True).encode()).hexdigest()


def _clone_summary(run: RunDir, change: Change, config: ReviewConfig) -> dict[str, Any]:
    """The clone's checkpoint; `idle`: the agents no changed file concerns, whose results
    are written here (`agents.base.write_idle_results`), so the workflow starts only the
    others."""
    return {
        "merge_base": change.merge_base,
        "files": len(change.diff),
        "notes": change.notes,
        "idle": write_idle_results(run, change.diff, config),
    }


def merge(run: RunDir, request: ReviewRequest) -> dict[str, Any]:
    """Merge every agent's findings, filter them to the diff, write report.json; the
    report of a merge before over the same inputs is taken as it is, but for each agent's
    own account (`orchestrator.merge_memo`)."""
    found = {name: _agent_data(run, name) for name in request.config.agents}
    merge_key = merge_memo.key(run, found)
    report = None
    if (kept := merge_memo.recall(run, merge_key)) is not None:
        accounts = {name: _result(name, data, with_findings=False) for name, data in found.items()}
        report = merge_memo.with_agents(kept, accounts)
    if report is None:
        results = [_result(name, data) for name, data in found.items()]
        report = _merged_report(run, request, results).to_dict()
    write_json_atomic(run.report_file, report)
    merge_memo.remember(run, merge_key)
    severities = {f["severity"] for f in report["findings"]}
    worst = next((s.value for s in _GRAVEST_FIRST if s.value in severities), None)
    return {
        "findings": len(report["findings"]),
        "pre_existing": len(report["pre_existing"]),
        "worst": worst,
        "failed_agents": sorted(n for n, s in report["agents"].items() if s["status"] == "failed"),
    }


_GRAVEST_FIRST = sorted(Severity, key=lambda s: -s.rank)


def _agent_data(run: RunDir, name: str) -> merge_memo.AgentData:
    """Agent `name`'s findings file, parsed; Unreadable when it cannot be read as JSON."""
    try:
        return run.read_agent_data(name)
    except (OSError, ValueError) as exc:
        return merge_memo.Unreadable(str(exc))


def _result(name: str, data: merge_memo.AgentData, with_findings: bool = True) -> AgentResult:
    """Agent `name`'s result from its findings file's data (`RunDir.read_agent_result`);
    without its findings, its own account only."""
    if isinstance(data, merge_memo.Unreadable):
        return AgentResult.failed(name, f"no readable findings file ({data.reason})")
    if not with_findings and isinstance(data, dict) and isinstance(data.get("findings", []), list):
        data = {**data, "findings": []}  # a file of the wrong shape stays one (a failed agent)
    return AgentResult.from_dict(name, data)


def _merged_report(run: RunDir, request: ReviewRequest, results: list[AgentResult]) -> Report:
    """The review's report from the agents' `results`: their findings merged
    (`review.merge.merge_findings`) over the run's change and checkout."""
    change = run.read_change()
    found: list[Finding] = [f for result in results for f in result.findings]
    limit = request.config.max_file_bytes

    def read_lines(path: str) -> list[str] | None:
        try:
            data = read_regular_file(run.src, path, limit + 1)
        except ValueError:
            return None
        if data is None or len(data) > limit:
            return None
        return split_lines(data)

    config = request.config
    excluded = [path for path in change.diff.files if config.excludes(path)]
    merged = merge_findings(
        found,
        change.diff,
        config.filter_mode,
        read_lines,
        disabled=frozenset(config.disable_rules),
        excluded=config.excludes,
        report_pre_existing=config.report_pre_existing,
    )
    # what each agent contributed to the review: the findings it made or also reported
    kept = Counter(name for f in merged.findings for name in {f.agent, *f.also_reported_by})
    return Report(
        repository=request.repository,
        base=request.base,
        head=request.head,
        merge_base=change.merge_base,
        findings=merged.findings,
        agents={r.agent: AgentStatus.of(r, findings=kept[r.agent]) for r in results},
        notes=[*change.notes, *_excluded_note(excluded, request.config_source.file)],
        files_changed=len(change.diff),
        filtered_out=merged.filtered_out,
        rejected=[r for result in results for r in result.rejected] + merged.rejected,
        pre_existing=merged.pre_existing,
        config=ConfigUsed(
            source=request.config_source,
            fail_on=config.fail_on,
            excluded_files=len(excluded),
            excluded_findings=merged.excluded,
            disabled_findings=dict(merged.disabled),
        ),
    )


def _excluded_note(paths: list[str], file: str | None, shown: int = 20) -> list[str]:
    """A note naming the changed files the repository's configuration excludes."""
    if not paths:
        return []
    listing = ", ".join(paths[:shown]) + (
        f" and {len(paths) - shown} more" if len(paths) > shown else ""
    )
    return [f"excluded by {file or 'the configuration'}, not reviewed: {listing}"]
