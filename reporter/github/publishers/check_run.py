"""The `reviewbot` check run: in progress while the review runs, then its conclusion.

It is where a review's outcome is always visible: open findings that are not inline
become annotations (50 per request, each batch sent once; a finding a person dismissed
is neither annotated nor counted), problems posting the other outputs are in its text,
and a review that stops for good closes it as failed so it never stays "in progress".
It is created at most once per review, found by the run marker.
"""

from __future__ import annotations

from dataclasses import replace
from typing import Any

from reporter.escape import inline
from reporter.github import checks
from reporter.github.client import RepoClient
from reporter.github.comments import fingerprint_of
from reporter.github.publishers.summary import summary_text
from reporter.github.publishing import PublishContext, Publisher, State


class CheckRunPublisher(Publisher):
    name = "check_run"
    order = 30  # last: its text reports what the other outputs did
    permissions = {"checks": "write"}

    def start(self, ctx: PublishContext, state: State) -> dict[str, Any]:
        return {
            "check_run_id": _create(
                ctx, self.client(ctx), checks.in_progress(ctx.head, ctx.pull_number, ctx.marker)
            )
        }

    def progress(
        self, ctx: PublishContext, state: State, done: list[dict[str, Any]], running: list[str]
    ) -> None:
        """Update the in-progress check run's output: which agents are done, with what."""
        check_run_id = state.get(self.name, {}).get("check_run_id")
        if check_run_id is None:
            return
        body = checks.progress(ctx.head, ctx.marker, done, running)
        once = replace(ctx.app.policy, max_attempts=1)  # never hold up the agents
        client = ctx.app.repo(ctx.installation_id, ctx.repository, self.permissions, once)
        client.update_check_run(int(check_run_id), body)

    def publish(self, ctx: PublishContext, state: State) -> dict[str, Any]:
        client = self.client(ctx)
        check_run_id = int(state[self.name]["check_run_id"])
        review = state.get("review", {})
        if review.get("stale"):
            body = _stale(ctx, review)
            client.update_check_run(check_run_id, body)
            return {"conclusion": "neutral"}
        pull = ctx.reconciled()
        report = replace(ctx.report(), findings=pull.open)  # a dismissed finding is not one
        assert ctx.request is not None
        result = checks.conclusion(report, ctx.request.config.fail_on)
        # what the outputs published before this one could not post (review, summary, …)
        problems = [s["problem"] for s in state.values() if s and s.get("problem")]
        out = checks.output(
            checks.title(report),
            f"{summary_text(report, ctx, state, checks.OUTPUT_LIMIT - len(ctx.marker) - 2, pull)}"
            f"\n{ctx.marker}\n",
            "\n\n".join(inline(problem, 1_000) for problem in problems),
        )
        shown_inline = set(review.get("inline") or ())
        not_inline = [f for f in report.findings if fingerprint_of(f) not in shown_inline]
        done = 0
        annotations = checks.config_annotations(report.config.source)
        for batch in checks.batches(annotations + checks.annotations(not_inline)):
            done += len(batch)

            def landed(expected: int = done) -> bool:
                current = client.check_run(check_run_id)
                count = (current.get("output") or {}).get("annotations_count") or 0
                return int(count) >= expected

            client.add_annotations(check_run_id, {"output": {**out, "annotations": batch}}, landed)
        client.update_check_run(check_run_id, checks.completed(result, out, ctx.now()))
        return {"conclusion": result, "annotations": len(annotations) + len(not_inline)}

    def fail(self, ctx: PublishContext, state: State, error: str) -> dict[str, Any] | None:
        check_run_id = state.get(self.name, {}).get("check_run_id")
        if check_run_id is None:
            return None
        body = checks.stopped(error, ctx.marker, ctx.now())
        self.client(ctx).update_check_run(int(check_run_id), body)
        return {"conclusion": "failure"}

    def skip(self, ctx: PublishContext, state: State, reason: str) -> dict[str, Any]:
        summary = f"Nothing was reviewed: {inline(reason, 300)}.\n\n{ctx.marker}"
        done = checks.completed("neutral", checks.output(reason, summary), ctx.now())
        body = {**checks.in_progress(ctx.head, ctx.pull_number, ctx.marker), **done}
        return {"check_run_id": _create(ctx, self.client(ctx), body), "conclusion": "neutral"}

    def client(self, ctx: PublishContext) -> RepoClient:
        return ctx.client(self.permissions)


def _create(ctx: PublishContext, client: RepoClient, body: dict[str, Any]) -> int:
    """Create the check run at most once: an earlier attempt's is found by the marker."""

    def find() -> dict[str, Any] | None:
        for run in client.check_runs(ctx.head, checks.CHECK_NAME, ctx.app.settings.app_id):
            if ctx.marker in ((run.get("output") or {}).get("summary") or ""):
                return run
        return None

    run, _ = client.create_check_run(body, find)
    return int(run["id"])


def _stale(ctx: PublishContext, review: dict[str, Any]) -> dict[str, Any]:
    head_now = str(review.get("head_now") or "")
    if head_now != ctx.head:
        heading = f"Stale: the pull request moved on to {head_now[:12]}"
        why = f"the pull request's head is now `{head_now[:12]}`, which gets its own review"
    else:
        state = review.get("pull_state")
        heading = f"Skipped: the pull request is {state}"
        why = f"the pull request is {state}"
    summary = (
        f"reviewbot reviewed `{ctx.head[:12]}`, but {why}: nothing was posted.\n\n{ctx.marker}\n"
    )
    return checks.completed("neutral", checks.output(heading, summary), ctx.now())


PUBLISHER = CheckRunPublisher()
