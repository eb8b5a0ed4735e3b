"""A pull request on GitHub, as the App is asked to review it (`review.trigger`).

Prepare reads the pull request, the repository's `.github/reviewbot.yml` at the base
commit (and the head's version, to check it when the pull request changes it) and
GitHub's files listing (the diff it shows, kept in the run folder for placing comments),
and skips a pull request that closed or moved on;
clone fetches the head with a `contents: read` token that lives in git's environment
only; the sinks are the GitHub publishers. Every step asks for a token with only the
permissions it needs, and nothing a step returns carries a credential.
"""

from __future__ import annotations

import logging
from collections.abc import Sequence
from dataclasses import dataclass, replace
from pathlib import Path
from typing import Any

from agents import registry
from orchestrator import steps
from orchestrator.git import token_auth_header
from orchestrator.repo_config import config_context, configure, first_present
from orchestrator.sources import Outcome, Sink, State
from reporter.github.client import CLONE, GitHubApp
from reporter.github.files import shown_diff
from reporter.github.publishing import PublishContext, Publisher, publishers
from review.config_file import MAX_CONFIG_BYTES
from review.git import GitError
from review.request import ReviewConfig, ReviewRequest
from review.trigger import PULL_REQUEST_SOURCE, ReviewTrigger
from review.workspace import RunDir, Workspace

log = logging.getLogger(__name__)
PREPARE = {"pull_requests": "read", "contents": "read"}


class PullRequestSource:
    """Pull requests of the App's installations; `config` is every review's template
    (models, limits); the trigger picks the agents."""

    name = PULL_REQUEST_SOURCE

    def __init__(self, app: GitHubApp, config: ReviewConfig | None = None) -> None:
        self.app = app
        self.config = config or ReviewConfig()

    def prepare(self, event: dict[str, Any], root: Path) -> dict[str, Any]:
        """{"request": ...}, or {"skip": reason, "head": sha} when the pull request closed
        or moved on since the trigger."""
        trigger = ReviewTrigger.from_dict(event["trigger"])
        if trigger.installation_id is None:
            raise ValueError("the trigger has no installation to act as")
        client = self.app.repo(trigger.installation_id, trigger.repository, PREPARE)
        number = trigger.pull_number
        pull = client.pull(number)
        head_now = pull["head"]["sha"]
        head = trigger.head_sha or head_now
        if pull.get("state") != "open":
            return {"skip": f"Skipped: the pull request is {pull.get('state')}", "head": head}
        if head_now != head:
            return {"skip": f"Stale: the pull request moved on to {head_now[:12]}", "head": head}
        agents, notes = _agents(trigger.agents)
        base = pull["base"]["sha"]
        config, config_source = configure(
            replace(self.config, agents=agents),
            config_context(self.config, self.app.settings.max_inline_comments),
            first_present(lambda commit, path: client.file_content(path, commit, MAX_CONFIG_BYTES)),
            base,
            head,
            explicit=("agents",) if agents else (),  # a `/review <agent>` command wins
        )
        if not config.agents:
            config = replace(config, agents=registry.default_agents(config.uses_model))
        request = ReviewRequest(
            repository=trigger.repository,
            source=trigger.clone_url,
            head=head,
            base=base,
            pull_number=number,
            installation_id=trigger.installation_id,
            config=config,
            config_source=config_source,
        )
        run = Workspace(root).run(request.run_id)
        steps.prepare(run, request)
        changed = int(pull.get("changed_files") or 0)
        run.write_shown_diff(shown_diff(client.pull_files(number), changed, notes))
        return {"request": request.to_dict(), "head": head}

    def clone(self, run: RunDir, request: ReviewRequest) -> dict[str, Any]:
        assert request.installation_id is not None and request.pull_number is not None
        token = self.app.token(request.installation_id, request.repository, CLONE)
        fork_head = f"refs/pull/{request.pull_number}/head"  # where GitHub keeps a fork's head
        try:
            return steps.clone(run, request, token_auth_header(token), fallback_ref=fork_head)
        except GitError:
            self.app.drop_token(token)  # if GitHub revoked it, the step's retry mints another
            raise

    def sinks(self, event: dict[str, Any], prepared: dict[str, Any], root: Path) -> list[Sink]:
        trigger = ReviewTrigger.from_dict(event["trigger"])
        assert trigger.installation_id is not None
        request = ReviewRequest.from_dict(prepared["request"]) if "request" in prepared else None
        ctx = PublishContext(
            app=self.app,
            repository=trigger.repository,
            installation_id=trigger.installation_id,
            pull_number=trigger.pull_number,
            head=str(prepared["head"]),
            key=trigger.run_key(),
            run=Workspace(root).run(request.run_id) if request else None,
            request=request,
            full=trigger.full,
        )
        return [BoundPublisher(p, ctx) for p in publishers(self.app)]


@dataclass(frozen=True)
class BoundPublisher:
    """A publisher acting on one review: the workflow's `Sink`."""

    publisher: Publisher
    ctx: PublishContext

    @property
    def name(self) -> str:
        return self.publisher.name

    def start(self, state: State) -> Outcome:
        return self.publisher.start(self.ctx, state)

    def progress(self, state: State, done: list[dict[str, Any]], running: list[str]) -> None:
        self.publisher.progress(self.ctx, state, done, running)

    def publish(self, state: State) -> Outcome:
        return self.publisher.publish(self.ctx, state)

    def fail(self, state: State, error: str) -> Outcome:
        return self.publisher.fail(self.ctx, state, error)

    def skip(self, state: State, reason: str) -> Outcome:
        return self.publisher.skip(self.ctx, state, reason)


def _agents(requested: Sequence[str]) -> tuple[tuple[str, ...], list[str]]:
    """The agents a trigger names that exist here, and a note on the others."""
    known = registry.names()
    unknown = [a for a in requested if a not in known]
    notes = [f"Not available here, so not run: {', '.join(unknown)}."] if unknown else []
    return tuple(a for a in requested if a in known), notes
