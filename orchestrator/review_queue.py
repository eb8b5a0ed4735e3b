"""The durable record of every review `reviewbot serve` accepted, in the workspace's SQLite.

A review is recorded (and the commit is on disk) before the delivery is answered 202, and
it is marked ended only when its workflow has ended, so a crash or a stop at any moment
leaves every acknowledged review either ended or recorded as pending or running: the
next start runs those again. The record is also the deduplication by outcome: a trigger
is a duplicate while a review of its execution name (or of its delivery) is pending or
after it succeeded, and may start again after it failed.

Table `reviews`, one row per execution name (`ReviewTrigger.execution_name()`):
`status` is `pending` (accepted, not started), `running`, `succeeded` or `failed`; `runs`
counts the workflows started for the current acceptance (above 1 after a restart);
`crashes` counts the starts that found the review still `running`, left so by a process
that died during it (a graceful stop hands its running reviews back as `pending`, which
is not counted); `reconciled` is 0 for a failed review whose check run is not known to be
closed yet.
"""

from __future__ import annotations

import json
import sqlite3
import threading
import time
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from review.trigger import ReviewStatus, ReviewTrigger, StartResult

ACTIVE = ("pending", "running")
_SCHEMA = """
CREATE TABLE IF NOT EXISTS reviews (
    name TEXT PRIMARY KEY,
    delivery TEXT NOT NULL,
    repository TEXT NOT NULL,
    pull_number INTEGER NOT NULL,
    head TEXT NOT NULL,
    trigger TEXT NOT NULL,
    status TEXT NOT NULL,
    runs INTEGER NOT NULL DEFAULT 0,
    crashes INTEGER NOT NULL DEFAULT 0,
    accepted_at REAL NOT NULL,
    started_at REAL,
    ended_at REAL,
    detail TEXT NOT NULL DEFAULT '',
    reconciled INTEGER NOT NULL DEFAULT 1,
    execution TEXT
);
CREATE INDEX IF NOT EXISTS reviews_delivery ON reviews (delivery);
CREATE INDEX IF NOT EXISTS reviews_status ON reviews (status);
"""
# Columns added after the first release, for a queue an older version created.
_ADDED_COLUMNS = {"crashes": "INTEGER NOT NULL DEFAULT 0"}
# SQLite's result codes for a file that is not a database, or one whose pages are damaged.
_DAMAGED = frozenset({"SQLITE_NOTADB", "SQLITE_CORRUPT"})


class DamagedQueue(RuntimeError):
    """The queue's file is not a usable SQLite database; the message says what to do."""


def is_damaged(exc: BaseException) -> bool:
    """Whether an sqlite3 error says the database file itself is damaged (not busy,
    locked or unreadable for lack of permission)."""
    name = getattr(exc, "sqlite_errorname", None) or ""
    return any(name == code or name.startswith(code + "_") for code in _DAMAGED)


@dataclass(frozen=True)
class Claim:
    """A review marked running: the workflows started for it so far, this one included,
    and how many processes died while running it before."""

    runs: int
    crashes: int


@dataclass(frozen=True)
class Entry:
    """One recorded review. `trigger` is the stored JSON (parsed by `ReviewTrigger.from_dict`
    by whoever runs it: a record from an older version may not parse)."""

    name: str
    trigger: dict[str, Any]
    status: str
    runs: int
    detail: str = ""
    execution: str | None = None

    @property
    def pull(self) -> str:
        """`owner/name#number`: reviews of one pull request never overlap."""
        return f"{self.trigger.get('repository')}#{self.trigger.get('pull_number')}"


