"""The GitHub-mode steps of the review: prepare, check run, clone, publish, report a failure.

Like `steps`, each is idempotent and returns a small JSON-able summary: the files
listing with its patches stays in the run folder (`github_files.json`), tokens stay in
memory (the clone's travels in git's environment only), and nothing a step returns
carries a credential. Each step asks for a token with only the permissions it needs.
"""

from __future__ import annotations

import logging
import shutil
from collections.abc import Sequence
from dataclasses import fields, replace
from functools import partial
from pathlib import Path
from typing import Any

from agents.registry import AGENTS
from orchestrator import steps
from orchestrator.git import (
    EMPTY_TREE,
    Git,
    GitError,
    check_source,
    fetch_checkout,
    token_auth_header,
)
from reporter.escape import inline
from reporter.github import checks
from reporter.github.client import CLONE, MAX_LISTED_FILES, PREPARE, PUBLISH, GitHubApp
from reporter.github.comments import run_marker
from reporter.github.publish import Publication
from reporter.github.publish import publish as publish_review
from review.report import Report
from review.request import ReviewConfig, ReviewRequest
from review.workspace import RunDir, Workspace, read_json, write_json_atomic
from webhook.trigger import ReviewTrigger

log = logging.getLogger(__name__)
FILES_FILE = "github_files.json"
_FILE_FIELDS = ("filename", "status", "previous_filename", "patch", "additions", "deletions")


def trigger_of(event: dict[str, Any]) -> ReviewTrigger:
    """The trigger of a workflow event: {"trigger": ...}, or the bare trigger (LambdaStarter)."""
    data = event.get("trigger", event)
    names = {f.name for f in fields(ReviewTrigger)}
    return ReviewTrigger.from_dict({k: v for k, v in data.items() if k in names})


def run_key(trigger: ReviewTrigger) -> str:
    """The marker key of one review: redeliveries share it, each `/review` has its own."""
    return trigger.execution_name()[:32]


def files_file(run: RunDir) -> Path:
    return run.path / FILES_FILE


def prepare(
    app: GitHubApp, trigger: ReviewTrigger, root: Path, config: ReviewConfig | None = None
) -> dict[str, Any]:
    """Read the pull request and its files; write the run folder; build the request.

    Returns {"skip": reason, "head": sha} when there is nothing to review (closed, or
    the head moved on since the trigger), else {"request": ..., "files": n, ...}.
    """
    if trigger.installation_id is None:
        raise ValueError("the trigger has no installation to act as")
    client = app.repo(trigger.installation_id, trigger.repository, PREPARE)
    number = trigger.pull_number
    pull = client.pull(number)
    head_now = pull["head"]["sha"]
    head = trigger.head_sha or head_now
    if pull.get("state") != "open":
        return {"skip": f"Skipped: the pull request is {pull.get('state')}", "head": head}
    if head_now != head:
        return {"skip": f"Stale: the pull request moved on to {head_now[:12]}", "head": head}
    config = config or ReviewConfig()
    agents, notes = _agents(trigger.agents, config)
    request = ReviewRequest(
        repository=trigger.repository,
        source=trigger.clone_url,
        head=head,
        base=pull["base"]["sha"],
        pull_number=number,
        installation_id=trigger.installation_id,
        config=replace(config, agents=agents),
    )
    run = Workspace(root).run(request.run_id)
    steps.prepare(run, request)
    files = client.pull_files(number)
    changed = int(pull.get("changed_files") or len(files))
    if len(files) >= MAX_LISTED_FILES or changed > len(files):
        notes.append(
            f"GitHub lists only the first {len(files)} of {changed} changed files: "
            "findings in the others cannot be commented inline."
        )
    slim = [{k: f[k] for k in _FILE_FIELDS if k in f} for f in files]
    write_json_atomic(files_file(run), {"files": slim, "notes": notes})
    return {"request": request.to_dict(), "files": len(files), "notes": notes}


def _agents(requested: Sequence[str], config: ReviewConfig) -> tuple[tuple[str, ...], list[str]]:
    """The agents to run (every default one when none is named) and a note on unknown ones."""
    if not requested:
        return config.default_agents(), []
    known = tuple(a for a in requested if a in AGENTS)
    unknown = [a for a in requested if a not in AGENTS]
    notes = [f"Not available here, so not run: {', '.join(unknown)}."] if unknown else []
    return known, notes


