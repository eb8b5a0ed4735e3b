"""A follow-up's change takes the hunks of files compared as before from the earlier
change, and is exactly what computing it whole gives."""

from __future__ import annotations

import json
import shutil
from pathlib import Path

import pytest
from git_recording import recorded_git_runs

import orchestrator.change as change
from orchestrator import steps
from review.diff import Diff, FileStatus, Hunk
from review.git import Git
from review.request import ReviewRequest
from review.workspace import Workspace

BODY = "".join(f"line {n}\n" for n in range(20))
BAD_NAME = "caf\udce9.py"  # the byte 0xE9 alone, as os.fsdecode keeps it


def as_stored(diff: Diff) -> Diff:
    """`diff` as diff.json gives it back."""
    return Diff.from_dict(json.loads(json.dumps(diff.to_dict())))


@pytest.fixture
def series(make_repo):
    """A base and four heads, each a follow-up of the one before."""
    repo = make_repo(
        [
            {
                "edit.py": BODY,
                "keep.py": "a = 1\n",
                "gone.py": "import gone\n",
                "old name.py": BODY,
                "mode.sh": "echo hi\n",
                "logo.png": b"\x89PNG\0one",
                "was binary.py": "x\0y\n",
                "to link.py": "a = 1\n",
                "pkg": "a file, then a folder\n",
            },
            {  # the pull request
                "edit.py": BODY.replace("line 3", "LINE 3"),
                "new.py": "import os\nos.system(x)\n",
                "gone.py": None,
                "new name.py": make_repo.move("old name.py", BODY.replace("line 19", "end")),
                "logo.png": b"\x89PNG\0two",
                "was binary.py": "a = 1\nb = eval(a)\n",
                "to link.py": make_repo.link("keep.py"),
                "link.py": make_repo.link("/etc/passwd"),
                "empty.py": "",
            },
        ]
    )
    (repo.path / "mode.sh").chmod(0o755)
    (repo.path / BAD_NAME).write_bytes(b"x = 1\n")
    repo.commit({}, "mode change, a name that is not UTF-8")
    repo.commit({"edit.py": BODY.replace("line 3", "LINE 3").replace("line 9", "LINE 9")})
    # an exact copy of the old name: git now pairs it, and "new name.py" is added
    repo.commit({"copy of old.py": BODY, "new.py": "import os\n"})
    repo.commit({"pkg": None, "pkg/inside.py": "a = 1\n", "logo.png": b"\x89PNG\0three"})
    return repo


def test_each_follow_up_reads_only_the_patch_of_what_changed_and_gets_the_whole_change(
    series,
) -> None:
    git = Git(series.path)
    base, heads = series.commits[0], series.commits[2:]
    earlier = None
    for head in heads:
        whole, whole_notes = change.compute_diff(git, base, head)
        with recorded_git_runs("diff") as runs:
            diff, notes = change.compute_diff(git, base, head, None, earlier)
        assert diff.to_dict() == whole.to_dict() and notes == whole_notes
        if earlier is not None:  # only the files not compared as before are patched
            patched = [a for a in runs if "--patch" in a]
            assert len(patched) == 1 and "." not in patched[0]
            listed = {p.removeprefix(":(literal)") for p in patched[0][patched[0].index("--") :]}
            moved = {f.path for f in diff.files.values() if f.path not in earlier.files}
            assert moved <= listed
            assert "mode.sh" not in listed and "was binary.py" not in listed
        earlier = as_stored(diff)
    assert diff.get("pkg/inside.py").status is FileStatus.ADDED  # type: ignore[union-attr]


def test_files_paired_otherwise_when_patched_alone_are_read_from_the_whole_patch(series) -> None:
    """A deleted file `pkg` is patched alone by naming it, and its name also names the new
    folder `pkg/`: the listing differs from the whole one's, so the whole patch is read."""
    git = Git(series.path)
    base, head = series.commits[0], series.head
    whole, whole_notes = change.compute_diff(git, base, head)
    earlier = as_stored(whole)
    del earlier.files["pkg"]
    with recorded_git_runs("diff") as runs:
        diff, notes = change.compute_diff(git, base, head, None, earlier)
    assert diff.to_dict() == whole.to_dict() and notes == whole_notes
    assert [a[-1] for a in runs if "--patch" in a] == [":(literal)pkg", head]


def test_an_earlier_file_with_other_versions_or_damaged_hunks_is_not_taken(series) -> None:
    git = Git(series.path)
    base, head = series.commits[0], series.head
    whole, whole_notes = change.compute_diff(git, base, head)
    earlier = as_stored(whole)
    earlier.files["edit.py"].hunks = [Hunk(1, 2, (1, 9), ())]  # a line outside its hunk
    earlier.files["empty.py"].hunks = [Hunk(1, 1, ("1",), ())]  # type: ignore[arg-type]
    earlier.files["logo.png"].blob = "0" * 40  # other versions
    earlier.files["link.py"].old_blob = earlier.files["link.py"].blob
    earlier.files["mode.sh"].skipped = ["not", "a", "reason"]  # type: ignore[assignment]
    with recorded_git_runs("diff") as runs:
        diff, notes = change.compute_diff(git, base, head, None, earlier)
    assert diff.to_dict() == whole.to_dict() and notes == whole_notes
    (patched,) = [a for a in runs if "--patch" in a]
    names = {p.removeprefix(":(literal)") for p in patched[patched.index("--") + 1 :]}
    assert names == {"edit.py", "empty.py", "logo.png", "link.py", "mode.sh", BAD_NAME}


