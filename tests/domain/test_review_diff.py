"""The change model: which lines a finding may sit on under each filter mode."""

from __future__ import annotations

import pytest

from review.diff import (
    ChangedFile,
    Diff,
    FileKind,
    FileStatus,
    FilterMode,
    Hunk,
    build_diff,
    hunks_of_patch,
    parse_raw,
    split_raw,
)

INTRODUCED, ADDED, CONTEXT, FILE, NOFILTER = (
    FilterMode.INTRODUCED,
    FilterMode.ADDED,
    FilterMode.DIFF_CONTEXT,
    FilterMode.FILE,
    FilterMode.NOFILTER,
)

PATCH = """\
@@ -10,5 +10,7 @@ def f():
 ten
 eleven
 twelve
+thirteen
+fourteen
 fifteen
 sixteen
"""


@pytest.fixture
def diff() -> Diff:
    hunks, binary = hunks_of_patch(PATCH)
    assert not binary
    return Diff(
        {
            "app.py": ChangedFile("app.py", FileStatus.MODIFIED, hunks=hunks),
            "gone.py": ChangedFile("gone.py", FileStatus.DELETED),
            "new.py": ChangedFile(
                "new.py", FileStatus.RENAMED, old_path="old.py", hunks=[Hunk(1, 1, (1,), ())]
            ),
        }
    )


def test_hunks_are_parsed_in_new_file_line_numbers(diff: Diff) -> None:
    changed = diff.get("app.py")
    assert changed is not None
    assert changed.added_lines == {13, 14}
    assert changed.hunk_lines == {10, 11, 12, 13, 14, 15, 16}
    assert changed.hunk_of(11) == changed.hunks[0]
    assert changed.hunk_of(17) is None


@pytest.mark.parametrize(
    ("path", "line", "end_line", "expected"),
    [
        # an added line passes every mode
        ("app.py", 13, None, {INTRODUCED, ADDED, CONTEXT, FILE, NOFILTER}),
        ("app.py", 14, None, {INTRODUCED, ADDED, CONTEXT, FILE, NOFILTER}),
        # a context line of the hunk: not added
        ("app.py", 11, None, {CONTEXT, FILE, NOFILTER}),
        ("app.py", 16, None, {CONTEXT, FILE, NOFILTER}),
        # outside every hunk, still in a changed file
        ("app.py", 3, None, {FILE, NOFILTER}),
        ("app.py", 17, None, {FILE, NOFILTER}),
        # a range that overlaps an added line counts as added
        ("app.py", 11, 13, {INTRODUCED, ADDED, CONTEXT, FILE, NOFILTER}),
        ("app.py", 5, 10, {CONTEXT, FILE, NOFILTER}),
        ("app.py", 1, 9, {FILE, NOFILTER}),
        # a file outside the change, and a deleted file
        ("other.py", 1, None, {NOFILTER}),
        ("gone.py", 1, None, {NOFILTER}),
        # the new name of a renamed file is in the change, its old name is not
        ("new.py", 1, None, {INTRODUCED, ADDED, CONTEXT, FILE, NOFILTER}),
        ("old.py", 1, None, {NOFILTER}),
    ],
)
def test_filter_modes(
    diff: Diff, path: str, line: int, end_line: int | None, expected: set[FilterMode]
) -> None:
    """A finding not compared with the base: `introduced` keeps it where `added` does."""
    accepted = {mode for mode in FilterMode if diff.accepts(path, line, end_line, mode)}
    assert accepted == expected


@pytest.mark.parametrize("state", ["new", "unchanged"])
@pytest.mark.parametrize(
    ("path", "line"), [("app.py", 13), ("app.py", 11), ("app.py", 3), ("gone.py", 1), ("x.py", 1)]
)
def test_a_finding_compared_with_the_base_passes_introduced_anywhere_in_a_changed_file(
    diff: Diff, path: str, line: int, state: str
) -> None:
    """Whether it was introduced or pre-existing is for the review to tell, not the filter."""
    compared = diff.accepts(path, line, None, INTRODUCED, state)
    assert compared == diff.accepts(path, line, None, FILE)
    assert diff.accepts(path, line, None, ADDED, state) == diff.accepts(path, line, None, ADDED)


