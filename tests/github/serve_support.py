"""Running `reviewbot serve` as an operator runs it, for the process tests: the console
script in its own process, configured only through its environment (REVIEWBOT_*),
pointing at the fake GitHub, on a free loopback port, reviewing into a workspace."""

from __future__ import annotations

import json
import os
import signal
import socket
import subprocess
import sys
import time
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path

import httpx
import pytest
from github_support import SECRET, delivery_headers, pull_request_payload

START_SECONDS = 60  # imports and start-up of a fresh interpreter, on a slow machine
REVIEW_SECONDS = 60
STOP_SECONDS = 30


def reviewbot_command() -> list[str]:
    """The installed `reviewbot` console script (or its entry point, where none is)."""
    script = Path(sys.executable).parent / "reviewbot"
    if script.is_file():
        return [str(script)]
    return [sys.executable, "-c", "import sys; from reviewbot.cli import main; sys.exit(main())"]


def free_port() -> int:
    with socket.socket(socket.AF_INET, socket.SOCK_STREAM) as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


def serve_once(env: dict[str, str], cwd: Path) -> subprocess.CompletedProcess[str]:
    """`reviewbot serve` on a free port, for a start that must stop by itself (a refused
    setting, a damaged workspace): its exit status and output, as text."""
    return subprocess.run(
        [*reviewbot_command(), "serve", "--port", str(free_port())],
        env=env,
        cwd=cwd,
        stdin=subprocess.DEVNULL,
        capture_output=True,
        text=True,
        timeout=START_SECONDS,
    )


def serve_env(scenario, tmp_path: Path, **changes: str | None) -> dict[str, str]:
    """The process environment without our REVIEWBOT_* values, plus the server's settings."""
    gh = scenario.github
    key = tmp_path / "app-key.pem"
    key.write_text(scenario.settings.private_key)
    key.chmod(0o600)
    env = {k: v for k, v in os.environ.items() if not k.startswith("REVIEWBOT_")}
    settings = {
        "REVIEWBOT_WEBHOOK_SECRET": SECRET,
        "REVIEWBOT_APP_ID": str(gh.app_id),
        "REVIEWBOT_PRIVATE_KEY_PATH": str(key),
        "REVIEWBOT_GITHUB_API_URL": gh.api_url,
        "REVIEWBOT_APP_SLUG": gh.slug,
        "REVIEWBOT_WORKSPACE": str(tmp_path / "workspace"),
        **changes,
    }
    env.update({k: v for k, v in settings.items() if v is not None})
    return env


@dataclass
class Server:
    url: str
    process: subprocess.Popen
    log: Path

    def output(self) -> str:
        return self.log.read_text(errors="replace")


@contextmanager
def running_server(env: dict[str, str], cwd: Path, port: int | None = None) -> Iterator[Server]:
    """`reviewbot serve` on `port` (default: a free one), once /healthz answers; stopped
    (bounded) after."""
    port = port or free_port()
    log = cwd / "serve.log"  # appended to: a restarted server's output follows the last's
    with log.open("ab") as sink:
        process = subprocess.Popen(
            [*reviewbot_command(), "serve", "--host", "127.0.0.1", "--port", str(port)],
            env=env,
            cwd=cwd,  # no .env of ours is read
            stdin=subprocess.DEVNULL,
            stdout=sink,
            stderr=subprocess.STDOUT,
        )
    server = Server(f"http://127.0.0.1:{port}", process, log)
    try:
        deadline = time.monotonic() + START_SECONDS
        while True:
            if process.poll() is not None:
                pytest.fail(f"reviewbot serve exited with {process.returncode}:\n{server.output()}")
            try:
                if httpx.get(f"{server.url}/healthz", timeout=1).status_code == 200:
                    break
            except httpx.TransportError:
                pass
            if time.monotonic() > deadline:
                pytest.fail(
                    f"reviewbot serve did not start in {START_SECONDS} s:\n{server.output()}"
                )
            time.sleep(0.1)
        yield server
    finally:
        if process.poll() is None:
            process.send_signal(signal.SIGTERM)  # graceful: running reviews finish first
            try:
                process.wait(STOP_SECONDS)
            except subprocess.TimeoutExpired:
                process.kill()
                process.wait(10)
                pytest.fail(f"reviewbot serve did not stop in {STOP_SECONDS} s")


def deliver(
    server: Server, event: str, payload: dict, delivery: str, secret: str = SECRET
) -> tuple[httpx.Response, float]:
    """POST a delivery signed with `secret`; the answer and how long it took, in seconds."""
    body = json.dumps(payload).encode()
    started = time.perf_counter()
    answer = httpx.post(
        f"{server.url}/webhook",
        content=body,
        headers=delivery_headers(event, body, delivery, secret),
        timeout=10,  # GitHub's own limit for a delivery
    )
    return answer, time.perf_counter() - started


def wait_for(condition: Callable[[], bool], seconds: float, what: str, server: Server) -> None:
    deadline = time.monotonic() + seconds
    while not condition():
        if server.process.poll() is not None or time.monotonic() > deadline:
            pytest.fail(f"{what} did not happen in {seconds} s:\n{server.output()}")
        time.sleep(0.05)


def opened(scenario, action: str = "opened", number: int = 1) -> dict:
    """A pull_request delivery for pull request `number` of the scenario's fake GitHub."""
    gh = scenario.github
    pull = gh.pulls[number]
    return pull_request_payload(
        f"{gh.owner}/{gh.name}", gh.clone_url, number, pull.head, pull.base, action
    )
