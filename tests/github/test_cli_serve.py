"""`reviewbot serve` as an operator runs it: the console script in its own process.

The server is configured only through its environment (REVIEWBOT_*), points at the fake
GitHub, listens on a free loopback port and reviews into a temporary workspace. A signed
pull_request.opened delivery is answered at once; the review then runs in the
background, while /healthz keeps answering and the duplicates GitHub sends (a redelivery,
a second event for the same head) are recognised, so exactly one review is published.
"""

from __future__ import annotations

import json
import os
import signal
import socket
import subprocess
import sys
import time
from collections.abc import Callable, Iterator
from concurrent.futures import ThreadPoolExecutor
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path
from threading import Barrier

import httpx
import pytest
from github_support import (
    EXPECTED_INLINE,
    SECRET,
    delivery_headers,
    hold,
    inline_of,
    pull_request_payload,
)

from reporter.formats.markdown import SUMMARY_MARKER

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
def running_server(env: dict[str, str], cwd: Path) -> Iterator[Server]:
    """`reviewbot serve` on a free port, once /healthz answers; stopped (bounded) after."""
    port = free_port()
    log = cwd / "serve.log"
    with log.open("wb") as sink:
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
    server: Server, event: str, payload: dict, delivery: str
) -> tuple[httpx.Response, float]:
    """POST a signed delivery; the answer and how long it took, in seconds."""
    body = json.dumps(payload).encode()
    started = time.perf_counter()
    answer = httpx.post(
        f"{server.url}/webhook",
        content=body,
        headers=delivery_headers(event, body, delivery),
        timeout=10,  # GitHub's own limit for a delivery
    )
    return answer, time.perf_counter() - started


def wait_for(condition: Callable[[], bool], seconds: float, what: str, server: Server) -> None:
    deadline = time.monotonic() + seconds
    while not condition():
        if server.process.poll() is not None or time.monotonic() > deadline:
            pytest.fail(f"{what} did not happen in {seconds} s:\n{server.output()}")
        time.sleep(0.05)


def opened(scenario, action: str = "opened") -> dict:
    gh = scenario.github
    return pull_request_payload(
        f"{gh.owner}/{gh.name}", gh.clone_url, 1, scenario.pull.head, scenario.pull.base, action
    )


def test_serve_answers_at_once_and_publishes_one_review(scenario, tmp_path: Path) -> None:
    gh = scenario.github
    # the review's POST waits until we let it go: the review is surely still running
    held = hold(gh, "POST", r"/pulls/1/reviews$")
    with running_server(serve_env(scenario, tmp_path), tmp_path) as server:
        try:
            answer, took = deliver(server, "pull_request", opened(scenario), "delivery-1")
            ms = took * 1000
            print(f"\nreviewbot serve answered the delivery {answer.status_code} in {ms:.1f} ms")
            assert answer.status_code == 202 and answer.json()["status"] == "started", answer.text
            assert took < 2, f"the delivery took {took:.2f} s: it must not wait for the review"

            assert held.reached.wait(REVIEW_SECONDS), f"no review was posted:\n{server.output()}"
            (running,) = gh.check_runs.values()
            assert running["status"] == "in_progress" and not gh.reviews

            # while it runs: the server stays healthy ...
            started = time.perf_counter()
            health = httpx.get(f"{server.url}/healthz", timeout=5)
            assert health.status_code == 200 and health.json() == {"status": "ok"}
            assert time.perf_counter() - started < 2

            # ... and GitHub's redelivery and a synchronize for the same head, racing each
            # other, are both duplicates of the running review
            barrier = Barrier(2)

            def send(args: tuple[str, str]) -> httpx.Response:
                action, delivery = args
                barrier.wait(10)
                return deliver(server, "pull_request", opened(scenario, action), delivery)[0]

            with ThreadPoolExecutor(2) as pool:
                answers = list(
                    pool.map(send, [("opened", "delivery-1"), ("synchronize", "delivery-2")])
                )
            assert [a.status_code for a in answers] == [202, 202]
            assert [a.json()["status"] for a in answers] == ["duplicate", "duplicate"]

            held.release()
            wait_for(
                lambda: (
                    len(gh.reviews) == 1
                    and len(gh.issue_comments) == 1
                    and running["status"] == "completed"
                ),
                REVIEW_SECONDS,
                "the review, its summary and the completed check run",
                server,
            )
        finally:
            held.release()  # never leave the review hanging, even when failing
    # the server has stopped, after letting any review it had started finish
    assert "Application shutdown complete" in server.output()
    assert len(gh.calls("POST", r"/pulls/1/reviews$")) == 1 and len(gh.reviews) == 1
    assert len(gh.calls("POST", r"/check-runs$")) == 1 and len(gh.check_runs) == 1
    assert len(gh.calls("POST", r"/issues/1/comments$")) == 1

    (review,) = gh.reviews
    assert review["commit_id"] == scenario.pull.head and review["state"] == "COMMENTED"
    (posted,) = gh.calls("POST", r"/pulls/1/reviews$")
    assert sorted(inline_of(posted.body)) == sorted(EXPECTED_INLINE)
    assert len(gh.review_comments) == len(EXPECTED_INLINE)
    assert gh.issue_comments[0]["body"].startswith(SUMMARY_MARKER)
    assert running["head_sha"] == scenario.pull.head and running["conclusion"] == "failure"
    assert (tmp_path / "workspace").is_dir()  # REVIEWBOT_WORKSPACE was used


def test_serve_without_an_app_id_names_the_variable(scenario, tmp_path: Path) -> None:
    env = serve_env(scenario, tmp_path, REVIEWBOT_APP_ID=None)
    done = subprocess.run(
        [*reviewbot_command(), "serve", "--port", str(free_port())],
        env=env,
        cwd=tmp_path,
        stdin=subprocess.DEVNULL,
        capture_output=True,
        text=True,
        timeout=START_SECONDS,
    )
    assert done.returncode == 2, done.stderr
    (line,) = done.stderr.splitlines()
    assert line.startswith("reviewbot: REVIEWBOT_APP_ID ")
    assert done.stdout == ""
    assert not scenario.github.requests  # nothing was asked of GitHub