class ReviewQueue:
    """The `reviews` table of `path` (created if missing). Thread-safe; several processes
    may open the same file (SQLite's WAL: one writer at a time, readers never blocked)."""

    def __init__(self, path: Path, clock: Callable[[], float] = time.time) -> None:
        """Open (or create) the queue; DamagedQueue when the file is not a usable database."""
        path.parent.mkdir(parents=True, exist_ok=True)
        self.path = path
        self._clock = clock
        self._lock = threading.Lock()
        self._db = sqlite3.connect(path, isolation_level=None, check_same_thread=False)
        try:
            self._db.execute("PRAGMA busy_timeout = 10000")
            self._db.execute("PRAGMA journal_mode = WAL")
            # FULL: a commit is on disk before `accept` returns (and the delivery is answered)
            self._db.execute("PRAGMA synchronous = FULL")
            self._db.executescript(_SCHEMA)
            self._add_columns()
            problem = self._db.execute("PRAGMA quick_check(1)").fetchone()[0]
        except sqlite3.DatabaseError as exc:
            self._db.close()
            if is_damaged(exc):
                raise DamagedQueue(damaged_message(path, str(exc))) from None
            raise
        if problem != "ok":
            self._db.close()
            raise DamagedQueue(damaged_message(path, problem))

    def _add_columns(self) -> None:
        have = {row[1] for row in self._db.execute("PRAGMA table_info(reviews)")}
        for column, kind in _ADDED_COLUMNS.items():
            if column not in have:
                self._db.execute(f"ALTER TABLE reviews ADD COLUMN {column} {kind}")

    def close(self) -> None:
        with self._lock:
            self._db.close()

    @contextmanager
    def _transaction(self) -> Iterator[sqlite3.Connection]:
        with self._lock:
            self._db.execute("BEGIN IMMEDIATE")
            try:
                yield self._db
            except BaseException:
                self._db.execute("ROLLBACK")
                raise
            self._db.execute("COMMIT")

    def accept(self, trigger: ReviewTrigger) -> StartResult:
        """Record `trigger` as pending, durably, unless it is a duplicate by outcome."""
        name = trigger.execution_name()
        with self._transaction() as db:
            row = db.execute("SELECT status FROM reviews WHERE name = ?", (name,)).fetchone()
            if row and row[0] in ACTIVE:
                return StartResult(False, name, "review already pending")
            if row and row[0] == "succeeded":
                return StartResult(False, name, "review already done")
            if (
                trigger.delivery_id
                and db.execute(
                    "SELECT 1 FROM reviews WHERE delivery = ? AND status != 'failed' LIMIT 1",
                    (trigger.delivery_id,),
                ).fetchone()
            ):
                return StartResult(False, name, "delivery already handled")
            db.execute(
                "INSERT OR REPLACE INTO reviews (name, delivery, repository, pull_number, head,"
                " trigger, status, accepted_at) VALUES (?, ?, ?, ?, ?, ?, 'pending', ?)",
                (
                    name,
                    trigger.delivery_id,
                    trigger.repository,
                    trigger.pull_number,
                    trigger.head_sha,
                    json.dumps(trigger.to_dict()),
                    self._clock(),
                ),
            )
        return StartResult(True, name, "accepted")

    def claim(self, name: str) -> Claim | None:
        """Mark an active review running, or None if it has ended.

        A review found `running` was left so by a process that died during it (one process
        serves a workspace at a time, and a graceful stop `release`s its reviews): that
        start counts as a crash.
        """
        with self._transaction() as db:
            updated = db.execute(
                "UPDATE reviews SET runs = runs + 1, started_at = ?,"
                " crashes = crashes + (status = 'running'), status = 'running'"
                " WHERE name = ? AND status IN ('pending', 'running')",
                (self._clock(), name),
            ).rowcount
            if not updated:
                return None
            runs, crashes = db.execute(
                "SELECT runs, crashes FROM reviews WHERE name = ?", (name,)
            ).fetchone()
            return Claim(int(runs), int(crashes))

    def release(self, names: list[str]) -> int:
        """Hand running reviews back as pending (a graceful stop interrupted them): the next
        start runs them again without counting a crash. How many were released."""
        with self._transaction() as db:
            return sum(
                db.execute(
                    "UPDATE reviews SET status = 'pending' WHERE name = ? AND status = 'running'",
                    (name,),
                ).rowcount
                for name in names
            )

    def set_execution(self, name: str, execution: str) -> None:
        """Remember the durable execution (ARN) now running the review."""
        self._write("UPDATE reviews SET execution = ? WHERE name = ?", (execution, name))

    def finish(self, name: str, succeeded: bool, detail: str = "", reconciled: bool = True) -> None:
        """Mark the review ended; `reconciled=False`: its check run still has to be closed."""
        status = "succeeded" if succeeded else "failed"
        self._write(
            "UPDATE reviews SET status = ?, ended_at = ?, detail = ?, reconciled = ?"
            " WHERE name = ?",
            (status, self._clock(), detail[:2000], reconciled, name),
        )

    def mark_reconciled(self, name: str) -> None:
        self._write("UPDATE reviews SET reconciled = 1 WHERE name = ?", (name,))

    def status(self, name: str) -> ReviewStatus | None:
        with self._lock:
            row = self._db.execute("SELECT status FROM reviews WHERE name = ?", (name,)).fetchone()
        if row is None:
            return None
        return ReviewStatus.PENDING if row[0] in ACTIVE else ReviewStatus(row[0])

    def active(self) -> list[Entry]:
        """Reviews not ended (pending or running), oldest accepted first."""
        return self._entries("status IN ('pending', 'running')")

    def unreconciled(self) -> list[Entry]:
        """Failed reviews whose check run could not be closed when they ended."""
        return self._entries("status = 'failed' AND reconciled = 0")

    def busy_heads(self) -> set[tuple[str, int, str]]:
        """(repository, pull number, head) of every review not ended: their run folders stay."""
        with self._lock:
            rows = self._db.execute(
                "SELECT repository, pull_number, head FROM reviews"
                " WHERE status IN ('pending', 'running')"
            ).fetchall()
        return {(str(r), int(n), str(h)) for r, n, h in rows}

    def prune(self, ended_before: float) -> int:
        """Forget reviews that ended (and were reconciled) before `ended_before`; how many."""
        with self._transaction() as db:
            return db.execute(
                "DELETE FROM reviews WHERE status IN ('succeeded', 'failed')"
                " AND reconciled = 1 AND ended_at < ?",
                (ended_before,),
            ).rowcount

    def _entries(self, where: str) -> list[Entry]:
        with self._lock:
            rows = self._db.execute(
                "SELECT name, trigger, status, runs, detail, execution FROM reviews"  # noqa: S608
                f" WHERE {where} ORDER BY accepted_at, rowid"
            ).fetchall()
        return [Entry(n, json.loads(t), s, int(r), d, e) for n, t, s, r, d, e in rows]

    def _write(self, sql: str, args: tuple[Any, ...]) -> None:
        with self._transaction() as db:
            db.execute(sql, args)


def damaged_message(path: Path, reason: str) -> str:
    return (
        f"{path} is damaged ({' '.join(reason.split())}): move it and its -wal and -shm "
        "files aside, then start again; the reviews it recorded as not ended are lost with "
        "it (comment /review on their pull requests)"
    )


def recorded_status(path: Path, name: str) -> ReviewStatus | None:
    """The status of review `name` in the queue at `path`, read without writing anything
    (for a dry run); None when the file or the review is not there or cannot be read."""
    if not path.is_file():
        return None
    try:
        db = sqlite3.connect(f"{path.resolve().as_uri()}?mode=ro", uri=True)
    except sqlite3.Error:
        return None
    try:
        row = db.execute("SELECT status FROM reviews WHERE name = ?", (name,)).fetchone()
    except sqlite3.Error:
        return None
    finally:
        db.close()
    if row is None:
        return None
    return ReviewStatus.PENDING if row[0] in ACTIVE else ReviewStatus(row[0])
