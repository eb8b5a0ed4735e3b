"""Reviews that converge, end to end on the fake GitHub: what the change introduces is
reported, each push is commented only where it changed something, fixed threads are
resolved, and what people with write access dismissed never comes back.

The pull request and the agent comparing with the base are in `converge_support`.
"""

from __future__ import annotations

from pathlib import Path

from converge_support import (
    PUSHES,
    comment_on,
    force_push_same_content,
    rebase_onto_moved_base,
    reformat,
    review,
    summary_of,
)


def test_a_push_is_commented_on_what_it_introduced_not_on_what_it_touched(
    converging, workspace: Path
) -> None:
    gh = converging.github
    ran, new = review(converging, workspace)
    # render.py lost its autoescape: the unchanged `Environment(` line above it is now
    # vulnerable, and GitHub shows it as context of the hunk: inline. The renamed eval
    # line was already vulnerable: not posted
    assert new == [("render.py", 3, "B701")]
    report = ran.result["outputs"]
    assert report["review"]["comments"] == 1 and report["review"]["outside_diff"] == 1
    # templates.py's Environment( line lost its autoescape further down, outside every
    # hunk: an annotation, and a line of the summary
    (run,) = gh.check_runs.values()
    assert [(a["path"], a["start_line"], a["title"]) for a in run["annotations"]] == [
        ("templates.py", 3, "B701 (security)")
    ]
    body, state = summary_of(converging)
    assert "**2 open**, 0 fixed, 0 dismissed, 1 pre-existing (not posted)" in body
    assert "| 🔴 | render.py | 3 | B701 |" in body and "| inline comment |" in body
    assert "| 🔴 | templates.py | 3 | B701 |" in body and "| check run |" in body
    assert "- app.py:2 B307" in body  # listed as pre-existing
    assert state.head == converging.pull.head and len(state.open) == 2


def test_later_pushes_comment_once_on_what_changed_and_resolve_what_was_fixed(
    converging, workspace: Path
) -> None:
    gh = converging.github
    _, first = review(converging, workspace)
    assert first == [("render.py", 3, "B701")]
    render = comment_on(converging, "render.py", "B701")

    second_head = converging.push(PUSHES[1])  # fixes render.py's autoescape, adds an eval
    ran, second = review(converging, workspace, reason="synchronize")
    assert second == [("extra.py", 2, "B307")]  # exactly one new comment
    assert gh.threads[render["id"]] == {"resolved": True, "by": None}  # resolved by the App
    (resolved,) = gh.graphql_calls("resolveReviewThread")
    assert resolved.body["variables"] == {"thread": f"PRRT_{render['id']}"}
    body, state = summary_of(converging)
    assert "**2 open**, 1 fixed, 0 dismissed, 1 pre-existing" in body
    assert f"B701 in render.py: fixed in `{second_head[:12]}`" in body
    assert "Incremental review" in body and second_head[:12] in body
    review_body = gh.calls("POST", r"/pulls/1/reviews$")[-1].body["body"]
    assert "on what is new since" in review_body
    # the environment moved down two lines: still one annotation, never a comment
    assert [a["start_line"] for a in gh.check_runs[max(gh.check_runs)]["annotations"]] == [5]

    squashed = force_push_same_content(converging.repo, converging.pull)
    ran, third = review(converging, workspace, reason="synchronize")
    assert third == [] and ran.result["outputs"]["review"]["review_id"] is None
    assert len(gh.reviews) == 2 and len(gh.graphql_calls("resolveReviewThread")) == 1
    body, state = summary_of(converging)
    assert state.head == squashed and "**2 open**, 1 fixed" in body
    # no finding was ever commented twice
    fingerprints = [c["body"].rsplit("fp=", 1)[1] for c in gh.review_comments]
    assert len(fingerprints) == len(set(fingerprints)) == 2


def test_a_rebase_onto_a_moved_base_posts_nothing_new(converging, workspace: Path) -> None:
    gh = converging.github
    _, first = review(converging, workspace)
    assert first == [("render.py", 3, "B701")]
    render = comment_on(converging, "render.py", "B701")
    # the base branch gains a line on top of every file of the pull request and the branch
    # is rebased onto it: other commits, every finding one line further down
    rebased = rebase_onto_moved_base(
        converging, {name: "# Reviewed.\n" for name in ("app.py", "render.py", "templates.py")}
    )
    assert render["line"] == 4  # GitHub moved the comment with its line
    ran, second = review(converging, workspace, reason="synchronize")
    assert second == [] and ran.result["outputs"]["review"]["review_id"] is None
    assert gh.graphql_calls("resolveReviewThread") == []
    assert gh.threads.get(render["id"], {}).get("resolved") is not True
    body, state = summary_of(converging)
    assert state.head == rebased and "**2 open**, 0 fixed, 0 dismissed, 1 pre-existing" in body
    assert "| 🔴 | render.py | 4 | B701 |" in body and "| 🔴 | templates.py | 4 | B701 |" in body


