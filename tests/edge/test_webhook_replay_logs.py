"""Replaying saved deliveries, and the structured log fields."""

from __future__ import annotations

import logging
from pathlib import Path

import pytest
from webhook_support import FakeGitHub, RecordingStarter, comment_payload, load

from webhook.logs import log_event
from webhook.replay import infer_event, replay
from webhook.routing import Reject, StartReview
from webhook.settings import WebhookSettings


@pytest.mark.parametrize(
    ("name", "event"),
    [
        ("pull_request/opened", "pull_request"),
        ("pull_request/closed", "pull_request"),
        ("issue_comment/created", "issue_comment"),
        ("check_run/rerequested", "check_run"),
        ("ping/ping", "ping"),
    ],
)
def test_infer_event(name: str, event: str) -> None:
    assert infer_event(load(name)) == event


def test_infer_event_refuses_to_guess() -> None:
    with pytest.raises(ValueError, match="--event"):
        infer_event(load("installation/created"))


def test_replay_starts_without_a_signature(settings: WebhookSettings) -> None:
    starter = RecordingStarter()
    outcome = replay(None, load("pull_request/opened"), settings, starter)
    assert outcome.status_code == 202
    assert outcome.body["status"] == "started"
    assert isinstance(outcome.decision, StartReview)
    (trigger,) = starter.triggers
    assert trigger.delivery_id.startswith("replay-")


def test_replay_with_explicit_event_and_delivery(settings: WebhookSettings) -> None:
    starter = RecordingStarter()
    payload = load("pull_request/synchronize")
    replay("pull_request", payload, settings, starter, delivery_id="abc")
    assert starter.triggers[0].delivery_id == "abc"


def test_replayed_commands_run_again_each_time(settings: WebhookSettings) -> None:
    starter, github = RecordingStarter(), FakeGitHub()
    for _ in range(2):
        outcome = replay(None, comment_payload("/review style"), settings, starter, github)
        assert outcome.body["status"] == "started"
    assert len({t.execution_name() for t in starter.triggers}) == 2
    assert starter.triggers[0].agents == ("style",)


def test_replay_of_a_broken_payload_is_rejected(settings: WebhookSettings) -> None:
    payload = load("pull_request/opened")
    del payload["pull_request"]["head"]
    outcome = replay("pull_request", payload, settings, RecordingStarter())
    assert outcome.status_code == 400
    assert isinstance(outcome.decision, Reject)


def test_fields_become_record_attributes(caplog: pytest.LogCaptureFixture) -> None:
    with caplog.at_level(logging.INFO):
        log_event(logging.getLogger("webhook.test"), "got it", event="ping", status_code=200)
    (record,) = caplog.records
    assert record.getMessage() == "got it"
    assert (record.event, record.status_code) == ("ping", 200)  # type: ignore[attr-defined]


def test_fields_named_like_record_attributes_are_renamed(caplog: pytest.LogCaptureFixture) -> None:
    """logging refuses `extra` keys a record has; the runtime's formatter drops `level`."""
    with caplog.at_level(logging.INFO):
        log_event(logging.getLogger("webhook.test"), "x", message="m", name="n", level="l")
    (record,) = caplog.records
    assert record.getMessage() == "x"
    fields = {k: getattr(record, f"field_{k}") for k in ("message", "name", "level")}
    assert fields == {"message": "m", "name": "n", "level": "l"}


def test_field_values_are_plain_json(caplog: pytest.LogCaptureFixture) -> None:
    with caplog.at_level(logging.INFO):
        log_event(
            logging.getLogger("webhook.test"),
            "x",
            path=Path("/a"),
            pair=("a", 1),
            nested={"when": Path("/b")},
        )
    (record,) = caplog.records
    assert record.path == "/a"  # type: ignore[attr-defined]
    assert record.pair == ["a", 1]  # type: ignore[attr-defined]
    assert record.nested == {"when": "/b"}  # type: ignore[attr-defined]


def test_errors_keep_their_exception(caplog: pytest.LogCaptureFixture) -> None:
    error = ValueError("boom")
    with caplog.at_level(logging.INFO):
        log_event(logging.getLogger("webhook.test"), "failed", logging.ERROR, error, path="/x")
    (record,) = caplog.records
    assert record.exc_info is not None and record.exc_info[1] is error
    assert record.path == "/x"  # type: ignore[attr-defined]
