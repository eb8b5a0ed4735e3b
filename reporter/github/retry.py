"""Calling GitHub with a bounded retry that never blindly repeats a POST.

githubkit's own retry sleeps through a whole rate-limit window and repeats POSTs, which
can post a review twice (shared/notes/libraries.md), so clients are built with it off and
every call goes through a `Caller`: 5xx answers, timeouts and secondary rate limits
(403/429 with Retry-After or x-ratelimit-reset) are retried with backoff while a time
budget lasts; any other 4xx is final. A POST that creates content is repeated only after
`find` has shown that the earlier attempt did not land. A 401 (the installation token was
revoked or expired early) makes a `Caller` given `reauthenticate` mint a new token once
and repeat the call; a second 401 is final.

A GraphQL answer carrying errors (GitHub answers them with 200) is final, like a 4xx.
Errors are rebuilt from the status and GitHub's message, outside the `except` block, so
no exception carries the request (and its Authorization header) along.
"""

from __future__ import annotations

import logging
import time
from collections.abc import Callable
from dataclasses import dataclass
from typing import Any, TypeVar

import tenacity
from githubkit.exception import (
    GraphQLFailed,
    RateLimitExceeded,
    RequestError,
    RequestFailed,
    RequestTimeout,
)

from reporter.github.errors import GitHubError, PermanentGitHubError, TransientGitHubError

log = logging.getLogger(__name__)
T = TypeVar("T")
SECONDARY_LIMIT_WAIT = 60.0  # GitHub: wait at least a minute when no header says how long


@dataclass(frozen=True)
class RetryPolicy:
    """How long and how often to retry; `sleep` and the clocks are injectable for tests."""

    budget_seconds: float = 300.0
    max_attempts: int = 6
    first_delay: float = 1.0
    max_delay: float = 60.0
    sleep: Callable[[float], None] = time.sleep
    clock: Callable[[], float] = time.monotonic
    wall_clock: Callable[[], float] = time.time


def classify(exc: RequestError, what: str, wall_clock: Callable[[], float]) -> GitHubError:
    """Our error for a githubkit one: transient or permanent, with a safe message."""
    if isinstance(exc, RateLimitExceeded):  # githubkit's reading of a GraphQL rate limit
        wait = max(0.0, exc.retry_after.total_seconds()) or SECONDARY_LIMIT_WAIT
        return TransientGitHubError(f"{what}: GitHub's rate limit [rate limited]", None, wait)
    if isinstance(exc, RequestFailed):
        response = exc.response
        status = response.status_code
        message = _github_message(response)
        text = f"{what}: GitHub answered {status}" + (f" ({message})" if message else "")
        if status in (403, 429):
            wait = rate_limit_wait(response.headers, message, wall_clock)
            if wait is not None:
                return TransientGitHubError(text + " [rate limited]", status, wait)
        if status >= 500:
            return TransientGitHubError(text, status)
        return PermanentGitHubError(text, status)
    if isinstance(exc, RequestTimeout):
        return TransientGitHubError(f"{what}: GitHub did not answer in time")
    return TransientGitHubError(f"{what}: could not reach GitHub ({type(exc.exc).__name__})")


def rate_limit_wait(headers: Any, message: str, wall_clock: Callable[[], float]) -> float | None:
    """Seconds to wait before a rate-limited call may be repeated, or None if not rate limited."""
    retry_after = headers.get("retry-after")
    if retry_after is not None:
        try:
            return max(0.0, float(retry_after))
        except ValueError:
            return SECONDARY_LIMIT_WAIT
    reset = headers.get("x-ratelimit-reset")
    if headers.get("x-ratelimit-remaining") == "0" and reset is not None:
        try:
            return max(0.0, float(reset) - wall_clock()) + 1.0
        except ValueError:
            return SECONDARY_LIMIT_WAIT
    if "rate limit" in message.lower():
        return SECONDARY_LIMIT_WAIT
    return None


