"""Log lines on Lambda: the runtime's JSON format keeps our structured fields as keys.

Every function's LoggingConfig asks for `LogFormat: JSON`; the Lambda Python runtime then
formats each record with its own `JsonFormatter` (shipped as `awslambdaric`, the runtime
interface client of the Python base images). These tests run that formatter on the
records the code makes, and check that the handlers leave the runtime's logging set-up
alone.
"""

from __future__ import annotations

import hashlib
import hmac
import io
import json
import logging
from collections.abc import Iterator
from pathlib import Path
from types import SimpleNamespace
from typing import Any

import pytest
from awslambdaric.lambda_runtime_log_utils import JsonFormatter

from review.settings import load_settings
from reviewbot.lambda_handlers import build_webhook
from webhook.logs import log_event

SECRET = "test-secret"  # noqa: S105 - signs nothing outside these tests


@pytest.fixture
def runtime_lines() -> Iterator[io.StringIO]:
    """The root logger as the runtime sets it up with LogFormat JSON, writing to a buffer."""
    root = logging.getLogger()
    saved = root.handlers[:], root.level
    sink = io.StringIO()
    handler = logging.StreamHandler(sink)
    handler.setFormatter(JsonFormatter())
    root.handlers[:] = [handler]
    root.setLevel(logging.INFO)  # ApplicationLogLevel INFO (AWS_LAMBDA_LOG_LEVEL)
    try:
        yield sink
    finally:
        root.handlers[:], level = saved
        root.setLevel(level)


def lines(sink: io.StringIO) -> list[dict[str, Any]]:
    return [json.loads(line) for line in sink.getvalue().splitlines() if line.strip()]


def test_fields_are_top_level_keys_of_the_runtimes_json_lines(runtime_lines: io.StringIO) -> None:
    log_event(
        logging.getLogger("webhook.app"),
        "delivery",
        logging.INFO,
        None,
        delivery="d-1",
        status_code=202,
        path=Path("/webhook"),
        level="a field named like a key of the line",
        message="and another",
    )
    (line,) = lines(runtime_lines)
    assert (line["message"], line["level"], line["logger"]) == ("delivery", "INFO", "webhook.app")
    assert (line["delivery"], line["status_code"], line["path"]) == ("d-1", 202, "/webhook")
    assert line["field_level"] == "a field named like a key of the line"
    assert line["field_message"] == "and another"


def test_an_error_line_carries_the_exception_and_the_fields(runtime_lines: io.StringIO) -> None:
    try:
        raise ValueError("boom")
    except ValueError as exc:
        log_event(
            logging.getLogger("webhook.app"), "unhandled error", logging.ERROR, exc, path="/x"
        )
    (line,) = lines(runtime_lines)
    assert (line["errorType"], line["errorMessage"], line["path"]) == ("ValueError", "boom", "/x")
    assert line["stackTrace"]


def function_url_event(body: bytes, headers: dict[str, str]) -> dict[str, Any]:
    """A Function URL request (payload format 2.0) as Lambda passes it to the webhook."""
    domain = "abcdefghij.lambda-url.us-east-1.on.aws"
    return {
        "version": "2.0",
        "routeKey": "$default",
        "rawPath": "/webhook",
        "rawQueryString": "",
        "headers": {**headers, "content-length": str(len(body)), "host": domain},
        "requestContext": {
            "domainName": domain,
            "http": {"method": "POST", "path": "/webhook", "sourceIp": "140.82.115.10"},
            "requestId": "req-1",
            "routeKey": "$default",
            "stage": "$default",
        },
        "body": body.decode(),
        "isBase64Encoded": False,
    }


def test_the_webhook_logs_its_deliveries_through_the_runtime(runtime_lines: io.StringIO) -> None:
    root = logging.getLogger()
    installed = root.handlers[:]
    handler = build_webhook(
        load_settings(
            {"REVIEWBOT_WEBHOOK_SECRET": SECRET, "REVIEWBOT_REVIEW_FUNCTION": "reviewbot-x"}
        )
    )
    assert root.handlers == installed  # the runtime's handler stays the only one

    body = json.dumps({"zen": "Keep it logically awesome.", "hook_id": 1}).encode()
    signature = "sha256=" + hmac.new(SECRET.encode(), body, hashlib.sha256).hexdigest()
    context = SimpleNamespace(function_name="reviewbot-webhook", aws_request_id="req-1")
    good = {"x-github-event": "ping", "x-github-delivery": "d-1", "x-hub-signature-256": signature}
    forged = {**good, "x-github-delivery": "d-2", "x-hub-signature-256": "sha256=00"}
    assert handler(function_url_event(body, good), context)["statusCode"] == 200
    assert handler(function_url_event(body, forged), context)["statusCode"] == 401

    by_delivery = {line.get("delivery"): line for line in lines(runtime_lines)}
    assert by_delivery["d-1"]["message"] == "delivery"
    assert (by_delivery["d-1"]["event"], by_delivery["d-1"]["status_code"]) == ("ping", 200)
    assert by_delivery["d-2"]["message"] == "refused delivery"
    assert (by_delivery["d-2"]["level"], by_delivery["d-2"]["status_code"]) == ("WARNING", 401)
