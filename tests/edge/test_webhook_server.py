"""Bounded requests: the edge served by uvicorn as `reviewbot serve` configures it, over
real sockets. A client that sends half a request and stalls is disconnected within the
bound, connections beyond the limit are refused, and a body that trickles in too slowly
is refused by the app itself."""

from __future__ import annotations

import asyncio
import json
import socket
import threading
import time
from collections.abc import AsyncIterator, Iterator
from contextlib import contextmanager

import httpx
import uvicorn
from webhook_support import SECRET, RecordingStarter, headers_for, load

from webhook.app import create_app
from webhook.server import server_config
from webhook.settings import WebhookSettings

BOUND = 1.0  # seconds: REVIEWBOT_REQUEST_TIMEOUT_SECONDS, small for the test (default 10)


@contextmanager
def edge(max_connections: int = 100) -> Iterator[tuple[str, int]]:
    """The webhook app served on a free loopback port with the server configuration of
    `reviewbot serve`; yields (host, port)."""
    app = create_app(WebhookSettings(webhook_secret=SECRET), RecordingStarter())
    sock = socket.socket(socket.AF_INET, socket.SOCK_STREAM)
    sock.bind(("127.0.0.1", 0))
    config = server_config(
        app, "127.0.0.1", 0, request_timeout=BOUND, max_connections=max_connections
    )
    config.log_level = "warning"
    server = uvicorn.Server(config)
    thread = threading.Thread(target=server.run, kwargs={"sockets": [sock]}, daemon=True)
    thread.start()
    deadline = time.monotonic() + 10
    while not server.started and time.monotonic() < deadline:
        time.sleep(0.01)
    try:
        yield sock.getsockname()
    finally:
        server.should_exit = True
        thread.join(10)
        sock.close()


def seconds_until_closed(address: tuple[str, int], sent: bytes, limit: float = 10) -> float:
    """Send `sent`, then nothing: how long until the server closes the connection."""
    with socket.create_connection(address, timeout=limit) as client:
        started = time.monotonic()
        client.sendall(sent)
        while client.recv(65536):  # a response (e.g. 408) may come before the close
            pass
        return time.monotonic() - started


def test_stalled_headers_and_a_stalled_body_are_closed_within_the_bound() -> None:
    body = json.dumps(load("pull_request/opened")).encode()
    head = "".join(f"{k}: {v}\r\n" for k, v in headers_for("pull_request", body).items())
    with edge() as address:
        half_headers = b"POST /webhook HTTP/1.1\r\nHost: edge\r\nX-GitHub-Ev"
        assert BOUND * 0.8 < seconds_until_closed(address, half_headers) < BOUND + 2
        request = (
            f"POST /webhook HTTP/1.1\r\nHost: edge\r\nContent-Length: {len(body)}\r\n{head}\r\n"
        ).encode()
        half_body = request + body[: len(body) // 2]
        assert BOUND * 0.8 < seconds_until_closed(address, half_body) < BOUND + 2
        # a whole delivery on a fresh connection is still served
        answer = httpx.post(
            f"http://{address[0]}:{address[1]}/webhook",
            content=body,
            headers=headers_for("pull_request", body),
        )
        assert answer.status_code == 202 and answer.json()["status"] == "started"


def test_connections_beyond_the_limit_are_refused() -> None:
    with edge(max_connections=3) as address:
        url = f"http://{address[0]}:{address[1]}/healthz"
        idle = [socket.create_connection(address) for _ in range(3)]  # open, sending nothing
        time.sleep(0.2)
        try:
            assert httpx.get(url, timeout=5).status_code == 503
        finally:
            for client in idle:
                client.close()
        time.sleep(0.2)
        assert httpx.get(url, timeout=5).status_code == 200


def test_a_body_trickling_in_past_the_deadline_is_refused_by_the_app() -> None:
    """The app's own deadline, whatever server runs it."""
    settings = WebhookSettings(webhook_secret=SECRET, body_timeout_seconds=0.3)
    starter = RecordingStarter()
    app = create_app(settings, starter)
    body = json.dumps(load("pull_request/opened")).encode()

    async def trickle() -> AsyncIterator[bytes]:
        for i in range(0, len(body), 100):
            await asyncio.sleep(0.05)
            yield body[i : i + 100]

    async def send() -> httpx.Response:
        transport = httpx.ASGITransport(app=app)
        async with httpx.AsyncClient(transport=transport, base_url="http://edge") as client:
            headers = headers_for("pull_request", body)
            return await client.post("/webhook", content=trickle(), headers=headers)

    started = time.monotonic()
    answer = asyncio.run(send())
    assert answer.status_code == 408
    assert answer.json() == {"status": "rejected", "reason": "body not received in time"}
    assert time.monotonic() - started < 2 and starter.triggers == []
