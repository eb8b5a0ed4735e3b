"""The findings cache: an analyser's result for a file is reused wherever the same bytes
come back (a re-review, a follow-up push, a rebase, another pull request), and never
across a change of the tool or of our configuration."""

from __future__ import annotations

import json
from dataclasses import replace
from pathlib import Path

import pytest

import agents.cache as cache_module
import agents.cache_packs as packs_module
from agents.registry import get_agent
from orchestrator.workspace_gc import collect_garbage
from review.diff import FilterMode
from review.findings import Severity

EVAL = "import os\nx = eval(input())\n"  # B307 on line 2, F401 (unused os) on line 1
PASSWORD = 'password = "hunter2hunter2"\n'


def counts(done) -> dict[str, dict[str, int] | None]:
    return {name: status.cache for name, status in done.report.agents.items()}


def tools(name: str) -> int:
    """How many analysers the agent has (security: bandit and ruff's S rules): each one
    has its own cache entry for a file."""
    return len(get_agent(name).analysers)


def files(count: int) -> dict[str, str]:
    return {f"pkg/mod_{n}.py": f"value_{n} = eval(input({n}))\n" for n in range(count)}


@pytest.fixture
def workspace(tmp_path: Path) -> Path:
    return tmp_path / "workspace"


def test_a_second_review_of_the_same_change_reads_every_file_from_the_cache(
    make_repo, review_repo, workspace
) -> None:
    repo = make_repo([{"README.md": "hi\n"}, {**files(5), "app.py": EVAL}])
    first = review_repo(repo, root=workspace)
    assert counts(first) == {n: {"hits": 0, "misses": 6 * tools(n)} for n in counts(first)}
    again(first)
    second = review_repo(repo, root=workspace)
    assert counts(second) == {n: {"hits": 6 * tools(n), "misses": 0} for n in counts(first)}
    assert second.report.findings == first.report.findings
    assert (
        "bandit: 6 files from the cache, 0 analysed (head and base versions)"
        in second.report.agents["security"].notes
    )


def test_a_follow_up_push_analyses_only_what_it_changed(make_repo, review_repo, workspace) -> None:
    repo = make_repo([{"README.md": "hi\n"}, {**files(5), "app.py": EVAL}])
    base = repo.base
    first = review_repo(repo, root=workspace)
    repo.commit({"pkg/mod_0.py": "value_0 = 0\n"})  # fixes one file
    second = review_repo(repo, base=base, root=workspace)
    assert counts(second)["security"] == {"hits": 5 * 2, "misses": 1 * 2}  # bandit, ruff
    assert ("B307", 1) not in second.at("pkg/mod_0.py")
    assert second.at("app.py") == first.at("app.py")


def test_a_rebase_of_the_same_content_hits_the_cache_another_repository_does_not(
    make_repo, review_repo, workspace
) -> None:
    one = make_repo([{"README.md": "hi\n"}, {**files(3), "app.py": EVAL}], name="one")
    review_repo(one, root=workspace)
    # the same files on a new base commit (another pull request, or a rebase): every commit
    # id differs, the blobs do not
    one.git("checkout", "-q", "-b", "rebased", one.commits[0])
    base = one.commit({"NOTES.md": "moved on\n"})
    head = one.commit({**files(3), "app.py": EVAL})
    rebased = review_repo(one, base=base, head=head, root=workspace)
    assert counts(rebased)["security"] == {"hits": 4 * 2, "misses": 0}  # bandit, ruff
    assert rebased.at("app.py") == [("B307", 2), ("F401", 1)]
    # another repository holding the very same files shares nothing: its cache is its own
    other = make_repo([{"README.md": "hi\n"}, {**files(3), "app.py": EVAL}], name="other")
    elsewhere = review_repo(other, root=workspace)
    assert counts(elsewhere)["security"] == {"hits": 0, "misses": 4 * 2}
    assert elsewhere.at("app.py") == [("B307", 2), ("F401", 1)]


def again(done) -> None:
    """Make the next review of the same change a new one (not the finished one)."""
    done.run.report_file.unlink()
    for result in done.run.findings_dir.iterdir():
        result.unlink()