def start_check(
    app: GitHubApp, trigger: ReviewTrigger, key: str, head: str, skip: str | None = None
) -> dict[str, Any]:
    """Create the check run (in progress, or already neutral for `skip`), at most once."""
    assert trigger.installation_id is not None
    client = app.repo(trigger.installation_id, trigger.repository, PREPARE)
    marker = run_marker(key)
    body = checks.in_progress(head, trigger.pull_number, marker)
    if skip:
        summary = f"Nothing was reviewed: {inline(skip, 300)}.\n\n{marker}"
        done = checks.completed("neutral", checks.output(skip, summary), app.policy.wall_clock())
        body = {**body, **done}

    def find() -> dict[str, Any] | None:
        for run in client.check_runs(head, checks.CHECK_NAME, app.settings.app_id):
            if marker in ((run.get("output") or {}).get("summary") or ""):
                return run
        return None

    run, _ = client.create_check_run(body, find)
    return {"check_run_id": int(run["id"])}


def clone(app: GitHubApp, run: RunDir, request: ReviewRequest) -> dict[str, Any]:
    """Check out the head with a contents:read token that lives in git's environment only."""
    assert request.installation_id is not None and request.pull_number is not None
    token = app.token(request.installation_id, request.repository, CLONE)
    fetch = partial(fetch_pull_request, pull_number=request.pull_number)
    return steps.clone(run, request, token_auth_header(token), fetch=fetch)


def fetch_pull_request(
    source: str, dest: Path, commits: Sequence[str], auth_header: str | None, *, pull_number: int
) -> Git:
    """`fetch_checkout`, falling back to `refs/pull/<n>/head` of the base repository.

    A fork's head commit may not be fetchable by its id from the base repository, but
    GitHub keeps every pull request's head there under that ref.
    """
    try:
        return fetch_checkout(source, dest, commits, auth_header)
    except GitError as exc:
        log.info("fetching by commit id failed (%s); trying refs/pull/%d/head", exc, pull_number)
    shutil.rmtree(dest, ignore_errors=True)
    check_source(source)
    head, *others = commits
    local = "://" not in source
    dest.mkdir(parents=True, exist_ok=True)
    git = Git(dest, auth_header=auth_header, allow_file_protocol=local)
    git.run("init", "--quiet", ".")
    git.run("remote", "add", "origin", str(Path(source).resolve()) if local else source)
    wanted = [f"+refs/pull/{pull_number}/head:refs/reviewbot/head"]
    wanted += [c for c in others if c != EMPTY_TREE]
    filters = [] if local else ["--filter=blob:none"]
    git.run("fetch", "--quiet", "--no-tags", "--no-write-fetch-head", *filters, "origin", *wanted)
    try:
        git.run("cat-file", "-e", f"{head}^{{commit}}")
    except GitError:
        raise GitError(
            f"commit {head[:12]} is not in pull request #{pull_number} (force-pushed away?)"
        ) from None
    git.run("checkout", "--quiet", "--detach", head)
    return git


def publish(
    app: GitHubApp, run: RunDir, request: ReviewRequest, check_run_id: int, key: str
) -> dict[str, Any]:
    """Post the review, summary comment and check run conclusion (see reporter.github.publish)."""
    assert request.installation_id is not None
    client = app.repo(request.installation_id, request.repository, PUBLISH)
    listing = read_json(files_file(run))
    publication = Publication(
        request=request,
        report=Report.from_dict(read_json(run.report_file)),
        files=listing["files"],
        check_run_id=check_run_id,
        marker=run_marker(key),
        notes=list(listing.get("notes") or ()),
        max_inline_comments=app.settings.max_inline_comments,
        request_changes=app.settings.request_changes,
    )
    return publish_review(client, app.bot_login(), publication, app.policy.wall_clock)


def fail(app: GitHubApp, request: ReviewRequest, check_run_id: int, error: str) -> dict[str, Any]:
    """Close the check run as failed, so it never stays "in progress" forever."""
    assert request.installation_id is not None
    client = app.repo(request.installation_id, request.repository, PUBLISH)
    summary = f"The review stopped before it could finish:\n\n{inline(error, 2_000)}\n"
    out = checks.output("reviewbot could not finish the review", summary)
    client.update_check_run(check_run_id, checks.completed("failure", out, app.policy.wall_clock()))
    return {"conclusion": "failure"}
