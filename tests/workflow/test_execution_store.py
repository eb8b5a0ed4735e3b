"""The local runner's execution store keeps one SQLite connection open for its life (the
SDK's opens one per checkpoint), leaves no WAL behind when it is closed, and keeps the
last executions in memory, written through."""

from __future__ import annotations

import gc
import json
import sqlite3
from pathlib import Path

from aws_durable_execution_sdk_python import durable_execution
from aws_durable_execution_sdk_python_testing.stores.sqlite import SQLiteExecutionStore

from orchestrator import local
from orchestrator.local import KeptOpenStore, open_runner, run_review
from review.request import ReviewConfig, ReviewRequest


def test_a_review_opens_one_connection_and_leaves_no_wal(
    make_repo, tmp_path: Path, monkeypatch
) -> None:
    opened: list[Path] = []
    real = sqlite3.connect

    def counted(path, *args, **kwargs):
        if str(path).endswith("executions.sqlite"):
            opened.append(Path(path))
        return real(path, *args, **kwargs)

    monkeypatch.setattr(sqlite3, "connect", counted)
    repo = make_repo([{"a.py": "x = 1\n"}, {"a.py": "x = eval(input())\n"}])
    config = ReviewConfig(agents=("security",))
    request = ReviewRequest(str(repo.path), str(repo.path), repo.head, repo.base, config=config)
    report = run_review(request, tmp_path / "ws")
    assert any(f.path == "a.py" for f in report.findings)  # the review did run
    # creating the schema, then the runner's store: not one per checkpoint (dozens)
    assert 1 <= len(opened) <= 3, len(opened)
    state = tmp_path / "ws" / "state"
    assert not (state / "executions.sqlite-wal").exists()
    rows = real(state / "executions.sqlite").execute("SELECT status FROM executions").fetchall()
    assert rows == [("SUCCEEDED",)]


def test_a_save_after_close_is_kept_and_closes_its_connection(tmp_path: Path) -> None:
    path = tmp_path / "executions.sqlite"
    store = KeptOpenStore(path)
    store._init_db()
    with store._connection() as connection:
        connection.execute("CREATE TABLE t (n INTEGER)")
    store.close()
    with store._connection() as connection:  # a runner's last checkpoint, after close
        connection.execute("INSERT INTO t VALUES (1)")
    assert not (tmp_path / "executions.sqlite-wal").exists()
    check = sqlite3.connect(path)
    assert check.execute("SELECT n FROM t").fetchall() == [(1,)]
    check.close()


def test_the_runner_closes_its_store(tmp_path: Path) -> None:
    with open_runner(tmp_path, lambda event, context: None) as runner:
        store = runner._store
        assert isinstance(store, KeptOpenStore)
        with store._connection():
            pass
        assert store._kept is not None
    assert store._kept is None and store._closed
    assert local.check_store(tmp_path) is None  # usable again by the next run


def _two_steps(event, context):
    first = context.step(lambda _: {"n": 1}, name="one")
    return context.step(lambda _: {"n": first["n"] + 1}, name="two")


def _run(runner, name: str):
    arn = runner.run_async(input="{}", execution_name=name, execution_timeout=60)
    return arn, runner.wait_for_result(arn, 60)


def test_executions_are_read_from_memory_and_written_through(tmp_path: Path, monkeypatch) -> None:
    reads: list[str] = []
    real = SQLiteExecutionStore.load

    def counted(self, arn):
        reads.append(arn)
        return real(self, arn)

    monkeypatch.setattr(SQLiteExecutionStore, "load", counted)
    handler = durable_execution(_two_steps)
    with open_runner(tmp_path, handler) as runner:
        arn, result = _run(runner, "kept")
        assert json.loads(result.result) == {"n": 2}
        assert reads == []  # every checkpoint's load found the execution in memory
    # what a later process reads is what was saved last
    on_disk = real(SQLiteExecutionStore(local._store_path(tmp_path)), arn)
    assert on_disk.is_complete and json.loads(on_disk.result.result) == {"n": 2}


def test_only_the_last_executions_are_kept(tmp_path: Path, monkeypatch) -> None:
    monkeypatch.setattr(KeptOpenStore, "LOADED", 1)
    handler = durable_execution(_two_steps)
    with open_runner(tmp_path, handler) as runner:
        first, _ = _run(runner, "first")
        kept = runner._store.load(first)
        assert runner._store.load(first) is kept
        second, _ = _run(runner, "second")
        again = runner._store.load(first)  # no longer kept: read from the database
        assert again is not kept and again.to_json_dict() == kept.to_json_dict()
        assert runner._store.load(second).is_complete


def test_the_first_runner_of_a_process_freezes_the_heap_once(tmp_path: Path) -> None:
    """What the process tracked at its first runner (its imports) is left out of the
    garbage collector's full collections; what is made later is collected as before."""
    with open_runner(tmp_path / "one", lambda event, context: None):
        frozen = gc.get_freeze_count()
    assert frozen > 1000  # the modules imported so far, at least
    later = [[n] for n in range(5000)]  # tracked, after the first runner
    with open_runner(tmp_path / "two", lambda event, context: None):
        assert gc.get_freeze_count() <= frozen  # none added (some frozen ones were freed)
    assert len(later) == 5000
