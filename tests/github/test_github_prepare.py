"""The prepare step: the pull request, its files (paginated, at most 3000), the request."""

from __future__ import annotations

from pathlib import Path

import pytest

from orchestrator import pull_request
from review.request import DEFAULT_AGENTS, ReviewRequest
from review.workspace import Workspace, read_json


def synthetic_files(count: int) -> list[dict]:
    return [
        {"filename": f"f{n}.py", "status": "added", "patch": "@@ -0,0 +1 @@\n+x = 1"}
        for n in range(count)
    ]


def test_files_are_listed_page_by_page_and_stored_in_the_run_folder(
    scenario, workspace: Path
) -> None:
    scenario.pull.files = synthetic_files(250)
    prepared = pull_request.prepare(scenario.app(), scenario.trigger(), workspace)
    assert prepared["files"] == 250 and prepared["notes"] == []
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
    assert request.config.agents == DEFAULT_AGENTS
    run = Workspace(workspace).run(request.run_id)
    stored = read_json(pull_request.files_file(run))
    assert len(stored["files"]) == 250 and stored["files"][0]["patch"].startswith("@@")


def test_githubs_limit_of_3000_files_is_noted(scenario, workspace: Path) -> None:
    scenario.pull.files = synthetic_files(3100)
    scenario.pull.changed_files = 3100
    prepared = pull_request.prepare(scenario.app(), scenario.trigger(), workspace)
    assert prepared["files"] == 3000
    assert len(scenario.github.calls("GET", r"/pulls/1/files$")) == 30
    assert prepared["notes"] == [
        "GitHub lists only the first 3000 of 3100 changed files: findings in the others "
        "cannot be commented inline."
    ]


def test_agents_come_from_the_command_and_unknown_ones_are_noted(scenario, workspace: Path) -> None:
    trigger = scenario.trigger(agents=("style", "nonsense"), reason="command")
    prepared = pull_request.prepare(scenario.app(), trigger, workspace)
    assert prepared["request"]["config"]["agents"] == ["style"]
    assert prepared["notes"] == ["Not available here, so not run: nonsense."]


def test_the_event_may_be_the_bare_trigger(scenario) -> None:
    trigger = scenario.trigger()
    assert pull_request.trigger_of(trigger.to_dict()) == trigger
    assert pull_request.trigger_of({"trigger": trigger.to_dict(), "workspace": "/w"}) == trigger


def test_a_trigger_without_an_installation_is_refused(scenario, workspace: Path) -> None:
    with pytest.raises(ValueError, match="no installation"):
        pull_request.prepare(scenario.app(), scenario.trigger(installation_id=None), workspace)
