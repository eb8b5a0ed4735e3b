"""The workflow's steps as plain functions over the workspace.

Each step is idempotent, because durable steps run at least once: preparing twice writes
the same request, a clone finds its finished checkout and stops, merging reads the same
files and writes the same report. Each returns a small JSON-able summary (a checkpoint
must stay far below 256 KB); the bulky data stays in the run folder.
"""

from __future__ import annotations

import logging
import shutil
from collections.abc import Callable
from dataclasses import replace
from typing import Any

from orchestrator.change import compute_diff
from orchestrator.git import Git, fetch_checkout, merge_base
from review.diff import Diff
from review.findings import Finding, InvalidFinding
from review.merge import merge_findings
from review.report import AgentStatus, Report
from review.request import ReviewRequest
from review.workspace import RunDir, read_json, read_regular_file, write_json_atomic

log = logging.getLogger(__name__)


def prepare(run: RunDir, request: ReviewRequest) -> dict[str, Any]:
    """Record the request and clear the findings of any earlier review of the same run."""
    run.path.mkdir(parents=True, exist_ok=True)
    write_json_atomic(run.request_file, request.to_dict())
    shutil.rmtree(run.findings_dir, ignore_errors=True)
    run.report_file.unlink(missing_ok=True)
    return {"run_id": run.run_id}


def clone(
    run: RunDir,
    request: ReviewRequest,
    auth_header: str | None = None,
    fetch: Callable[..., Git] = fetch_checkout,
) -> dict[str, Any]:
    """Check out the head commit and write diff.json; a finished clone is not repeated.

    `fetch` is `fetch_checkout`'s signature; GitHub mode passes one that can also fetch a
    fork's head through `refs/pull/<n>/head`.
    """
    if run.diff_file.exists():
        done = read_json(run.diff_file)
        if done.get("head") == request.head and done.get("base") == request.base:
            log.info("clone already done", extra={"run_id": run.run_id})
            return _clone_summary(done)
    shutil.rmtree(run.src, ignore_errors=True)
    git = fetch(request.source, run.src, (request.head, request.base), auth_header)
    base_commit = merge_base(git, request.base, request.head)
    diff, notes = compute_diff(git, base_commit, request.head)
    data = {
        "base": request.base,
        "head": request.head,
        "merge_base": base_commit,
        "notes": notes,
        **diff.to_dict(),
    }
    write_json_atomic(run.diff_file, data)
    return _clone_summary(data)


def _clone_summary(data: dict[str, Any]) -> dict[str, Any]:
    return {"merge_base": data["merge_base"], "files": len(data["files"]), "notes": data["notes"]}


def merge(run: RunDir, request: ReviewRequest) -> dict[str, Any]:
    """Merge every agent's findings, filter them to the diff, write report.json."""
    diff_data = read_json(run.diff_file)
    diff = Diff.from_dict(diff_data)
    agents: dict[str, AgentStatus] = {}
    found: list[Finding] = []
    rejected: list[str] = []
    for name in request.config.agents:
        status, findings, bad = _load_agent(run, name)
        agents[name] = status
        found += findings
        rejected += bad
    limit = request.config.max_file_bytes

    def read_lines(path: str) -> list[str] | None:
        try:
            data = read_regular_file(run.src, path, limit + 1)
        except ValueError:
            return None
        if data is None or len(data) > limit:
            return None
        return data.decode("utf-8", "replace").splitlines()

    merged = merge_findings(found, diff, request.config.filter_mode, read_lines)
    for name, status in agents.items():  # count what each agent contributed to the review
        kept = sum(1 for f in merged.findings if name in (f.agent, *f.also_reported_by))
        agents[name] = replace(status, findings=kept)
    report = Report(
        repository=request.repository,
        base=request.base,
        head=request.head,
        merge_base=diff_data["merge_base"],
        findings=merged.findings,
        agents=agents,
        notes=list(diff_data.get("notes", ())),
        files_changed=len(diff),
        filtered_out=merged.filtered_out,
        rejected=rejected + merged.rejected,
    )
    write_json_atomic(run.report_file, report.to_dict())
    return {
        "findings": len(report.findings),
        "worst": report.worst().value if report.worst() else None,
        "failed_agents": sorted(n for n, s in agents.items() if s.status == "failed"),
    }


def _load_agent(run: RunDir, name: str) -> tuple[AgentStatus, list[Finding], list[str]]:
    """An agent's status and valid findings; a missing or corrupt file is a failed agent."""
    try:
        data = read_json(run.findings_file(name))
    except (OSError, ValueError) as exc:
        return AgentStatus("failed", error=f"no readable findings file ({exc})"), [], []
    if not isinstance(data, dict) or not isinstance(data.get("findings", []), list):
        return AgentStatus("failed", error="findings file of the wrong shape"), [], []
    findings: list[Finding] = []
    rejected: list[str] = []
    for raw in data.get("findings", ()):
        try:
            findings.append(Finding.from_dict({**raw, "agent": name}))
        except (InvalidFinding, TypeError, AttributeError) as exc:
            rejected.append(f"{name}: {exc}")
    return AgentStatus.from_findings_file(data, findings=len(findings)), findings, rejected