def _github_message(response: Any) -> str:
    try:
        data = response.json()
    except Exception:  # noqa: BLE001 - any body that is not JSON has no message
        return ""
    if not isinstance(data, dict):
        return ""
    message = str(data.get("message") or "")
    errors = data.get("errors")
    if isinstance(errors, list) and errors:
        message += f"; {str(errors[0])[:200]}"
    return " ".join(message.split())[:300]


def _graphql_message(exc: GraphQLFailed) -> str:
    """The first GraphQL error's type and message (e.g. FORBIDDEN: Resource not accessible
    by integration), bounded."""
    errors = exc.response.errors or []
    if not errors:
        return "a GraphQL error"
    first = errors[0]
    text = f"{first.type}: {first.message}" if first.type else first.message
    return " ".join(text.split())[:300]


class Caller:
    """Runs GitHub calls under one `RetryPolicy` and one time budget (a step's).

    `reauthenticate` replaces the credentials the calls use (drop the cached token, mint
    another); it is called at most once per `Caller`, on the first 401.
    """

    def __init__(
        self, policy: RetryPolicy, reauthenticate: Callable[[], None] | None = None
    ) -> None:
        self.policy = policy
        self._deadline = policy.clock() + policy.budget_seconds
        self._reauthenticate = reauthenticate

    def call(self, what: str, fn: Callable[[], T]) -> T:
        """An idempotent call (GET, PATCH of fixed content): retried while the budget lasts."""
        return self._retrying()(self._translated, what, fn)

    def create_once(
        self, what: str, post: Callable[[], T], find: Callable[[], T | None]
    ) -> tuple[T, bool]:
        """A POST that creates content, at most once; returns (result, created_now).

        `find` looks for what an earlier attempt (this process's, or one that died before
        its checkpoint) created; it runs first and again before every repeat.
        """
        tried = False
        created = False

        def once() -> T:
            nonlocal tried, created
            found = find()
            if found is not None:
                if tried:
                    log.info("%s: an earlier attempt had landed; not posting again", what)
                return found
            tried = True
            result = post()
            created = True
            return result

        result = self._retrying()(self._translated, what, once)
        return result, created

    def _translated(self, what: str, fn: Callable[[], T]) -> T:
        error: GitHubError | None = None
        try:
            return fn()
        except RequestError as exc:
            error = classify(exc, what, self.policy.wall_clock)
        except GraphQLFailed as exc:  # answered 200 with errors: not found, not allowed
            error = PermanentGitHubError(f"{what}: GitHub answered {_graphql_message(exc)}")
        if error.status == 401 and self._reauthenticate is not None:
            renew, self._reauthenticate = self._reauthenticate, None
            log.warning("%s; minting a new installation token and trying again", error)
            renew()
            return self._translated(what, fn)
        raise error  # outside `except`: the githubkit exception is not chained

    def _retrying(self) -> tenacity.Retrying:
        return tenacity.Retrying(
            retry=tenacity.retry_if_exception_type(TransientGitHubError),
            wait=self._wait,
            stop=self._stop,
            sleep=self.policy.sleep,
            before_sleep=self._log_retry,
            reraise=True,
        )

    def _wait(self, state: tenacity.RetryCallState) -> float:
        exc = state.outcome.exception() if state.outcome else None
        if isinstance(exc, GitHubError) and exc.retry_after is not None:
            return exc.retry_after
        return min(self.policy.max_delay, self.policy.first_delay * 2 ** (state.attempt_number - 1))

    def _stop(self, state: tenacity.RetryCallState) -> bool:
        if state.attempt_number >= self.policy.max_attempts:
            return True
        return self.policy.clock() + state.upcoming_sleep > self._deadline

    @staticmethod
    def _log_retry(state: tenacity.RetryCallState) -> None:
        exc = state.outcome.exception() if state.outcome else None
        log.warning("%s; retrying in %.0f s", exc, state.upcoming_sleep)
