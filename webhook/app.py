"""The FastAPI app: `POST /webhook` (verify, route, hand off), `GET /healthz` (the process
answers) and `GET /readyz` (it can do its work: see `Readiness`).

Nothing is parsed before the signature is checked, a body that does not arrive within
`settings.body_timeout_seconds` is refused, and the answer is sent as soon as the review
is handed off: GitHub gives a delivery 10 seconds.
"""

from __future__ import annotations

import asyncio
import hashlib
import json
import logging
import time
from collections.abc import Awaitable, Callable
from typing import Any

from fastapi import FastAPI, Request
from fastapi.responses import JSONResponse
from starlette.requests import ClientDisconnect

from review.trigger import ReviewStarter
from webhook.dispatch import dispatch
from webhook.github import GitHubPort
from webhook.logs import log_event
from webhook.routing import decide
from webhook.settings import WebhookSettings
from webhook.signature import verify_signature

logger = logging.getLogger(__name__)
# () -> (ready, one line saying why not, or what was checked)
Readiness = Callable[[], Awaitable[tuple[bool, str]]]


def _answer(status_code: int, status: str, reason: str) -> JSONResponse:
    return JSONResponse({"status": status, "reason": reason}, status_code=status_code)


async def _read_body(request: Request, limit: int) -> bytes | None:
    """The raw body, or None as soon as it exceeds `limit` (whatever Content-Length said)."""
    chunks: list[bytes] = []
    size = 0
    async for chunk in request.stream():
        size += len(chunk)
        if size > limit:
            return None
        chunks.append(chunk)
    return b"".join(chunks)


async def _internal_error(request: Request, exc: Exception) -> JSONResponse:
    fields = {"path": request.url.path, "delivery": request.headers.get("x-github-delivery")}
    log_event(logger, "unhandled error", logging.ERROR, exc, **fields)
    return _answer(500, "error", "internal error")


def create_app(
    settings: WebhookSettings,
    starter: ReviewStarter,
    github: GitHubPort | None = None,
    *,
    readiness: Readiness | None = None,
) -> FastAPI:
    """The webhook app; `github` serves comment commands (None: commands are ignored);
    `readiness` answers `GET /readyz` (None: ready whenever the process answers)."""
    app = FastAPI(docs_url=None, redoc_url=None, openapi_url=None)
    app.add_exception_handler(Exception, _internal_error)

    @app.get("/healthz")
    async def healthz() -> dict[str, str]:
        return {"status": "ok"}

    @app.get("/readyz")
    async def readyz() -> JSONResponse:
        ready, detail = (True, "") if readiness is None else await readiness()
        body = {"status": "ready" if ready else "not ready", "detail": detail}
        return JSONResponse(body, status_code=200 if ready else 503)

    @app.post("/webhook")
    async def webhook(request: Request) -> JSONResponse:
        started = time.perf_counter()
        received = await _receive(request, settings)
        if isinstance(received, JSONResponse):
            return received
        body, event, payload = received
        # Redeliveries keep their id; without one, the body identifies the delivery.
        delivery = request.headers.get("x-github-delivery") or hashlib.sha256(body).hexdigest()[:36]
        outcome = await dispatch(decide(event, payload, settings, delivery), starter, github)
        fields = {
            **outcome.body,
            "delivery": delivery,
            "event": event,
            "action": payload.get("action"),
            "status_code": outcome.status_code,
            "duration_ms": round((time.perf_counter() - started) * 1000, 2),
        }
        log_event(logger, "delivery", **fields)
        return JSONResponse(outcome.body, status_code=outcome.status_code)

    return app


async def _receive(
    request: Request, settings: WebhookSettings
) -> tuple[bytes, str, dict[str, Any]] | JSONResponse:
    """(body, event, payload) of a delivery whose size, timing and signature pass, the
    signature checked before the body is parsed; else the refusal to answer."""
    headers = request.headers

    def refuse(status_code: int, status: str, reason: str) -> JSONResponse:
        # Logged without the body: refused deliveries are untrusted input.
        fields = {
            "status_code": status_code,
            "reason": reason,
            "delivery": headers.get("x-github-delivery"),
            "event": headers.get("x-github-event"),
        }
        log_event(logger, "refused delivery", logging.WARNING, **fields)
        return _answer(status_code, status, reason)

    declared = headers.get("content-length")
    if declared is not None and not (declared.isascii() and declared.isdigit()):
        return refuse(400, "rejected", "invalid Content-Length")
    if declared is not None and int(declared) > settings.max_body_bytes:
        return refuse(413, "rejected", "body too large")
    try:
        async with asyncio.timeout(settings.body_timeout_seconds):
            body = await _read_body(request, settings.max_body_bytes)
    except TimeoutError:
        return refuse(408, "rejected", "body not received in time")
    except ClientDisconnect:
        return refuse(400, "rejected", "client disconnected before sending the body")
    if body is None:
        return refuse(413, "rejected", "body too large")
    if not verify_signature(settings.webhook_secret, body, headers.get("x-hub-signature-256")):
        return refuse(401, "unauthorized", "missing or invalid X-Hub-Signature-256")
    event = headers.get("x-github-event", "")
    if not event:
        return refuse(400, "rejected", "missing X-GitHub-Event header")
    try:
        payload: Any = json.loads(body)
    except (ValueError, RecursionError):  # ValueError includes UnicodeDecodeError
        return refuse(400, "rejected", "body is not JSON")
    if not isinstance(payload, dict):
        return refuse(400, "rejected", "body is not a JSON object")
    return body, event, payload
