"""Fixtures for the GitHub tests: the App's key, a pull request on a fake GitHub, the App."""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import dataclass, field
from pathlib import Path

import pytest
from fake_github import FakeGitHub, Pull
from github_support import fake_pull_request, files_of, follow_comments, rsa_pair, served

from reporter.github.client import GitHubApp
from reporter.github.retry import RetryPolicy
from reporter.github.settings import GitHubSettings
from review.trigger import ReviewTrigger

FILLER = "".join(f"\n\ndef helper_{n}():\n    return {n}\n" for n in range(8))

BASE = {
    "app.py": '"""Demo app."""\n\nimport subprocess\n\n\ndef run(cmd):\n'
    "    return subprocess.call(cmd)\n" + FILLER + "\n\ndef last():\n    return 2\n",
    "old_name.py": '"""A module that is renamed."""\n\n\ndef name():\n    return "old"\n',
    "gone.py": "value = eval('1')\n",
    "tail.py": "x = 1\ny = 2",
    "big.py": '"""Too large for GitHub to show a patch."""\n\nVALUE = 1\n',
    "notes.txt": "unchanged\n",
}
HEAD = {
    "app.py": '"""Demo app."""\n\nimport os\nimport subprocess\n\n\ndef run(cmd):\n'
    "    return subprocess.call(\n        cmd,\n        shell=True,\n    )\n"
    + FILLER
    + "\n\ndef last():\n    return eval(user_input)\n",
    "new_name.py": '"""A module that is renamed."""\n\nimport sys\n\n\ndef name():\n'
    '    return "old"\n',
    "gone.py": None,
    "tail.py": "x = 1\ny = eval('2')",
    "big.py": '"""Too large for GitHub to show a patch."""\n\nimport json\n\nVALUE = 1\n',
}


@dataclass
class Scenario:
    """A repository, the fake GitHub serving it, and its pull request #1."""

    github: FakeGitHub
    repo: object  # tests.conftest.Repo
    settings: GitHubSettings
    sleeps: list[float] = field(default_factory=list)

    @property
    def pull(self) -> Pull:
        return self.github.pulls[1]

    def app(self, **changes: object) -> GitHubApp:
        settings = GitHubSettings(**{**self.settings.__dict__, **changes})
        policy = RetryPolicy(budget_seconds=600, sleep=self.sleeps.append)
        return GitHubApp(settings, policy=policy)

    def trigger(self, **changes: object) -> ReviewTrigger:
        values = {
            "delivery_id": "delivery-1",
            "event": "pull_request",
            "repository": f"{self.github.owner}/{self.github.name}",
            "clone_url": self.github.clone_url,
            "installation_id": self.github.installation_id,
            "pull_number": 1,
            "head_sha": self.pull.head,
            "base_ref": "main",
            "head_ref": "feature",
            **changes,
        }
        return ReviewTrigger(**values)  # type: ignore[arg-type]

    def push(self, files: dict, without_patch: tuple[str, ...] = ("big.py",)) -> str:
        """A new commit on the pull request's branch; GitHub's view follows it."""
        head = self.repo.commit(files)  # type: ignore[attr-defined]
        self.pull.head = head
        self.pull.files = files_of(
            self.repo.path,
            self.pull.base,
            head,
            without_patch=without_patch,  # type: ignore[attr-defined]
        )
        follow_comments(self.github, self.repo.path, head)  # type: ignore[attr-defined]
        return head


@pytest.fixture(scope="session")
def app_key() -> tuple[str, str]:
    return rsa_pair()


@pytest.fixture
def scenario(make_repo, app_key: tuple[str, str]) -> Iterator[Scenario]:
    repo = make_repo([BASE, HEAD], name="demo")
    repo.git("update-ref", "refs/pull/1/head", repo.head)
    private, public = app_key
    fake = FakeGitHub(public, str(repo.path))
    fake.pulls[1] = Pull(
        1,
        repo.head,
        repo.base,
        files_of(repo.path, repo.base, repo.head, without_patch=("big.py",)),
    )
    with served(fake.app) as url:
        fake.base_url = url
        settings = GitHubSettings(app_id=fake.app_id, private_key=private, api_url=fake.api_url)
        yield Scenario(fake, repo, settings)


@pytest.fixture
def converge_pull(make_repo, app_key: tuple[str, str]) -> Iterator[Scenario]:
    """Pull request #1 of `converge_support` at its first push, on the fake GitHub."""
    from converge_support import BASE, PUSHES

    repo = make_repo([BASE, PUSHES[0]], name="demo")
    private, public = app_key
    with fake_pull_request(repo, public) as fake:
        settings = GitHubSettings(app_id=fake.app_id, private_key=private, api_url=fake.api_url)
        yield Scenario(fake, repo, settings)


@pytest.fixture
def converging(converge_pull: Scenario, monkeypatch: pytest.MonkeyPatch) -> Scenario:
    """`converge_pull` reviewed by the quick agent that compares with the base
    (`converge_support.compare_agent`: every review names the `security` agent, which it
    replaces)."""
    from converge_support import compare_agent

    from orchestrator import workflow

    monkeypatch.setattr(workflow, "run_local_agent", compare_agent)
    return converge_pull


@pytest.fixture
def workspace(tmp_path: Path) -> Path:
    root = tmp_path / "workspace"
    root.mkdir()
    return root
