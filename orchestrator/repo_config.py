"""The repository's `.github/reviewbot.yml` for a review: read at the base, applied, reported.

A review reads the file of its base commit, never the head's: a change cannot switch its
own reviewer off. When the change proposes a different version, that version is checked
too and its problems travel with the review (the check run annotates them), but the
review uses the base's. The file is found through a `FindFile`, a function of (commit,
paths) returning the first of the paths present: locally one listing of the commit's
tree (`git_finder`), remembered per commit; on GitHub one contents API request per path
(`first_present`), in `CONFIG_FILES`' order.
"""

from __future__ import annotations

import re
import threading
from collections import OrderedDict
from collections.abc import Callable, Collection, Sequence
from pathlib import Path

from agents import registry
from orchestrator.local_repo import LocalRepository
from review.config_file import (
    CONFIG_FILES,
    MAX_CONFIG_BYTES,
    ConfigFile,
    ConfigSource,
    load_config,
    proposed_problems,
)
from review.git import EMPTY_TREE
from review.repo_config import ConfigContext
from review.request import ReviewConfig

# (commit, path) -> its bytes, None when absent; ValueError when it cannot be read as a file
ReadFile = Callable[[str, str], bytes | None]
# (commit, paths) -> the first of `paths` present at `commit` (`unreadable` saying why it
# cannot be read as a file), None when none is; other errors (a failed fetch) are raised
FindFile = Callable[[str, Sequence[str]], ConfigFile | None]
FOUND_COMMITS = 64  # commits whose answer `git_finder` remembers (each at most 64 KB)


def config_context(template: ReviewConfig, max_inline_comments: int) -> ConfigContext:
    """What a repository's file is checked against: the registry's agents and rule ids,
    and the App's limits (`template`'s budgets, its `max_inline_comments`)."""
    return ConfigContext(
        agents=frozenset(registry.names()),
        rule_ids=registry.rule_id_patterns(),
        limits=template.limits(max_inline_comments),
    )


def find_config(find: FindFile, commit: str) -> ConfigFile | None:
    """The first of `CONFIG_FILES` present at `commit`, or None (also for the empty tree)."""
    if commit == EMPTY_TREE:
        return None
    return find(commit, CONFIG_FILES)


def first_present(read: ReadFile) -> FindFile:
    """A `FindFile` asking `read` for each path in turn, stopping at the first present."""

    def find(commit: str, paths: Sequence[str]) -> ConfigFile | None:
        for path in paths:
            try:
                data = read(commit, path)
            except ValueError as exc:
                return ConfigFile(path, unreadable=str(exc))
            if data is not None:
                return ConfigFile(path, data)
        return None

    return find


def configure(
    config: ReviewConfig,
    context: ConfigContext,
    find: FindFile,
    base: str,
    head: str,
    explicit: Collection[str] = (),
    override: ConfigFile | None = None,
) -> tuple[ReviewConfig, ConfigSource]:
    """`config` with the repository's file at `base` applied (or `override`, a file given
    by the user, instead), except for the `explicit` fields; and where it came from,
    with the problems of the head's version when the change changes the file."""
    at_base = find_config(find, base)
    used, commit = (override, None) if override is not None else (at_base, base)
    repo, source = load_config(used, commit, context)
    proposed = proposed_problems(at_base, find_config(find, head), context)
    return config.with_repository(repo, explicit), ConfigSource(
        source.file, source.commit, source.errors, proposed
    )


def read_local_file(path: Path) -> ConfigFile:
    """A configuration file on disk (`reviewbot review --config`, `config check`)."""
    try:
        with path.open("rb") as handle:
            data = handle.read(MAX_CONFIG_BYTES + 1)
    except IsADirectoryError:
        return ConfigFile(str(path), unreadable="is a directory")
    except OSError as exc:
        return ConfigFile(str(path), unreadable=f"cannot be read ({exc.strerror})")
    return ConfigFile(str(path), data)


def git_finder(repo: LocalRepository) -> FindFile:
    """Find files in a local repository's objects (never its working tree): one listing
    of the commit's tree, then the file's blob; what was found (or refused) at a commit
    is remembered (`FoundFiles`), a failure (a fetch from a partial clone's remote) not."""

    def find(commit: str, paths: Sequence[str]) -> ConfigFile | None:
        entry = repo.first_entry(commit, paths)
        if entry is None:
            return None
        try:
            return ConfigFile(entry.path, repo.read_blob(entry, MAX_CONFIG_BYTES))
        except ValueError as exc:
            return ConfigFile(entry.path, unreadable=str(exc))

    return lambda commit, paths: FOUND.find(find, commit, paths)


_OBJECT_ID = re.compile(r"[0-9a-f]{40}|[0-9a-f]{64}")  # a SHA-1 or SHA-256 object id


class FoundFiles:
    """What a `FindFile` answered per (commit, paths), for the `size` latest commits.

    A commit id is the hash of the commit, which names its tree by hash, which names each
    entry's mode, kind and object id: whatever repository holds the commit, the answer is
    the same (git checks SHA-1 for collisions; a SHA-256 id is longer; replace refs are
    off, `GIT_NO_REPLACE_OBJECTS`, and grafts change parents, never trees). So the key is
    the commit, not the repository: one replaced by another at the same path, or a second
    clone of it, cannot be answered wrongly. Only a full object id is a commit's name (a
    ref such as `HEAD~1` names another commit later, or in another repository): any other
    `commit` is looked up every time. Raised errors are not stored.
    """

    def __init__(self, size: int) -> None:
        self.size = size
        self._found: OrderedDict[tuple[str, tuple[str, ...]], ConfigFile | None] = OrderedDict()
        self._lock = threading.Lock()

    def find(self, find: FindFile, commit: str, paths: Sequence[str]) -> ConfigFile | None:
        if not _OBJECT_ID.fullmatch(commit):
            return find(commit, paths)
        key = (commit, tuple(paths))
        with self._lock:
            if key in self._found:
                self._found.move_to_end(key)
                return self._found[key]
        found = find(commit, paths)
        with self._lock:
            self._found[key] = found
            while len(self._found) > self.size:
                self._found.popitem(last=False)
        return found

    def clear(self) -> None:
        with self._lock:
            self._found.clear()


FOUND = FoundFiles(FOUND_COMMITS)
