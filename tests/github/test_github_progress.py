"""The check run shows the agents' progress while they run (issue 16), on the local durable
runner against the fake GitHub: intermediate updates of the same check run naming the
agents done so far, a few per review at most, then the final result."""

from __future__ import annotations

import re
from pathlib import Path

from github_support import run_workflow

from orchestrator.progress import ProgressPolicy
from reporter.github.publishers.check_run import CheckRunPublisher
from reporter.github.publishing import PublishContext

TITLE = re.compile(r"Review in progress: (\d+) of (\d+) agents done")


def check_run_updates(gh) -> tuple[list[dict], list[dict]]:
    """The bodies of the check run's PATCHes: progress updates, and the final ones."""
    bodies = [c.body for c in gh.calls("PATCH", r"/check-runs/\d+$")]
    progress = [b for b in bodies if TITLE.fullmatch(b["output"]["title"])]
    return progress, [b for b in bodies if b not in progress]


def done_rows(summary: str) -> dict[str, str]:
    """agent -> status of the finished agents in a progress summary's table."""
    rows = re.findall(r"^\| (\S+) \| (ok|skipped|failed[^|]*) \| (\d+) \| ([\d.]+) s \|$",
                      summary, re.MULTILINE)  # fmt: skip
    return {agent: status for agent, status, _, _ in rows}


def test_the_check_run_names_each_finished_agent_before_the_result(
    scenario, workspace: Path
) -> None:
    gh, trigger = scenario.github, scenario.trigger()
    policy = ProgressPolicy(min_seconds=0, max_updates=4)
    ran = run_workflow(scenario.app(), trigger, workspace, progress=policy)
    assert ran.error is None, ran.error
    assert len(gh.calls("POST", r"/check-runs$")) == 1  # progress never creates one
    progress, final = check_run_updates(gh)
    assert 1 <= len(progress) <= 4
    marker = f"<!-- reviewbot:run={trigger.run_key()} -->"
    seen: dict[str, str] = {}
    for body in progress:
        assert "conclusion" not in body and "annotations" not in body["output"]
        summary = body["output"]["summary"]
        assert summary.endswith(marker)  # still found by its marker after a restart
        done, total = map(int, TITLE.fullmatch(body["output"]["title"]).groups())
        rows = done_rows(summary)
        assert len(rows) == done and 0 < done < total
        assert summary.count("| running | | |") == total - done
        assert seen.items() <= rows.items()  # later updates know at least as much
        seen = rows
    assert "security" not in seen or seen["security"] == "ok"
    assert final[-1]["conclusion"] == "failure"
    (run,) = gh.check_runs.values()
    assert run["status"] == "completed" and run["output"]["title"].startswith("7 findings")
    # the updates went out while the agents ran: before the review was posted
    order = [c.path for c in gh.requests if c.method in ("PATCH", "POST")]
    assert order.index(next(p for p in order if p.endswith("/reviews"))) > order.index(
        next(p for p in order if re.search(r"/check-runs/\d+$", p))
    )


def test_updates_are_rate_limited_per_review(scenario, workspace: Path) -> None:
    gh = scenario.github
    hourly = ProgressPolicy(min_seconds=3600, max_updates=4)
    assert (
        run_workflow(scenario.app(), scenario.trigger(), workspace, progress=hourly).error is None
    )
    progress, _ = check_run_updates(gh)
    assert len(progress) == 1  # the first agent done; the others within the hour

    none = ProgressPolicy(min_seconds=0, max_updates=0)
    again = scenario.trigger(reason="command", delivery_id="d-2")
    assert run_workflow(scenario.app(), again, workspace, progress=none).error is None
    assert len(check_run_updates(gh)[0]) == 1  # nothing more


def test_a_failed_progress_update_does_not_hold_up_the_review(scenario, workspace: Path) -> None:
    gh = scenario.github
    gh.fail_next("PATCH", r"/check-runs/\d+$", 502)
    policy = ProgressPolicy(min_seconds=0, max_updates=4)
    ran = run_workflow(scenario.app(), scenario.trigger(), workspace, progress=policy)
    assert ran.error is None, ran.error
    first = gh.calls("PATCH", r"/check-runs/\d+$")[0]
    assert first.status == 502 and TITLE.fullmatch(first.body["output"]["title"])
    assert not scenario.sleeps  # not retried: progress waits for nothing
    (run,) = gh.check_runs.values()
    assert run["conclusion"] == "failure"


def test_a_repeated_start_after_progress_finds_the_same_check_run(scenario) -> None:
    """Steps run at least once: a start repeated after a progress update creates nothing."""
    gh, trigger = scenario.github, scenario.trigger()
    ctx = PublishContext(
        scenario.app(), trigger.repository, 42, 1, scenario.pull.head, trigger.run_key()
    )
    publisher = CheckRunPublisher()
    state = {"check_run": publisher.start(ctx, {})}
    done = [{"agent": "style", "status": "ok", "findings": 2, "seconds": 1.3, "error": None}]
    for _ in range(2):  # an update repeated is the same update
        publisher.progress(ctx, state, done, ["security"])
    assert publisher.start(ctx, {}) == state["check_run"]
    assert len(gh.calls("POST", r"/check-runs$")) == 1
    (run,) = gh.check_runs.values()
    assert run["status"] == "in_progress"
    assert done_rows(run["output"]["summary"]) == {"style": "ok"}
    assert "| style | ok | 2 | 1.3 s |" in run["output"]["summary"]
