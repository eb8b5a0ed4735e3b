"""Placing findings as inline comments: only where GitHub's own patch lets a comment sit."""

from __future__ import annotations

from hypothesis import given, settings
from hypothesis import strategies as st
from patch_oracle import commentable, right_side_hunks

from reporter.github.comments import (
    comment_body,
    fingerprint_of,
    plan_review,
    posted_fingerprints,
    run_marker,
)
from reporter.github.files import shown_diff
from review.findings import Finding, Severity

# two hunks: lines 1-7 and 20-26 on the RIGHT; line 3 deleted, line 5 and 23 added
TWO_HUNKS = (
    "@@ -1,7 +1,7 @@\n one\n two\n-three\n four\n+five\n six\n seven\n eight\n"
    "@@ -20,6 +20,7 @@ def tail():\n twenty\n twenty-one\n twenty-two\n+added\n"
    " twenty-four\n twenty-five\n twenty-six"
)
NO_NEWLINE = (
    "@@ -1,2 +1,2 @@\n x = 1\n-y = 2\n\\ No newline at end of file\n"
    "+y = 3\n\\ No newline at end of file"
)
DELETIONS_ONLY = "@@ -4,3 +3,0 @@\n-a\n-b\n-c"
FILES = [
    {"filename": "two.py", "status": "modified", "patch": TWO_HUNKS},
    {"filename": "tail.py", "status": "modified", "patch": NO_NEWLINE},
    {"filename": "cut.py", "status": "modified", "patch": DELETIONS_ONLY},
    {
        "filename": "new_name.py",
        "previous_filename": "old_name.py",
        "status": "renamed",
        "patch": "@@ -1,2 +1,3 @@\n a\n+b\n c",
    },
    {"filename": "moved.py", "previous_filename": "was.py", "status": "renamed"},
    {"filename": "logo.png", "status": "added"},  # binary: no patch
]
SHOWN = shown_diff(FILES, len(FILES), []).diff


def place(f: Finding) -> tuple[int | None, int] | None:
    return SHOWN.comment_range(f.path, f.line, f.end_line)


def finding(path: str, line: int, end: int | None = None, **kw: object) -> Finding:
    values = {
        "agent": "style",
        "rule": "R1",
        "severity": Severity.WARNING,
        "message": "problem",
        "fingerprint": f"{abs(hash((path, line))):016x}",
        **kw,
    }
    return Finding(path=path, line=line, end_line=end, **values)  # type: ignore[arg-type]


def test_the_oracle_reads_hunks_like_github() -> None:
    assert right_side_hunks(TWO_HUNKS) == [set(range(1, 8)), set(range(20, 27))]
    assert commentable(NO_NEWLINE) == {1, 2}
    assert commentable(DELETIONS_ONLY) == set()


def test_context_and_added_lines_of_every_hunk_are_commentable() -> None:
    for line in [*range(1, 8), *range(20, 27)]:
        assert place(finding("two.py", line)) == (None, line)
    for line in (0, 8, 19, 27, 100):
        assert place(finding("two.py", line)) is None


def test_deleted_lines_and_files_without_a_patch_are_not_commentable() -> None:
    assert place(finding("cut.py", 3)) is None  # only LEFT-side lines remain
    assert place(finding("moved.py", 1)) is None  # a pure rename
    assert place(finding("logo.png", 1)) is None  # binary
    assert place(finding("not_in_pr.py", 1)) is None
    assert SHOWN.files["moved.py"].hunks == []


def test_renamed_files_are_commented_under_their_new_name() -> None:
    assert place(finding("new_name.py", 2)) == (None, 2)
    assert place(finding("old_name.py", 2)) is None


def test_no_newline_markers_are_not_lines() -> None:
    assert place(finding("tail.py", 2)) == (None, 2)
    assert place(finding("tail.py", 3)) is None


def test_multi_line_only_within_one_hunk() -> None:
    assert place(finding("two.py", 4, 6)) == (4, 6)
    # spans both hunks: a single-line comment on the first line instead
    assert place(finding("two.py", 6, 21)) == (None, 6)
    # ends past the hunk
    assert place(finding("two.py", 6, 9)) == (None, 6)


def test_plan_sends_outside_and_over_cap_findings_elsewhere() -> None:
    findings = [
        finding("two.py", 5, severity=Severity.NOTE),
        finding("two.py", 23, severity=Severity.ERROR),
        finding("two.py", 10),  # between the hunks
        finding("moved.py", 1),
        finding("tail.py", 2),
    ]
    plan = plan_review(findings, SHOWN, set(), max_comments=2)
    assert [(c.path, c.line) for c in plan.comments] == [("tail.py", 2), ("two.py", 23)]
    assert [(f.path, f.line) for f in plan.over_cap] == [("two.py", 5)]  # gravest first
    assert {(f.path, f.line) for f in plan.outside_diff} == {("two.py", 10), ("moved.py", 1)}
    assert len(plan.not_inline) == 3


