"""The GitHub workflow end to end on the local durable runner, against the fake GitHub.

The pull request (tests/github/conftest.py) has several hunks, a multi-line finding, a
renamed file, a deleted file, a file without a newline at its end and one GitHub shows
no patch for; the real analysers review it.
"""

from __future__ import annotations

from pathlib import Path

from github_support import EXPECTED_INLINE, inline_of, run_workflow
from patch_oracle import right_side_hunks

from orchestrator.sources.pull_request import PullRequestSource
from reporter.formats.markdown import SUMMARY_MARKER
from reporter.github import checks
from reporter.github.comments import run_marker


def test_a_pull_request_is_reviewed_with_comments_a_check_run_and_one_summary(
    scenario, workspace: Path
) -> None:
    gh, trigger = scenario.github, scenario.trigger()
    ran = run_workflow(scenario.app(), trigger, workspace)
    assert ran.error is None, ran.error
    marker = f"<!-- reviewbot:run={trigger.run_key()} -->"
    head = scenario.pull.head

    # one token per need (prepare, check run, clone, earlier reviews' threads, review,
    # summary comment), each for this repository only, with only what that step does
    # (prepare reads the pull request and the repository's configuration file)
    grants = [r.body for r in gh.calls("POST", r"/access_tokens$")]
    assert grants == [
        {"repositories": ["demo"], "permissions": permissions}
        for permissions in (
            {"pull_requests": "read", "contents": "read"},
            {"checks": "write"},
            {"contents": "read"},
            {"issues": "read", "pull_requests": "read"},
            {"pull_requests": "write"},
            {"issues": "write"},
        )
    ]
    assert gh.git_requests, "the head was fetched over http with the installation token"

    (created,) = gh.calls("POST", r"/check-runs$")
    assert created.body == {
        "name": "reviewbot",
        "head_sha": head,
        "status": "in_progress",
        "external_id": "pr:1",
        "output": {
            "title": "Review in progress",
            "summary": f"reviewbot is reviewing `{head[:12]}`.\n\n{marker}",
        },
    }

    (posted,) = gh.calls("POST", r"/pulls/1/reviews$")
    assert posted.status == 200
    review = posted.body
    assert review["commit_id"] == head and review["event"] == "COMMENT"
    assert review["body"] == (
        f"reviewbot left 6 inline comments on `{head[:12]}`; the summary comment lists "
        f"every finding.\n\n{marker}"
    )
    assert sorted(inline_of(review)) == sorted(EXPECTED_INLINE)
    patches = {f["filename"]: f.get("patch") for f in scenario.pull.files}
    for comment in review["comments"]:  # checked against GitHub's own patch
        hunk = next(h for h in right_side_hunks(patches[comment["path"]]) if comment["line"] in h)
        assert comment.get("start_line", comment["line"]) in hunk
        assert comment["side"] == "RIGHT"
        assert "<!-- reviewbot:fp=" in comment["body"]
    unused_os = next(c for c in review["comments"] if c["path"] == "app.py" and c["line"] == 3)
    assert unused_os["body"].startswith(
        "🔵 **F401** (style): \\`os\\` imported but unused\n\n```suggestion\n```\n\n"
    )
    assert "suggestion" not in next(c["body"] for c in review["comments"] if c["line"] == 11)

    (summary,) = gh.issue_comments
    assert summary["body"].startswith(SUMMARY_MARKER + "\n## reviewbot review\n")
    assert "1 finding(s) are on lines GitHub does not show" in summary["body"]

    run = gh.check_runs[created_id(gh)]
    assert run["status"] == "completed" and run["conclusion"] == "failure"
    assert run["output"]["title"] == "7 findings: 3 errors, 1 warning, 3 notes"  # F401: a note
    assert run["annotations"] == [
        {
            "path": "big.py",
            "start_line": 3,
            "end_line": 3,
            "annotation_level": "notice",
            "title": "F401 (style)",
            "message": "`json` imported but unused",
        }
    ]
    outputs = ran.result["outputs"]
    assert outputs["check_run"]["conclusion"] == "failure" and outputs["review"]["comments"] == 6


def created_id(gh) -> int:
    (run_id,) = gh.check_runs
    return run_id


def test_a_redelivered_trigger_reuses_everything(scenario, workspace: Path) -> None:
    gh, app = scenario.github, scenario.app()
    first = run_workflow(app, scenario.trigger(), workspace)
    second = run_workflow(app, scenario.trigger(delivery_id="redelivered"), workspace)
    assert first.error is None and second.error is None
    assert len(gh.calls("POST", r"/check-runs$")) == 1  # found by its run marker
    assert len(gh.calls("POST", r"/pulls/1/reviews$")) == 1
    assert len(gh.calls("POST", r"/issues/1/comments$")) == 1
    assert len(gh.review_comments) == 6 and len(gh.issue_comments) == 1
    review = second.result["outputs"]["review"]
    assert review["comments"] == 0 and review["review_id"] is None
    assert review["earlier"] == 7 and len(review["inline"]) == 6  # all said at this head


def test_review_command_twice_posts_no_comment_twice(scenario, workspace: Path) -> None:
    gh, app = scenario.github, scenario.app()
    for delivery in ("command-1", "command-2"):
        trigger = scenario.trigger(delivery_id=delivery, reason="command", event="issue_comment")
        assert run_workflow(app, trigger, workspace).error is None
    assert len(gh.check_runs) == 2  # each request has its own check run
    assert all(run["conclusion"] == "failure" for run in gh.check_runs.values())
    assert len(gh.reviews) == 1 and len(gh.review_comments) == 6
    (summary,) = gh.issue_comments
    assert len(gh.calls("PATCH", rf"/issues/comments/{summary['id']}$")) == 1  # edited


