"""Computing the change from git: exact names, statuses, hunks, and what is left out."""

from __future__ import annotations

import pytest
from git_recording import recorded_git_runs

import orchestrator.change as change
from review.diff import FileKind, FileStatus, build_diff
from review.git import EMPTY_TREE, Git

ODD_NAMES = [
    "sp ace.py",
    "ünïcødé.py",
    "br[ack]ets(1).py",
    "-dash.py",
    "tab\tname.py",
    "new\nline.py",
]


@pytest.fixture
def repo(make_repo):
    return make_repo(
        [
            {
                "keep.py": "a = 1\nb = 2\nc = 3\n",
                "old name.py": "".join(f"line {n}\n" for n in range(20)),
                "gone.py": "import gone_for_good\n",
                "mode.sh": "echo hi\n",
            },
            {
                "keep.py": "a = 1\nb = 20\nc = 3\nd = 4\n",
                "new name.py": make_repo.move(
                    "old name.py", "".join(f"line {n}\n" for n in range(19)) + "changed\n"
                ),
                "gone.py": None,
                "logo.png": b"\x89PNG\r\n\x1a\n\x00\x00\x00binary",
                "empty.py": "",
                "link.py": make_repo.link("/etc/passwd"),
                **{name: "x = 1\n" for name in ODD_NAMES},
            },
        ]
    )


def diff_of(repo, base=None, head=None):
    return change.compute_diff(Git(repo.path), base or repo.base, head or repo.head)


def test_statuses_kinds_and_names_are_exact(repo) -> None:
    repo.git("update-index", "--chmod=+x", "mode.sh")  # a mode-only change, in a new commit
    repo.git("commit", "-q", "-m", "chmod")
    repo.commits.append(repo.git("rev-parse", "HEAD"))
    diff, notes = diff_of(repo, base=repo.commits[0])
    # what no agent will read is listed with the reason
    assert sorted(notes) == [
        "link.py: a symbolic link (never followed), not analysed",
        "logo.png: a binary file, not analysed",
    ]
    summary = {p: (f.status, f.old_path, f.kind, f.binary) for p, f in diff.files.items()}
    assert summary == {
        "keep.py": (FileStatus.MODIFIED, None, FileKind.FILE, False),
        "new name.py": (FileStatus.RENAMED, "old name.py", FileKind.FILE, False),
        "gone.py": (FileStatus.DELETED, None, FileKind.FILE, False),
        "logo.png": (FileStatus.ADDED, None, FileKind.FILE, True),
        "empty.py": (FileStatus.ADDED, None, FileKind.FILE, False),
        "link.py": (FileStatus.ADDED, None, FileKind.SYMLINK, False),
        "mode.sh": (FileStatus.MODIFIED, None, FileKind.FILE, False),
        **{name: (FileStatus.ADDED, None, FileKind.FILE, False) for name in ODD_NAMES},
    }
    assert diff.get("keep.py").added_lines == {2, 4}  # type: ignore[union-attr]
    assert diff.get("new name.py").added_lines == {20}  # type: ignore[union-attr]
    for name in ODD_NAMES:
        assert diff.get(name).added_lines == {1}  # type: ignore[union-attr]
    reviewable = {f.path for f in diff.reviewable()}
    assert "link.py" not in reviewable and "logo.png" not in reviewable
    assert "gone.py" not in reviewable


def test_an_empty_change_has_no_files(repo) -> None:
    diff, notes = diff_of(repo, base=repo.head)
    assert (len(diff), notes) == (0, [])


def test_a_root_commit_is_compared_with_the_empty_tree(repo) -> None:
    diff, _ = diff_of(repo, base=EMPTY_TREE, head=repo.commits[0])
    assert set(diff.files) == {"keep.py", "old name.py", "gone.py", "mode.sh"}
    assert all(f.status is FileStatus.ADDED for f in diff.files.values())


