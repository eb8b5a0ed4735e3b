"""An agent function mounts the run folders read-only: the findings cache entries it could
not write come back with its result, and the workflow writes them for the next review."""

from __future__ import annotations

import errno
import os
from pathlib import Path

import pytest

from agents import cache
from agents.base import run_agent
from agents.registry import get_agent
from orchestrator.workflow import store_returned_result
from review.agent_result import RETURNED_LIMIT, AgentResult, from_returned, to_returned
from review.diff import Change, ChangedFile, Diff, FileStatus, Hunk
from review.request import ReviewConfig, ReviewRequest
from review.workspace import Workspace

EVAL = "import os\nx = eval(input())\n"


def read_only_mount(*args: object) -> None:
    """What writing to an agent function's mount of the run folders gives."""
    raise OSError(errno.EROFS, "Read-only file system")


@pytest.fixture
def run(tmp_path: Path):
    run = Workspace(tmp_path / "ws").run("r1")
    (run.src).mkdir(parents=True)
    (run.src / "app.py").write_text(EVAL)
    changed = ChangedFile("app.py", FileStatus.ADDED, hunks=[Hunk(1, 2, (1, 2), ())], blob="a" * 40)
    run.write_change(Change("b" * 40, "h" * 40, "b" * 40, Diff({"app.py": changed}), []))
    run.write_request(ReviewRequest("example/repo", "https://example.invalid", "h" * 40, "b" * 40))
    return run


def test_entries_an_agent_could_not_write_are_written_by_the_workflow(run, monkeypatch) -> None:
    config = ReviewConfig(agents=("style",))
    with monkeypatch.context() as patch:
        patch.setattr(cache, "write_pack", read_only_mount)
        result = run_agent(get_agent("style"), run, config)
    # the file's entry, the whole run's, the pointer to it and the agent's combined result
    # (`agents.run_cache`)
    assert result.cache == {"hits": 0, "misses": 1} and len(result.cache_entries) == 4
    assert not run.findings_cache_dir.exists()
    summary = store_returned_result("style", run, to_returned(result))
    assert summary["status"] == "ok"
    assert "cache_entries" not in run.findings_file("style").read_text()
    again = run_agent(get_agent("style"), run, config)
    assert again.cache == {"hits": 1, "misses": 0}
    assert [f.rule for f in again.findings] == [f.rule for f in result.findings]


def test_entries_are_dropped_first_when_a_result_does_not_fit() -> None:
    entries = {f"{n:064x}": {"format": 2, "blob": os.urandom(64).hex()} for n in range(3000)}
    result = AgentResult(agent="style", cache_entries=entries)
    returned = to_returned(result, RETURNED_LIMIT)
    back = from_returned("style", returned)
    assert back.status == "ok" and back.cache_entries == {}
    small = to_returned(AgentResult(agent="style", cache_entries=dict(list(entries.items())[:3])))
    assert len(from_returned("style", small).cache_entries) == 3


def test_returned_keys_that_are_not_digests_are_refused() -> None:
    returned = {
        "encoding": "json",
        "result": {
            "status": "ok",
            "findings": [],
            "cache_entries": {"../../escape": {"format": 2}, "f" * 64: {"format": 2}},
        },
    }
    assert list(from_returned("style", returned).cache_entries) == ["f" * 64]
