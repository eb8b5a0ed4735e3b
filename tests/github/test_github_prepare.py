"""The prepare step: the pull request, its files (paginated, at most 3000), the request."""

from __future__ import annotations

from pathlib import Path

import pytest

from agents.registry import default_agents
from orchestrator.sources.pull_request import PullRequestSource
from review.request import ReviewRequest
from review.workspace import Workspace


def synthetic_files(count: int) -> list[dict]:
    return [
        {"filename": f"f{n}.py", "status": "added", "patch": "@@ -0,0 +1 @@\n+x = 1"}
        for n in range(count)
    ]


def prepare(scenario, workspace: Path, trigger=None) -> dict:
    source = PullRequestSource(scenario.app())
    return source.prepare((trigger or scenario.trigger()).workflow_event(), workspace)


def shown_of(prepared: dict, workspace: Path):
    request = ReviewRequest.from_dict(prepared["request"])
    return Workspace(workspace).run(request.run_id).read_shown_diff()


def test_files_are_listed_page_by_page_and_stored_in_the_run_folder(
    scenario, workspace: Path
) -> None:
    scenario.pull.files = synthetic_files(250)
    prepared = prepare(scenario, workspace)
    pages = scenario.github.calls("GET", r"/pulls/1/files$")
    assert [(c.query["per_page"], c.query["page"]) for c in pages] == [
        ("100", "1"),
        ("100", "2"),
        ("100", "3"),
    ]
    request = ReviewRequest.from_dict(prepared["request"])
    assert (request.repository, request.pull_number, request.installation_id) == (
        "octo/demo",
        1,
        42,
    )
    assert (request.head, request.base) == (scenario.pull.head, scenario.pull.base)
    assert request.source == scenario.github.clone_url
    assert request.config.agents == default_agents(uses_model=False)
    shown = shown_of(prepared, workspace)
    assert len(shown.diff) == 250 and shown.notes == []
    # GitHub's diff, as the lines a comment may sit on
    assert shown.diff.comment_range("f7.py", 1, None) == (None, 1)
    assert shown.diff.comment_range("f7.py", 2, None) is None


def test_githubs_limit_of_3000_files_is_noted(scenario, workspace: Path) -> None:
    scenario.pull.files = synthetic_files(3100)
    scenario.pull.changed_files = 3100
    shown = shown_of(prepare(scenario, workspace), workspace)
    assert len(shown.diff) == 3000
    assert len(scenario.github.calls("GET", r"/pulls/1/files$")) == 30
    assert shown.notes == [
        "GitHub lists only the first 3000 of 3100 changed files: findings in the others "
        "cannot be commented inline."
    ]


def test_agents_come_from_the_command_and_unknown_ones_are_noted(scenario, workspace: Path) -> None:
    trigger = scenario.trigger(agents=("style", "nonsense"), reason="command")
    prepared = prepare(scenario, workspace, trigger)
    assert prepared["request"]["config"]["agents"] == ["style"]
    assert shown_of(prepared, workspace).notes == ["Not available here, so not run: nonsense."]


def test_a_trigger_without_an_installation_is_refused(scenario, workspace: Path) -> None:
    with pytest.raises(ValueError, match="no installation"):
        prepare(scenario, workspace, scenario.trigger(installation_id=None))
