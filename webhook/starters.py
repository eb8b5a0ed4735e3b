"""Review starters: an in-process deduplicator and the AWS durable-execution starter.

GitHub redelivers by hand and sends several events for one head (opened and
ready_for_review, a push racing a re-run), so starting must be idempotent: in-process
here, and across processes through the durable execution name on AWS.
"""

from __future__ import annotations

import json
import threading
import time
from collections import OrderedDict
from collections.abc import Callable
from typing import Any

from review.trigger import ReviewStarter, ReviewTrigger, StartResult

ALREADY_STARTED_CODES = frozenset({"DurableExecutionAlreadyStartedException"})


class _ExpiringSet:
    """Keys remembered for `ttl` seconds, at most `max_entries` (oldest forgotten first)."""

    def __init__(self, ttl: float, max_entries: int) -> None:
        self._ttl = ttl
        self._max = max_entries
        self._expiry: OrderedDict[str, float] = OrderedDict()

    def __contains__(self, key: str) -> bool:
        return key in self._expiry

    def expire(self, now: float) -> None:
        # Insertion order is expiry order because the TTL is constant.
        while self._expiry and next(iter(self._expiry.values())) <= now:
            self._expiry.popitem(last=False)

    def add(self, key: str, now: float) -> None:
        self._expiry[key] = now + self._ttl
        self._expiry.move_to_end(key)
        while len(self._expiry) > self._max:
            self._expiry.popitem(last=False)

    def discard(self, key: str) -> None:
        self._expiry.pop(key, None)


class DedupingStarter:
    """Wraps a starter so a redelivery, or a second start of one execution, is a no-op.

    Thread-safe; memory is bounded by `max_entries` per kind of key. A start that
    raises is forgotten so that GitHub's redelivery can try again.
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
        self._clock = clock
        self._deliveries = _ExpiringSet(ttl_seconds, max_entries)
        self._executions = _ExpiringSet(ttl_seconds, max_entries)
        self._lock = threading.Lock()

    def start(self, trigger: ReviewTrigger) -> StartResult:
        name = trigger.execution_name()
        delivery = trigger.delivery_id
        with self._lock:
            now = self._clock()
            self._deliveries.expire(now)
            self._executions.expire(now)
            if delivery and delivery in self._deliveries:
                return StartResult(False, name, "delivery already handled")
            if name in self._executions:
                return StartResult(False, name, "review already started")
            if delivery:
                self._deliveries.add(delivery, now)
            self._executions.add(name, now)
        try:
            return self._inner.start(trigger)
        except BaseException:
            with self._lock:
                self._deliveries.discard(delivery)
                self._executions.discard(name)
            raise


class LambdaStarter:
    """Starts the review as a durable execution of `function_name:alias`, asynchronously.

    The execution name makes AWS deduplicate across Lambda instances: the same name
    with the same payload returns the running execution, with another payload it
    raises DurableExecutionAlreadyStartedException, which is a duplicate here.
    """

    def __init__(self, function_name: str, alias: str = "live", *, client: Any = None) -> None:
        self._function = f"{function_name}:{alias}"
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
        from botocore.exceptions import ClientError

        name = trigger.execution_name()
        try:
            self._lambda().invoke(
                FunctionName=self._function,
                InvocationType="Event",
                DurableExecutionName=name,
                Payload=json.dumps(trigger.workflow_event()).encode(),
            )
        except ClientError as exc:
            if exc.response.get("Error", {}).get("Code") in ALREADY_STARTED_CODES:
                return StartResult(False, name, "already started")
            raise
        return StartResult(True, name, "invoked")
