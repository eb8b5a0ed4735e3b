"""Webhook edge benchmark: cold import cost, and latency under a burst of signed deliveries.

Loopback only (127.0.0.1), bounded loops, stops by itself:

    .venv/bin/python benchmarks/webhook_bench.py [--requests 200] [--rounds 3] [--import-runs 5]

The burst goes to a uvicorn server running the real app with a no-op starter, then to
a bare FastAPI endpoint that only reads the body, so the edge's own cost is the gap.
"""

from __future__ import annotations

import argparse
import asyncio
import hashlib
import hmac
import json
import multiprocessing
import os
import socket
import statistics
import subprocess
import sys
import time
import uuid
from pathlib import Path

import httpx
import uvicorn
from fastapi import FastAPI, Request

from review.trigger import ReviewTrigger, StartResult
from webhook.app import create_app
from webhook.settings import WebhookSettings

REPO_ROOT = Path(__file__).resolve().parents[1]
# the project's own fixture, so the benchmark runs on a fresh clone
PAYLOAD = REPO_ROOT / "tests" / "fixtures" / "webhooks" / "pull_request" / "opened.json"
SECRET = "benchmark-secret"  # noqa: S105 - signs loopback deliveries only
ENV = {
    **os.environ,
    "PYTHONPATH": str(REPO_ROOT),
    "REVIEWBOT_WEBHOOK_SECRET": SECRET,
    "REVIEWBOT_REVIEW_FUNCTION": "reviewbot-review",
}


def _subprocess_seconds(code: str, runs: int) -> float:
    """Median wall time of a fresh interpreter running `code`."""
    times = []
    for _ in range(runs):
        started = time.perf_counter()
        subprocess.run([sys.executable, "-c", code], cwd=REPO_ROOT, env=ENV, check=True)
        times.append(time.perf_counter() - started)
    return statistics.median(times)


def _importtime_top(code: str, count: int = 6) -> list[tuple[str, float]]:
    """The imports `code` makes itself with the largest cumulative time (-X importtime)."""
    result = subprocess.run(
        [sys.executable, "-X", "importtime", "-c", code],
        cwd=REPO_ROOT,
        env=ENV,
        capture_output=True,
        text=True,
        check=True,
    )
    totals: dict[str, float] = {}
    for line in result.stderr.splitlines():
        parts = line.split("|")
        if len(parts) != 3 or not parts[1].strip().isdigit():
            continue
        raw = parts[2]
        name = raw.strip()
        if len(raw) - len(raw.lstrip()) == 1:  # nested imports are indented further
            totals[name] = max(totals.get(name, 0.0), int(parts[1]) / 1e6)
    return sorted(totals.items(), key=lambda item: -item[1])[:count]


def bench_imports(runs: int) -> None:
    baseline = _subprocess_seconds("pass", runs)
    module = _subprocess_seconds("import reviewbot.lambda_handlers", runs)
    build = "from reviewbot.lambda_handlers import webhook"
    handler = _subprocess_seconds(build, runs)
    print(f"cold start, median of {runs} fresh interpreters (interpreter alone {baseline:.3f} s):")
    print(f"  {'import reviewbot.lambda_handlers':<58} +{module - baseline:.3f} s")
    print(f"  {build + ' (builds the app)':<58} +{handler - baseline:.3f} s")
    print("  largest imports behind `handler` (cumulative, -X importtime):")
    for name, seconds in _importtime_top(build):
        print(f"    {name:<28} {seconds:.3f} s")


def _free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


class NoopStarter:
    """Accepts every review instantly, so only the edge itself is measured."""

    def start(self, trigger: ReviewTrigger) -> StartResult:
        return StartResult(True, trigger.execution_name(), "noop")

    def status(self, execution_name: str) -> None:
        return None


def bare_app() -> FastAPI:
    """The floor: a FastAPI endpoint that reads the body and answers."""
    app = FastAPI()

    @app.post("/webhook")
    async def bare(request: Request) -> dict[str, str]:
        await request.body()
        return {"status": "ok"}

    @app.get("/healthz")
    async def healthz() -> dict[str, str]:
        return {"status": "ok"}

    return app


