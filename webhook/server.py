"""Serving the edge with uvicorn: bounded requests and connections, and a draining stop.

- A request's headers and body must arrive within `request_timeout` seconds of the
  connection opening (or of the previous response on a kept-alive connection); otherwise
  the connection is closed. uvicorn has no such bound of its own: its keep-alive timeout
  only covers idle connections between requests, so a client that sends half a request
  and stalls would hold its connection forever. GitHub sends a delivery at once.
- At most `max_connections` connections and requests at once (uvicorn's
  `limit_concurrency`); more are answered 503.
- Header blocks over 64 KiB are refused by h11 (`h11_max_incomplete_event_size`).
- The first SIGTERM or SIGINT drains (`drain` runs in a thread: reviews stop starting and
  the running ones get a grace period) while deliveries are still answered; then the
  server stops. A second signal stops at once.
"""

from __future__ import annotations

import logging
import threading
from collections.abc import Callable
from types import FrameType
from typing import Any

import h11
import uvicorn
from uvicorn.protocols.http.h11_impl import H11Protocol

log = logging.getLogger(__name__)
MAX_HEADER_BYTES = 64 * 1024
KEEP_ALIVE_SECONDS = 5
GRACEFUL_SHUTDOWN_SECONDS = 5  # open connections, once the server stops listening
_RECEIVED = (h11.DONE, h11.MUST_CLOSE, h11.CLOSED, h11.ERROR)


def bounded_h11(request_timeout: float) -> type[H11Protocol]:
    """uvicorn's h11 protocol, closing connections whose request is not fully received
    within `request_timeout` seconds."""

    class BoundedH11Protocol(H11Protocol):
        _deadline: Any = None

        def connection_made(self, transport: Any) -> None:  # type: ignore[override]
            super().connection_made(transport)
            self._arm()

        def data_received(self, data: bytes) -> None:
            super().data_received(data)
            if self.conn.their_state in _RECEIVED:
                self._disarm()

        def on_response_complete(self) -> None:
            super().on_response_complete()
            if not self.transport.is_closing() and self.conn.their_state not in _RECEIVED:
                self._arm()  # the next request on this connection gets the same bound

        def connection_lost(self, exc: Exception | None) -> None:
            self._disarm()
            super().connection_lost(exc)

        def _arm(self) -> None:
            self._disarm()
            self._deadline = self.loop.call_later(request_timeout, self._expire)

        def _disarm(self) -> None:
            if self._deadline is not None:
                self._deadline.cancel()
                self._deadline = None

        def _expire(self) -> None:
            self._deadline = None
            if self.conn.their_state in _RECEIVED or self.transport.is_closing():
                return
            log.warning(
                "closing a connection from %s: its request did not arrive within %g s",
                self.client[0] if self.client else "?",
                request_timeout,
            )
            self.transport.close()

    return BoundedH11Protocol


def server_config(
    app: Any,
    host: str,
    port: int,
    *,
    request_timeout: float,
    max_connections: int,
    log_level: str = "info",
) -> uvicorn.Config:
    """The uvicorn configuration `reviewbot serve` runs the edge with (see the module)."""
    return uvicorn.Config(
        app,
        host=host,
        port=port,
        http=bounded_h11(request_timeout),
        limit_concurrency=max_connections,
        timeout_keep_alive=KEEP_ALIVE_SECONDS,
        timeout_graceful_shutdown=GRACEFUL_SHUTDOWN_SECONDS,
        h11_max_incomplete_event_size=MAX_HEADER_BYTES,
        log_level=log_level,
    )


class DrainingServer(uvicorn.Server):
    """A uvicorn server whose first stop signal runs `drain` (in a thread) before stopping;
    a second one calls `hurry` (which must end `drain` at once) and stops."""

    def __init__(
        self, config: uvicorn.Config, drain: Callable[[], object], hurry: Callable[[], None]
    ) -> None:
        super().__init__(config)
        self._drain = drain
        self._hurry = hurry
        self._draining: threading.Thread | None = None

    def handle_exit(self, sig: int, frame: FrameType | None) -> None:
        if self._draining is not None:  # a second signal: stop now
            log.warning("second stop signal: stopping without waiting")
            self._hurry()
            self.force_exit = self.should_exit
            self.should_exit = True
            return
        log.warning("stop signal: draining before stopping (a second signal stops at once)")

        def drain_then_exit() -> None:
            try:
                self._drain()
            finally:
                self.should_exit = True

        self._draining = threading.Thread(target=drain_then_exit, name="drain", daemon=True)
        self._draining.start()
