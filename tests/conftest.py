"""Shared fixtures: git repositories built from a list of commits, and a private workspace.

`make_repo` (per test) and `repo_factory` (per session, for module-scoped fixtures) build a
repository from commits given as {path: content}: str or bytes write a file, None deletes
it, `make_repo.link(target)` makes a symbolic link, `make_repo.move(old, content=None)`
renames `old` to the path. Git runs with a fixed, minimal environment so that neither the
developer's configuration nor a test's hostile environment variables change what gets
committed. `review_repo` runs a review on the local workflow, `run_cli` runs `reviewbot`
in-process, and `vulnerable_repo` is a change adding known bandit findings. Every test gets
its own REVIEWBOT_WORKSPACE.
"""

from __future__ import annotations

import contextlib
import io
import logging
import os
import subprocess
from collections.abc import Callable, Iterator, Mapping
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import pytest

from review.report import Report
from review.request import ReviewConfig, ReviewRequest
from review.workspace import RunDir, Workspace


@dataclass(frozen=True)
class Link:
    """A symbolic link to `target` (kept verbatim: absolute or relative)."""

    target: str


@dataclass(frozen=True)
class Move:
    """The file at `old` renamed to this path (with new content, if given)."""

    old: str
    content: str | bytes | None = None


Content = str | bytes | None | Link | Move
Commit = Mapping[str, Content]


def git_env(home: Path) -> dict[str, str]:
    return {
        "PATH": os.environ.get("PATH", "/usr/bin:/bin"),
        "HOME": str(home),
        "LANG": "C.UTF-8",
        "GIT_CONFIG_NOSYSTEM": "1",
        "GIT_CONFIG_GLOBAL": os.devnull,
        "GIT_AUTHOR_NAME": "Test Author",
        "GIT_AUTHOR_EMAIL": "author@example.invalid",
        "GIT_COMMITTER_NAME": "Test Author",
        "GIT_COMMITTER_EMAIL": "author@example.invalid",
        "GIT_AUTHOR_DATE": "2024-01-01T00:00:00Z",
        "GIT_COMMITTER_DATE": "2024-01-01T00:00:00Z",
    }


@dataclass
class Repo:
    """A test repository and the SHAs of its commits, oldest first."""

    path: Path
    commits: list[str] = field(default_factory=list)

    @property
    def base(self) -> str:
        return self.commits[-2]

    @property
    def head(self) -> str:
        return self.commits[-1]

    def git(self, *args: str, input_bytes: bytes | None = None) -> str:
        done = subprocess.run(
            ["git", "-c", "core.symlinks=true", "-c", "core.hooksPath=/dev/null", *args],
            cwd=self.path,
            env=git_env(self.path.parent),
            input=input_bytes,
            capture_output=True,
            check=True,
        )
        return done.stdout.decode("utf-8", "surrogateescape").strip()

    def commit(self, files: Commit, message: str | None = None) -> str:
        """Apply `files` to the working tree, commit everything, return the new SHA."""
        for name, content in files.items():
            target = self.path / name
            if isinstance(content, Move):
                self.git("mv", "--", content.old, name)
                if content.content is not None:
                    _write(target, content.content)
            elif content is None:
                self.git("rm", "-r", "-q", "--", name)
            elif isinstance(content, Link):
                target.parent.mkdir(parents=True, exist_ok=True)
                if target.is_symlink() or target.exists():
                    target.unlink()
                os.symlink(content.target, target)
            else:
                _write(target, content)
        self.git("add", "-A")
        self.git("commit", "-q", "--allow-empty", "-m", message or f"commit {len(self.commits)}")
        sha = self.git("rev-parse", "HEAD")
        self.commits.append(sha)
        return sha


def _write(target: Path, content: str | bytes) -> None:
    target.parent.mkdir(parents=True, exist_ok=True)
    if target.is_symlink():
        target.unlink()
    if isinstance(content, str):
        content = content.encode("utf-8")
    target.write_bytes(content)


