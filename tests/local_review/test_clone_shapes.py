"""`reviewbot review` in whatever clone a user has: shallow (most CI checkouts) and partial.

A local "remote" stands in for GitHub: the clones fetch from it over file://, as a CI
checkout fetches from GitHub, and reviewbot fetches what it lacks from there too.
"""

from __future__ import annotations

import json
import subprocess
from pathlib import Path

import pytest

SHELL = "    return subprocess.call(cmd, shell=True)"
EMPTY_TREE = "4b825dc642cb6eb9a060e54bf8d69288fbee4904"


def git_run(cwd: Path, *args: str) -> str:
    """git as a CI job or a developer runs it (no global configuration)."""
    env = {"PATH": "/usr/bin:/bin", "HOME": str(cwd), "GIT_CONFIG_GLOBAL": "/dev/null"}
    done = subprocess.run(["git", *args], cwd=cwd, env=env, capture_output=True, check=True)
    return done.stdout.decode()


def clone(remote: Path, dest: Path, *options: str) -> Path:
    git_run(dest.parent, "clone", "-q", *options, f"file://{remote}", dest.name)
    return dest


@pytest.fixture
def remote(make_repo):
    """main: ten commits; feature (three commits off main's 5th) adds shell=True on app.py:5."""
    repo = make_repo([{"README.md": "demo\n", "app.py": "import subprocess\n"}], name="remote")
    for n in range(1, 10):
        repo.commit({f"notes/{n}.txt": f"{n}\n"})
    repo.git("checkout", "-q", "-b", "feature", repo.commits[5])
    repo.commit({"feature.txt": "work\n"})
    repo.commit({"app.py": f"import subprocess\n\n\ndef run(cmd):\n{SHELL}\n"})
    repo.commit({"more.txt": "more\n"})
    repo.git("checkout", "-q", "main")
    repo.git("config", "uploadpack.allowFilter", "true")
    repo.git("config", "uploadpack.allowAnySHA1InWant", "true")
    return repo


def review(run_cli, path: Path, *args: str):
    done = run_cli("review", str(path), "--format", "json", "-q", *args)
    return done, json.loads(done.stdout) if done.stdout else None


def rules(report: dict) -> list[tuple[str, str, int]]:
    return sorted((f["path"], f["rule"], f["line"]) for f in report["findings"])


def test_a_depth_1_clone_reviews_its_last_commit_not_every_file(remote, run_cli, tmp_path) -> None:
    shallow = clone(remote.path, tmp_path / "ci", "--depth", "1", "--branch", "feature")
    done, report = review(run_cli, shallow, "--base", "HEAD~1")
    assert done.code == 0, done.stderr  # more.txt only: nothing to find
    assert report["files_changed"] == 1
    # and the default base, the head's parent, is fetched rather than taken for a root
    done, report = review(run_cli, shallow)
    assert report["files_changed"] == 1 and report["base"] != EMPTY_TREE


def test_a_depth_2_clone_reaches_its_merge_base(remote, run_cli, tmp_path) -> None:
    shallow = clone(remote.path, tmp_path / "ci", "--depth", "2", "--no-single-branch")
    git_run(shallow, "checkout", "-q", "feature")
    done, report = review(run_cli, shallow, "--base", "origin/main")
    assert done.code == 1, done.stderr
    assert report["merge_base"] == remote.commits[5]  # past the depth-2 boundary
    assert rules(report) == [("app.py", "B602", 5)]
    assert report["files_changed"] == 3  # feature.txt, app.py, more.txt: not all of main


def test_a_shallow_clone_without_a_remote_says_to_fetch_more(remote, run_cli, tmp_path) -> None:
    shallow = clone(remote.path, tmp_path / "ci", "--depth", "1", "--branch", "feature")
    git_run(shallow, "remote", "remove", "origin")
    done, _ = review(run_cli, shallow)
    assert done.code == 2
    (line,) = done.stderr.strip().splitlines()
    assert "shallow clone" in line and "fetch-depth: 0" in line


def test_a_blobless_clone_fetches_the_blobs_it_reads(remote, run_cli, tmp_path) -> None:
    partial = clone(remote.path, tmp_path / "dev", "--filter=blob:none", "--no-checkout")
    git_run(partial, "checkout", "-q", "feature")
    missing = git_run(partial, "rev-list", "--objects", "--missing=print", "origin/main")
    assert "?" in missing  # main's files were never fetched
    done, report = review(run_cli, partial, "--base", "origin/main")
    assert done.code == 1, done.stderr
    assert rules(report) == [("app.py", "B602", 5)]


def test_a_blobless_clone_whose_remote_is_gone_is_a_clear_error(remote, run_cli, tmp_path) -> None:
    partial = clone(remote.path, tmp_path / "dev", "--filter=blob:none", "--no-checkout")
    git_run(partial, "checkout", "-q", "feature")
    subprocess.run(["rm", "-rf", str(remote.path)], check=True)
    done, _ = review(run_cli, partial, "--base", "origin/main")
    assert done.code == 2
    (line,) = done.stderr.strip().splitlines()
    assert line.startswith("reviewbot: ") and "could not fetch" in line
