"""Review starters: an in-process deduplicator and the AWS durable-execution starter.

GitHub redelivers by hand and sends several events for one head (opened and
ready_for_review, a push racing a re-run), so starting must be idempotent, by outcome: a
trigger is a duplicate while its review is pending or after it succeeded, and starts the
review again after it failed. On AWS the durable execution name deduplicates across
Lambda instances, and `DedupingStarter` coalesces a warm instance's repeats; `reviewbot
serve` needs neither (its `LocalStarter` deduplicates through its durable queue).
"""

from __future__ import annotations

import json
import threading
import time
from collections.abc import Callable
from typing import Any

from review.trigger import ReviewStarter, ReviewStatus, ReviewTrigger, StartResult
from webhook.expiring import ExpiringMap

ALREADY_STARTED_CODES = frozenset({"DurableExecutionAlreadyStartedException"})
MAX_GENERATIONS = 5  # starts of one review after failures, through redeliveries or re-runs
PENDING_STATES = frozenset({"RUNNING", "PAUSING", "PAUSED"})


class DedupingStarter:
    """Wraps a starter so a redelivery, or a second start of one execution, is a no-op
    while that review is pending or after it succeeded; after it failed, it starts again.

    Starts are remembered for `ttl_seconds` (at most `max_entries` of each kind of key),
    which coalesces racing deliveries; a remembered key is answered as a duplicate only
    when the inner starter's `status` does not say the review failed. A start that raises
    is forgotten so that GitHub's redelivery can try again. Thread-safe.
    """

    def __init__(
        self,
        inner: ReviewStarter,
        *,
        ttl_seconds: float = 600.0,
        max_entries: int = 10_000,
        clock: Callable[[], float] = time.monotonic,
    ) -> None:
        self._inner = inner
        self._deliveries: ExpiringMap[str, str] = ExpiringMap(ttl_seconds, max_entries, clock)
        self._executions: ExpiringMap[str, str] = ExpiringMap(ttl_seconds, max_entries, clock)
        self._lock = threading.Lock()

    def start(self, trigger: ReviewTrigger) -> StartResult:
        name = trigger.execution_name()
        delivery = trigger.delivery_id
        earlier, reason = self._claim(delivery, name)
        if earlier is not None:
            if self._inner.status(earlier) is not ReviewStatus.FAILED:
                return StartResult(False, name, reason)
            with self._lock:  # it failed: this trigger may start it again
                self._forget(delivery, name)
                self._remember(delivery, name)
        try:
            return self._inner.start(trigger)
        except BaseException:
            with self._lock:
                self._forget(delivery, name)
            raise

    def status(self, execution_name: str) -> ReviewStatus | None:
        return self._inner.status(execution_name)

    def _claim(self, delivery: str, name: str) -> tuple[str | None, str]:
        """(the execution an earlier start of this delivery or name started, why it is a
        duplicate), or (None, "") after remembering this start as the first."""
        with self._lock:
            earlier = self._deliveries.get(delivery) if delivery else None
            if earlier is not None:
                return earlier, "delivery already handled"
            if self._executions.get(name) is not None:
                return name, "review already started"
            self._remember(delivery, name)
            return None, ""

    def _remember(self, delivery: str, name: str) -> None:
        if delivery:
            self._deliveries.put(delivery, name)
        self._executions.put(name, name)

    def _forget(self, delivery: str, name: str) -> None:
        self._deliveries.discard(delivery)
        self._executions.discard(name)


class LambdaStarter:
    """Starts the review as a durable execution of `function_name:alias`, asynchronously.

    The execution name makes AWS deduplicate across Lambda instances: the same name
    with the same payload returns the existing execution, with another payload it raises
    DurableExecutionAlreadyStartedException, which is a duplicate here. A name whose
    execution failed cannot be used again, so a review is started under generations of
    its name (`<name>`, then `<name[:60]>-r2` ... `-r5`): each start looks the current
    generation up (`ListDurableExecutionsByFunction`) and moves to the next one only
    when that one failed, timed out or was stopped.
    """

    def __init__(self, function_name: str, alias: str = "live", *, client: Any = None) -> None:
        self._name = function_name
        self._alias = alias
        self._client = client

    def _lambda(self) -> Any:
        if self._client is None:
            import boto3  # lazily: boto3 costs ~0.1 s of cold start
            from botocore.config import Config

            config = Config(
                connect_timeout=2, read_timeout=5, retries={"mode": "standard", "max_attempts": 3}
            )
            self._client = boto3.client("lambda", config=config)
        return self._client

    def start(self, trigger: ReviewTrigger) -> StartResult:
        name = trigger.execution_name()
        for generation in range(1, MAX_GENERATIONS + 1):
            candidate = generation_name(name, generation)
            status = self._lookup(candidate)
            if status is None:
                return self._invoke(trigger, name, candidate)
            if status is not ReviewStatus.FAILED:
                return StartResult(False, name, f"review already {status.value}")
        return StartResult(False, name, f"review failed {MAX_GENERATIONS} times; use /review")

    def status(self, execution_name: str) -> ReviewStatus | None:
        """The status of the latest generation of `execution_name` that exists."""
        latest = None
        for generation in range(1, MAX_GENERATIONS + 1):
            status = self._lookup(generation_name(execution_name, generation))
            if status is None:
                break
            latest = status
        return latest

    def _lookup(self, durable_name: str) -> ReviewStatus | None:
        answer = self._lambda().list_durable_executions_by_function(
            FunctionName=self._name,
            Qualifier=self._alias,
            DurableExecutionName=durable_name,
            MaxItems=10,
        )
        statuses = [e.get("Status") for e in answer.get("DurableExecutions") or ()]
        if not statuses:
            return None
        if any(s in PENDING_STATES for s in statuses):
            return ReviewStatus.PENDING
        if "SUCCEEDED" in statuses:
            return ReviewStatus.SUCCEEDED
        return ReviewStatus.FAILED

    def _invoke(self, trigger: ReviewTrigger, name: str, durable_name: str) -> StartResult:
        from botocore.exceptions import ClientError

        try:
            self._lambda().invoke(
                FunctionName=f"{self._name}:{self._alias}",
                InvocationType="Event",
                DurableExecutionName=durable_name,
                Payload=json.dumps(trigger.workflow_event()).encode(),
            )
        except ClientError as exc:
            if exc.response.get("Error", {}).get("Code") in ALREADY_STARTED_CODES:
                return StartResult(False, name, "already started")
            raise
        return StartResult(True, name, "invoked" if durable_name == name else "invoked again")


def generation_name(execution_name: str, generation: int) -> str:
    """The durable execution name of a review's `generation`-th start (1-based, at most 9):
    at most 64 characters of [A-Za-z0-9_-]."""
    if generation == 1:
        return execution_name
    return f"{execution_name[:60]}-r{generation}"
