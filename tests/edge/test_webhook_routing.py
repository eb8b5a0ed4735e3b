"""Routing: fixtures and published payloads, pull_request and check_run decisions, lifecycle."""

from __future__ import annotations

from dataclasses import replace
from typing import Any

import pytest
from webhook_fixtures import fixture_names, needs_published, published, published_names
from webhook_support import HEAD_SHA, Deliver, RecordingStarter, load, variant

from webhook.routing import Acknowledge, Ignore, Reject, StartReview, decide
from webhook.settings import WebhookSettings

OTHER_EVENTS = ("issue_comment", "check_run", "check_suite", "installation", "ping")


@needs_published
def test_the_shared_examples_are_there() -> None:
    assert len(published_names("pull_request")) >= 28


def _accepted_as_routing_says(
    deliver: Deliver, settings: WebhookSettings, payload: dict[str, Any]
) -> None:
    """Answered without error, and a review starts exactly for open, non-draft review actions."""
    response = deliver("pull_request", payload)
    assert response.status_code in {200, 202}, response.json()
    decision = decide("pull_request", payload, settings, "d")
    assert not isinstance(decision, Reject)
    action = payload["action"]
    draft = payload["pull_request"]["draft"]
    open_ = payload["pull_request"]["state"] == "open"
    wanted = action in {"opened", "reopened", "synchronize", "ready_for_review"}
    assert isinstance(decision, StartReview) == (wanted and open_ and not draft)


@pytest.mark.parametrize("name", fixture_names("pull_request"))
def test_every_pull_request_fixture_is_accepted(
    deliver: Deliver, settings: WebhookSettings, name: str
) -> None:
    _accepted_as_routing_says(deliver, settings, load(name))


@needs_published
@pytest.mark.parametrize("name", published_names("pull_request"))
def test_every_published_pull_request_payload_is_accepted(
    deliver: Deliver, settings: WebhookSettings, name: str
) -> None:
    _accepted_as_routing_says(deliver, settings, published(name))


@pytest.mark.parametrize("name", fixture_names())
def test_every_fixture_is_a_delivery_github_could_send_us(deliver: Deliver, name: str) -> None:
    payload = load(name)
    response = deliver(name.split("/")[0], payload)
    assert response.status_code in {200, 202}, response.json()
    assert payload["sender"]["login"] == "Codertocat"
    if name != "ping/ping":  # an App's ping is about its hook, not an installation
        assert payload["installation"]["id"] == 42
    if "repository" in payload:
        assert payload["repository"]["full_name"] == "Codertocat/Hello-World"


@needs_published
@pytest.mark.parametrize("name", published_names(*OTHER_EVENTS))
def test_every_other_published_payload_is_answered_without_error(
    deliver: Deliver, starter: RecordingStarter, name: str
) -> None:
    response = deliver(name.split("/")[0], published(name))
    assert response.status_code in {200, 202}, response.json()


def test_opened_trigger_fields(settings: WebhookSettings) -> None:
    decision = decide("pull_request", load("pull_request/opened"), settings, "d-1")
    assert isinstance(decision, StartReview)
    trigger = decision.trigger
    assert trigger.delivery_id == "d-1"
    assert trigger.event == "pull_request"
    assert trigger.repository == "Codertocat/Hello-World"
    assert trigger.clone_url == "https://github.com/Codertocat/Hello-World.git"
    assert trigger.installation_id == 42
    assert trigger.pull_number == 2
    assert trigger.head_sha == HEAD_SHA
    assert (trigger.base_ref, trigger.head_ref) == ("master", "changes")
    assert trigger.agents == ()
    assert trigger.reason == "opened"
    assert trigger.requested_by == "Codertocat"


@pytest.mark.parametrize("action", ["opened", "reopened", "synchronize", "ready_for_review"])
def test_review_actions_start(deliver: Deliver, starter: RecordingStarter, action: str) -> None:
    payload = variant(load("pull_request/opened"))
    payload["action"] = action
    response = deliver("pull_request", payload)
    assert response.json()["status"] == "started"
    assert starter.triggers[0].reason == action


def _pr(**changes: Any) -> dict[str, Any]:
    payload = variant(load("pull_request/opened"))
    payload["pull_request"].update(changes)
    return payload


def test_drafts_are_skipped_unless_configured(settings: WebhookSettings) -> None:
    draft = _pr(draft=True)
    assert decide("pull_request", draft, settings) == Ignore("pull request #2 is a draft")
    assert isinstance(
        decide("pull_request", draft, replace(settings, review_drafts=True)), StartReview
    )


def test_closed_pull_requests_are_skipped(settings: WebhookSettings) -> None:
    payload = _pr(state="closed")
    payload["action"] = "synchronize"
    assert decide("pull_request", payload, settings) == Ignore("pull request #2 is closed")


def test_missing_installation_is_tolerated(settings: WebhookSettings) -> None:
    payload = _pr()
    del payload["installation"]
    decision = decide("pull_request", payload, settings)
    assert isinstance(decision, StartReview)
    assert decision.trigger.installation_id is None