def test_a_second_push_comments_only_on_what_is_new(scenario, workspace: Path) -> None:
    gh, app = scenario.github, scenario.app()
    assert run_workflow(app, scenario.trigger(), workspace).error is None
    head = scenario.push({"extra.py": "import re\n"})
    ran = run_workflow(app, scenario.trigger(head_sha=head, reason="synchronize"), workspace)
    assert ran.error is None
    second = gh.calls("POST", r"/pulls/1/reviews$")[-1].body
    assert second["commit_id"] == head
    assert inline_of(second) == [("extra.py", 1, None, "F401")]
    assert len(gh.reviews) == 2 and len(gh.review_comments) == 7
    assert len(gh.issue_comments) == 1
    assert head[:12] in gh.issue_comments[0]["body"]


def test_a_stale_head_gets_nothing_inline_and_a_neutral_check(
    scenario, workspace: Path, monkeypatch
) -> None:
    gh, clone = scenario.github, PullRequestSource.clone

    def clone_then_push(source, run, request):  # the author pushes while we review
        result = clone(source, run, request)
        scenario.push({"later.py": "LATER = 1\n"})
        return result

    monkeypatch.setattr(PullRequestSource, "clone", clone_then_push)
    ran = run_workflow(scenario.app(), scenario.trigger(), workspace)
    assert ran.error is None and ran.result["outputs"]["review"]["stale"] is True
    assert not gh.calls("POST", r"/reviews$") and not gh.issue_comments
    (run,) = gh.check_runs.values()
    assert run["conclusion"] == "neutral"
    assert (
        run["output"]["title"] == f"Stale: the pull request moved on to {scenario.pull.head[:12]}"
    )


def test_a_trigger_for_an_old_head_is_not_reviewed(scenario, workspace: Path) -> None:
    gh = scenario.github
    old = scenario.repo.base
    ran = run_workflow(scenario.app(), scenario.trigger(head_sha=old), workspace)
    assert ran.error is None and ran.result["skipped"].startswith("Stale")
    assert not gh.git_requests and not gh.calls("GET", r"/files$")
    (run,) = gh.check_runs.values()
    assert run["head_sha"] == old and run["conclusion"] == "neutral"


def test_a_closed_pull_request_is_not_reviewed(scenario, workspace: Path) -> None:
    scenario.pull.state = "closed"
    ran = run_workflow(scenario.app(), scenario.trigger(), workspace)
    assert ran.result["skipped"] == "Skipped: the pull request is closed"
    assert not scenario.github.git_requests and not scenario.github.reviews


def test_a_review_that_cannot_finish_closes_its_check_run(scenario, workspace: Path) -> None:
    trigger = scenario.trigger(clone_url=scenario.github.clone_url.replace("demo", "missing"))
    ran = run_workflow(scenario.app(), trigger, workspace)
    assert ran.error is not None
    (run,) = scenario.github.check_runs.values()
    assert run["conclusion"] == "failure"
    assert run["output"]["title"] == "reviewbot could not finish the review"
    assert "git fetch failed" in run["output"]["summary"]
    assert checks.RERUN_HINT in run["output"]["summary"]  # and how to run it again
    assert run_marker(trigger.run_key()) in run["output"]["summary"]  # found again later
    assert not scenario.github.reviews


def test_the_inline_comment_cap_sends_the_rest_to_the_summary_and_check(
    scenario, workspace: Path
) -> None:
    gh = scenario.github
    ran = run_workflow(scenario.app(max_inline_comments=2), scenario.trigger(), workspace)
    assert ran.error is None
    (review,) = gh.reviews
    assert sorted(c["line"] for c in gh.review_comments) == [11, 47]  # the two errors
    assert "4 finding(s) beyond the limit of 2 inline comments" in gh.issue_comments[0]["body"]
    (run,) = gh.check_runs.values()
    assert len(run["annotations"]) == 5  # 4 over the cap, 1 outside the diff


def test_request_changes_when_configured_and_errors_were_found(scenario, workspace: Path) -> None:
    ran = run_workflow(scenario.app(request_changes=True), scenario.trigger(), workspace)
    assert ran.error is None
    assert scenario.github.calls("POST", r"/reviews$")[0].body["event"] == "REQUEST_CHANGES"


def test_when_the_base_moves_the_diff_github_shows_now_is_used(
    scenario, workspace: Path, monkeypatch
) -> None:
    clone = PullRequestSource.clone

    def clone_then_merge_base(source, run, request):  # main moves on: tail.py changes there too
        result = clone(source, run, request)
        scenario.pull.base = "0" * 40
        for entry in scenario.pull.files:
            if entry["filename"] == "tail.py":
                del entry["patch"]
        return result

    monkeypatch.setattr(PullRequestSource, "clone", clone_then_merge_base)
    ran = run_workflow(scenario.app(), scenario.trigger(), workspace)
    assert ran.error is None
    (review,) = scenario.github.calls("POST", r"/reviews$")
    assert review.status == 200
    assert "tail.py" not in {c["path"] for c in review.body["comments"]}
    assert len(scenario.github.calls("GET", r"/files$")) == 2
