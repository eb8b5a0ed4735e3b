"""Cloning a pull request's head over http with the installation token, forks included."""

from __future__ import annotations

import subprocess
from pathlib import Path

import pytest

from orchestrator.git import GitError, token_auth_header
from orchestrator.sources import pull_request
from reporter.github.client import CLONE


def head_of(path: Path) -> str:
    done = subprocess.run(["git", "rev-parse", "HEAD"], cwd=path, capture_output=True, check=True)
    return done.stdout.decode().strip()


@pytest.fixture
def header(scenario) -> str:
    return token_auth_header(scenario.app().token(42, "octo/demo", CLONE))


def refuse_by_id(monkeypatch) -> None:
    def unfetchable(*args, **kwargs):
        raise GitError("git fetch failed: fatal: remote error: not our ref")

    monkeypatch.setattr(pull_request, "fetch_checkout", unfetchable)


def test_a_fork_head_is_fetched_through_refs_pull(
    scenario, header: str, tmp_path: Path, monkeypatch
) -> None:
    refuse_by_id(monkeypatch)
    dest = tmp_path / "src"
    commits = (scenario.pull.head, scenario.pull.base)
    pull_request.fetch_pull_request(scenario.github.clone_url, dest, commits, header, pull_number=1)
    assert head_of(dest) == scenario.pull.head
    assert (dest / "new_name.py").exists()
    config = (dest / ".git" / "config").read_text()
    assert "Authorization" not in config and "x-access-token" not in config


def test_a_head_no_longer_in_the_pull_request_is_an_error(
    scenario, header: str, tmp_path: Path
) -> None:
    gone = "f" * 40  # force-pushed away and collected: GitHub has it no more
    with pytest.raises(GitError, match=f"commit {gone[:12]} is not in pull request #1"):
        pull_request.fetch_pull_request(
            scenario.github.clone_url,
            tmp_path / "src",
            (gone, scenario.pull.base),
            header,
            pull_number=1,
        )


def test_without_the_token_git_is_refused_and_says_nothing_secret(scenario, tmp_path: Path) -> None:
    wrong = token_auth_header("ghs_not_a_real_token")
    with pytest.raises(GitError) as caught:
        pull_request.fetch_pull_request(
            scenario.github.clone_url,
            tmp_path / "src",
            (scenario.pull.head, scenario.pull.base),
            wrong,
            pull_number=1,
        )
    assert "ghs_not_a_real_token" not in str(caught.value)
    assert wrong.split()[-1] not in str(caught.value)