def test_plan_skips_comments_this_app_already_posted() -> None:
    done, other = finding("two.py", 5), finding("two.py", 6)
    existing = [
        {
            "user": {"login": "bot[bot]"},
            "line": 5,
            "body": f"x <!-- reviewbot:fp={done.fingerprint} -->",
        },
        # the same marker pasted by a person does not count
        {
            "user": {"login": "mallory"},
            "line": 6,
            "body": f"<!-- reviewbot:fp={other.fingerprint} -->",
        },
        # outdated: GitHub reports line null, original_line where it was made
        {
            "user": {"login": "bot[bot]"},
            "line": None,
            "original_line": 1,
            "body": "<!-- reviewbot:fp=00000000deadbeef -->",
        },
    ]
    posted = posted_fingerprints(existing, "bot[bot]")
    assert posted == {(done.fingerprint, 5), ("00000000deadbeef", 1)}
    plan = plan_review([done, other], SHOWN, posted, 25)
    assert [c.line for c in plan.comments] == [6]
    assert plan.already_posted == [done]


def test_comment_bodies_are_escaped_and_carry_the_fingerprint() -> None:
    hostile = finding(
        "two.py", 5, message="@octocat fixes #12 see org/repo#3 <img src=x> [x](http://e)"
    )
    body = comment_body(hostile, fingerprint_of(hostile))
    assert "@octocat" not in body and "#12" not in body and "org/repo#3" not in body
    assert "\\<img" in body and "\\]\\(http" in body  # shown as text, not as HTML or a link
    assert body.endswith(f"<!-- reviewbot:fp={hostile.fingerprint} -->")


def test_suggestions_are_fence_safe_and_only_when_the_comment_covers_the_range() -> None:
    fenced = finding("two.py", 5, suggestion="x = '''\n```\n'''")
    body = comment_body(fenced, "ab" * 8)
    assert "````suggestion\nx = '''\n```\n'''\n````" in body
    deletion = comment_body(finding("two.py", 5, suggestion=""), "ab" * 8)
    assert "```suggestion\n```" in deletion
    plan = plan_review([finding("two.py", 6, 21, suggestion="y")], SHOWN, set(), 25)
    assert "suggestion" not in plan.comments[0].body  # the comment covers line 6 only
    assert "Suggested change:\n\n```\ny\n```" in plan.comments[0].body


def test_untrusted_fingerprints_never_reach_a_marker() -> None:
    sneaky = finding("two.py", 5, fingerprint="--> <b>hi</b>")
    assert fingerprint_of(sneaky).isalnum() and len(fingerprint_of(sneaky)) == 32
    assert run_marker("0123abcd") == "<!-- reviewbot:run=0123abcd -->"


def test_comments_serialise_as_github_expects() -> None:
    plan = plan_review([finding("two.py", 4, 6), finding("two.py", 23)], SHOWN, set(), 25)
    first, second = (c.to_api() for c in plan.comments)
    assert {k: v for k, v in first.items() if k != "body"} == {
        "path": "two.py",
        "line": 6,
        "side": "RIGHT",
        "start_line": 4,
        "start_side": "RIGHT",
    }
    assert {k: v for k, v in second.items() if k != "body"} == {
        "path": "two.py",
        "line": 23,
        "side": "RIGHT",
    }


lines = st.integers(min_value=1, max_value=40)


@settings(max_examples=300, deadline=None)
@given(
    st.lists(
        st.tuples(
            st.sampled_from([f["filename"] for f in FILES] + ["old_name.py", "other.py"]),
            lines,
            st.one_of(st.none(), st.integers(min_value=0, max_value=30)),
        ),
        max_size=40,
    )
)
def test_every_planned_comment_is_one_github_accepts(raw: list) -> None:
    patches = {f["filename"]: f.get("patch") for f in FILES}
    findings = [
        finding(path, line, line + span if span else None, fingerprint=f"{i:016x}")
        for i, (path, line, span) in enumerate(raw)
    ]
    plan = plan_review(findings, SHOWN, set(), 25)
    for comment in plan.comments:
        hunks = right_side_hunks(patches[comment.path] or "")
        hunk = next(h for h in hunks if comment.line in h)
        if comment.start_line is not None:
            assert comment.start_line < comment.line and comment.start_line in hunk
    assert len(plan.comments) + len(plan.over_cap) + len(plan.outside_diff) == len(findings)
