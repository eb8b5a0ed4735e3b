"""Correctness reviewer: logic errors, found by a model (there is no analyser for them).

With no model configured it reports "skipped" with a note saying it needs one.
"""

from __future__ import annotations

from pathlib import PurePosixPath

from agents.base import Agent
from agents.llm.review import with_model_review

# Source code a model can reason about; data, lock files and generated files are not.
_SUFFIXES = """
    py pyi js jsx mjs cjs ts tsx go rs java kt kts scala rb php cs c h cc cpp cxx hpp hh m mm
    swift sh bash zsh lua pl pm r jl ex exs erl hs ml fs dart sql tf vue svelte
"""
SOURCE_SUFFIXES = frozenset(f".{suffix}" for suffix in _SUFFIXES.split())
_GENERATED = (".min.js", ".min.css", ".pb.go", "_pb2.py", ".generated.ts")


def concerns(path: str) -> bool:
    lowered = path.lower()
    if lowered.endswith(_GENERATED):
        return False
    return PurePosixPath(lowered).suffix in SOURCE_SUFFIXES


AGENT = Agent(
    name="correctness",
    concerns=concerns,
    analyse=with_model_review("correctness"),
    needs_model=True,
)
