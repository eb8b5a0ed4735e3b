"""`reviewbot serve`: the webhook edge and the review workflow in one process.

`LocalStarter` is the edge's `ReviewStarter` for a single machine: `start` queues the
review and returns at once (GitHub gives a delivery 10 seconds); a small thread pool
runs each review on the durable SDK's local runner, whose SQLite store lives in the
workspace. Reviews of one pull request run one after the other, so two runs never
share a run folder or race to create the summary comment; at most `max_concurrent`
reviews run at once.
"""

from __future__ import annotations

import json
import logging
import threading
import uuid
from collections.abc import Callable, Mapping
from concurrent.futures import Future, ThreadPoolExecutor, wait
from pathlib import Path
from typing import TYPE_CHECKING, Any

import httpx

from orchestrator.github_workflow import make_handler
from reporter.github.client import GitHubApp
from reporter.github.retry import RetryPolicy
from reporter.github.settings import GitHubSettings
from review.request import ReviewConfig
from review.workspace import default_root
from webhook.settings import WebhookSettings, read_environment
from webhook.trigger import ReviewTrigger, StartResult

if TYPE_CHECKING:
    from fastapi import FastAPI

log = logging.getLogger(__name__)
DEFAULT_TIMEOUT_SECONDS = 3600


class LocalStarter:
    """Runs GitHub reviews on the local durable runner, in the background."""

    def __init__(
        self,
        handler: Callable,
        workspace: Path,
        *,
        max_concurrent: int = 2,
        timeout: int = DEFAULT_TIMEOUT_SECONDS,
    ) -> None:
        """`handler` is the durable workflow, `orchestrator.github_workflow.make_handler(app)`."""
        self._handler = handler
        self._root = workspace
        self._timeout = timeout
        self._pool = ThreadPoolExecutor(max_concurrent, thread_name_prefix="reviewbot-review")
        self._lock = threading.Lock()
        self._runner: Any = None
        self._pending: set[Future] = set()
        self._pull_locks: dict[str, tuple[threading.Lock, int]] = {}

    def start(self, trigger: ReviewTrigger) -> StartResult:
        name = trigger.execution_name()
        with self._lock:
            future = self._pool.submit(self._run, trigger, name)
            self._pending.add(future)
        future.add_done_callback(self._forget)
        return StartResult(True, name, "queued")

    def wait_idle(self, timeout: float | None = None) -> bool:
        """Wait for every queued review to end; True when none is left (tests, shutdown)."""
        with self._lock:
            pending = set(self._pending)
        done, not_done = wait(pending, timeout=timeout)
        return not not_done

    def close(self) -> None:
        """Stop taking reviews, let the running ones finish, release the runner.

        Reviews still queued are dropped (GitHub does not redeliver by itself): they are
        logged, so `/review` can ask for them again.
        """
        with self._lock:
            queued = sum(1 for future in self._pending if not future.running())
        if queued:
            log.warning("shutting down: %d queued reviews will not run", queued)
        self._pool.shutdown(wait=True, cancel_futures=True)
        with self._lock:
            if self._runner is not None:
                self._runner.close()
                self._runner = None

    def _forget(self, future: Future) -> None:
        with self._lock:
            self._pending.discard(future)

    def _runner_instance(self) -> Any:
        from orchestrator.local import open_runner

        with self._lock:
            if self._runner is None:
                self._runner = open_runner(self._root, self._handler)
            return self._runner

    def _run(self, trigger: ReviewTrigger, name: str) -> dict[str, Any] | None:
        pull = f"{trigger.repository}#{trigger.pull_number}"
        event = {"trigger": trigger.to_dict(), "workspace": str(self._root)}
        with self._pull_lock(pull):
            try:
                runner = self._runner_instance()
                arn = runner.run_async(
                    input=json.dumps(event),
                    execution_name=f"{name[:40]}-{uuid.uuid4().hex[:12]}",
                    execution_timeout=self._timeout,
                )
                result = runner.wait_for_result(arn, self._timeout)
            except Exception:
                log.exception("review of %s could not run", pull)
                return None
        if result.error is not None:
            detail = getattr(result.error, "message", None) or "unknown error"
            log.error("review of %s at %s failed: %s", pull, trigger.head_sha[:12], detail)
            return None
        log.info("review of %s at %s finished", pull, trigger.head_sha[:12])
        return json.loads(result.result) if isinstance(result.result, str) else result.result

    def _pull_lock(self, key: str) -> _Held:
        with self._lock:
            lock, users = self._pull_locks.get(key, (threading.Lock(), 0))
            self._pull_locks[key] = (lock, users + 1)
        return _Held(self, key, lock)

    def _release(self, key: str) -> None:
        with self._lock:
            lock, users = self._pull_locks[key]
            if users <= 1:
                del self._pull_locks[key]  # the table only holds pull requests in flight
            else:
                self._pull_locks[key] = (lock, users - 1)


class _Held:
    """A per-pull-request lock held for one review, forgotten when nobody waits for it."""

    def __init__(self, owner: LocalStarter, key: str, lock: threading.Lock) -> None:
        self._owner, self._key, self._lock = owner, key, lock

    def __enter__(self) -> None:
        self._lock.acquire()

    def __exit__(self, *_: object) -> None:
        self._lock.release()
        self._owner._release(self._key)


def build_serve_app(
    settings: WebhookSettings,
    *,
    workspace: Path | None = None,
    env: Mapping[str, str] | None = None,
    max_concurrent: int = 2,
    config: ReviewConfig | None = None,
    policy: RetryPolicy | None = None,
    transport: httpx.BaseTransport | None = None,
) -> FastAPI:
    """The webhook app of `reviewbot serve`, reviewing in this process.

    `settings` must carry the App's id and key (`load_settings(require_app=True)`);
    `env` (default: environment plus `.env`) supplies REVIEWBOT_MAX_INLINE_COMMENTS and
    REVIEWBOT_REQUEST_CHANGES; `config` is the template of every review's configuration
    (models, limits; the agents come from the trigger). The starter is
    `app.state.review_starter`; it is closed when the server shuts down.
    """
    from webhook.app import create_app
    from webhook.app_auth import client_from_settings
    from webhook.starters import DedupingStarter

    github_settings = GitHubSettings.from_webhook_settings(
        settings, read_environment() if env is None else env
    )
    github = GitHubApp(github_settings, policy=policy, transport=transport)
    handler = make_handler(github, config=config)
    starter = LocalStarter(handler, workspace or default_root(), max_concurrent=max_concurrent)
    app = create_app(settings, DedupingStarter(starter), client_from_settings(settings))
    app.state.review_starter = starter
    app.router.on_shutdown.append(starter.close)
    return app


def serve(
    settings: WebhookSettings, host: str = "127.0.0.1", port: int = 8000, **options: Any
) -> None:
    """Run `reviewbot serve` until interrupted; `options` go to `build_serve_app`."""
    import uvicorn

    uvicorn.run(build_serve_app(settings, **options), host=host, port=port, log_level="info")
