"""The repository's configuration file read from a local repository's objects: one listing
of a commit's tree for every name the file may have, `.yml` before `.yaml`, the refusals
of what is not a regular file, and the answer remembered per commit, so that preparing
the same review again runs no git process (counted by wrapping `Git.run`)."""

from __future__ import annotations

import shutil
import subprocess
from collections.abc import Iterator
from pathlib import Path

import pytest
from git_recording import recorded_git_runs

from orchestrator.local_repo import LocalRepository
from orchestrator.repo_config import FOUND, find_config, git_finder
from orchestrator.sources.local import LocalSource
from review.config_file import MAX_CONFIG_BYTES, ConfigFile
from review.git import GitError
from review.request import ReviewRequest

YML, YAML = ".github/reviewbot.yml", ".github/reviewbot.yaml"


@pytest.fixture(autouse=True)
def nothing_remembered():
    """Each test starts with an empty memo (test commits have fixed dates, so two tests
    building the same files make the same commit ids)."""
    FOUND.clear()
    yield
    FOUND.clear()


@pytest.fixture
def git_calls() -> Iterator[list[tuple[str, ...]]]:
    """The arguments of every git process run from now on."""
    with recorded_git_runs() as calls:
        yield calls


def find(repo, commit: str) -> ConfigFile | None:
    return find_config(git_finder(LocalRepository(repo.path)), commit)


def test_yml_is_preferred_to_yaml_and_one_listing_looks_for_both(make_repo, git_calls) -> None:
    repo = make_repo(
        [{YML: "fail_on: note\n", YAML: "fail_on: never\n"}, {YML: None}, {YAML: None}]
    )
    both, yaml_only, neither = repo.commits
    git_calls.clear()
    assert find(repo, both) == ConfigFile(YML, b"fail_on: note\n")
    listings = [c for c in git_calls if c[0] == "ls-tree"]
    assert listings == [("ls-tree", "-z", "--full-tree", both, "--", YML, YAML)]
    assert find(repo, yaml_only) == ConfigFile(YAML, b"fail_on: never\n")
    git_calls.clear()
    assert find(repo, neither) is None
    assert len(git_calls) == 1  # the listing, nothing else


def _submodule(repo) -> str:
    """A commit whose `.github/reviewbot.yml` is a submodule (a gitlink entry)."""
    sha = repo.commits[-1]
    repo.git("update-index", "--add", "--cacheinfo", f"160000,{sha},{YML}")
    repo.git("commit", "-q", "-m", "submodule")
    return repo.git("rev-parse", "HEAD")


@pytest.mark.parametrize(
    ("kind", "reason"),
    [
        ("directory", "is a directory, not a file"),
        ("link", "is a symbolic link, not a file"),
        ("submodule", "is a submodule, not a file"),
        ("large", f"is over {MAX_CONFIG_BYTES // 1024} KB"),
    ],
)
def test_what_is_not_a_regular_file_is_refused_and_not_skipped(make_repo, kind, reason) -> None:
    files = {
        "directory": {f"{YML}/inner.yml": "agents: [style]\n"},
        "link": {YML: make_repo.link("../README.md")},
        "submodule": {},
        "large": {YML: "#" * (MAX_CONFIG_BYTES + 1)},
    }[kind]
    # a readable .yaml beside it is not taken instead: the .yml is the file, and is refused
    repo = make_repo([{"README.md": "hi\n", YAML: "fail_on: never\n", **files}])
    commit = _submodule(repo) if kind == "submodule" else repo.head
    assert find(repo, commit) == ConfigFile(YML, unreadable=reason)


def _prepare(repo_path: Path, root: Path, base: str, head: str) -> dict:
    request = ReviewRequest(str(repo_path), str(repo_path), head, base)
    return LocalSource().prepare({"request": request.to_dict()}, root)


def test_preparing_again_runs_no_git_and_a_follow_up_one_listing(
    make_repo, git_calls, tmp_path
) -> None:
    repo = make_repo([{YML: "fail_on: note\n", "app.py": "x = 1\n"}, {"app.py": "x = 2\n"}])
    base, head = repo.commits
    first = _prepare(repo.path, tmp_path / "ws", base, head)
    assert first["request"]["config"]["fail_on"] == "note"
    assert [c[0] for c in git_calls].count("ls-tree") == 2  # the base's and the head's
    git_calls.clear()
    assert _prepare(repo.path, tmp_path / "ws", base, head) == first
    assert git_calls == []
    follow_up = repo.commit({"app.py": "x = 3\n"})
    git_calls.clear()
    _prepare(repo.path, tmp_path / "ws", base, follow_up)
    assert [c[0] for c in git_calls] == ["ls-tree", "cat-file", "cat-file"]  # the new head's
    assert follow_up in git_calls[0]


def test_a_repository_replaced_at_the_same_path_is_read_afresh(make_repo) -> None:
    first = make_repo([{YML: "fail_on: note\n"}])
    assert find(first, first.head) == ConfigFile(YML, b"fail_on: note\n")
    shutil.rmtree(first.path)
    second = make_repo([{YML: "fail_on: never\n"}])  # same folder, other commits
    assert second.path == first.path and second.head != first.head
    assert find(second, second.head) == ConfigFile(YML, b"fail_on: never\n")


def test_a_failed_fetch_is_not_remembered(make_repo, tmp_path) -> None:
    remote = make_repo([{YML: "fail_on: note\n", "app.py": "x = 1\n"}], name="remote")
    remote.git("config", "uploadpack.allowFilter", "true")
    remote.git("config", "uploadpack.allowAnySHA1InWant", "true")
    url = f"file://{remote.path}"
    subprocess.run(
        ["git", "clone", "-q", "--filter=blob:none", "--no-checkout", url, "partial"],
        cwd=tmp_path,
        env={"PATH": "/usr/bin:/bin", "HOME": str(tmp_path), "GIT_CONFIG_GLOBAL": "/dev/null"},
        check=True,
    )
    partial = LocalRepository(tmp_path / "partial")
    away = remote.path.with_name("away")
    remote.path.rename(away)  # the promisor remote does not answer
    with pytest.raises(GitError, match="could not fetch"):
        find_config(git_finder(partial), remote.head)
    away.rename(remote.path)  # it answers again: the retry reads the file
    assert find_config(git_finder(partial), remote.head) == ConfigFile(YML, b"fail_on: note\n")


def test_the_memo_keeps_only_its_latest_commits(make_repo, git_calls, monkeypatch) -> None:
    monkeypatch.setattr(FOUND, "size", 2)
    repo = make_repo([{"a.txt": "1\n"}, {"a.txt": "2\n"}, {"a.txt": "3\n"}])
    for commit in repo.commits:
        find(repo, commit)
    git_calls.clear()
    find(repo, repo.commits[2])
    assert git_calls == []  # among the latest two
    find(repo, repo.commits[0])
    assert len(git_calls) == 1  # dropped, so listed again


def test_a_ref_is_looked_up_every_time(make_repo, git_calls) -> None:
    repo = make_repo([{YML: "fail_on: note\n"}])
    assert find(repo, "HEAD") == ConfigFile(YML, b"fail_on: note\n")
    repo.commit({YML: "fail_on: never\n"})
    git_calls.clear()
    assert find(repo, "HEAD") == ConfigFile(YML, b"fail_on: never\n")  # another commit now
    assert git_calls and find(repo, repo.head) == ConfigFile(YML, b"fail_on: never\n")
