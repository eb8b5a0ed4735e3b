"""A workspace whose SQLite state is damaged (a disk filled up, a truncated copy): one
line saying which file and what to do, never a traceback."""

from __future__ import annotations

import os
import sqlite3
from contextlib import closing
from pathlib import Path

import pytest

from orchestrator.local import DamagedStore, WorkflowFailed, open_runner
from orchestrator.local_starter import LocalStarter
from orchestrator.review_queue import DamagedQueue, ReviewQueue

GARBAGE = b"not a database, a truncated copy\n" * 200


def test_a_queue_that_is_not_a_database_names_itself_and_what_to_do(tmp_path: Path) -> None:
    path = tmp_path / "state" / "reviews.sqlite"
    path.parent.mkdir()
    path.write_bytes(GARBAGE)
    with pytest.raises(DamagedQueue) as raised:
        ReviewQueue(path)
    message = str(raised.value)
    assert message.startswith(f"{path} is damaged (file is not a database): ")
    assert "move it and its -wal and -shm files aside" in message and "\n" not in message


def test_a_queue_with_damaged_pages_is_found_at_open(tmp_path: Path) -> None:
    path = tmp_path / "reviews.sqlite"
    queue = ReviewQueue(path)
    queue.close()
    with closing(sqlite3.connect(path)) as db, db:
        db.execute("CREATE TABLE filler (blob BLOB)")
        db.executemany("INSERT INTO filler VALUES (?)", [(os.urandom(800),) for _ in range(100)])
    data = bytearray(path.read_bytes())
    data[4096 * 3 : 4096 * 5] = os.urandom(8192)  # pages past the header
    path.write_bytes(bytes(data))
    with pytest.raises(DamagedQueue, match="is damaged"):
        ReviewQueue(path)


def test_a_damaged_execution_store_is_a_clear_workflow_error(tmp_path: Path) -> None:
    store = tmp_path / "state" / "executions.sqlite"
    store.parent.mkdir()
    store.write_bytes(GARBAGE)
    with pytest.raises(DamagedStore) as raised:
        open_runner(tmp_path, lambda event, context: None)
    assert isinstance(raised.value, WorkflowFailed)  # the command maps it to exit 2
    message = str(raised.value)
    assert message.startswith(f"{store} is damaged (file is not a database): ")
    assert "it only holds the history of past runs" in message
    with pytest.raises(DamagedStore):  # serve finds it before accepting any delivery
        LocalStarter(lambda event, context: None, tmp_path)


def test_review_with_a_damaged_execution_store_exits_2_with_one_line(
    make_repo, run_cli, tmp_path: Path
) -> None:
    repo = make_repo([{"a.py": "x = 1\n"}, {"a.py": "x = 2\n"}])
    workspace = tmp_path / "ws"
    (workspace / "state").mkdir(parents=True)
    (workspace / "state" / "executions.sqlite").write_bytes(GARBAGE)
    done = run_cli(
        "review", str(repo.path), "-q", "--agents", "secrets", workspace=workspace
    )  # fmt: skip
    assert done.code == 2, done.stderr
    (line,) = done.stderr.splitlines()
    assert line.startswith(f"reviewbot: {workspace / 'state' / 'executions.sqlite'} is damaged")
    assert "remove it" in line and "Traceback" not in done.stderr


def test_a_damaged_queue_neither_stops_a_review_nor_lets_a_sweep_guess(
    make_repo, run_cli, tmp_path: Path
) -> None:
    """`review` still reviews (without sweeping, and says so); `workspace gc` refuses, as it
    cannot know which runs `serve` still needs."""
    repo = make_repo([{"a.py": "x = 1\n"}, {"a.py": "x = 2\n"}])
    workspace = tmp_path / "ws"
    (workspace / "state").mkdir(parents=True)
    queue = workspace / "state" / "reviews.sqlite"
    queue.write_bytes(GARBAGE)
    done = run_cli("review", str(repo.path), "-q", "--agents", "secrets", workspace=workspace)
    assert done.code == 0, done.stderr
    (line,) = done.stderr.splitlines()
    assert line.startswith(f"reviewbot: the workspace was not swept: {queue} is damaged")
    swept = run_cli("workspace", "gc", workspace=workspace)
    assert swept.code == 2 and swept.stdout == ""
    (line,) = swept.stderr.splitlines()
    assert line.startswith(f"reviewbot: {queue} is damaged") and "Traceback" not in line
