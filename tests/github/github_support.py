"""Support for the GitHub tests: an App key, serving the fake, a pull request from a repo."""

from __future__ import annotations

import hashlib
import hmac
import json
import re
import socket
import subprocess
import threading
import time
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import uvicorn
from cryptography.hazmat.primitives import serialization
from cryptography.hazmat.primitives.asymmetric import rsa
from webhook_fixtures import fixture

SECRET = "github-tests-secret"
# the inline comments the analysers' findings on the scenario's pull request become:
# (path, line, start_line, rule)
EXPECTED_INLINE = [
    ("app.py", 3, None, "F401"),
    ("app.py", 11, 8, "B602"),  # the whole call, from its first line
    ("app.py", 47, None, "F821"),
    ("app.py", 47, None, "py-code-injection"),  # the rule pack's, merged with bandit's B307
    ("new_name.py", 3, None, "F401"),
    ("tail.py", 2, None, "B307"),
]
_STATUS = {"A": "added", "M": "modified", "D": "removed", "R": "renamed", "C": "copied"}


def rsa_pair() -> tuple[str, str]:
    key = rsa.generate_private_key(public_exponent=65537, key_size=2048)
    private = key.private_bytes(
        serialization.Encoding.PEM,
        serialization.PrivateFormat.PKCS8,
        serialization.NoEncryption(),
    ).decode()
    public = (
        key.public_key()
        .public_bytes(serialization.Encoding.PEM, serialization.PublicFormat.SubjectPublicKeyInfo)
        .decode()
    )
    return private, public


@contextmanager
def served(app: Any) -> Iterator[str]:
    """Serve an ASGI app on 127.0.0.1 in a thread; yields its base URL."""
    sock = socket.socket(socket.AF_INET, socket.SOCK_STREAM)
    sock.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
    sock.bind(("127.0.0.1", 0))
    port = sock.getsockname()[1]
    config = uvicorn.Config(app, log_level="warning", lifespan="off", access_log=False)
    server = uvicorn.Server(config)
    thread = threading.Thread(target=server.run, kwargs={"sockets": [sock]}, daemon=True)
    thread.start()
    deadline = time.monotonic() + 10
    while not server.started:
        if time.monotonic() > deadline:
            raise RuntimeError("the fake GitHub did not start")
        time.sleep(0.01)
    try:
        yield f"http://127.0.0.1:{port}"
    finally:
        server.should_exit = True
        thread.join(10)
        sock.close()


def _git(repo: Path, *args: str) -> bytes:
    """git on `repo`'s objects only, from outside it: like GitHub's diff of a pull request
    whose base has no `.gitattributes`, the head's attributes change nothing."""
    command = ["git", f"--git-dir={repo / '.git'}", "-c", "core.bare=true"]
    return subprocess.run(
        [*command, "-c", "core.quotePath=false", *args],
        cwd=repo.parent,
        capture_output=True,
        check=True,
    ).stdout


def files_of(repo: Path, base: str, head: str, *, without_patch: tuple[str, ...] = ()) -> list:
    """The pull request files listing GitHub would answer for base...head (a type change
    shows its new side)."""
    merge_base = _git(repo, "merge-base", base, head).decode().strip()
    fields = _git(repo, "diff", "--raw", "-z", "-M", merge_base, head).decode().split("\x00")
    files = []
    i = 0
    while i < len(fields) and fields[i]:
        code = fields[i].split()[-1][0]
        paths = [fields[i + 1], fields[i + 2]] if code in "RC" else [fields[i + 1]]
        i += 1 + len(paths)
        entry: dict[str, Any] = {"filename": paths[-1], "status": _STATUS.get(code, "modified")}
        if len(paths) == 2:
            entry["previous_filename"] = paths[0]
        text = _git(repo, "diff", "-M", "--no-color", merge_base, head, "--", *paths).decode()
        text = "diff --git" + text.split("diff --git")[-1]  # a type change: its created half
        if "@@" in text and paths[-1] not in without_patch:
            entry["patch"] = text[text.index("\n@@") + 1 :].removesuffix("\n")
        files.append(entry)
    return files


_HUNK = re.compile(r"^@@ -(\d+)(?:,(\d+))? \+(\d+)(?:,(\d+))? @@", re.MULTILINE)


def moved_line(repo: Path, old: str, new: str, path: str, line: int) -> int | None:
    """Where line `line` of `path` at commit `old` is at commit `new`, or None when the
    line itself was changed or removed (by content, as GitHub follows a comment)."""
    patch = _git(repo, "diff", "-U0", "--no-renames", old, new, "--", path).decode()
    shift = 0
    for match in _HUNK.finditer(patch):
        start, length = int(match.group(1)), int(match.group(2) or 1)
        added = int(match.group(4) or 1) if match.group(4) != "0" else 0
        if length and start <= line < start + length:
            return None  # this very line was changed or deleted
        if (length and start + length <= line) or (not length and start < line):
            shift += added - length
    return line + shift