@pytest.mark.parametrize("broken", ["head", "base", "number"])
def test_payload_lacking_what_the_event_needs_is_400(deliver: Deliver, broken: str) -> None:
    payload = _pr()
    del payload["pull_request"][broken]
    response = deliver("pull_request", payload)
    assert response.status_code == 400
    assert broken in response.json()["reason"]


def test_irrelevant_actions_are_not_validated(settings: WebhookSettings) -> None:
    assert decide("pull_request", {"action": "labeled"}, settings) == Ignore(
        "pull_request.labeled is not handled"
    )


@pytest.mark.parametrize(
    ("event", "payload"),
    [("push", {"ref": "refs/heads/main"}), ("issues", {"action": "opened"}), ("star", {})],
)
def test_unsupported_events_are_ignored_with_202(
    deliver: Deliver, event: str, payload: dict[str, Any]
) -> None:
    response = deliver(event, payload)
    assert response.status_code == 202
    assert response.json()["status"] == "ignored"
    assert event in response.json()["reason"]


@pytest.mark.parametrize(
    "name",
    [
        "ping/ping",
        "installation/created",
        "installation/deleted",
        "installation_repositories/added",
    ],
)
def test_lifecycle_events_are_200_and_logged(
    deliver: Deliver, caplog: pytest.LogCaptureFixture, name: str
) -> None:
    caplog.set_level("INFO")
    event = name.split("/")[0]
    response = deliver(event, load(name))
    assert response.status_code == 200
    assert response.json() == {"status": "ok", "event": event}
    assert any(getattr(r, "event", None) == event for r in caplog.records)


def test_installation_details(settings: WebhookSettings) -> None:
    decision = decide("installation", load("installation/created"), settings)
    assert isinstance(decision, Acknowledge)
    assert decision.details["action"] == "created"
    assert decision.details["installation_id"] == load("installation/created")["installation"]["id"]


# check_run ---------------------------------------------------------------------------


def _check_run(**changes: Any) -> dict[str, Any]:
    payload = variant(load("check_run/rerequested"))
    payload["check_run"].update(changes)
    return payload


def test_rerequested_check_run_of_this_app_by_id(settings: WebhookSettings) -> None:
    # settings.app_id is 2; the slug is not the configured one, so only the id matches.
    payload = _check_run(
        app={"id": 2, "slug": "acme-review"},
        pull_requests=[
            {"number": 7, "head": {"ref": "feature", "sha": "a"}, "base": {"ref": "main"}}
        ],
    )
    decision = decide("check_run", payload, settings, "d-9")
    assert isinstance(decision, StartReview)
    trigger = decision.trigger
    assert (trigger.pull_number, trigger.reason, trigger.event) == (7, "rerun", "check_run")
    assert trigger.full  # the Re-run button asks for a full review, as `/review full`
    assert trigger.head_sha == payload["check_run"]["head_sha"]
    assert (trigger.base_ref, trigger.head_ref) == ("main", "feature")


def test_rerequested_check_run_of_this_app_by_slug(settings: WebhookSettings) -> None:
    payload = _check_run(
        app={"id": 999, "slug": "reviewbot"}, external_id="pr:12", pull_requests=[]
    )
    decision = decide("check_run", payload, replace(settings, app_id=None))
    assert isinstance(decision, StartReview)
    assert decision.trigger.pull_number == 12
    assert decision.trigger.head_ref == payload["check_run"]["check_suite"]["head_branch"]


def test_fork_check_run_takes_the_number_from_external_id(settings: WebhookSettings) -> None:
    decision = decide("check_run", _check_run(external_id="pr:31", pull_requests=[]), settings)
    assert isinstance(decision, StartReview)
    assert decision.trigger.pull_number == 31
    assert decision.trigger.base_ref is None


@pytest.mark.parametrize("external_id", ["", None, "pr:", "pr:abc", "issue:3", "pr:\u0663"])
def test_check_run_without_a_pull_request_is_ignored(
    settings: WebhookSettings, external_id: str | None
) -> None:
    payload = _check_run(external_id=external_id, pull_requests=[])
    assert decide("check_run", payload, settings) == Ignore("check run names no pull request")


def test_check_runs_of_other_apps_are_ignored(settings: WebhookSettings) -> None:
    payload = _check_run(app={"id": 29310, "slug": "github-actions"}, external_id="pr:1")
    assert decide("check_run", payload, settings) == Ignore("check run belongs to another App")


def test_other_check_run_actions_are_ignored(deliver: Deliver, starter: RecordingStarter) -> None:
    for name in ("created", "completed", "requested_action"):
        assert deliver("check_run", load(f"check_run/{name}")).status_code == 202
    assert starter.triggers == []


def test_check_run_rerun_each_delivery_reviews_again(
    deliver: Deliver, starter: RecordingStarter
) -> None:
    payload = _check_run(external_id="pr:5")
    assert deliver("check_run", payload, "d-1").json()["status"] == "started"
    assert deliver("check_run", payload, "d-1").json()["status"] == "duplicate"
    assert deliver("check_run", payload, "d-2").json()["status"] == "started"
    assert len(starter.triggers) == 2
