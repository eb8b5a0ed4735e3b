"""The shared workspace: the only channel between the workflow's steps and the agents.

On Lambda it is the S3 Files mount at /mnt/workspace; locally a folder under the user's
cache directory. Every run has its own folder, `runs/<run_id>/`. Everything inside `src/`
comes from an untrusted repository, so paths into it are resolved and confined, and a
symbolic link is never followed out of the checkout.
"""

from __future__ import annotations

import contextlib
import errno
import functools
import hashlib
import os
import re
import stat
import tempfile
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from review import json_codec
from review.agent_result import AgentResult
from review.diff import Change, ShownDiff
from review.lifecycle import Lifecycle
from review.report import Report
from review.request import ReviewRequest

FINDINGS_CACHE = ".findings-cache"  # under runs/, see RunDir.findings_cache_dir
CHECKOUT_BLOBS = ".checkout-blobs"  # under runs/, see RunDir.checkout_blobs_dir
LAST_CHANGES = ".last-changes"  # under runs/, see RunDir.last_changes_file
_RUN_ID = re.compile(r"^[A-Za-z0-9_-]{1,64}$")
_AGENT = re.compile(r"[a-z0-9_-]{1,40}")


class PathEscape(ValueError):
    """A path that would leave the directory it must stay in."""


@dataclass(frozen=True)
class Workspace:
    root: Path

    def run(self, run_id: str) -> RunDir:
        if not _RUN_ID.match(run_id):
            raise ValueError(f"invalid run id {run_id!r}")
        return RunDir(self.root / "runs" / run_id)


