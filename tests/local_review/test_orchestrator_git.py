"""The safe checkout: nothing in (or around) a reviewed repository runs or is followed."""

from __future__ import annotations

import os
import stat
import subprocess
from pathlib import Path

import pytest

from orchestrator import steps
from orchestrator.checkout import open_repository
from orchestrator.git import (
    check_source,
    repository_root,
    resolve_commit,
    token_auth_header,
)
from orchestrator.local_repo import LocalRepository
from review.diff import FileKind
from review.git import EMPTY_TREE, Git, GitError, _redact
from review.request import ReviewRequest
from review.workspace import Workspace

EVAL = "x = eval(input())\n"


def write_hook(directory: Path, name: str, marker: Path) -> None:
    directory.mkdir(parents=True, exist_ok=True)
    hook = directory / name
    hook.write_text(f"#!/bin/sh\necho {name} >> '{marker}'\n")
    hook.chmod(hook.stat().st_mode | stat.S_IXUSR)


def hostile_environment(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    """Configuration, in our own environment, that would run commands if git honoured it.

    Returns the marker file each of those commands would create.
    """
    marker = tmp_path / "executed"
    hooks = tmp_path / "hooks"
    for name in ("post-checkout", "reference-transaction", "post-index-change", "pre-auto-gc"):
        write_hook(hooks, name, marker)
    write_hook(tmp_path / "template" / "hooks", "post-checkout", marker)
    settings = {
        "filter.evil.smudge": f"touch '{marker}'; cat",
        "filter.evil.required": "true",
        "filter.lfs.smudge": f"touch '{marker}'; cat",
        "filter.lfs.process": f"touch '{marker}'",
        "diff.evil.textconv": f"touch '{marker}'; cat",
        "diff.evil.command": f"touch '{marker}'",
        "core.hooksPath": str(hooks),
        "core.fsmonitor": f"touch '{marker}'",
        "submodule.recurse": "true",
    }
    monkeypatch.setenv("GIT_CONFIG_COUNT", str(len(settings)))
    for i, (key, value) in enumerate(settings.items()):
        monkeypatch.setenv(f"GIT_CONFIG_KEY_{i}", key)
        monkeypatch.setenv(f"GIT_CONFIG_VALUE_{i}", value)
    monkeypatch.setenv("GIT_TEMPLATE_DIR", str(tmp_path / "template"))
    return marker


@pytest.fixture
def hostile_repo(make_repo):
    return make_repo(
        [
            {"README.md": "hello\n"},
            {
                ".gitattributes": "*.py filter=evil diff=evil\n*.bin filter=lfs diff=lfs -text\n",
                "app.py": EVAL,
                "blob.bin": "version https://git-lfs.github.com/spec/v1\noid sha256:00\n",
                "link.py": make_repo.link("../../outside/secret.py"),
            },
        ]
    )


def test_the_hostile_environment_would_run_commands_in_plain_git(
    hostile_repo, tmp_path, monkeypatch
) -> None:
    """The control experiment: the same settings do run commands when git honours them."""
    marker = hostile_environment(tmp_path, monkeypatch)
    subprocess.run(
        ["git", "clone", "-q", str(hostile_repo.path), str(tmp_path / "plain")],
        check=False,
        capture_output=True,
    )
    assert marker.exists()


def clone(repo, tmp_path: Path):
    """The clone step of a local review of `repo`'s last commit: (run folder, its change)."""
    request = ReviewRequest(str(repo.path), str(repo.path), repo.head, repo.base)
    run = Workspace(tmp_path / "ws").run(request.run_id)
    steps.prepare(run, request)
    steps.clone(run, request)
    return run, run.read_change()


def test_cloning_runs_no_filter_hook_or_monitor(hostile_repo, tmp_path, monkeypatch) -> None:
    marker = hostile_environment(tmp_path, monkeypatch)
    run, change = clone(hostile_repo, tmp_path)
    assert not marker.exists()
    hooks = run.repo_dir / "hooks"  # git's own samples at most, never a template's hooks
    assert [p.name for p in hooks.glob("*") if not p.name.endswith(".sample")] == []
    # files arrive exactly as committed: no smudge, no LFS download
    assert (run.src / "app.py").read_text() == EVAL
    assert (run.src / "blob.bin").read_text().startswith("version https://git-lfs")
    assert set(change.diff.files) == {".gitattributes", "app.py", "blob.bin", "link.py"}


def test_symbolic_links_are_never_written_out(hostile_repo, tmp_path) -> None:
    run, change = clone(hostile_repo, tmp_path)
    assert not (run.src / "link.py").exists() and not (run.src / "link.py").is_symlink()
    assert change.diff.get("link.py").kind is FileKind.SYMLINK  # type: ignore[union-attr]
    assert "link.py" not in {f.path for f in change.diff.reviewable()}
    assert "link.py: a symbolic link (never followed), not analysed" in change.notes


def test_submodules_are_never_fetched(make_repo, tmp_path, monkeypatch) -> None:
    inner = make_repo([{"inner.py": EVAL}], name="inner")
    outer = make_repo([{"README.md": "hi\n"}], name="outer")
    ext_marker = tmp_path / "ext-executed"
    (outer.path / ".gitmodules").write_text(
        f'[submodule "vendor/lib"]\n\tpath = vendor/lib\n\turl = {inner.path}\n'
        f'[submodule "evil"]\n\tpath = evil\n\turl = ext::sh -c touch% {ext_marker}\n'
    )
    outer.git("add", ".gitmodules")
    outer.git("update-index", "--add", "--cacheinfo", f"160000,{inner.head},vendor/lib")
    outer.git("update-index", "--add", "--cacheinfo", f"160000,{inner.head},evil")
    outer.git("commit", "-q", "-m", "submodules")
    outer.commits.append(outer.git("rev-parse", "HEAD"))
    marker = hostile_environment(tmp_path, monkeypatch)

    run, change = clone(outer, tmp_path)
    assert not marker.exists() and not ext_marker.exists()
    assert not (run.repo_dir / "modules").exists()
    assert not (run.src / "vendor" / "lib" / "inner.py").exists()
    assert change.diff.get("vendor/lib").kind is FileKind.SUBMODULE  # type: ignore[union-attr]
    assert {f.path for f in change.diff.reviewable()} == {".gitmodules"}


def test_git_children_get_no_secrets_from_our_environment(monkeypatch) -> None:
    monkeypatch.setenv("GITHUB_TOKEN", "ghs_secret")
    monkeypatch.setenv("AWS_SECRET_ACCESS_KEY", "aws-secret")
    monkeypatch.setenv("GIT_DIR", "/elsewhere")
    env = Git(Path.cwd())._env()
    assert "GITHUB_TOKEN" not in env and "AWS_SECRET_ACCESS_KEY" not in env
    assert "GIT_DIR" not in env
    assert env["GIT_CONFIG_GLOBAL"] == os.devnull and env["GIT_CONFIG_NOSYSTEM"] == "1"
    assert "file" not in env["GIT_ALLOW_PROTOCOL"].split(":")
    with_token = Git(Path.cwd(), auth_header=token_auth_header("t0ken"))._env()
    assert with_token["GIT_CONFIG_KEY_0"] == "http.extraHeader"
    assert with_token["GIT_CONFIG_VALUE_0"].startswith("Authorization: Basic ")


def test_error_messages_drop_credentials() -> None:
    text = _redact("fatal: unable to access https://x-access-token:ghs_abc@github.com/o/r")
    assert "ghs_abc" not in text
    assert "Authorization" not in _redact("header Authorization: Basic abc")


@pytest.mark.parametrize(
    "source",
    [
        "file:///etc",
        "ssh://git@github.com/o/r",
        "git://github.com/o/r",
        "ext::sh -c touch% /tmp/x",
        "http://example.com/o/r",
        "https://user:token@github.com/o/r",
        "/nonexistent/repository",
    ],
)
def test_only_https_loopback_http_or_local_directories_are_sources(source: str) -> None:
    with pytest.raises(GitError):
        check_source(source)


def test_accepted_sources(tmp_path: Path) -> None:
    check_source("https://github.com/o/r.git")
    check_source("http://127.0.0.1:8080/o/r.git")
    check_source(str(tmp_path))


def test_refs_are_resolved_never_read_as_options(make_repo, tmp_path) -> None:
    repo = make_repo([{"a.py": "a = 1\n"}, {"a.py": "a = 2\n"}])
    assert resolve_commit(repo.path, "HEAD") == repo.head
    assert resolve_commit(repo.path, repo.base[:10]) == repo.base
    target = tmp_path / "written"
    for ref in ("nope", f"--output={target}", "-h", "HEAD~5", ""):
        with pytest.raises(GitError, match="unknown revision"):
            resolve_commit(repo.path, ref)
    assert not target.exists()


def test_not_a_repository(tmp_path: Path) -> None:
    with pytest.raises(GitError, match="not inside a git repository"):
        repository_root(tmp_path)


def test_default_base(make_repo) -> None:
    repo = make_repo([{"a.py": "a = 1\n"}, {"a.py": "a = 2\n"}])
    root = repo.commits[0]
    default_base = LocalRepository(repo.path).default_base
    assert default_base(repo.head) == (repo.base, "parent of the head")
    assert default_base(root)[0] == EMPTY_TREE
    repo.git("checkout", "-q", "-b", "feature")
    feature_head = repo.commit({"b.py": "b = 1\n"})
    repo.commit({"c.py": "c = 1\n"})
    base, why = default_base(repo.head)
    assert (base, why) == (repo.commits[1], "merge base with heads/main")
    assert feature_head != base
    # no local main, no origin/HEAD (a remote added by hand): origin's main is the base
    repo.git("update-ref", "refs/remotes/origin/main", repo.commits[1])
    repo.git("branch", "-q", "-D", "main")
    assert default_base(repo.head) == (repo.commits[1], "merge base with remotes/origin/main")


def test_unrelated_histories_have_no_merge_base(make_repo, tmp_path) -> None:
    one = make_repo([{"a.py": "a = 1\n"}], name="one")
    other = make_repo([{"b.py": "b = 1\n"}], name="other")
    one.git("fetch", "-q", str(other.path), "main:other")
    source = str(one.path)
    with pytest.raises(GitError, match="share no history"):
        open_repository(source, tmp_path / "r1.git", (one.head, other.head), None)
    root = open_repository(source, tmp_path / "r2.git", (one.head, EMPTY_TREE), None)
    assert root.merge_base == EMPTY_TREE
    assert open_repository(source, tmp_path / "r3.git", (one.head,), None).merge_base == EMPTY_TREE
    both = open_repository(source, tmp_path / "r4.git", (one.head, one.commits[0]), None)
    assert (both.merge_base, both.partial) == (one.commits[0], False)


def test_a_clone_is_borrowed_with_one_merge_base_and_no_tree_walk(
    make_repo, tmp_path, monkeypatch
) -> None:
    """A clone that is not partial lacks no object: its trees are not walked; the merge
    base is asked once; the review's repository gets no template files (sample hooks)."""
    repo = make_repo([{"a.py": "a = 1\n"}, {"a.py": "a = 2\n"}])
    ran: list[tuple[str, ...]] = []
    real_run = Git.run
    monkeypatch.setattr(Git, "run", lambda self, *a, **k: ran.append(a) or real_run(self, *a, **k))
    opened = open_repository(str(repo.path), tmp_path / "r.git", (repo.head, repo.base), None)
    assert (opened.merge_base, opened.partial) == (repo.base, False)
    assert [a for a in ran if a[0] in ("rev-list", "merge-base")] == [
        ("merge-base", repo.base, repo.head)
    ]
    assert not (tmp_path / "r.git" / "hooks").exists()
    assert opened.git.text("rev-parse", f"{repo.head}:a.py")  # its objects are readable
