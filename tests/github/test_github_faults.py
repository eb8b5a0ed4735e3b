"""Exactly once under faults: one review, one summary comment, no annotation twice.

Faults are injected in the fake GitHub: an answer lost before the request took effect,
one lost after it did (the worst case for a POST), secondary rate limits, a 422, and a
crash of the publish step after everything was posted but before its checkpoint.
"""

from __future__ import annotations

import time
from pathlib import Path

import pytest
from github_support import EXPECTED_INLINE, run_workflow

from reporter.github.errors import TransientGitHubError
from reporter.github.publishers.check_run import CheckRunPublisher
from reporter.github.publishers.review import ReviewPublisher
from reporter.github.publishers.summary import SummaryPublisher
from reporter.github.publishing import PublishContext
from review.findings import Finding, Severity
from review.report import Report
from review.request import ReviewRequest
from review.workspace import Workspace

REVIEWS = r"/pulls/1/reviews$"


def assert_published_once(gh) -> None:
    assert len(gh.reviews) == 1 and len(gh.review_comments) == 6
    assert len(gh.issue_comments) == 1
    (run,) = gh.check_runs.values()
    assert run["conclusion"] == "failure" and len(run["annotations"]) == 1


def test_a_502_before_the_review_landed_is_retried(scenario, workspace: Path) -> None:
    gh = scenario.github
    gh.fail_next("POST", REVIEWS, 502, body={"message": "Bad Gateway"})
    assert run_workflow(scenario.app(), scenario.trigger(), workspace).error is None
    assert [c.status for c in gh.calls("POST", REVIEWS)] == [502, 200]
    assert len(gh.calls("GET", REVIEWS)) == 2  # looked for it before posting again
    assert scenario.sleeps == [1.0]
    assert_published_once(gh)


def test_a_502_after_the_review_landed_is_not_posted_again(scenario, workspace: Path) -> None:
    gh = scenario.github
    gh.fail_next("POST", REVIEWS, 502, after=True)  # GitHub took it; the answer was lost
    assert run_workflow(scenario.app(), scenario.trigger(), workspace).error is None
    assert [c.status for c in gh.calls("POST", REVIEWS)] == [502]
    assert_published_once(gh)


def test_a_secondary_rate_limit_waits_as_long_as_github_says(scenario, workspace: Path) -> None:
    gh = scenario.github
    limited = {"message": "You have exceeded a secondary rate limit. Please wait."}
    gh.fail_next("POST", REVIEWS, 403, headers={"Retry-After": "7"}, body=limited)
    gh.fail_next("POST", r"/issues/1/comments$", 429, headers={"Retry-After": "3"})
    assert run_workflow(scenario.app(), scenario.trigger(), workspace).error is None
    assert scenario.sleeps == [7.0, 3.0]
    assert [c.status for c in gh.calls("POST", REVIEWS)] == [403, 200]
    assert_published_once(gh)


def test_an_exhausted_rate_limit_waits_until_its_reset(scenario, workspace: Path) -> None:
    gh = scenario.github
    reset = int(time.time()) + 30
    headers = {"x-ratelimit-remaining": "0", "x-ratelimit-reset": str(reset)}
    gh.fail_next("GET", r"/pulls/1/comments$", 403, headers=headers, body={"message": "limit"})
    started = time.time()
    assert run_workflow(scenario.app(), scenario.trigger(), workspace).error is None
    finished = time.time()
    (slept,) = scenario.sleeps
    # the wait is the time left until the reset when the limit was met (a busy machine
    # may take a few seconds to get there), give or take the rounding of the header
    assert reset - finished - 2 <= slept <= reset - started + 2
    assert_published_once(gh)


@pytest.mark.parametrize("publisher", [ReviewPublisher, SummaryPublisher, CheckRunPublisher])
def test_a_crash_after_posting_and_before_the_checkpoint(
    scenario, workspace: Path, monkeypatch, publisher
) -> None:
    """Each output's step runs again after a crash that followed its post: nothing twice."""
    gh, real = scenario.github, publisher.publish
    crashes = []

    def publish_then_crash(self, ctx, state):
        result = real(self, ctx, state)
        if not crashes:  # it is on GitHub; the process dies before the checkpoint
            crashes.append(result)
            raise TransientGitHubError("connection reset by peer")
        return result

    monkeypatch.setattr(publisher, "publish", publish_then_crash)
    ran = run_workflow(scenario.app(), scenario.trigger(), workspace)
    assert ran.error is None and crashes
    if publisher is ReviewPublisher:
        review = ran.result["outputs"]["review"]
        assert crashes[0]["review_id"] is not None and review["review_id"] is None
        assert review["already_posted"] == 6
    assert len(gh.calls("POST", REVIEWS)) == 1
    assert len(gh.calls("POST", r"/issues/1/comments$")) == 1
    assert_published_once(gh)


