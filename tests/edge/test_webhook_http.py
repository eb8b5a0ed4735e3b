"""The HTTP edge: signature first, size limits, malformed bodies, no leaked details."""

from __future__ import annotations

import asyncio
import hashlib
import hmac
import json

import pytest
from fastapi.testclient import TestClient
from webhook_support import SECRET, RecordingStarter, headers_for, load, sign

from review.trigger import ReviewTrigger, StartResult
from webhook.app import create_app
from webhook.settings import ConfigError, WebhookSettings
from webhook.signature import verify_signature

OPENED = json.dumps(load("pull_request/opened")).encode()


def post(client: TestClient, body: bytes, **overrides: str | None) -> object:
    headers = headers_for("pull_request", body)
    for name, value in overrides.items():
        key = name.replace("_", "-")
        headers.pop(key, None)
        if value is not None:
            headers[key] = value
    return client.post("/webhook", content=body, headers=headers)


def test_valid_signature_starts_a_review(client: TestClient, starter: RecordingStarter) -> None:
    response = post(client, OPENED)
    assert response.status_code == 202
    assert response.json()["status"] == "started"
    assert len(starter.triggers) == 1


@pytest.mark.parametrize(
    ("header", "why"),
    [
        (None, "missing"),
        (sign(OPENED, "another secret"), "wrong secret"),
        ("sha1=" + hmac.new(SECRET.encode(), OPENED, hashlib.sha1).hexdigest(), "legacy sha1"),
        (sign(OPENED).removeprefix("sha256="), "no prefix"),
        ("sha256=", "empty digest"),
        (sign(OPENED).upper(), "prefix case"),
    ],
)
def test_bad_signature_is_401(
    client: TestClient, starter: RecordingStarter, header: str | None, why: str
) -> None:
    response = post(client, OPENED, **{"X-Hub-Signature-256": header})
    assert response.status_code == 401, why
    assert response.json() == {
        "status": "unauthorized",
        "reason": "missing or invalid X-Hub-Signature-256",
    }
    assert starter.triggers == []


def test_refusals_are_logged_without_the_body(
    client: TestClient, caplog: pytest.LogCaptureFixture
) -> None:
    post(client, OPENED, **{"X-Hub-Signature-256": "sha256=00"})
    (record,) = [r for r in caplog.records if r.getMessage() == "refused delivery"]
    assert record.status_code == 401  # type: ignore[attr-defined]
    assert "Codertocat" not in str(vars(record))


def test_tampered_body_is_401(client: TestClient, starter: RecordingStarter) -> None:
    tampered = OPENED.replace(b'"Codertocat/Hello-World"', b'"evil/Hello-World"')
    assert tampered != OPENED
    response = client.post(
        "/webhook", content=tampered, headers={**headers_for("pull_request", OPENED)}
    )
    assert response.status_code == 401
    assert starter.triggers == []


def test_verify_signature_unit() -> None:
    assert verify_signature(SECRET, b"{}", sign(b"{}"))
    assert not verify_signature(SECRET, b"{}", None)
    assert not verify_signature("", b"{}", sign(b"{}", ""))
    assert not verify_signature(SECRET, b"{}", "sha256=\u00e9")


@pytest.mark.parametrize("secret", ["", None])
def test_empty_secret_refuses_to_start(secret: str | None) -> None:
    with pytest.raises(ConfigError, match="REVIEWBOT_WEBHOOK_SECRET"):
        WebhookSettings(webhook_secret=secret)  # type: ignore[arg-type]


def test_oversized_content_length_is_413_before_reading(starter: RecordingStarter) -> None:
    app = create_app(WebhookSettings(webhook_secret=SECRET, max_body_bytes=1024), starter)
    body = b"x" * 10
    headers = {**headers_for("pull_request", body), "Content-Length": str(25 * 1024 * 1024 + 1)}
    # The declared length alone decides: the server never waits for 25 MB.
    response = TestClient(app).post("/webhook", content=body, headers=headers)
    assert response.status_code == 413


def test_oversized_body_is_413(starter: RecordingStarter) -> None:
    app = create_app(WebhookSettings(webhook_secret=SECRET, max_body_bytes=1024), starter)
    body = json.dumps({"padding": "x" * 2048}).encode()
    response = TestClient(app).post(
        "/webhook", content=body, headers=headers_for("pull_request", body)
    )
    assert response.status_code == 413
    assert starter.triggers == []


def test_streamed_body_without_length_is_cut_at_the_limit(starter: RecordingStarter) -> None:
    app = create_app(WebhookSettings(webhook_secret=SECRET, max_body_bytes=1024), starter)
    body = b"{" + b" " * 4096 + b"}"
    headers = headers_for("pull_request", body)
    response = TestClient(app).post(
        "/webhook", content=iter([body[:512], body[512:]]), headers=headers
    )
    assert response.status_code == 413