def test_a_new_tool_version_or_configuration_misses(
    make_repo, review_repo, workspace, monkeypatch
) -> None:
    from agents.reviewers import security

    repo = make_repo([{"README.md": "hi\n"}, {"app.py": EVAL}])
    first = review_repo(repo, root=workspace, agents=("security",))
    version = cache_module._module_version("bandit")
    with monkeypatch.context() as patch:
        patch.setattr(cache_module, "_module_version", lambda module: f"{version}+upgraded")
        again(first)
        upgraded = review_repo(repo, root=workspace, agents=("security",))
    # bandit, known by its module's version, misses; ruff, a program known by its file, hits
    assert upgraded.report.agents["security"].cache == {"hits": 1, "misses": 1}
    bandit, ruff = security.AGENT.analysers
    stricter = replace(bandit, severities={**bandit.severities, "B307": Severity.ERROR})
    monkeypatch.setattr(security, "AGENT", replace(security.AGENT, analysers=(stricter, ruff)))
    again(upgraded)
    configured = review_repo(repo, root=workspace, agents=("security",))
    assert configured.report.agents["security"].cache == {"hits": 1, "misses": 1}  # bandit
    (eval_finding,) = [f for f in configured.report.findings if f.rule == "B307"]
    assert eval_finding.severity is Severity.ERROR
    monkeypatch.undo()
    again(configured)
    back = review_repo(repo, root=workspace, agents=("security",))
    assert back.report.agents["security"].cache == {"hits": 2, "misses": 0}


def test_an_added_suppression_changes_what_is_read(make_repo, review_repo, workspace) -> None:
    """The bytes a tool reads, after neutralising, are the key: a change adding `# nosec`
    to a line the cache saw without it is analysed again, and still flagged."""
    repo = make_repo([{"README.md": "hi\n"}, {"app.py": EVAL}])
    review_repo(repo, root=workspace, agents=("security",))
    repo.commit({"app.py": "import os\nx = eval(input())  # nosec\n"})
    done = review_repo(repo, root=workspace, agents=("security",))
    # bandit's and ruff's copies of the head are new; the base version is the first head
    assert done.report.agents["security"].cache == {"hits": 2, "misses": 2}
    notes = done.report.agents["security"].notes
    assert "app.py:2: a suppression the change adds was ignored" in notes
    # still found: the eval was at the base, so it is pre-existing (counted, not reported)
    assert ("B307", 2) in [(f.rule, f.line) for f in done.report.pre_existing]


def test_the_same_file_read_with_and_without_a_neutralised_suppression_is_two_entries(
    make_repo, review_repo, workspace, monkeypatch
) -> None:
    """One blob, two changes: where `# nosec` is old it is obeyed, where the change adds it
    it is not; neither review may be answered with the other's result. (bandit alone: one
    tool's entries.)"""
    from agents.reviewers import security

    bandit = next(a for a in security.AGENT.analysers if a.tool == "bandit")
    monkeypatch.setattr(security, "AGENT", replace(security.AGENT, analysers=(bandit,)))
    suppressed = "import os\nx = eval(input())  # nosec\n"
    old = make_repo([{"app.py": suppressed + "y = 1\n"}, {"app.py": suppressed}], name="old")
    kept = review_repo(old, root=workspace, agents=("security",), filter_mode=FilterMode.FILE)
    assert ("B307", 2) not in kept.at("app.py")  # an old suppression keeps working
    new = make_repo([{"README.md": "hi\n"}, {"app.py": suppressed}], name="new")
    added = review_repo(new, root=workspace, agents=("security",), filter_mode=FilterMode.FILE)
    assert ("B307", 2) in added.at("app.py")  # the added one is ignored, cache or not
    assert added.report.agents["security"].cache["misses"] >= 1


def test_a_damaged_entry_is_a_miss_not_a_failure(make_repo, review_repo, workspace) -> None:
    repo = make_repo([{"README.md": "hi\n"}, {"app.py": EVAL}])
    first = review_repo(repo, root=workspace, agents=("security",))
    for entry in (workspace / "runs" / ".findings-cache").rglob("*.json"):
        damaged = {"findings": [{"x": 1}], "notes": []}  # a finding without its fields
        stored = {"path": "app.py", "marked": [], "variants": {"": damaged, "2": damaged}}
        entry.unlink()  # a link to the run's pack: the others stay as they are
        entry.write_text(
            json.dumps({"format": cache_module.FORMAT, "entries": {entry.stem: stored}})
        )
    again(first)
    done = review_repo(repo, root=workspace, agents=("security",))
    assert done.report.agents["security"].cache == {"hits": 0, "misses": 2}  # bandit, ruff
    assert done.at("app.py") == [("B307", 2)]