@dataclass(frozen=True)
class RunDir:
    """One review's folder: request, repository, changed files, diff, findings, report.

    Each file has one typed writer and one typed reader here; nothing else parses them.
    Writes are atomic (a temporary file renamed over the old one).
    """

    path: Path

    @property
    def run_id(self) -> str:
        return self.path.name

    @property
    def request_file(self) -> Path:
        return self.path / "request.json"

    @property
    def src(self) -> Path:
        return self.path / "src"

    @property
    def repo_dir(self) -> Path:
        """The review's bare git repository (objects only: borrowed or partially fetched)."""
        return self.path / "repo.git"

    @property
    def base_src(self) -> Path:
        """The base versions of the changed text files, at their new paths (for analysers
        that compare the head with the base)."""
        return self.path / "base"

    @property
    def findings_cache_dir(self) -> Path | None:
        """The findings cache of this run's repository: `runs/.findings-cache/<partition>/`
        (not a run id: run ids have no dot), where `<partition>` is the first 16 hex digits
        of the SHA-256 of the request's `repository`. Shared by every run of that
        repository and readable where the run folders are (an agent function mounts
        `runs/` only); one repository's reviews (and so a compromised analyser reading a
        hostile change) can neither read nor plant another's entries. None for a folder
        outside a workspace's `runs/` or without a readable request."""
        if self.path.parent.name != "runs":
            return None
        try:
            repository = self.read_request().repository
        except (OSError, ValueError, KeyError, TypeError):
            return None
        return self.path.parent / FINDINGS_CACHE / _partition(repository)

    def checkout_blobs_dir(self, repository: str) -> Path | None:
        """The store of the files checked out for `repository`'s reviews
        (`orchestrator.checkout_blobs`): `runs/.checkout-blobs/<partition>/`, one folder per
        repository as the findings cache has (`findings_cache_dir`), so one repository's
        reviews never link another's files. None for a folder outside a workspace's `runs/`."""
        if self.path.parent.name != "runs":
            return None
        return self.path.parent / CHECKOUT_BLOBS / _partition(repository)

    def last_changes_file(self, repository: str) -> Path | None:
        """Which run folders last computed a change of `repository`
        (`orchestrator.earlier_change`): `runs/.last-changes/<partition>.json`, one file
        per repository as `checkout_blobs_dir`. None for a folder outside a workspace's
        `runs/`."""
        if self.path.parent.name != "runs":
            return None
        return self.path.parent / LAST_CHANGES / f"{_partition(repository)}.json"

    @property
    def diff_file(self) -> Path:
        return self.path / "diff.json"

    @property
    def findings_dir(self) -> Path:
        return self.path / "findings"

    @property
    def report_file(self) -> Path:
        return self.path / "report.json"

    @property
    def shown_diff_file(self) -> Path:
        return self.path / "github_diff.json"

    @property
    def lifecycle_file(self) -> Path:
        """Pull requests only: the earlier reviews' state, the App's threads, dismissals."""
        return self.path / "lifecycle.json"

    def findings_file(self, agent: str) -> Path:
        if not _AGENT.fullmatch(agent):
            raise ValueError(f"invalid agent name {agent!r}")
        return self.findings_dir / f"{agent}.json"

    def source_path(self, relative: str) -> Path:
        """The checkout file `relative`, refusing anything that resolves outside the checkout."""
        return confine(self.src, relative)

    # -- the typed files -------------------------------------------------------------------

    def write_request(self, request: ReviewRequest) -> None:
        write_json_atomic(self.request_file, request.to_dict())

    def read_request(self) -> ReviewRequest:
        return ReviewRequest.from_dict(read_json(self.request_file))

    def write_change(self, change: Change) -> None:
        write_json_atomic(self.diff_file, change.to_dict())

    def read_change(self) -> Change:
        """The change of diff.json; shared, read-only: the clone step, every agent and the
        merge of a review read the same file, parsed once per process
        (`_parsed_change`). Callers never modify it (a change is built, then written)."""
        info = os.stat(self.diff_file)
        return _parsed_change(str(self.diff_file), info.st_ino, info.st_mtime_ns, info.st_size)

    def finished_change(self, base: str, head: str, checkout: str) -> Change | None:
        """The change already computed for exactly `base`..`head` with the files the
        `checkout` recipe writes, if any (a resumed clone, a review again)."""
        try:
            change = self.read_change()
        except (OSError, ValueError, KeyError):
            return None
        return (
            change
            if (change.base, change.head, change.checkout) == (base, head, checkout)
            else None
        )

    def write_agent_result(self, result: AgentResult) -> Path:
        target = self.findings_file(result.agent)
        write_json_atomic(target, result.to_dict())
        return target

    def read_agent_result(self, agent: str) -> AgentResult:
        """The agent's result; a missing or unreadable file reads as a failed agent."""
        try:
            data = self.read_agent_data(agent)
        except (OSError, ValueError) as exc:
            return AgentResult.failed(agent, f"no readable findings file ({exc})")
        return AgentResult.from_dict(agent, data)

    def read_agent_data(self, agent: str) -> Any:
        """The agent's findings file as parsed JSON, unchecked (`AgentResult.from_dict`
        checks it); OSError or ValueError as reading and parsing raise them."""
        return read_json(self.findings_file(agent))

    def write_report(self, report: Report) -> None:
        write_json_atomic(self.report_file, report.to_dict())

    def read_report(self) -> Report:
        return Report.from_dict(read_json(self.report_file))

    def write_lifecycle(self, lifecycle: Lifecycle) -> None:
        write_json_atomic(self.lifecycle_file, lifecycle.to_dict())

    def read_lifecycle(self) -> Lifecycle | None:
        """What the review read of the pull request's earlier reviews; None before that
        step ran (or for a local review)."""
        try:
            return Lifecycle.from_dict(read_json(self.lifecycle_file))
        except FileNotFoundError:
            return None

    def write_shown_diff(self, shown: ShownDiff) -> None:
        write_json_atomic(self.shown_diff_file, shown.to_dict())

    def read_shown_diff(self) -> ShownDiff:
        return ShownDiff.from_dict(read_json(self.shown_diff_file))


def _partition(repository: str) -> str:
    """A repository's folder name in the shared stores under `runs/`: the first 16 hex
    digits of the SHA-256 of its name."""
    return hashlib.sha256(repository.encode("utf-8", "surrogateescape")).hexdigest()[:16]


def confine(root: Path, relative: str) -> Path:
    """Resolve `relative` under `root`; raise PathEscape if it (or a link on the way) leaves it.

    `.git` is refused too: it is git's data, not the repository's content.
    """
    _relative_parts(relative)  # malformed, absolute, inside .git, or `..` out of it
    base = root.resolve()
    resolved = (base / relative).resolve()
    if resolved != base and not resolved.is_relative_to(base):
        raise PathEscape(f"{relative!r} leads outside the checkout")
    return resolved


def read_regular_file(root: Path, relative: str, limit: int) -> bytes | None:
    """Bytes of a regular file under `root` (at most `limit`), never through a symlink.

    Returns None for anything that is not a regular file: links, devices, fifos,
    directories, or a file that does not exist. Raises PathEscape as `confine` does for
    a path that is malformed, absolute, inside `.git` or leads outside `root` (through
    `..` or a link).

    The path is walked one component at a time from a descriptor of `root`, each opened
    with O_NOFOLLOW, so no link is ever followed and no path is resolved; only a link met
    on the way is resolved (`confine`), to tell an escape from a link inside the checkout.
    """
    parts = _relative_parts(relative)
    if not parts:  # the checkout itself: a directory
        return None
    try:
        return _read_beneath(root, parts, limit)
    except _LinkOnTheWay:
        confine(root, relative)  # PathEscape when the link leads outside
        return None