def test_only_existing_text_files_are_reviewable() -> None:
    files = [
        ChangedFile("a.py", FileStatus.ADDED),
        ChangedFile("b.py", FileStatus.DELETED),
        ChangedFile("link.py", FileStatus.ADDED, kind=FileKind.SYMLINK),
        ChangedFile("vendor", FileStatus.ADDED, kind=FileKind.SUBMODULE),
        ChangedFile("logo.png", FileStatus.MODIFIED, binary=True),
    ]
    diff = Diff({f.path: f for f in files})
    assert [f.path for f in diff.reviewable()] == ["a.py"]


def test_diff_round_trips_through_json_data(diff: Diff) -> None:
    again = Diff.from_dict(diff.to_dict())
    assert again.to_dict() == diff.to_dict()
    assert again.get("new.py").old_path == "old.py"  # type: ignore[union-attr]


def test_raw_listing_keeps_exact_names() -> None:
    raw = (
        b":100644 100644 aaa bbb M\x00sp ace [1].py\x00"
        b":100644 100644 aaa bbb R087\x00old name.py\x00new\nname.py\x00"
        b":000000 120000 000 ccc A\x00link\x00"
        b":100644 000000 aaa 000 D\x00-dash.py\x00"
        b":000000 160000 000 ddd A\x00vendor/lib\x00"
    )
    assert [entry[:4] for entry in parse_raw(raw)] == [
        (FileStatus.MODIFIED, None, "sp ace [1].py", "100644"),
        (FileStatus.RENAMED, "old name.py", "new\nname.py", "100644"),
        (FileStatus.ADDED, None, "link", "120000"),
        (FileStatus.DELETED, None, "-dash.py", "000000"),
        (FileStatus.ADDED, None, "vendor/lib", "160000"),
    ]
    blobs = [(entry.old_blob, entry.blob) for entry in parse_raw(raw)]
    assert blobs == [("aaa", "bbb"), ("aaa", "bbb"), (None, "ccc"), ("aaa", None), (None, "ddd")]


def test_build_diff_refuses_a_patch_that_does_not_match_the_listing() -> None:
    raw = b":100644 100644 aaa bbb M\x00a.py\x00:100644 100644 aaa bbb M\x00b.py\x00"
    patch = "diff --git a/a.py b/a.py\n--- a/a.py\n+++ b/a.py\n@@ -1 +1 @@\n-x\n+y\n"
    with pytest.raises(ValueError, match="2 changed files but the patch has fewer"):
        build_diff(raw, patch)


def test_build_diff_without_patch_lists_files_without_hunks() -> None:
    raw = b":000000 120000 000 ccc A\x00link\x00:000000 160000 000 ddd A\x00sub\x00"
    diff = build_diff(raw, "", allow_missing_patch=True)
    assert {p: (f.kind, f.hunks) for p, f in diff.files.items()} == {
        "link": (FileKind.SYMLINK, []),
        "sub": (FileKind.SUBMODULE, []),
    }


def test_binary_patch_is_recognised() -> None:
    patch = (
        "diff --git a/logo.png b/logo.png\nnew file mode 100644\nindex 0000000..1234567\n"
        "Binary files /dev/null and b/logo.png differ\n"
    )
    hunks, binary = hunks_of_patch(patch)
    assert (hunks, binary) == ([], True)


def test_split_raw_walks_records_so_no_name_is_taken_for_the_boundary() -> None:
    raw = (
        b":100644 100644 aaa bbb R090\x00:old\x00new\nname\x00"  # a name starting with ':'
        b":100644 100644 aaa bbb M\x00diff --git a/x b/x\x00"
    )
    patch = b"diff --git a/x b/x\n--- a/x\n+++ b/x\n@@ -1 +1 @@\n-x\n+y\n"
    # --patch: one NUL between the two; --numstat: none
    assert split_raw(raw + b"\x00" + patch) == (raw, patch)
    assert split_raw(raw + b"1\t1\tx\x00") == (raw, b"1\t1\tx\x00")
    assert split_raw(b"") == (b"", b"")
    listed = parse_raw(split_raw(raw + b"\x00" + patch)[0])
    assert [(e.old_path, e.path) for e in listed] == [
        (":old", "new\nname"),
        (None, "diff --git a/x b/x"),
    ]


def test_split_raw_refuses_a_listing_cut_inside_a_record() -> None:
    with pytest.raises(ValueError, match="ends inside a record"):
        split_raw(b":100644 100644 aaa bbb R090\x00old\x00")