def test_review_full_comments_on_every_open_finding_not_yet_commented(
    converging, workspace: Path
) -> None:
    converging.push(PUSHES[1])
    review(converging, workspace)
    extra = converging.repo.path / "extra.py"
    converging.push({"extra.py": reformat(extra.read_text())})  # its comment is outdated
    _, incremental = review(converging, workspace, reason="synchronize")
    assert incremental == []  # the same eval, reformatted and moved: already said
    _, full = review(converging, workspace, reason="command", delivery_id="c-1", full=True)
    assert full == [("extra.py", 4, "B307")]  # no comment on its new line yet


def test_a_writer_dismisses_by_resolving_or_thumbs_down_and_a_reader_cannot(
    converging, workspace: Path
) -> None:
    gh = converging.github
    gh.permissions.update({"mia": "maintain", "rae": "read"})
    converging.push(
        {"extra.py": "".join(f"def f{n}(x{n}):\n    return eval(x{n})\n\n\n" for n in range(3))}
    )
    _, first = review(converging, workspace)
    assert sorted(c for c in first if c[0] == "extra.py") == [
        ("extra.py", 2, "B307"),
        ("extra.py", 6, "B307"),
        ("extra.py", 10, "B307"),
    ]
    by_line = {c["line"]: c for c in gh.review_comments if c["path"] == "extra.py"}
    gh.resolve_thread(by_line[2]["id"], by="mia")  # a maintainer resolves the thread
    gh.react(by_line[6]["id"], by="mia", content="-1")  # a maintainer reacts 👎
    gh.resolve_thread(by_line[10]["id"], by="rae")  # a reader does both: nothing changes
    gh.react(by_line[10]["id"], by="rae", content="-1")
    gh.react(by_line[10]["id"], by="mia", content="+1")  # 👍 dismisses nothing either

    # a formatter runs: every comment is outdated, every finding moves down, and a full
    # review would comment on each at its new line
    converging.push({"extra.py": reformat((converging.repo.path / "extra.py").read_text())})
    ran, second = review(converging, workspace, reason="command", delivery_id="c-1", full=True)
    assert second == [("extra.py", 12, "B307")]  # only the reader's: not dismissed
    body, state = summary_of(converging)
    assert "**3 open**, 0 fixed, 2 dismissed" in body  # the reader's eval, the two B701
    assert "dismissed by mia, who resolved its thread" in body
    assert "dismissed by mia, who reacted 👎" in body
    assert sorted(c.how for c in state.dismissed.values()) == ["resolved", "thumbs_down"]
    asked = [r.path.rsplit("/", 2)[1] for r in gh.calls("GET", r"/collaborators/.+/permission$")]
    assert sorted(asked) == ["mia", "rae"]  # each asked once, however many actions

    _, third = review(converging, workspace, reason="command", delivery_id="c-2", full=True)
    assert third == []  # dismissed for the pull request, remembered by the summary
    run = gh.check_runs[max(gh.check_runs)]
    annotated = {(a["path"], a["start_line"]) for a in run["annotations"]}
    assert annotated == {("templates.py", 3)}  # the dismissed evals are not annotated


def test_threads_the_app_did_not_start_are_never_touched(converging, workspace: Path) -> None:
    gh = converging.github
    review(converging, workspace)
    comment = comment_on(converging, "render.py", "B701")
    forged = {**comment, "id": gh.next_id(), "user": {"login": "reviewbot-test", "type": "User"}}
    gh.review_comments.append(forged)  # a person named like the App pastes its comment
    gh.resolve_thread(forged["id"], by="reviewbot-test")
    gh.permissions["reviewbot-test"] = "admin"
    converging.push(PUSHES[1])
    review(converging, workspace, reason="synchronize")
    _, state = summary_of(converging)
    assert state.dismissed == {}  # the person's thread is not the App's
    assert gh.threads[forged["id"]]["by"] == "reviewbot-test"  # and was not resolved again
    assert gh.threads[comment["id"]] == {"resolved": True, "by": None}


def test_when_threads_cannot_be_read_the_review_still_posts_and_says_why(
    converging, workspace: Path
) -> None:
    gh = converging.github
    gh.fail_next("POST", "graphql", 403, body={"message": "Resource not accessible by integration"})
    _, new = review(converging, workspace)
    assert new == [("render.py", 3, "B701")]
    body, _ = summary_of(converging)
    assert "earlier reviews' threads could not be read" in body


def test_a_review_whose_comments_could_not_be_posted_leaves_the_next_one_full(
    converging, workspace: Path
) -> None:
    gh = converging.github
    gh.fail_next("POST", r"/pulls/1/reviews$", 422, body={"message": "Validation Failed"})
    _, first = review(converging, workspace)
    assert first == []
    _, state = summary_of(converging)
    assert state.head is None and len(state.open) == 2  # tracked, but said nowhere inline
    converging.push({"notes.txt": "unrelated\n"})
    _, second = review(converging, workspace, reason="synchronize")
    assert second == [("render.py", 3, "B701")]
