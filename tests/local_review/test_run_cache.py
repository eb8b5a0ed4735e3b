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
from tests.analysers.test_agents_process import work_on


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
    store = FindingsCache(tmp_path / "cache", "identity")
    work = work_on(tmp_path, {"app.py": "x\n", "lib.py": "y\n"})
    failed = Analysis([finding()], ["lib.py: not analysed, bandit ran out of time"])
    store_run(store, "a" * 64, failed, work)
    assert load_run(store, "a" * 64, ["app.py", "lib.py"]) is None
    noted = Analysis([finding()], ["app.py:3: a suppression was ignored"])
    store_run(store, "b" * 64, noted, work)
    reused = load_run(store, "b" * 64, ["app.py"])
    assert reused is not None and reused.findings == [finding()]
    assert store.hits == 1


def test_a_damaged_or_foreign_run_entry_is_a_miss(tmp_path: Path) -> None:
    cache = tmp_path / "cache"
    store = FindingsCache(cache, "identity")
    store_run(store, "c" * 64, Analysis([finding("elsewhere.py")]), work_on(tmp_path, {}))
    assert load_run(store, "c" * 64, ["app.py"]) is None  # names a file not in this run
    store.flush()
    assert load_run(FindingsCache(cache, "identity"), "c" * 64, ["elsewhere.py"])
    entry = cache / "cc" / f"{'c' * 64}.json"
    damaged = {"format": FORMAT, "path": "\0whole run", "findings": [{"line": 0}], "notes": []}
    entry.unlink()  # a link to the run's pack: replaced, not written through
    entry.write_text(json.dumps({"format": FORMAT, "entries": {"c" * 64: damaged}}))
    store = FindingsCache(cache, "identity")
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


def test_a_follow_up_reads_the_unchanged_files_from_the_last_run_and_analyses_the_edit(
    make_repo, review_repo, workspace, tmp_path, request
) -> None:
    repo = make_repo([{"README.md": "hi\n"}, {**files(4), "app.py": EVAL}])
    base = repo.base
    review_repo(repo, root=workspace)
    repo.commit({"pkg/mod_0.py": "value_0 = eval(input(100))\nimport os\n"})
    asked = request.getfixturevalue("per_file_loads")
    follow = review_repo(repo, base=base, root=workspace)
    assert asked and max(asked) == 1  # only the edited file was looked up, head and base
    fresh = review_repo(repo, base=base, root=tmp_path / "fresh")  # no cache to read
    assert follow.report.findings == fresh.report.findings
    assert ("F401", 2) in follow.at("pkg/mod_0.py")  # the edit's own finding
    assert follow.report.agents["security"].cache == {"hits": 4 * 2, "misses": 1 * 2}


def versions(tmp_path: Path, blobs: dict[str, str]):
    """An agent's input over `blobs` (path -> head blob id), each file added."""
    work = work_on(tmp_path, dict.fromkeys(blobs, "x\n"))
    for changed in work.files:
        changed.blob = blobs[changed.path]
    return work


def test_only_the_files_whose_version_is_the_same_are_taken_from_the_last_run(
    tmp_path: Path,
) -> None:
    from agents.declaration import Analyser
    from agents.run_cache import load_previous

    cache = tmp_path / "cache"
    tool = Analyser(command=("true", "{files}"), parse=lambda output: Analysis())
    before = versions(tmp_path / "a", {"app.py": "1" * 40, "lib.py": "2" * 40})
    done = Analysis([finding("app.py"), finding("lib.py", 5)], ["lib.py:5: a note on lib"])
    store = FindingsCache(cache, "identity")
    store_run(store, "d" * 64, done, before)
    store.flush()
    after = versions(tmp_path / "b", {"app.py": "1" * 40, "lib.py": "3" * 40})
    store = FindingsCache(cache, "identity")
    parts = load_previous(store, tool, after)
    assert list(parts) == ["app.py"] and parts["app.py"].findings == [finding("app.py")]
    assert store.hits == 1
    assert load_previous(FindingsCache(cache, "identity"), tool, before)["lib.py"].notes == [
        "lib.py:5: a note on lib"
    ]
    other = FindingsCache(cache, "another identity")  # another analyser's runs
    assert load_previous(other, tool, after) == {}
    new_only = Analyser(command=("true", "{files}"), parse=tool.parse, new_only=True)
    assert load_previous(FindingsCache(cache, "identity"), new_only, after) == {}
    store = FindingsCache(cache, "identity")
    store_run(store, "e" * 64, Analysis([finding()], ["2 findings left out"]), before)
    store.flush()  # a note about the whole run: not taken in part
    assert load_previous(FindingsCache(cache, "identity"), tool, after) == {}


