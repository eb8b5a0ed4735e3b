"""A small bounded map whose entries expire: the edge's short memories (recent starts,
permission answers). Not thread-safe: callers hold their own lock."""

from __future__ import annotations

import time
from collections import OrderedDict
from collections.abc import Callable, Hashable
from typing import Generic, TypeVar

K = TypeVar("K", bound=Hashable)
V = TypeVar("V")


class ExpiringMap(Generic[K, V]):
    """Values kept `ttl` seconds after they were put, at most `max_entries` (oldest go first).

    `clock` is monotonic seconds (injectable for tests).
    """

    def __init__(
        self, ttl: float, max_entries: int, clock: Callable[[], float] = time.monotonic
    ) -> None:
        self._ttl = ttl
        self._max = max_entries
        self._clock = clock
        self._items: OrderedDict[K, tuple[V, float]] = OrderedDict()

    def _expire(self) -> None:
        # Insertion order is expiry order because the TTL is constant.
        now = self._clock()
        while self._items and next(iter(self._items.values()))[1] <= now:
            self._items.popitem(last=False)

    def get(self, key: K) -> V | None:
        self._expire()
        found = self._items.get(key)
        return None if found is None else found[0]

    def put(self, key: K, value: V) -> None:
        self._expire()
        self._items[key] = (value, self._clock() + self._ttl)
        self._items.move_to_end(key)
        while len(self._items) > self._max:
            self._items.popitem(last=False)

    def discard(self, key: K) -> None:
        self._items.pop(key, None)

    def __len__(self) -> int:
        self._expire()
        return len(self._items)
