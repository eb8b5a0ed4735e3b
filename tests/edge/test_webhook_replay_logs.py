"""Replaying saved deliveries, and the JSON log format."""

from __future__ import annotations

import json
import logging
import sys

import pytest
from webhook_support import FakeGitHub, RecordingStarter, comment_payload, load

from webhook.logs import JsonFormatter, configure_logging, log_event
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


def test_json_formatter() -> None:
    record = logging.LogRecord("webhook.app", logging.INFO, __file__, 1, "got %s", ("x",), None)
    record.fields = {"event": "ping", "status_code": 200}
    line = json.loads(JsonFormatter().format(record))
    assert line["message"] == "got x"
    assert (line["level"], line["logger"]) == ("INFO", "webhook.app")
    assert (line["event"], line["status_code"]) == ("ping", 200)
    assert line["time"].endswith("+00:00")


def test_json_formatter_includes_the_error_in_logs_only() -> None:
    try:
        raise ValueError("boom")
    except ValueError:
        record = logging.LogRecord("x", logging.ERROR, __file__, 1, "failed", (), sys.exc_info())
    line = json.loads(JsonFormatter().format(record))
    assert "ValueError: boom" in line["error"]


def test_configure_logging_emits_json(capsys: pytest.CaptureFixture[str]) -> None:
    root = logging.getLogger()
    handlers, level = root.handlers[:], root.level
    try:
        configure_logging("INFO")
        log_event(logging.getLogger("webhook.test"), "hello", answer=42)
        line = json.loads(capsys.readouterr().err.strip().splitlines()[-1])
        assert (line["message"], line["answer"]) == ("hello", 42)
    finally:
        root.handlers[:] = handlers
        root.setLevel(level)