def test_an_agent_whose_analysers_runs_are_all_the_same_starts_none_of_them(
    make_repo, review_repo, workspace, monkeypatch
) -> None:
    import agents.base

    repo = make_repo([{"README.md": "hi\n"}, {**files(3), "app.py": EVAL}])
    first = review_repo(repo, root=workspace, agents=("security",))
    again(first)
    started: list[str] = []
    run = agents.base.run_analyser
    monkeypatch.setattr(
        agents.base, "run_analyser", lambda *a: started.append(a[1].tool) or run(*a)
    )
    second = review_repo(repo, root=workspace, agents=("security",))
    assert started == []  # bandit and ruff's S rules: the agent's combined result answered
    assert second.report.findings == first.report.findings
    security = second.report.agents["security"]
    assert security.cache == {"hits": 4 * 2, "misses": 0}
    assert "bandit: 4 files from the cache, 0 analysed (head and base versions)" in security.notes
    assert "ruff: 4 files from the cache, 0 analysed (head and base versions)" in security.notes
    combined = [f for f in second.report.findings if f.path == "app.py" and f.rule == "B307"]
    assert len(combined) == 1  # bandit's and ruff's S307, one finding as before


def test_an_agent_result_with_a_file_not_analysed_is_not_kept(tmp_path: Path) -> None:
    from agents.run_cache import load_agent_run, store_agent_run

    store = FindingsCache(tmp_path, "agent run security")
    failed = ([finding()], [["lib.py: not analysed, bandit ran out of time"], []])
    store_agent_run(store, "f" * 64, failed, ["bandit", "ruff"], 2)
    assert load_agent_run(store, "f" * 64, ["bandit", "ruff"], 2) is None
    store_agent_run(
        store, "a" * 64, ([finding()], [["app.py:3: noted"], []]), ["bandit", "ruff"], 2
    )
    assert load_agent_run(store, "a" * 64, ["bandit", "ruff"], 2) == (
        [finding()],
        [["app.py:3: noted"], []],
    )
    assert load_agent_run(store, "a" * 64, ["bandit"], 2) is None  # other tools
    assert load_agent_run(store, "a" * 64, ["bandit", "ruff"], 3) is None  # other files


@pytest.mark.parametrize("files", [[7], [[["app.py"], 1, 2, 3, 4, 5, 6, 7]], "app.py", [[]]])
def test_a_whole_run_with_damaged_file_versions_is_not_taken_in_part(
    tmp_path: Path, files: object
) -> None:
    from agents.declaration import Analyser
    from agents.run_cache import load_previous

    cache = tmp_path / "cache"
    tool = Analyser(command=("true", "{files}"), parse=lambda output: Analysis())
    before = versions(tmp_path / "a", {"app.py": "1" * 40})
    store = FindingsCache(cache, "identity")
    store_run(store, "d" * 64, Analysis([finding("app.py")]), before)
    store._pending["d" * 64]["files"] = files  # valid JSON, not versions
    store.flush()
    assert load_previous(FindingsCache(cache, "identity"), tool, before) == {}