def follow_comments(fake: Any, repo: Path, head: str) -> None:
    """GitHub's view of the review comments after a push to `head`: a comment whose line
    is unchanged since the commit it was made on, and still shown in the pull request's
    diff, moves with it (`line`); any other is outdated (`line` null, `original_line`
    kept)."""
    from patch_oracle import commentable

    pull = fake.pulls[1]
    shown = {f["filename"]: commentable(f.get("patch") or "") for f in pull.files}
    for comment in fake.review_comments:
        if comment.get("line") is None or comment["pull_number"] != 1:
            continue
        line = moved_line(repo, comment["commit_id"], head, comment["path"], comment["line"])
        if line is None or line not in shown.get(comment["path"], set()):
            comment["line"] = comment["start_line"] = None
            continue
        start = comment.get("start_line")
        moved_start = (
            moved_line(repo, comment["commit_id"], head, comment["path"], start) if start else None
        )
        comment["line"], comment["start_line"] = line, moved_start
        comment["commit_id"] = head


def sign(body: bytes, secret: str = SECRET) -> str:
    return "sha256=" + hmac.new(secret.encode(), body, hashlib.sha256).hexdigest()


def pull_request_payload(
    repository: str, clone_url: str, number: int, head: str, base: str, action: str = "opened"
) -> dict[str, Any]:
    """Our pull_request.opened fixture (installation 42), moved onto the fake's repository."""
    payload = fixture("pull_request/opened")
    payload["action"] = action
    payload["repository"].update(full_name=repository, clone_url=clone_url)
    pr = payload["pull_request"]
    pr.update(number=number, state="open", draft=False)
    pr["head"].update(sha=head, ref="feature")
    pr["base"].update(sha=base, ref="main")
    return payload


def delivery_headers(
    event: str, body: bytes, delivery: str, secret: str = SECRET
) -> dict[str, str]:
    return {
        "X-GitHub-Event": event,
        "X-GitHub-Delivery": delivery,
        "X-Hub-Signature-256": sign(body, secret),
        "Content-Type": "application/json",
    }


def run_workflow(
    app: Any, trigger: Any, workspace: Path, config: Any = None, progress: Any = None
) -> Any:
    """Run the review workflow with the pull-request source on the local durable runner;
    returns the runner's result. `config` is the reviews' template (ReviewConfig),
    `progress` the ProgressPolicy (default: the workflow's)."""
    import uuid

    from orchestrator.local import open_runner
    from orchestrator.sources.pull_request import PullRequestSource
    from orchestrator.workflow import make_handler

    source = PullRequestSource(app, config)
    handler = make_handler(workspace, {source.name: source}, progress=progress)
    with open_runner(workspace, handler) as runner:
        result = runner.run(
            input=json.dumps(trigger.workflow_event()),
            execution_name=uuid.uuid4().hex,
            execution_timeout=300,
        )
    data = json.loads(result.result) if isinstance(result.result, str) else result.result
    return Ran(data, result.error)


@dataclass
class Ran:
    """A finished workflow: its return value, or the error it ended with."""

    result: Any
    error: Any


def review_command_payload(repository: str, clone_url: str, number: int) -> dict[str, Any]:
    """A `/review` comment by the repository's owner, on pull request `number` (installation 42)."""
    payload = fixture("issue_comment/created")
    payload["repository"].update(full_name=repository, clone_url=clone_url)
    payload["issue"].update(number=number, state="open")
    payload["issue"]["pull_request"] = {"url": f"https://example.invalid/pulls/{number}"}
    payload["comment"].update(body="/review", author_association="OWNER")
    for account in (payload["sender"], payload["comment"]["user"]):
        account.update(login="octo-owner", type="User")
    return payload


def inline_of(review_body: dict) -> list[tuple]:
    """(path, line, start_line, rule) of each comment of a review request body."""
    return [
        (c["path"], c["line"], c.get("start_line"), c["body"].split("**")[1])
        for c in review_body["comments"]
    ]


@contextmanager
def fake_pull_request(repo: Any, public_key: str, **pull: Any) -> Iterator[Any]:
    """A fake GitHub serving `repo` (a tests.conftest.Repo) with pull request #1 from its
    base to its head; yields the FakeGitHub, its base URL set. `pull` goes to `files_of`."""
    from fake_github import FakeGitHub, Pull

    repo.git("update-ref", "refs/pull/1/head", repo.head)
    fake = FakeGitHub(public_key, str(repo.path))
    fake.pulls[1] = Pull(1, repo.head, repo.base, files_of(repo.path, repo.base, repo.head, **pull))
    with served(fake.app) as url:
        fake.base_url = url
        yield fake


class Held:
    """The fake's API requests matching (method, pattern), held until `release()`.

    `reached` is set when the first one arrives. A held request goes on by itself after
    `limit` seconds, so a failing test cannot hang the fake.
    """

    def __init__(self, method: str, pattern: str, limit: float = 120, after: int = 0) -> None:
        self.method, self.pattern, self.limit = method, pattern, limit
        self.after = after  # matching requests let through before the hold starts
        self.reached = threading.Event()
        self._released = threading.Event()

    def release(self) -> None:
        self._released.set()

    async def wait(self, method: str, path: str) -> None:
        import asyncio
        import re

        if method != self.method or not re.search(self.pattern, path):
            return
        if self.after > 0:
            self.after -= 1
            return
        self.reached.set()
        deadline = time.monotonic() + self.limit
        while not self._released.is_set() and time.monotonic() < deadline:
            await asyncio.sleep(0.02)


def hold(fake: Any, method: str, pattern: str, limit: float = 120, after: int = 0) -> Held:
    """Hold `fake`'s matching API requests (e.g. the review's POST) until released; the
    first `after` of them go through.

    Works on a fake already being served, and several holds apply together: each
    request waits while any hold matching it is held, then goes on unchanged.
    """
    held = Held(method, pattern, limit, after)
    fake.holds.append(held)
    return held