def test_default_limit_is_25_megabytes() -> None:
    assert WebhookSettings(webhook_secret=SECRET).max_body_bytes == 25 * 1024 * 1024


@pytest.mark.parametrize(
    ("body", "reason"),
    [
        (b"not json", "body is not JSON"),
        (b"\xff\xfe", "body is not JSON"),
        (b"[1, 2]", "body is not a JSON object"),
        (b'"text"', "body is not a JSON object"),
        (b"[" * 100_000 + b"]" * 100_000, "body is not JSON"),
    ],
    ids=["text", "not-utf8", "array", "string", "deeply-nested"],
)
def test_signed_non_json_is_400(client: TestClient, body: bytes, reason: str) -> None:
    response = post(client, body)
    assert response.status_code == 400
    assert response.json()["reason"] == reason


def test_missing_event_header_is_400(client: TestClient) -> None:
    response = post(client, OPENED, **{"X-GitHub-Event": None})
    assert response.status_code == 400


async def call_asgi(app: object, headers: dict[str, str], body: bytes) -> tuple[int, bytes]:
    """Call the ASGI app directly: httpx would fix up a wrong Content-Length."""
    scope = {
        "type": "http",
        "asgi": {"version": "3.0"},
        "http_version": "1.1",
        "method": "POST",
        "scheme": "http",
        "path": "/webhook",
        "raw_path": b"/webhook",
        "root_path": "",
        "query_string": b"",
        "headers": [(k.lower().encode(), v.encode()) for k, v in headers.items()],
        "client": ("127.0.0.1", 1234),
        "server": ("127.0.0.1", 80),
    }
    messages = [{"type": "http.request", "body": body, "more_body": False}]
    sent: list[dict[str, object]] = []

    async def receive() -> dict[str, object]:
        return messages.pop(0) if messages else {"type": "http.disconnect"}

    async def send(message: dict[str, object]) -> None:
        sent.append(message)

    await app(scope, receive, send)  # type: ignore[operator]
    status = next(m["status"] for m in sent if m["type"] == "http.response.start")
    body_out = b"".join(m.get("body", b"") for m in sent if m["type"] == "http.response.body")
    return int(status), body_out  # type: ignore[call-overload]


@pytest.mark.parametrize("length", ["12abc", "-1", "1e3", ""])
def test_invalid_content_length_is_400(starter: RecordingStarter, length: str) -> None:
    app = create_app(WebhookSettings(webhook_secret=SECRET), starter)
    headers = {**headers_for("pull_request", OPENED), "Content-Length": length}
    status, body = asyncio.run(call_asgi(app, headers, OPENED))
    assert status == 400
    assert json.loads(body)["reason"] == "invalid Content-Length"
    assert starter.triggers == []


def test_body_longer_than_its_content_length_is_still_cut(starter: RecordingStarter) -> None:
    app = create_app(WebhookSettings(webhook_secret=SECRET, max_body_bytes=1024), starter)
    body = json.dumps({"padding": "x" * 4096}).encode()
    headers = {**headers_for("pull_request", body), "Content-Length": "10"}
    status, _ = asyncio.run(call_asgi(app, headers, body))
    assert status == 413
    assert starter.triggers == []


def test_missing_delivery_id_falls_back_to_the_body(
    client: TestClient, starter: RecordingStarter
) -> None:
    for _ in range(2):
        assert post(client, OPENED, **{"X-GitHub-Delivery": None}).status_code == 202
    assert len(starter.triggers) == 1
    assert starter.triggers[0].delivery_id


def test_healthz(client: TestClient) -> None:
    assert client.get("/healthz").json() == {"status": "ok"}


class ExplodingStarter:
    def start(self, trigger: ReviewTrigger) -> StartResult:
        raise RuntimeError("secret internals /srv/app.py line 12")


def test_unhandled_error_is_a_generic_500(caplog: pytest.LogCaptureFixture) -> None:
    app = create_app(WebhookSettings(webhook_secret=SECRET), ExplodingStarter())
    client = TestClient(app, raise_server_exceptions=False)
    response = post(client, OPENED)
    assert response.status_code == 500
    assert response.json() == {"status": "error", "reason": "internal error"}
    assert "secret internals" not in response.text
    assert "Traceback" not in response.text
    assert any("unhandled error" in r.getMessage() for r in caplog.records)


def test_docs_are_not_served(client: TestClient) -> None:
    assert client.get("/docs").status_code == 404
    assert client.get("/openapi.json").status_code == 404