def test_the_workspace_sweep_removes_the_least_recently_used_entries(
    make_repo, review_repo, workspace
) -> None:
    repo = make_repo([{"README.md": "hi\n"}, files(30)])
    review_repo(repo, root=workspace)
    cache = workspace / "runs" / ".findings-cache"
    entries = sorted(cache.rglob("*.json"))
    # four analysers (bandit, ruff's S rules, ruff, detect-secrets): an entry per file
    # each, and for each whole run its entry and the pointer to it (`agents.run_cache`),
    # in a pack per analyser run; and each of the three agents' combined result, a pack each
    assert len(entries) == 4 * 30 + 4 * 2 + 3
    assert len(list(cache.glob("*/packs/*.pack"))) == 4 + 3
    done = collect_garbage(workspace, max_bytes=0, retention_seconds=0)
    assert done.removed  # the finished run went first
    assert not [p for p in cache.rglob("*") if p.is_file()]
    assert done.cache_entries_removed == 4 * 30 + 4 * 2 + 3
    assert done.cache_packs_removed == 4 + 3


def test_a_helper_a_parser_borrows_from_another_module_is_part_of_the_key(monkeypatch) -> None:
    """actionlint's parser grades ShellCheck's comments with the shell agent's levels: a
    change to that module (a severity map, say) changes the workflows agent's key too, so
    a cached severity is never served after it."""
    from agents.reviewers import shell, workflows

    actionlint = next(a for a in workflows.AGENT.analysers if a.tool == "actionlint")
    cache_module.code_digest.cache_clear()
    before = cache_module.analyser_identity("workflows", actionlint, "/usr/bin/true")
    shell_source = Path(shell.__file__).resolve()
    digest = cache_module.file_digest
    monkeypatch.setattr(
        cache_module,
        "file_digest",
        lambda path: "changed" if Path(path).resolve() == shell_source else digest(path),
    )
    cache_module.code_digest.cache_clear()
    try:
        changed = cache_module.analyser_identity("workflows", actionlint, "/usr/bin/true")
    finally:
        cache_module.code_digest.cache_clear()  # the next test computes the true one
    assert changed != before


def test_the_cache_holds_what_the_tool_found_and_where_it_is_is_graded_on_every_review(
    make_repo, review_repo, workspace
) -> None:
    """A test's `verify=False` is stored as the error the tool found; the policy
    (`agents.policy`) makes it a warning after the cache, on a miss and on a hit alike, so
    a change of that policy needs no entry invalidated."""
    test = "import requests\nrequests.get('https://localhost', verify=False, timeout=1)\n"
    repo = make_repo([{"README.md": "hi\n"}, {"tests/test_tls.py": test}])
    first = review_repo(repo, root=workspace, agents=("security",))
    entries = [
        json.loads(entry.read_text())["entries"][entry.stem]
        for entry in (workspace / "runs" / ".findings-cache").rglob("*.json")
    ]
    stored = [  # a file's readings, and whole runs
        finding["severity"]
        for entry in entries
        for variant in entry.get("variants", {"": entry}).values()
        for finding in variant.get("findings", ())  # a pointer to a whole run has none
        if finding["rule"] == "B501"
    ]
    # bandit's and ruff's S rules' (a file's reading and a whole run each), and the two
    # combined as the security agent's result
    assert len(stored) == 2 * 2 + 1 and set(stored) == {"error"}
    again(first)
    second = review_repo(repo, root=workspace, agents=("security",))
    assert second.report.agents["security"].cache == {"hits": 2, "misses": 0}
    for done in (first, second):
        (tls,) = [f for f in done.report.findings if f.rule == "B501"]
        assert tls.severity is Severity.WARNING


def test_a_hit_marks_its_entry_used_when_stale_and_still_hits_on_a_read_only_mount(
    tmp_path: Path, monkeypatch
) -> None:
    """The sweep removes the least recently used entries; a hit marks its entry only when
    that mark is over REFRESH_SECONDS old, so a review right after another writes
    nothing, and an agent function's read-only mount, where marking fails, still hits."""
    import errno
    import os
    import time

    store = cache_module.FindingsCache(tmp_path, "identity")
    key = "a" * 64
    packs_module.write_pack(tmp_path, {key: {"format": cache_module.FORMAT, "path": "x.py"}})
    (entry,) = tmp_path.rglob("*.json")
    stale = time.time() - packs_module.REFRESH_SECONDS - 60
    os.utime(entry, (stale, stale))
    assert store.read_raw(key) == {"format": cache_module.FORMAT, "path": "x.py"}
    assert entry.stat().st_mtime > stale + 60  # marked
    recent = int(time.time() - 5) * 10**9
    os.utime(entry, ns=(recent, recent))
    assert store.read_raw(key) is not None
    assert entry.stat().st_mtime_ns == recent  # left as it was

    def read_only(*args, **kwargs):
        raise OSError(errno.EROFS, "Read-only file system")

    os.utime(entry, (stale, stale))
    monkeypatch.setattr(cache_module.os, "utime", read_only)
    assert store.read_raw(key) is not None