def test_files_over_the_changed_line_limit_keep_the_whole_computation(series, monkeypatch) -> None:
    monkeypatch.setattr(change, "MAX_CHANGED_LINES_PER_FILE", 12)  # "new name.py": 40 lines
    git = Git(series.path)
    base = series.commits[0]
    earlier = as_stored(change.compute_diff(git, base, series.commits[-2])[0])
    whole, whole_notes = change.compute_diff(git, base, series.head)
    diff, notes = change.compute_diff(git, base, series.head, None, earlier)
    assert diff.to_dict() == whole.to_dict() and notes == whole_notes
    assert "new name.py: over 12 changed lines, not analysed" in notes


# -- the clone step: where the earlier change comes from -------------------------------------


def clone(workspace: Path, repo, head: str) -> tuple[dict, list[tuple[str, ...]]]:
    """diff.json of a clone of `head` against the series' base, in a new run folder, and
    the git diff runs it made."""
    request = ReviewRequest(str(repo.path), str(repo.path), head, repo.commits[0])
    run = Workspace(workspace).run(request.run_id)
    shutil.rmtree(run.path, ignore_errors=True)  # a clone, not the finished one
    steps.prepare(run, request)
    with recorded_git_runs("diff") as runs:
        steps.clone(run, request)
    return json.loads(run.diff_file.read_text()), runs


def patched_alone(runs: list[tuple[str, ...]]) -> list[str] | None:
    """The paths the clone read the patch of, or None when it read the whole patch."""
    (patched,) = [a for a in runs if "--patch" in a]
    if "--" not in patched or "." in patched:
        return None
    return [p.removeprefix(":(literal)") for p in patched[patched.index("--") + 1 :]]


def test_a_follow_up_clone_reuses_the_last_clone_of_the_repository(series, tmp_path) -> None:
    first, runs = clone(tmp_path / "ws", series, series.commits[2])
    assert patched_alone(runs) is None  # nothing to reuse yet
    follow_up, runs = clone(tmp_path / "ws", series, series.commits[3])
    assert patched_alone(runs) == [BAD_NAME, "edit.py"]  # a name diff.json cannot hold
    assert len(runs) == 2  # the listing, made once for the objects and the diff; the patch
    fresh, _ = clone(tmp_path / "fresh", series, series.commits[3])
    assert follow_up == fresh and follow_up != first


def test_a_swept_damaged_or_foreign_earlier_change_is_not_reused(series, tmp_path) -> None:
    workspace = tmp_path / "ws"
    clone(workspace, series, series.commits[2])
    (record,) = (workspace / "runs" / ".last-changes").iterdir()
    (earlier_run,) = json.loads(record.read_text())["runs"]
    fresh, _ = clone(tmp_path / "fresh", series, series.commits[3])
    # another repository's run folder, named in this repository's record
    request = ReviewRequest("other/repository", str(series.path), series.head, series.base)
    foreign = Workspace(workspace).run(request.run_id)
    steps.prepare(foreign, request)
    shutil.copy(workspace / "runs" / earlier_run["run"] / "diff.json", foreign.diff_file)
    other = dict(earlier_run, run=request.run_id)
    saved = record.read_text()
    record.write_text(json.dumps({**json.loads(saved), "runs": [other]}))
    got, runs = clone(workspace, series, series.commits[3])
    assert patched_alone(runs) is None and got == fresh
    for damage in ("{not json", json.dumps({**json.loads(saved), "diff_key": "other"})):
        record.write_text(damage)
        got, runs = clone(workspace, series, series.commits[4])
        assert patched_alone(runs) is None
    record.write_text(saved)  # its run folder swept
    shutil.rmtree(workspace / "runs" / earlier_run["run"])
    got, runs = clone(workspace, series, series.commits[3])
    assert patched_alone(runs) is None and got == fresh


def test_the_key_changes_with_the_git_program(tmp_path, monkeypatch) -> None:
    """Another git may cut hunks otherwise (an upgrade changed the default heuristics)."""
    change.diff_key.cache_clear()
    now = change.diff_key()
    other = tmp_path / "git"
    other.write_bytes(b"#!/bin/sh\n")
    monkeypatch.setattr(change.shutil, "which", lambda name: str(other))
    change.diff_key.cache_clear()
    try:
        assert change.diff_key() != now
    finally:
        monkeypatch.undo()
        change.diff_key.cache_clear()
    assert change.diff_key() == now
