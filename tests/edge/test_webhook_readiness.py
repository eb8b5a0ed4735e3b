"""GET /readyz: whether GitHub accepted the App's JWT at the last check, asked at most once
a minute; GET /healthz stays a plain answer."""

from __future__ import annotations

import asyncio

import httpx
from fastapi.testclient import TestClient
from webhook_support import SECRET, RecordingStarter

from webhook.app import create_app
from webhook.readiness import AppCheck
from webhook.settings import WebhookSettings

API = "https://ghe.example.com/api/v3"


def check_with(*answers: httpx.Response | Exception) -> tuple[AppCheck, list[httpx.Request], list]:
    asked: list[httpx.Request] = []
    pending = list(answers)
    now = [1_000.0]

    def answer(request: httpx.Request) -> httpx.Response:
        asked.append(request)
        reply = pending.pop(0)
        if isinstance(reply, Exception):
            raise reply
        return reply

    check = AppCheck(
        lambda: "app-jwt", API, transport=httpx.MockTransport(answer), clock=lambda: now[0]
    )
    return check, asked, now


def test_an_accepted_jwt_is_ready_and_cached_for_the_interval() -> None:
    check, asked, now = check_with(
        httpx.Response(200, json={"slug": "reviewbot"}),
        httpx.Response(401, json={"message": "'Expiration time' claim ('exp') is too far"}),
    )
    first = asyncio.run(check.check())
    assert first.ok and not first.refused and "reviewbot" in first.detail
    assert asyncio.run(check.check()) == first  # within a minute: GitHub is not asked again
    assert [(r.method, r.url.path, r.headers["Authorization"]) for r in asked] == [
        ("GET", "/api/v3/app", "Bearer app-jwt")
    ]
    now[0] += 60
    refused = asyncio.run(check.check())
    assert not refused.ok and refused.refused and "GitHub answered 401" in refused.detail
    assert "too far" in refused.detail


def test_no_answer_is_not_ready_but_not_a_refusal() -> None:
    check, _, _ = check_with(httpx.ConnectError("refused"), httpx.Response(503))
    down = check.check_now()
    assert (down.ok, down.refused) == (False, False)
    assert down.detail == "GitHub could not be reached (ConnectError)"
    busy = check.check_now()
    assert (busy.ok, busy.refused) == (False, False) and "503" in busy.detail


def test_readyz_answers_503_with_the_reason_and_healthz_stays_ok() -> None:
    state = {"ready": False}

    async def readiness() -> tuple[bool, str]:
        return state["ready"], "GitHub answered 401 to the App's JWT"

    settings = WebhookSettings(webhook_secret=SECRET)
    client = TestClient(create_app(settings, RecordingStarter(), readiness=readiness))
    not_ready = client.get("/readyz")
    assert not_ready.status_code == 503
    assert not_ready.json() == {
        "status": "not ready",
        "detail": "GitHub answered 401 to the App's JWT",
    }
    assert client.get("/healthz").json() == {"status": "ok"}
    state["ready"] = True
    assert client.get("/readyz").status_code == 200