class _LinkOnTheWay(Exception):
    """A component of the path is a symbolic link."""


def _relative_parts(relative: str) -> list[str]:
    """`relative`'s components after removing `.` and `x/..`; PathEscape when it is empty,
    holds NUL, is absolute, is inside `.git` or climbs out of its root through `..`."""
    if not relative or "\x00" in relative:
        raise PathEscape("empty or invalid path")
    if os.path.isabs(relative):
        raise PathEscape(f"absolute path {relative!r} is not allowed")
    if ".git" in relative.split("/"):
        raise PathEscape(f"{relative!r} is inside .git")
    normal = os.path.normpath(relative)
    if normal == os.pardir or normal.startswith(os.pardir + os.sep):
        raise PathEscape(f"{relative!r} leads outside the checkout")
    return [] if normal == os.curdir else normal.split(os.sep)


def _read_beneath(root: Path, parts: list[str], limit: int) -> bytes | None:
    """Open `parts` below `root` without following links (_LinkOnTheWay on one) and read
    at most `limit` bytes of it when it is a regular file; None otherwise."""
    nofollow = os.O_RDONLY | os.O_NOFOLLOW
    try:
        fd = os.open(root, os.O_RDONLY | os.O_DIRECTORY)
    except OSError:
        return None
    try:
        for part in parts[:-1]:
            inner = _open_at(part, nofollow | os.O_DIRECTORY, fd)
            if inner is None:
                return None
            os.close(fd)
            fd = inner
        # non-blocking: opening a fifo must not wait for a writer
        file = _open_at(parts[-1], nofollow | getattr(os, "O_NONBLOCK", 0), fd)
    finally:
        os.close(fd)
    if file is None:
        return None
    try:
        info = os.fstat(file)
        if not stat.S_ISREG(info.st_mode):
            return None
        return _read_up_to(file, min(limit, info.st_size))
    finally:
        os.close(file)


def _read_up_to(fd: int, size: int) -> bytes:
    """At most `size` bytes from the start of `fd`; fewer only at its end."""
    chunks, left = [], size
    while left > 0:
        chunk = os.read(fd, left)
        if not chunk:
            break
        chunks.append(chunk)
        left -= len(chunk)
    return chunks[0] if len(chunks) == 1 else b"".join(chunks)


def _open_at(name: str, flags: int, directory: int) -> int | None:
    """A descriptor of `name` in `directory`; None when it cannot be opened (missing, not
    a directory where one is needed); _LinkOnTheWay when it is a link."""
    try:
        return os.open(name, flags, dir_fd=directory)
    except OSError as exc:
        if exc.errno in (errno.ELOOP, errno.ENOTDIR, errno.EMLINK):
            with contextlib.suppress(OSError):
                if stat.S_ISLNK(os.lstat(name, dir_fd=directory).st_mode):
                    raise _LinkOnTheWay(name) from None
        return None


def write_json_atomic(path: Path, data: Any, sync: bool = True) -> None:
    """Write JSON (`review.json_codec`) so that readers see the old file or the new one,
    never half of one; synced to disk before it replaces the old one, unless `sync` is
    False (a file whose loss in a crash costs nothing but a later saving)."""
    encoded = json_codec.dumps(data)
    path.parent.mkdir(parents=True, exist_ok=True)
    fd, tmp = tempfile.mkstemp(dir=path.parent, prefix=f".{path.name}.", suffix=".tmp")
    try:
        with os.fdopen(fd, "wb") as handle:
            handle.write(encoded)
            if sync:
                handle.flush()
                os.fsync(handle.fileno())
        os.replace(tmp, path)
    except BaseException:
        Path(tmp).unlink(missing_ok=True)
        raise


@functools.lru_cache(maxsize=8)
def _parsed_change(path: str, inode: int, mtime_ns: int, size: int) -> Change:
    """diff.json at `path`, parsed; a file written again (atomically: a new inode) is
    parsed again."""
    return Change.from_dict(read_json(Path(path)))


def read_json(path: Path) -> Any:
    """The JSON document in file `path` (`review.json_codec`); OSError as opening and
    reading raise it, ValueError when it is not JSON."""
    with path.open("rb") as handle:
        return json_codec.loads(handle.read())