def build_repo(path: Path, commits: list[Commit]) -> Repo:
    path.mkdir(parents=True, exist_ok=True)
    repo = Repo(path)
    repo.git("init", "-q", "-b", "main", ".")
    for files in commits:
        repo.commit(files)
    return repo


class RepoMaker:
    """Builds repositories under `parent`: maker(commits, name="repo") -> Repo.

    `maker.link(target)` and `maker.move(old, content=None)` are the special file values.
    """

    link = staticmethod(Link)
    move = staticmethod(Move)

    def __init__(self, parent: Callable[[str], Path]) -> None:
        self._parent = parent

    def __call__(self, commits: list[Commit], name: str = "repo") -> Repo:
        return build_repo(self._parent(name) / "repo", commits)


def _stored_bytes(root: Path) -> list[bytes]:
    """The contents of every file under `root` that still exists when it is read.

    The durable runner's SQLite store creates and removes its `-shm`/`-wal` files as it
    goes, so a file listed a moment ago may be gone.
    """
    stored = []
    for path in root.rglob("*"):
        with contextlib.suppress(FileNotFoundError, IsADirectoryError):
            stored.append(path.read_bytes())
    return stored


@pytest.fixture
def stored_bytes() -> Callable[[Path], list[bytes]]:
    """stored_bytes(root): every file's contents under `root`, for leak checks."""
    return _stored_bytes


@pytest.fixture
def make_repo(tmp_path: Path) -> RepoMaker:
    """make_repo(commits, name="repo") -> Repo with one git commit per mapping."""
    return RepoMaker(lambda name: tmp_path / name)


@pytest.fixture(scope="session")
def repo_factory(tmp_path_factory: pytest.TempPathFactory) -> RepoMaker:
    """Like make_repo, for module-scoped fixtures: each call gets its own directory."""
    return RepoMaker(tmp_path_factory.mktemp)


@pytest.fixture(autouse=True)
def private_workspace(
    tmp_path_factory: pytest.TempPathFactory, monkeypatch: pytest.MonkeyPatch
) -> Path:
    """Every test reviews into its own workspace, never the user's cache directory."""
    root = tmp_path_factory.mktemp("workspace")
    monkeypatch.setenv("REVIEWBOT_WORKSPACE", str(root))
    return root


@pytest.fixture(autouse=True, scope="session")
def no_global_git_config() -> Iterator[None]:
    """Git in tests never reads the developer's global configuration (~/.gitconfig).

    An identity there must not be what lets tests commit (a fresh machine has none), and
    commit signing or hooks there must not break them: every test that commits brings its
    own identity (see `git_env`), so CI needs no `git config --global` either.
    """
    patch = pytest.MonkeyPatch()
    patch.setenv("GIT_CONFIG_GLOBAL", os.devnull)
    yield
    patch.undo()


# The analyser agents (no model needed), which every end-to-end review here runs by default.
ANALYSERS = ("security", "style", "secrets")


@dataclass
class Reviewed:
    """A finished local review: its report, its run folder and the request."""

    report: Report
    run: RunDir
    request: ReviewRequest

    def at(self, path: str) -> list[tuple[str, int]]:
        """(rule, line) of every finding on `path`, sorted."""
        return sorted((f.rule, f.line) for f in self.report.findings if f.path == path)


@pytest.fixture(scope="session")
def review_repo(tmp_path_factory: pytest.TempPathFactory) -> Callable[..., Reviewed]:
    """review_repo(repo, base=None, head=None, root=None, **config) runs the local workflow.

    `config` is ReviewConfig's fields; the agents default to the three analysers.
    """
    from orchestrator.local import run_review

    def review(
        repo: Repo,
        base: str | None = None,
        head: str | None = None,
        root: Path | None = None,
        **config: Any,
    ) -> Reviewed:
        request = ReviewRequest(
            repository=str(repo.path),
            source=str(repo.path),
            head=head or repo.head,
            base=base or repo.base,
            config=ReviewConfig(**{"agents": ANALYSERS, **config}),
        )
        root = root or tmp_path_factory.mktemp("review-workspace")
        report = run_review(request, root)
        return Reviewed(report, Workspace(root).run(request.run_id), request)

    return review