def test_files_with_too_many_changed_lines_are_listed_without_hunks(make_repo, monkeypatch) -> None:
    monkeypatch.setattr(change, "MAX_CHANGED_LINES_PER_FILE", 5)
    body = "".join(f"v{n} = {n}\n" for n in range(30))
    repo = make_repo(
        [
            {"small.py": "a = 1\n", "moved.py": body, "big.py": "x = 1\n"},
            {
                "small.py": "a = 2\n",
                "big.py": body,
                "huge name [1].py": body.replace("=", ":="),
                "renamed.py": make_repo.move("moved.py", body.replace("v", "w", 8)),
            },
        ]
    )
    diff, notes = diff_of(repo)
    assert set(diff.files) == {"small.py", "big.py", "huge name [1].py", "renamed.py"}
    assert diff.get("small.py").added_lines == {1}  # type: ignore[union-attr]
    for path in ("big.py", "huge name [1].py", "renamed.py"):
        assert diff.get(path).hunks == []  # type: ignore[union-attr]
        assert not diff.get(path).reviewable  # type: ignore[union-attr]
    assert [c.path for c in diff.reviewable()] == ["small.py"]
    # the renamed file keeps its rename, and its old name does not show up as deleted
    renamed = diff.get("renamed.py")
    assert (renamed.status, renamed.old_path) == (FileStatus.RENAMED, "moved.py")  # type: ignore[union-attr]
    assert sorted(notes) == [
        "big.py: over 5 changed lines, not analysed",
        "huge name [1].py: over 5 changed lines, not analysed",
        "renamed.py: over 5 changed lines, not analysed",
    ]


def test_a_binary_file_that_became_text_is_read_as_all_new(make_repo) -> None:
    repo = make_repo([{"data.py": "x\0y\n"}, {"data.py": "a = 1\nb = eval(a)\n"}])
    diff, notes = diff_of(repo)
    data = diff.get("data.py")
    assert data is not None and data.reviewable and not data.binary
    assert data.added_lines == {1, 2}
    assert notes == []


def test_a_text_file_that_became_binary_is_not_read(make_repo) -> None:
    repo = make_repo([{"data.py": "a = 1\n"}, {"data.py": "x\0y\n"}])
    diff, notes = diff_of(repo)
    assert not diff.get("data.py").reviewable  # type: ignore[union-attr]
    assert notes == ["data.py: a binary file, not analysed"]


def test_names_that_are_not_utf8_are_left_out_with_a_note(make_repo) -> None:
    repo = make_repo([{"a.py": "a = 1\n"}, {"a.py": "a = 2\n"}])
    bad = "caf\udce9.py"  # the byte 0xE9 alone, as os.fsdecode keeps it
    (repo.path / bad).write_bytes(b"x = 1\n")
    repo.git("add", "-A")
    repo.git("commit", "-q", "-m", "latin-1 name")
    repo.commits.append(repo.git("rev-parse", "HEAD"))
    diff, notes = diff_of(repo, base=repo.commits[0])
    assert set(diff.files) == {"a.py"}
    assert notes == ["caf\ufffd.py: file name is not valid UTF-8, not reviewed"]
    diff.to_dict()  # everything left is plain text


def separate_runs(git: Git, base: str, head: str) -> dict:
    """The change as separate `git diff` runs read it (numstat; listing and patch without
    the files over the limit; the listing of those): what the combined runs must equal."""
    options = change._DIFF_OPTIONS
    too_large = change._files_over_limit(git.run("diff", *options, "--numstat", "-z", base, head))
    excluded = sorted({p for pair in too_large.items() for p in pair if p})
    pathspec = ["--", ".", *(f":(exclude,literal){p}" for p in excluded)] if excluded else []
    names = git.run("diff", *options, "--raw", "-z", base, head, *pathspec)
    patch = git.run("diff", *options, base, head, *pathspec).decode("utf-8", "replace")
    files = build_diff(names, patch).files
    listing = git.run("diff", *options, "--raw", "-z", base, head)
    for entry in build_diff(listing, "", allow_missing_patch=True).files.values():
        if entry.path in too_large:
            files[entry.path] = entry
    return {path: (c.status, c.old_path, c.kind, c.blob, c.hunks) for path, c in files.items()}


