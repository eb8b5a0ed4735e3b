"""Fetching a pull request's head over http with the installation token, forks included."""

from __future__ import annotations

from pathlib import Path

import pytest
from git_recording import recorded_git_runs

from orchestrator import steps
from orchestrator.checkout import open_repository
from orchestrator.git import token_auth_header
from reporter.github.client import CLONE
from review.git import Git, GitError
from review.request import ReviewRequest
from review.workspace import Workspace

FORK_HEAD = "refs/pull/1/head"


@pytest.fixture
def header(scenario) -> str:
    return token_auth_header(scenario.app().token(42, "octo/demo", CLONE))


def refuse_by_id(monkeypatch, head: str) -> None:
    """GitHub's answer to a fork's head asked for by its id: not our ref."""
    run = Git.run

    def refusing(self, *args, **kwargs):
        if args[0] == "fetch" and head in args and FORK_HEAD not in " ".join(args):
            raise GitError("git fetch failed: fatal: remote error: not our ref")
        return run(self, *args, **kwargs)

    monkeypatch.setattr(Git, "run", refusing)


def test_a_fork_head_is_fetched_through_refs_pull(
    scenario, header: str, tmp_path: Path, monkeypatch
) -> None:
    head = scenario.pull.head
    refuse_by_id(monkeypatch, head)
    dest = tmp_path / "repo.git"
    commits = (head, scenario.pull.base)
    opened = open_repository(scenario.github.clone_url, dest, commits, header, FORK_HEAD)
    git = opened.git
    assert opened.partial and opened.merge_base == git.text("merge-base", head, scenario.pull.base)
    assert git.text("rev-parse", "refs/reviewbot/head") == head
    assert git.text("merge-base", head, scenario.pull.base)  # reachable for the diff
    config = (dest / "config").read_text()
    assert "Authorization" not in config and "x-access-token" not in config


def test_a_head_no_longer_in_the_pull_request_is_an_error(
    scenario, header: str, tmp_path: Path
) -> None:
    gone = "f" * 40  # force-pushed away and collected: GitHub has it no more
    with pytest.raises(GitError, match=f"commit {gone[:12]} is not in {FORK_HEAD}"):
        open_repository(
            scenario.github.clone_url, tmp_path / "r.git", (gone, scenario.pull.base), header,
            FORK_HEAD,
        )  # fmt: skip


def test_without_the_token_git_is_refused_and_says_nothing_secret(scenario, tmp_path: Path) -> None:
    wrong = token_auth_header("ghs_not_a_real_token")
    with pytest.raises(GitError) as caught:
        commits = (scenario.pull.head, scenario.pull.base)
        open_repository(scenario.github.clone_url, tmp_path / "r.git", commits, wrong, FORK_HEAD)
    assert "ghs_not_a_real_token" not in str(caught.value)
    assert wrong.split()[-1] not in str(caught.value)


OLD = 150  # commits under the base: past the second deepening step (1 + 10 + 100)


def test_history_is_fetched_only_as_deep_as_the_merge_base(
    scenario, header: str, tmp_path: Path
) -> None:
    """One commit deep first, then deeper until the head reaches the base: the commits
    before the base, and every blob but those asked for, stay on GitHub."""
    repo = scenario.repo
    for n in range(OLD):  # old history under the base
        repo.git("commit", "-q", "--allow-empty", "-m", f"old {n}")
    base = repo.git("rev-parse", "HEAD").strip()
    for n in range(25):  # the pull request: 25 commits ahead of its base
        repo.commit({f"feature_{n}.py": f"value = {n}\n"})
    head = repo.git("rev-parse", "HEAD").strip()
    opened = open_repository(scenario.github.clone_url, tmp_path / "r.git", (head, base), header)
    git = opened.git
    assert opened.merge_base == git.text("merge-base", head, base) == base
    fetched = int(git.text("rev-list", "--count", head))
    assert 26 <= fetched < 26 + OLD  # deepened past the base, not to the root
    assert (tmp_path / "r.git" / "shallow").is_file()
    listing = git.text("rev-list", "--objects", "--missing=print", head)
    assert any(line.startswith("?") for line in listing.splitlines())  # blobs left behind


def test_a_follow_up_push_patches_only_what_it_changed(scenario, header: str, tmp_path) -> None:
    """A partial clone of the pull request's next head takes the hunks of the files
    compared as before from the last clone, and its change is the whole computation's."""

    def clone(workspace: Path, head: str) -> tuple[dict, list[tuple[str, ...]]]:
        request = ReviewRequest(
            "octo/demo", scenario.github.clone_url, head, scenario.pull.base, pull_number=1
        )
        run = Workspace(workspace).run(request.run_id)
        steps.prepare(run, request)
        with recorded_git_runs("diff") as runs:
            steps.clone(run, request, header)
        return run.read_change().to_dict(), runs

    first, _ = clone(tmp_path / "ws", scenario.pull.head)
    app = (scenario.repo.path / "app.py").read_text()  # type: ignore[attr-defined]
    head = scenario.push({"app.py": app + "\n\ndef more():\n    return 3\n"})
    follow_up, runs = clone(tmp_path / "ws", head)
    (patched,) = [a for a in runs if "--patch" in a]
    assert patched[patched.index("--") + 1 :] == (":(literal)app.py",)
    assert follow_up == clone(tmp_path / "fresh", head)[0] != first
