"""Recovery benchmark: `reviewbot serve` killed with SIGKILL mid-burst, then restarted.

Loopback only (127.0.0.1), against the tests' fake GitHub, bounded, stops by itself:

    .venv/bin/python benchmarks/recovery_bench.py [--pulls 20] [--seed 7] [--kill-after S]

One signed pull_request delivery for each of `--pulls` pull requests (the same small
change with findings), a `kill -9` at a random moment while they are reviewed (or after
`--kill-after` seconds), then a restart on the same workspace. Prints the time from the
restart until every review has ended, how many reviews ran twice (started before the
kill and again after it) and how many outputs were posted twice (must be 0).
"""

from __future__ import annotations

import argparse
import json
import os
import random
import signal
import socket
import subprocess
import sys
import tempfile
import time
from collections.abc import Callable
from pathlib import Path

import httpx

REPO_ROOT = Path(__file__).resolve().parents[1]
sys.path[:0] = [str(REPO_ROOT / "tests"), str(REPO_ROOT / "tests" / "github")]

from fake_github import FakeGitHub, Pull  # noqa: E402 - the tests' fake, by path
from github_support import (  # noqa: E402
    SECRET,
    delivery_headers,
    files_of,
    pull_request_payload,
    rsa_pair,
    served,
)

BASE = {"app.py": "import subprocess\n\n\ndef run(cmd):\n    return subprocess.call(cmd)\n"}
HEAD = {
    "app.py": "import os\nimport subprocess\n\n\ndef run(cmd):\n"
    "    return subprocess.call(cmd, shell=True)\n\n\ndef calc(text):\n    return eval(text)\n"
}
GIT_ENV = {
    "GIT_AUTHOR_NAME": "bench",
    "GIT_AUTHOR_EMAIL": "bench@example.invalid",
    "GIT_COMMITTER_NAME": "bench",
    "GIT_COMMITTER_EMAIL": "bench@example.invalid",
    "GIT_CONFIG_GLOBAL": os.devnull,
}


def git(repo: Path, *args: str) -> str:
    env = {**os.environ, **GIT_ENV}
    done = subprocess.run(["git", *args], cwd=repo, env=env, capture_output=True, check=True)
    return done.stdout.decode().strip()


def make_repo(path: Path) -> tuple[str, str]:
    """A repository with a base and a head commit; (base, head)."""
    path.mkdir()
    git(path, "init", "-q", "-b", "main")
    commits = []
    for files in (BASE, HEAD):
        for name, text in files.items():
            (path / name).write_text(text)
        git(path, "add", "-A")
        git(path, "commit", "-qm", "change")
        commits.append(git(path, "rev-parse", "HEAD"))
    return commits[0], commits[1]


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


def start_server(env: dict[str, str], log: Path) -> tuple[subprocess.Popen, str]:
    port = free_port()
    command = [str(Path(sys.executable).parent / "reviewbot"), "serve", "--port", str(port)]
    with log.open("ab") as sink:
        process = subprocess.Popen(
            command, env=env, cwd=log.parent, stdout=sink, stderr=subprocess.STDOUT
        )
    url = f"http://127.0.0.1:{port}"
    deadline = time.monotonic() + 60
    while time.monotonic() < deadline:
        try:
            if httpx.get(f"{url}/healthz", timeout=1).status_code == 200:
                return process, url
        except httpx.TransportError:
            time.sleep(0.05)
    process.kill()
    raise SystemExit(f"reviewbot serve did not start:\n{log.read_text()}")


def ended(gh: FakeGitHub, number: int) -> bool:
    runs = [r for r in gh.check_runs.values() if r.get("external_id") == f"pr:{number}"]
    return (
        bool(runs)
        and all(r["status"] == "completed" for r in runs)
        and any(c["issue_number"] == number for c in gh.issue_comments)
    )


def posted_twice(gh: FakeGitHub, numbers: range) -> dict[str, int]:
    """Outputs posted more than once, by kind (extra posts beyond the first)."""
    extra = {"reviews": 0, "summaries": 0, "check runs": 0}
    for n in numbers:
        created = gh.calls("POST", r"/check-runs$")
        checks = [c for c in created if c.body["external_id"] == f"pr:{n}"]
        counts = {
            "reviews": sum(1 for r in gh.reviews if r["pull_number"] == n),
            "summaries": sum(1 for c in gh.issue_comments if c["issue_number"] == n),
            "check runs": len(checks),
        }
        for kind, count in counts.items():
            extra[kind] += max(0, count - 1)
    return extra