def test_a_422_is_reported_in_the_check_run_not_retried(scenario, workspace: Path) -> None:
    gh = scenario.github
    refused = {"message": "Unprocessable Entity", "errors": ["Pull request review thread"]}
    gh.fail_next("POST", REVIEWS, 422, body=refused)
    ran = run_workflow(scenario.app(), scenario.trigger(), workspace)
    assert ran.error is None
    assert len(gh.calls("POST", REVIEWS)) == 1 and not gh.reviews
    (run,) = gh.check_runs.values()
    assert run["conclusion"] == "failure"  # still the verdict on the code
    assert "could not be posted" in run["output"]["text"]
    assert "GitHub answered 422" in run["output"]["text"]
    assert "could not be posted" in gh.issue_comments[0]["body"]
    assert "GitHub answered 422" in ran.result["outputs"]["review"]["problem"]
    # the findings meant for the refused inline comments are annotations instead
    assert len(run["annotations"]) == 7


def test_annotations_go_50_at_a_time_and_never_twice(scenario, workspace: Path) -> None:
    gh, app = scenario.github, scenario.app()
    findings = [
        Finding(
            "style", "R9", Severity.NOTE, "big.py", line, f"note {line}", fingerprint=f"{line:032x}"
        )
        for line in range(1, 121)
    ]
    request = ReviewRequest(
        "octo/demo", gh.clone_url, scenario.pull.head, scenario.pull.base, 1, 42
    )
    run = Workspace(workspace).run(request.run_id)
    run.write_report(Report("octo/demo", request.base, request.head, request.base, findings))
    ctx = PublishContext(app, "octo/demo", 42, 1, request.head, "ab" * 16, run=run, request=request)
    check_run = CheckRunPublisher()
    state = {"check_run": check_run.start(ctx, {}), "review": {"stale": False, "inline": []}}
    gh.fail_next("PATCH", r"/check-runs/\d+$", 502, after=True)  # batch 1 lands, answer lost
    result = check_run.publish(ctx, state)
    assert result == {"annotations": 120, "conclusion": "success"}
    run_on_github = gh.check_runs[state["check_run"]["check_run_id"]]
    messages = [a["message"] for a in run_on_github["annotations"]]
    assert messages == [f"note {n}" for n in range(1, 121)]
    sizes = [len(c.body["output"].get("annotations", [])) for c in gh.calls("PATCH", "check-runs")]
    assert sizes == [50, 50, 20, 0]
    assert not gh.reviews  # nothing was commentable


def test_a_401_mid_run_mints_a_new_token_and_the_review_finishes(scenario, workspace: Path) -> None:
    gh = scenario.github
    gh.fail_next("POST", REVIEWS, 401, body={"message": "Bad credentials"})
    ran = run_workflow(scenario.app(), scenario.trigger(), workspace)
    assert ran.error is None
    first, second = gh.calls("POST", REVIEWS)
    assert (first.status, second.status) == (401, 200)
    assert first.authorization != second.authorization  # a token minted after the 401
    writers = [t for t in gh.tokens.values() if t["permissions"] == {"pull_requests": "write"}]
    assert len(writers) == 2
    assert_published_once(gh)


def test_a_review_post_failing_past_the_budget_still_shows_every_finding(
    scenario, workspace: Path
) -> None:
    """Transient errors past the retry budget degrade like a refusal: the summary and the
    check run carry every finding and say why nothing is inline."""
    gh = scenario.github
    for _ in range(6):  # the policy's max_attempts: the budget runs out
        gh.fail_next("POST", REVIEWS, 502, body={"message": "Bad Gateway"})
    ran = run_workflow(scenario.app(), scenario.trigger(), workspace)
    assert ran.error is None
    assert [c.status for c in gh.calls("POST", REVIEWS)] == [502] * 6 and not gh.reviews
    problem = ran.result["outputs"]["review"]["problem"]
    assert "still failing after retries" in problem and "GitHub answered 502" in problem
    (summary,) = gh.issue_comments
    assert "could not be posted" in summary["body"]
    assert "still failing after retries" in summary["body"]
    assert "**7 open**" in summary["body"]
    for _, line, start, rule in EXPECTED_INLINE:  # the ones meant to be inline are listed
        assert f"| {start or line} | {rule} |" in summary["body"]
    (run,) = gh.check_runs.values()
    assert run["conclusion"] == "failure"
    assert "GitHub answered 502" in run["output"]["text"]
    assert len(run["annotations"]) == 7  # every finding, none of them inline


def test_a_refused_summary_comment_still_leaves_the_verdict(scenario, workspace: Path) -> None:
    gh = scenario.github
    refused = {"message": "Resource not accessible by integration"}
    gh.fail_next("POST", r"/issues/1/comments$", 403, body=refused)
    ran = run_workflow(scenario.app(), scenario.trigger(), workspace)
    assert ran.error is None and not gh.issue_comments
    assert len(gh.calls("POST", r"/issues/1/comments$")) == 1  # a 403 without limits is final
    (run,) = gh.check_runs.values()
    assert run["conclusion"] == "failure"
    assert "summary comment could not be posted" in run["output"]["text"]
    assert len(gh.reviews) == 1