@dataclass
class CliResult:
    code: int
    stdout: str
    stderr: str


@contextlib.contextmanager
def _logging_restored():
    """Undo what `main` does to logging (a root handler, quieter SDK loggers)."""
    root = logging.getLogger()
    names = ("aws_durable_execution_sdk_python", "aws_durable_execution_sdk_python_testing")
    handlers, level = root.handlers[:], root.level
    levels = {name: logging.getLogger(name).level for name in names}
    try:
        yield
    finally:
        root.handlers[:] = handlers
        root.setLevel(level)
        for name, saved in levels.items():
            logging.getLogger(name).setLevel(saved)


@pytest.fixture(scope="session")
def run_cli(tmp_path_factory: pytest.TempPathFactory) -> Callable[..., CliResult]:
    """run_cli(*argv, workspace=None): `reviewbot` in-process, its exit code and output."""
    from reviewbot.cli import main

    def run(*argv: str, workspace: Path | None = None) -> CliResult:
        root = workspace or tmp_path_factory.mktemp("cli-workspace")
        out, err = io.StringIO(), io.StringIO()
        with (
            pytest.MonkeyPatch.context() as patch,
            _logging_restored(),
            contextlib.redirect_stdout(out),
            contextlib.redirect_stderr(err),
        ):
            patch.setenv("REVIEWBOT_WORKSPACE", str(root))
            patch.delenv("REVIEWBOT_MODEL", raising=False)  # never a model from our shell
            try:
                code = main(list(argv))
            except SystemExit as exc:  # argparse errors
                code = exc.code if isinstance(exc.code, int) else 2
        return CliResult(code, out.getvalue(), err.getvalue())

    return run


VULNERABLE_BASE = """\
import hashlib
import marshal
import pickle
import subprocess

import yaml


def load_old(blob):
    return pickle.loads(blob)  # base: far from the change


def helper(value):
    return value * 2


def near(blob):
    return marshal.loads(blob)  # base: next to the change
"""

VULNERABLE_ADDED = """\


def added(cmd, blob, text, data):
    result = eval(input())
    subprocess.call(cmd, shell=True)
    obj = pickle.loads(blob)
    conf = yaml.load(text)
    digest = hashlib.md5(data)
    return result, obj, conf, digest


password = "hunter2hunter2hunter2"
"""

VULNERABLE_NEW = """\
import os
import sys


def run(user):
    os.system("ls " + user)
    exec(user)
"""


@dataclass
class VulnerableRepo:
    """A change adding known vulnerabilities next to (and far from) vulnerable base code.

    `legacy.py` (eval) is never touched and `removed.py` (os.system) is deleted.
    """

    repo: Repo
    files: dict[str, str]

    def line(self, path: str, snippet: str) -> int:
        """The line of `path` (head version) holding `snippet`."""
        lines = self.files[path].splitlines()
        matches = [n for n, text in enumerate(lines, 1) if snippet in text]
        assert len(matches) == 1, f"{snippet!r} is on lines {matches} of {path}"
        return matches[0]

    @property
    def first_added_line(self) -> int:
        return VULNERABLE_BASE.count("\n") + 1


@pytest.fixture(scope="session")
def vulnerable_repo(repo_factory: RepoMaker) -> VulnerableRepo:
    head_files = {"app.py": VULNERABLE_BASE + VULNERABLE_ADDED, "new.py": VULNERABLE_NEW}
    repo = repo_factory(
        [
            {
                "app.py": VULNERABLE_BASE,
                "legacy.py": "def run():\n    return eval(input())\n",
                "removed.py": "import os\n\nos.system(input())\n",
            },
            {**head_files, "removed.py": None},
        ],
        name="vulnerable",
    )
    return VulnerableRepo(repo, head_files)
