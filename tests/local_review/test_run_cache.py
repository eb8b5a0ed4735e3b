"""An analyser's whole run reused: when every file version and added line of a run is the
same as a run before, the result is read as one entry, not looked up file by file."""

from __future__ import annotations

import json
from pathlib import Path

import pytest
from test_findings_cache import EVAL, again, files

from agents.analysis import Analysis
from agents.cache import FORMAT, FindingsCache
from agents.run_cache import load_run, store_run
from review.findings import Finding, Severity


@pytest.fixture
def workspace(tmp_path: Path) -> Path:
    return tmp_path / "workspace"


@pytest.fixture
def per_file_loads(monkeypatch) -> list[int]:
    """How many files each per-file lookup asked for, from now on."""
    asked: list[int] = []
    load = FindingsCache.load

    def counted(self, lookups):
        asked.append(len(lookups))
        return load(self, lookups)

    monkeypatch.setattr(FindingsCache, "load", counted)
    return asked


def test_an_identical_re_review_reads_each_analysers_run_whole(
    make_repo, review_repo, workspace, request
) -> None:
    repo = make_repo([{"README.md": "hi\n"}, {**files(4), "app.py": EVAL}])
    first = review_repo(repo, root=workspace)
    again(first)
    asked = request.getfixturevalue("per_file_loads")
    second = review_repo(repo, root=workspace)
    assert asked == []  # no file looked up on its own
    assert second.report.findings == first.report.findings
    assert second.report.findings  # B307 and F401 on app.py, the evals of pkg/
    security = second.report.agents["security"]
    assert security.cache == {"hits": 5 * 2, "misses": 0}  # bandit, ruff's S rules
    assert "bandit: 5 files from the cache, 0 analysed (head and base versions)" in (security.notes)


def test_a_rebase_of_the_same_content_is_reused_whole(
    make_repo, review_repo, workspace, request
) -> None:
    repo = make_repo([{"README.md": "hi\n"}, {**files(2), "app.py": EVAL}])
    first = review_repo(repo, root=workspace)
    repo.git("checkout", "-q", "-b", "rebased", repo.commits[0])
    base = repo.commit({"NOTES.md": "moved on\n"})
    head = repo.commit({**files(2), "app.py": EVAL})
    asked = request.getfixturevalue("per_file_loads")
    rebased = review_repo(repo, base=base, head=head, root=workspace)
    assert asked == []
    assert rebased.report.findings == first.report.findings


def test_other_added_lines_on_the_same_blobs_are_read_file_by_file(
    make_repo, review_repo, workspace, request
) -> None:
    """The same head blob against another base: other lines are added, so suppressions
    are neutralised elsewhere and findings are new or already there: not the same run."""
    old = "import os\n"
    repo = make_repo([{"README.md": "hi\n"}, {"app.py": old}, {"app.py": EVAL}])
    whole = review_repo(repo, base=repo.commits[0], root=workspace)
    assert ("B307", 2) in whole.at("app.py")
    asked = request.getfixturevalue("per_file_loads")
    edit = review_repo(repo, base=repo.commits[1], root=workspace)
    assert asked  # looked up file by file
    states = {(f.rule, f.baseline_state) for f in edit.report.findings if f.path == "app.py"}
    assert ("B307", "new") in states
    assert all(state != "new" for rule, state in states if rule == "F401")  # line 1 was there


def finding(path: str = "app.py", line: int = 2) -> Finding:
    return Finding("security", "B307", Severity.WARNING, path, line, "eval")


def test_a_run_with_a_file_not_analysed_is_not_kept(tmp_path: Path) -> None:
    store = FindingsCache(tmp_path, "identity")
    failed = Analysis([finding()], ["lib.py: not analysed, bandit ran out of time"])
    store_run(store, "a" * 64, failed)
    assert load_run(store, "a" * 64, ["app.py", "lib.py"]) is None
    store_run(store, "b" * 64, Analysis([finding()], ["app.py:3: a suppression was ignored"]))
    reused = load_run(store, "b" * 64, ["app.py"])
    assert reused is not None and reused.findings == [finding()]
    assert store.hits == 1


def test_a_damaged_or_foreign_run_entry_is_a_miss(tmp_path: Path) -> None:
    store = FindingsCache(tmp_path, "identity")
    store_run(store, "c" * 64, Analysis([finding("elsewhere.py")]))
    assert load_run(store, "c" * 64, ["app.py"]) is None  # names a file not in this run
    store.flush()
    assert load_run(FindingsCache(tmp_path, "identity"), "c" * 64, ["elsewhere.py"])
    entry = next(tmp_path.rglob("*.json"))
    damaged = {"format": FORMAT, "path": "\0whole run", "findings": [{"line": 0}], "notes": []}
    entry.write_text(json.dumps({"format": FORMAT, "entries": {"c" * 64: damaged}}))
    store = FindingsCache(tmp_path, "identity")
    assert load_run(store, "c" * 64, ["elsewhere.py"]) is None
    assert store.hits == 0


def test_a_base_version_the_budget_left_out_is_noted_and_its_run_not_reused(
    make_repo, review_repo, workspace
) -> None:
    """With a checkout budget that the head's other files use up, app.py's base version is
    not written: the review says its findings are not told apart, and a later review of
    the same app.py whose base is written does not reuse that run (the pre-existing
    `shell=True` on the line the change edits is then told apart)."""
    pad = "".join(f"# padding line {n:05d}\n" for n in range(100))
    app = f"import subprocess\n{pad}\ndef run(cmd):\n    return subprocess.call(cmd, shell=True)\n"
    edited = app.replace("shell=True)\n", "shell=True)  # edited\n")
    budget = 2 * len(app) + 100
    repo = make_repo(
        [{"app.py": app}, {"app.py": edited}, {"a.json": "x" * (budget - len(app) - 50)}]
    )
    base, alone, with_json = repo.commits
    crowded = review_repo(
        repo,
        base=base,
        head=with_json,
        root=workspace,
        agents=("security",),
        max_checkout_bytes=budget,
    )
    assert any(
        n.startswith("app.py: its base version was left out (over the checkout budget")
        for n in crowded.report.notes
    )
    assert {f.baseline_state for f in crowded.report.findings if f.rule == "B602"} == {None}
    roomy = review_repo(
        repo, base=base, head=alone, root=workspace, agents=("security",), max_checkout_bytes=budget
    )
    assert not any(f.rule == "B602" for f in roomy.report.findings)  # already there
    assert roomy.report.pre_existing
