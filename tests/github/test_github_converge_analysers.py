"""The pull request of `converge_support`, reviewed push after push by the real `security`
agent (bandit and ruff's `S` rules as child processes, each finding compared with the
base version of its file by `agents.baseline`), on the fake GitHub: the figures of
`benchmarks/converge_bench.py` and the README's example hold for the analysers, not
only for the quick stand-in of the other convergence tests."""

from __future__ import annotations

import json
from pathlib import Path

from converge_support import (
    PUSHES,
    comment_on,
    force_push_same_content,
    reformat,
    review,
    summary_of,
)


def test_the_security_agent_converges_over_four_pushes(converge_pull, workspace: Path) -> None:
    gh = converge_pull.github
    gh.permissions["mia"] = "maintain"

    ran, first = review(converge_pull, workspace)
    assert first == [("render.py", 3, "B701")]  # introduced on an unchanged line, shown
    (run,) = gh.check_runs.values()
    assert [(a["path"], a["start_line"]) for a in run["annotations"]] == [("templates.py", 3)]
    report = json.loads(Path(ran.result["report"]).read_text())
    assert sorted(
        (f["path"], f["line"], f["rule"], f["baseline_state"]) for f in report["findings"]
    ) == [
        ("render.py", 3, "B701", "new"),
        ("templates.py", 3, "B701", "new"),
    ]
    # the eval on the renamed line was at the base: set aside, counted, not posted
    assert [
        (f["path"], f["line"], f["rule"], f["baseline_state"]) for f in report["pre_existing"]
    ] == [("app.py", 2, "B307", "unchanged")]
    render = comment_on(converge_pull, "render.py", "B701")

    converge_pull.push(PUSHES[1])  # render.py fixed, an eval in a new file
    _, second = review(converge_pull, workspace, reason="synchronize")
    assert second == [("extra.py", 2, "B307")]
    assert gh.threads[render["id"]] == {"resolved": True, "by": None}
    gh.resolve_thread(comment_on(converge_pull, "extra.py", "B307")["id"], by="mia")

    converge_pull.push({"extra.py": reformat((converge_pull.repo.path / "extra.py").read_text())})
    _, third = review(converge_pull, workspace, reason="synchronize")
    assert third == []  # the same eval, moved and dismissed
    force_push_same_content(converge_pull.repo, converge_pull.pull)
    _, fourth = review(converge_pull, workspace, reason="synchronize")
    assert fourth == []
    body, state = summary_of(converge_pull)
    assert "**1 open**, 1 fixed, 1 dismissed, 1 pre-existing (not posted)" in body
    assert len(gh.review_comments) == 2 and len(gh.graphql_calls("resolveReviewThread")) == 1
