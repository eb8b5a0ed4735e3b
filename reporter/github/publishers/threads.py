"""Before anything is posted: what the earlier reviews of the pull request left.

Reads the state the App's summary comment keeps (`review.pull_state`), the App's review
threads (GraphQL), and who with write access resolved one or reacted 👎 to it since
(`reporter.github.threads`), into the run folder's `lifecycle.json`. It posts nothing;
the review publisher then comments only on what is new and resolves the threads of
fixed findings, and the summary publisher records the new state.

If GitHub cannot be read, the review goes on without what was missing (a full review,
no thread resolved) and the summary and check run say why.
"""

from __future__ import annotations

import logging
from typing import Any

from reporter.github.errors import GitHubError
from reporter.github.publishers.summary import find_summary
from reporter.github.publishing import PublishContext, Publisher, State
from reporter.github.threads import app_threads, dismissals
from review.lifecycle import Lifecycle
from review.pull_state import PullState

log = logging.getLogger(__name__)


class ThreadsPublisher(Publisher):
    name = "threads"
    order = 5  # first: the review publisher reads what it found
    permissions = {"pull_requests": "read", "issues": "read"}

    def publish(self, ctx: PublishContext, state: State) -> dict[str, Any]:
        assert ctx.run is not None
        client = ctx.client(self.permissions)
        lifecycle = Lifecycle()
        try:
            bot = ctx.app.bot_login()
            summary = find_summary(client, ctx.pull_number, bot)
            lifecycle.previous = PullState.from_comment((summary or {}).get("body"))
            lifecycle.threads = app_threads(client, ctx.pull_number, bot.removesuffix("[bot]"))
            known = lifecycle.previous.dismissed
            lifecycle.dismissed_now = dismissals(client, lifecycle.threads, known)
        except GitHubError as exc:
            log.warning("earlier reviews not read: %s", exc)
            lifecycle.problem = f"The earlier reviews' threads could not be read: {exc}."
        ctx.run.write_lifecycle(lifecycle)
        return {
            "previous_head": lifecycle.previous.head,
            "threads": len(lifecycle.threads),
            "dismissed": len(lifecycle.dismissed_now),
            "problem": lifecycle.problem,
        }


PUBLISHER = ThreadsPublisher()
