"""Webhook payloads for tests: the project's own fixtures, and GitHub's published examples.

The fixtures in tests/fixtures/webhooks are ours and ship with the repository, so any test
that only needs *a* delivery runs on a fresh clone. GitHub's published examples live in
../shared/webhooks beside the repository (see its README): a fresh clone lacks them, so the
tests that replay every published example are marked `needs_published` and skip then.
"""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import pytest

REPO_ROOT = Path(__file__).resolve().parents[1]
FIXTURES = REPO_ROOT / "tests" / "fixtures" / "webhooks"
PUBLISHED = REPO_ROOT.parent / "shared" / "webhooks"  # ../shared from the repository root

needs_published = pytest.mark.skipif(
    not PUBLISHED.is_dir(),
    reason=(
        "../shared/webhooks is not beside the repository: GitHub's published example "
        f"payloads are only replayed where they are present (looked in {PUBLISHED})"
    ),
)


def fixture(name: str) -> dict[str, Any]:
    """One of our own payloads, e.g. fixture("pull_request/opened"); a fresh copy each call."""
    return json.loads((FIXTURES / f"{name}.json").read_text())


def fixture_names(*events: str) -> list[str]:
    """Our fixtures of `events` (all events when none is given), as names `fixture` reads."""
    folders = [FIXTURES / event for event in events] if events else [FIXTURES]
    return sorted(
        path.relative_to(FIXTURES).with_suffix("").as_posix()
        for folder in folders
        for path in folder.rglob("*.json")
    )


def published(name: str) -> dict[str, Any]:
    """A published example, e.g. published("pull_request/opened.payload.json")."""
    return json.loads((PUBLISHED / name).read_text())


def published_names(*events: str) -> list[str]:
    """The published examples of `events`, as "event/file" names; empty when absent."""
    return sorted(
        f"{event}/{path.name}" for event in events for path in (PUBLISHED / event).glob("*.json")
    )