def test_two_diff_runs_read_what_separate_runs_read(make_repo, monkeypatch) -> None:
    monkeypatch.setattr(change, "MAX_CHANGED_LINES_PER_FILE", 5)
    body = "".join(f"v{n} = {n}\n" for n in range(30))
    repo = make_repo(
        [
            {
                "moved.py": body,
                "big moved.py": body.upper(),
                "was binary.py": "x\0y\n",
                "to link.py": "a = 1\n",
                "odd\nname.py": "a = 1\n",
                "mode.sh": "echo hi\n",
            },
            {
                "renamed.py": make_repo.move("moved.py", body.replace("v1 ", "w1 ")),
                "big renamed.py": make_repo.move("big moved.py", body.upper().replace("V", "W", 8)),
                "over.py": body.replace("v", "o"),
                "was binary.py": "a = 1\nb = eval(a)\n",
                "to link.py": make_repo.link("mode.sh"),
                "odd\nname.py": "a = 2\n",
                "new.py": "a = 1\n",
            },
        ]
    )
    (repo.path / "mode.sh").chmod(0o755)
    repo.commits[-1] = repo.commit({}, "mode")
    repo.commits.pop(-2)
    git = Git(repo.path)
    with recorded_git_runs("diff") as runs:
        diff, notes = change.compute_diff(git, repo.base, repo.head)
    assert len(runs) == 2
    expected = separate_runs(git, repo.base, repo.head)
    got = {p: (c.status, c.old_path, c.kind, c.blob, c.hunks) for p, c in diff.files.items()}
    assert got.keys() == expected.keys()
    for path in got.keys() - {"was binary.py"}:  # binary to text: read from the blob after
        assert got[path] == expected[path], path
    assert diff.get("was binary.py").added_lines == {1, 2}  # type: ignore[union-attr]
    assert got["renamed.py"][:2] == (FileStatus.RENAMED, "moved.py")
    assert got["big renamed.py"][:2] == (FileStatus.RENAMED, "big moved.py")
    assert diff.get("mode.sh").status is FileStatus.MODIFIED  # type: ignore[union-attr]
    assert diff.get("to link.py").kind is FileKind.SYMLINK  # type: ignore[union-attr]
    assert sorted(n for n in notes if "over 5" in n) == [
        "big renamed.py: over 5 changed lines, not analysed",
        "over.py: over 5 changed lines, not analysed",
    ]


def test_the_line_counts_are_not_read_when_no_file_can_be_over_the_limit(
    make_repo, monkeypatch
) -> None:
    """A line is at least a byte: with blobs of at most half the limit, no file changes
    more lines than the limit, so one diff run reads the change."""
    monkeypatch.setattr(change, "MAX_CHANGED_LINES_PER_FILE", 40)
    body = "".join(f"v{n}\n" for n in range(6))  # 18 bytes
    repo = make_repo(
        [{"a.py": body, "moved.py": body}, {"a.py": body.upper(), "renamed.py": body[:-3]}]
    )
    git = Git(repo.path)
    runs: list[tuple[str, ...]] = []
    real_run = Git.run
    monkeypatch.setattr(Git, "run", lambda self, *a, **k: runs.append(a) or real_run(self, *a, **k))
    bounded, notes = change.compute_diff(git, repo.base, repo.head, largest_blob=20)
    assert [a for a in runs if a[0] == "diff"] and all("--numstat" not in a for a in runs)
    assert len([a for a in runs if a[0] == "diff"]) == 1
    full, _ = change.compute_diff(git, repo.base, repo.head)  # sizes unknown: counted
    assert any("--numstat" in a for a in runs)
    assert bounded.files.keys() == full.files.keys() and not notes
    for path in full.files:
        assert bounded.files[path].hunks == full.files[path].hunks, path
    runs.clear()
    monkeypatch.setattr(change, "MAX_CHANGED_LINES_PER_FILE", 10)  # 6 + 6 lines: over
    over, notes = change.compute_diff(git, repo.base, repo.head, largest_blob=20)
    assert any("--numstat" in a for a in runs)
    assert notes == ["a.py: over 10 changed lines, not analysed"]
    assert over.get("a.py").hunks == []  # type: ignore[union-attr]


def test_the_line_counts_run_makes_no_patch(make_repo, monkeypatch) -> None:
    """`--unified` implies `--patch`: the run counting changed lines must not make the
    patch of the files it is there to keep out of it."""
    monkeypatch.setattr(change, "MAX_CHANGED_LINES_PER_FILE", 5)
    repo = make_repo([{"a.py": "a = 1\n"}, {"a.py": "".join(f"v{n}\n" for n in range(30))}])
    counted: list[bytes] = []
    real_run = Git.run

    def recording(self, *args, **kwargs):
        output = real_run(self, *args, **kwargs)
        if "--numstat" in args:
            counted.append(output)
        return output

    monkeypatch.setattr(Git, "run", recording)
    diff, notes = change.compute_diff(Git(repo.path), repo.base, repo.head)
    assert notes == ["a.py: over 5 changed lines, not analysed"]
    assert diff.get("a.py").hunks == []  # type: ignore[union-attr]
    (listing,) = counted
    assert b"@@" not in listing and b"v29" not in listing
