"""The repository's `.github/reviewbot.yml` for a review: read at the base, applied, reported.

A review reads the file of its base commit, never the head's: a change cannot switch its
own reviewer off. When the change proposes a different version, that version is checked
too and its problems travel with the review (the check run annotates them), but the
review uses the base's. The file is read through `read` (git objects locally, the
contents API on GitHub), a function of (commit, path) returning the file or None.
"""

from __future__ import annotations

from collections.abc import Callable, Collection
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


def config_context(template: ReviewConfig, max_inline_comments: int) -> ConfigContext:
    """What a repository's file is checked against: the registry's agents and rule ids,
    and the App's limits (`template`'s budgets, its `max_inline_comments`)."""
    return ConfigContext(
        agents=frozenset(registry.names()),
        rule_ids=registry.rule_id_patterns(),
        limits=template.limits(max_inline_comments),
    )


def find_config(read: ReadFile, commit: str) -> ConfigFile | None:
    """The first of `CONFIG_FILES` present at `commit`, or None (also for the empty tree)."""
    if commit == EMPTY_TREE:
        return None
    for path in CONFIG_FILES:
        try:
            data = read(commit, path)
        except ValueError as exc:
            return ConfigFile(path, unreadable=str(exc))
        if data is not None:
            return ConfigFile(path, data)
    return None


def configure(
    config: ReviewConfig,
    context: ConfigContext,
    read: ReadFile,
    base: str,
    head: str,
    explicit: Collection[str] = (),
    override: ConfigFile | None = None,
) -> tuple[ReviewConfig, ConfigSource]:
    """`config` with the repository's file at `base` applied (or `override`, a file given
    by the user, instead), except for the `explicit` fields; and where it came from,
    with the problems of the head's version when the change changes the file."""
    at_base = find_config(read, base)
    used, commit = (override, None) if override is not None else (at_base, base)
    repo, source = load_config(used, commit, context)
    proposed = proposed_problems(at_base, find_config(read, head), context)
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


def git_reader(repo: LocalRepository) -> ReadFile:
    """Read files from a local repository's objects (never its working tree)."""
    return lambda commit, path: repo.read_file(commit, path, MAX_CONFIG_BYTES)
