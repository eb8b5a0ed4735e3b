"""Exactly once under faults: one review, one summary comment, no annotation twice.

Faults are injected in the fake GitHub: an answer lost before the request took effect,
one lost after it did (the worst case for a POST), secondary rate limits, a 422, and a
crash of the publish step after everything was posted but before its checkpoint.
"""

from __future__ import annotations

import time
from pathlib import Path

from github_support import run_workflow

from orchestrator import pull_request
from reporter.github.client import PUBLISH
from reporter.github.publish import Publication, publish
from reporter.github.retry import TransientGitHubError
from review.findings import Finding, Severity
from review.report import Report
from review.request import ReviewRequest

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
    reset = str(int(time.time()) + 30)
    headers = {"x-ratelimit-remaining": "0", "x-ratelimit-reset": reset}
    gh.fail_next("GET", r"/pulls/1/comments$", 403, headers=headers, body={"message": "limit"})
    assert run_workflow(scenario.app(), scenario.trigger(), workspace).error is None
    (slept,) = scenario.sleeps
    assert 28 <= slept <= 32
    assert_published_once(gh)


def test_a_crash_after_posting_and_before_the_checkpoint(
    scenario, workspace: Path, monkeypatch
) -> None:
    gh, real = scenario.github, pull_request.publish
    crashes = []

    def publish_then_crash(*args, **kwargs):
        result = real(*args, **kwargs)
        if not crashes:  # everything is on GitHub; the process dies before the checkpoint
            crashes.append(result)
            raise TransientGitHubError("connection reset by peer")
        return result

    monkeypatch.setattr(pull_request, "publish", publish_then_crash)
    ran = run_workflow(scenario.app(), scenario.trigger(), workspace)
    assert ran.error is None and crashes
    assert crashes[0]["review_id"] is not None and ran.result["review_id"] is None
    assert ran.result["already_posted"] == 6
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
    assert ran.result["problems"]


def test_annotations_go_50_at_a_time_and_never_twice(scenario) -> None:
    gh, app = scenario.github, scenario.app()
    trigger = scenario.trigger()
    check = pull_request.start_check(app, trigger, "ab" * 16, scenario.pull.head)
    findings = [
        Finding(
            "style", "R9", Severity.NOTE, "big.py", line, f"note {line}", fingerprint=f"{line:032x}"
        )
        for line in range(1, 121)
    ]
    request = ReviewRequest(
        "octo/demo", gh.clone_url, scenario.pull.head, scenario.pull.base, 1, 42
    )
    report = Report("octo/demo", request.base, request.head, request.base, findings)
    publication = Publication(
        request, report, scenario.pull.files, check["check_run_id"], "<!-- reviewbot:run=ab -->"
    )
    gh.fail_next("PATCH", r"/check-runs/\d+$", 502, after=True)  # batch 1 lands, answer lost
    client = app.repo(42, "octo/demo", PUBLISH)
    result = publish(client, app.bot_login(), publication, time.time)
    assert result["annotations"] == 120 and result["conclusion"] == "success"
    run = gh.check_runs[check["check_run_id"]]
    assert [a["message"] for a in run["annotations"]] == [f"note {n}" for n in range(1, 121)]
    sizes = [len(c.body["output"].get("annotations", [])) for c in gh.calls("PATCH", "check-runs")]
    assert sizes == [50, 50, 20, 0]
    assert not gh.reviews  # nothing was commentable


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