def ran_twice(workspace: Path) -> int:
    """Reviews whose workflow was started more than once (the durable queue's count)."""
    import sqlite3

    with sqlite3.connect(workspace / "state" / "reviews.sqlite") as db:
        return int(db.execute("SELECT COUNT(*) FROM reviews WHERE runs > 1").fetchone()[0])


def wait(condition: Callable[[], bool], seconds: float) -> bool:
    deadline = time.monotonic() + seconds
    while not condition():
        if time.monotonic() > deadline:
            return False
        time.sleep(0.05)
    return True


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--pulls", type=int, default=20)
    parser.add_argument("--seed", type=int, default=None)
    parser.add_argument("--kill-after", type=float, help="seconds after the burst (random)")
    args = parser.parse_args()
    rng = random.Random(args.seed)
    numbers = range(1, args.pulls + 1)
    with tempfile.TemporaryDirectory(prefix="recovery-bench-") as tmp:
        root = Path(tmp)
        base, head = make_repo(root / "repo")
        private, public = rsa_pair()
        gh = FakeGitHub(public, str(root / "repo"))
        files = files_of(root / "repo", base, head)
        for n in numbers:
            gh.pulls[n] = Pull(n, head, base, list(files))
        (root / "key.pem").write_text(private)
        with served(gh.app) as url:
            gh.base_url = url
            env = {k: v for k, v in os.environ.items() if not k.startswith("REVIEWBOT_")}
            env.update(
                REVIEWBOT_WEBHOOK_SECRET=SECRET,
                REVIEWBOT_APP_ID=str(gh.app_id),
                REVIEWBOT_PRIVATE_KEY_PATH=str(root / "key.pem"),
                REVIEWBOT_GITHUB_API_URL=gh.api_url,
                REVIEWBOT_APP_SLUG=gh.slug,
                REVIEWBOT_WORKSPACE=str(root / "workspace"),
            )
            run(gh, env, root, numbers, rng, args.kill_after)


def run(gh, env, root: Path, numbers: range, rng: random.Random, kill_after) -> None:
    log = root / "serve.log"
    process, url = start_server(env, log)
    burst = time.monotonic()
    for n in numbers:
        payload = pull_request_payload(
            f"{gh.owner}/{gh.name}", gh.clone_url, n, gh.pulls[n].head, gh.pulls[n].base
        )
        body = json.dumps(payload).encode()
        answer = httpx.post(
            f"{url}/webhook", content=body, headers=delivery_headers("pull_request", body, f"d{n}")
        )
        assert answer.status_code == 202, answer.text
    answered = time.monotonic() - burst
    delay = kill_after if kill_after is not None else rng.uniform(0.5, 0.5 + 0.6 * len(numbers))
    time.sleep(delay)
    process.send_signal(signal.SIGKILL)
    process.wait(30)
    done_before = sum(ended(gh, n) for n in numbers)
    started = {r.get("external_id") for r in gh.check_runs.values()}
    running = sum(1 for n in numbers if not ended(gh, n) and f"pr:{n}" in started)
    print(f"{len(numbers)} deliveries answered 202 in {answered:.2f} s")
    print(
        f"kill -9 after {delay:.2f} s: {done_before} reviews had ended, {running} had a check "
        f"run in progress, {len(numbers) - done_before - running} had not started"
    )
    restarted = time.monotonic()
    process, url = start_server(env, log)
    up = time.monotonic() - restarted
    finished = wait(lambda: all(ended(gh, n) for n in numbers), 600)
    took = time.monotonic() - restarted
    process.send_signal(signal.SIGTERM)
    process.wait(60)
    if not finished:
        raise SystemExit(f"not every review ended within 600 s:\n{log.read_text()[-4000:]}")
    extra = posted_twice(gh, numbers)
    spinning = sum(1 for r in gh.check_runs.values() if r["status"] != "completed")
    print(f"restart: serving again in {up:.2f} s; every review ended {took:.2f} s after it")
    print(f"reviews that ran twice (interrupted, then run again): {ran_twice(root / 'workspace')}")
    print(
        f"posted twice: {sum(extra.values())} "
        f"({', '.join(f'{k} {v}' for k, v in extra.items())}); check runs left in progress: "
        f"{spinning}"
    )


if __name__ == "__main__":
    main()
