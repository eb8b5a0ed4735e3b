"""The layers import each other in one direction only, lazy imports included.

The edge (`webhook`) and the review side (`orchestrator`, `agents`, `reporter`) share only
the domain (`review`): the trigger, the starter protocol, the settings. Only the
composition roots in `reviewbot` put them together.
"""

from __future__ import annotations

import ast
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[2]
REVIEW_SIDE = ("orchestrator", "agents", "reporter")


def imported_packages(package: str) -> dict[str, set[str]]:
    """For each module of `package`: the top-level packages it imports, anywhere in it."""
    found: dict[str, set[str]] = {}
    for path in (ROOT / package).rglob("*.py"):
        tops: set[str] = set()
        for node in ast.walk(ast.parse(path.read_text(), str(path))):
            if isinstance(node, ast.Import):
                tops |= {alias.name.split(".")[0] for alias in node.names}
            elif isinstance(node, ast.ImportFrom) and node.module and not node.level:
                tops.add(node.module.split(".")[0])
        found[str(path.relative_to(ROOT))] = tops
    return found


@pytest.mark.parametrize("package", REVIEW_SIDE)
def test_the_review_side_never_imports_the_edge(package: str) -> None:
    offenders = {m: t & {"webhook", "reviewbot"} for m, t in imported_packages(package).items()}
    assert {m: t for m, t in offenders.items() if t} == {}


def test_the_edge_imports_nothing_of_the_review_side() -> None:
    forbidden = {*REVIEW_SIDE, "reviewbot", "strands", "git", "githubkit"}
    offenders = {m: t & forbidden for m, t in imported_packages("webhook").items()}
    assert {m: t for m, t in offenders.items() if t} == {}


def test_the_domain_imports_no_other_layer() -> None:
    forbidden = {*REVIEW_SIDE, "webhook", "reviewbot", "strands", "githubkit", "fastapi"}
    offenders = {m: t & forbidden for m, t in imported_packages("review").items()}
    assert {m: t for m, t in offenders.items() if t} == {}


def test_the_checker_sees_lazy_imports() -> None:
    """The scan reads imports inside functions too (the edge's cold path uses them)."""
    modules = imported_packages("reviewbot")
    assert "orchestrator" in modules["reviewbot/serve.py"]  # imported inside a function
