"""No check run left spinning: `close_abandoned` closes the check run of a review that
ended without a result, or posts a failed one when the review never got that far."""

from __future__ import annotations

from reporter.github import checks
from reporter.github.comments import run_marker
from reporter.github.orphans import close_abandoned
from reporter.github.publishers.check_run import CheckRunPublisher
from reporter.github.publishing import PublishContext


def _started(scenario, trigger) -> int:
    """The check run a review's start phase creates (in progress)."""
    app = scenario.app()
    head = scenario.pull.head
    ctx = PublishContext(app, trigger.repository, 42, 1, head, trigger.run_key())
    return CheckRunPublisher().start(ctx, {})["check_run_id"]


def test_a_check_run_left_in_progress_is_completed_with_what_happened(scenario) -> None:
    gh, trigger = scenario.github, scenario.trigger()
    check_run_id = _started(scenario, trigger)
    other = _started(scenario, scenario.trigger(reason="command", delivery_id="other"))
    assert close_abandoned(scenario.app(), trigger, "reviewbot stopped 3 times during it")
    run = gh.check_runs[check_run_id]
    assert (run["status"], run["conclusion"]) == ("completed", "failure")
    summary = run["output"]["summary"]
    assert "reviewbot stopped 3 times during it" in summary
    assert "/review" in summary and "Re-run" in summary
    assert run_marker(trigger.run_key()) in summary
    assert gh.check_runs[other]["status"] == "in_progress"  # another review's: untouched
    assert len(gh.calls("POST", r"/check-runs$")) == 2  # nothing new was created


def test_a_completed_check_run_is_left_alone(scenario) -> None:
    gh, trigger = scenario.github, scenario.trigger()
    check_run_id = _started(scenario, trigger)
    assert close_abandoned(scenario.app(), trigger, "first")
    patches = len(gh.calls("PATCH", r"/check-runs/\d+$"))
    assert close_abandoned(scenario.app(), trigger, "second")  # e.g. at the next start
    assert len(gh.calls("PATCH", r"/check-runs/\d+$")) == patches
    assert "first" in gh.check_runs[check_run_id]["output"]["summary"]


def test_a_review_that_never_created_its_check_run_gets_a_failed_one_once(scenario) -> None:
    gh, trigger = scenario.github, scenario.trigger()
    for _ in range(2):
        assert close_abandoned(scenario.app(), trigger, "GitHub answered 404")
    (run,) = gh.check_runs.values()
    assert (run["status"], run["conclusion"]) == ("completed", "failure")
    assert run["head_sha"] == scenario.pull.head and run["external_id"] == "pr:1"
    assert run["name"] == checks.CHECK_NAME
    assert "404" in run["output"]["summary"]
