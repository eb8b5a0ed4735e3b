"""The interface of a GitHub output, and the registry that finds them.

A publisher is one module of `reporter.github.publishers` holding `PUBLISHER`, an object
that says which permissions it needs and posts one thing (the review, the summary
comment, the check run). The workflow runs each phase of each publisher as its own
durable step, in `order`, so every phase runs at least once and must be idempotent:
find what an earlier attempt posted before posting (see `retry.Caller.create_once`).

Phases, each returning a small JSON-able dict that later phases see in `state`:
- `start`: before the review runs (the check run goes "in progress");
- `progress`: as agents finish, a few times per review (`orchestrator.progress`); it
  returns nothing and its failure is only logged;
- `publish`: after the review is merged;
- `fail`: the review stopped for good (close what `start` opened);
- `skip`: there is nothing to review (the pull request closed or moved on).
"""

from __future__ import annotations

import importlib
import pkgutil
from dataclasses import dataclass
from functools import cache
from typing import Any, ClassVar

from reporter.github.client import GitHubApp, RepoClient
from reporter.github.comments import run_marker
from review.github_api import Permissions
from review.lifecycle import Lifecycle, Reconciled, reconcile
from review.report import Report
from review.request import ReviewRequest
from review.workspace import RunDir

State = dict[str, dict[str, Any]]  # publisher name -> what its phases returned so far


@dataclass(frozen=True)
class PublishContext:
    """What a publisher acts on: the App, one pull request at one head, and the run.

    `run` and `request` are None in the `skip` phase (nothing was prepared). `key` is
    the review's marker key: redeliveries share it, each `/review` has its own. `full`:
    a full review was asked for (`/review full`), not an incremental one.
    """

    app: GitHubApp
    repository: str
    installation_id: int
    pull_number: int
    head: str
    key: str
    run: RunDir | None = None
    request: ReviewRequest | None = None
    full: bool = False

    @property
    def marker(self) -> str:
        return run_marker(self.key)

    def client(self, permissions: Permissions) -> RepoClient:
        """A client for this repository with only `permissions` (a fresh retry budget)."""
        return self.app.repo(self.installation_id, self.repository, permissions)

    def inline_limit(self) -> int:
        """Inline comments per review: the App's limit, or the repository's lower one."""
        app = self.app.settings.max_inline_comments
        asked = self.request.config.max_inline_comments if self.request else None
        return app if asked is None else min(asked, app)

    def report(self) -> Report:
        assert self.run is not None, "only the publish phase reads the report"
        return self.run.read_report()

    def reconciled(self) -> Reconciled:
        """The pull request's findings after this review: open, fixed, dismissed (see
        `review.lifecycle.reconcile`), from the report and what the `threads` step read."""
        assert self.run is not None, "only the publish phase reads the report"
        lifecycle = self.run.read_lifecycle() or Lifecycle()
        return reconcile(lifecycle, self.report(), self.head)

    def now(self) -> float:
        return self.app.policy.wall_clock()


class Publisher:
    """A GitHub output; subclasses override the phases they take part in."""

    name: ClassVar[str]
    order: ClassVar[int]  # publish order: later publishers see earlier ones' results
    permissions: ClassVar[Permissions]

    def enabled(self, app: GitHubApp) -> bool:
        """Whether this deployment posts this output (e.g. an opt-in upload)."""
        return True

    def start(self, ctx: PublishContext, state: State) -> dict[str, Any] | None:
        return None

    def progress(
        self, ctx: PublishContext, state: State, done: list[dict[str, Any]], running: list[str]
    ) -> None:
        """Show the agents `done` so far and those still `running` (an update, never a
        new object: it may run twice)."""

    def publish(self, ctx: PublishContext, state: State) -> dict[str, Any] | None:
        return None

    def fail(self, ctx: PublishContext, state: State, error: str) -> dict[str, Any] | None:
        return None

    def skip(self, ctx: PublishContext, state: State, reason: str) -> dict[str, Any] | None:
        return None


def publishers(app: GitHubApp) -> list[Publisher]:
    """The enabled publishers of `reporter.github.publishers`, in publish order."""
    return [p for p in discover() if p.enabled(app)]


@cache
def discover() -> tuple[Publisher, ...]:
    """Every `PUBLISHER` of the `reporter.github.publishers` package, by `order`."""
    from reporter.github import publishers as package

    found = []
    for info in pkgutil.iter_modules(package.__path__, f"{package.__name__}."):
        module = importlib.import_module(info.name)
        publisher = getattr(module, "PUBLISHER", None)
        if isinstance(publisher, Publisher):
            found.append(publisher)
    return tuple(sorted(found, key=lambda p: (p.order, p.name)))