def _serve(kind: str, port: int) -> None:
    if kind == "reviewbot":
        app = create_app(WebhookSettings(webhook_secret=SECRET), NoopStarter())
    else:
        app = bare_app()
    uvicorn.run(app, host="127.0.0.1", port=port, log_level="warning", access_log=False)


def _percentile(values: list[float], pct: float) -> float:
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, round(pct / 100 * (len(ordered) - 1)))]


async def _burst(port: int, bodies: list[tuple[bytes, dict[str, str]]]) -> list[float]:
    limits = httpx.Limits(max_connections=len(bodies), max_keepalive_connections=len(bodies))
    url = f"http://127.0.0.1:{port}/webhook"
    async with httpx.AsyncClient(limits=limits, timeout=30.0) as client:

        async def one(body: bytes, headers: dict[str, str]) -> float:
            started = time.perf_counter()
            response = await client.post(url, content=body, headers=headers)
            elapsed = time.perf_counter() - started
            if response.status_code >= 300:
                raise RuntimeError(f"unexpected {response.status_code}: {response.text}")
            return elapsed

        return list(await asyncio.gather(*(one(b, h) for b, h in bodies)))


def _deliveries(count: int) -> list[tuple[bytes, dict[str, str]]]:
    payload = json.loads(PAYLOAD.read_text())
    out = []
    for i in range(count):
        payload["pull_request"]["head"]["sha"] = hashlib.sha1(str(i).encode()).hexdigest()  # noqa: S324
        body = json.dumps(payload).encode()
        signature = "sha256=" + hmac.new(SECRET.encode(), body, hashlib.sha256).hexdigest()
        headers = {
            "X-GitHub-Event": "pull_request",
            "X-GitHub-Delivery": str(uuid.uuid4()),
            "X-Hub-Signature-256": signature,
            "Content-Type": "application/json",
        }
        out.append((body, headers))
    return out


def _wait_ready(port: int, process: multiprocessing.Process) -> None:
    for _ in range(100):
        if not process.is_alive():
            raise RuntimeError("server exited during start-up")
        try:
            if httpx.get(f"http://127.0.0.1:{port}/healthz", timeout=1).status_code == 200:
                return
        except httpx.TransportError:
            time.sleep(0.05)
    raise RuntimeError("server did not start within 5 s")


async def _sequential(port: int, bodies: list[tuple[bytes, dict[str, str]]]) -> list[float]:
    latencies = []
    for body, headers in bodies:
        latencies += await _burst(port, [(body, headers)])
    return latencies


def _summary(label: str, seconds: list[float]) -> str:
    ms = [x * 1000 for x in seconds]
    return (
        f"  {label:<24} p50 {_percentile(ms, 50):7.1f} ms  p99 {_percentile(ms, 99):7.1f} ms"
        f"  max {max(ms):7.1f} ms"
    )


def bench_latency(kind: str, requests: int, rounds: int) -> None:
    port = _free_port()
    process = multiprocessing.Process(target=_serve, args=(kind, port), daemon=True)
    process.start()
    try:
        _wait_ready(port, process)
        asyncio.run(_burst(port, _deliveries(10)))  # warm-up
        alone = asyncio.run(_sequential(port, _deliveries(50)))
        print(_summary(f"{kind}, one at a time", alone))
        latencies: list[float] = []
        wall = []
        for _ in range(rounds):
            started = time.perf_counter()
            latencies += asyncio.run(_burst(port, _deliveries(requests)))
            wall.append(time.perf_counter() - started)
        print(
            _summary(f"{kind}, burst of {requests}", latencies)
            + f"  burst wall {statistics.median(wall) * 1000:5.0f} ms"
        )
    finally:
        process.terminate()
        process.join(5)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--requests", type=int, default=200, help="deliveries per burst")
    parser.add_argument("--rounds", type=int, default=3, help="bursts per server")
    parser.add_argument("--import-runs", type=int, default=5, help="fresh interpreters to time")
    args = parser.parse_args()
    bench_imports(args.import_runs)
    size = PAYLOAD.stat().st_size
    print(
        f"latency of signed pull_request deliveries ({size} B each) on 127.0.0.1, one uvicorn "
        f"worker: 50 one at a time, then {args.rounds} bursts of {args.requests} at once"
    )
    for kind in ("reviewbot", "bare"):
        bench_latency(kind, args.requests, args.rounds)


if __name__ == "__main__":
    main()
