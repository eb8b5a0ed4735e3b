"""Test support: the git processes a piece of code runs, recorded as it runs them."""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager

import pytest

from review.git import Git


@contextmanager
def recorded_git_runs(command: str | None = None) -> Iterator[list[tuple[str, ...]]]:
    """The arguments of every `git <command>` run inside the block (every git run without
    a `command`), in order."""
    runs: list[tuple[str, ...]] = []
    real_run = Git.run

    def recording(self, *args, **kwargs):
        if command is None or args[0] == command:
            runs.append(args)
        return real_run(self, *args, **kwargs)

    with pytest.MonkeyPatch.context() as patch:
        patch.setattr(Git, "run", recording)
        yield runs
