"""Correctness reviewer: logic errors, found by a model (there is no analyser for them).

With no model configured it reports "skipped" with a note saying it needs one.
"""

from __future__ import annotations

from agents.declaration import Agent, Brief
from agents.files import Files

# Source code a model can reason about; data, lock files and generated files are not.
_SUFFIXES = """
    py pyi js jsx mjs cjs ts tsx go rs java kt kts scala rb php cs c h cc cpp cxx hpp hh m mm
    swift sh bash zsh lua pl pm r jl ex exs erl hs ml fs dart sql tf vue svelte
"""
SOURCE_SUFFIXES = _SUFFIXES.split()
# scripts without a suffix, by the interpreter of their `#!` line (`bin/deploy`)
SCRIPT_INTERPRETERS = (
    *("python", "node", "nodejs", "sh", "bash", "dash", "ksh", "zsh"),
    *("ruby", "perl", "php", "lua"),
)
GENERATED = ("*.min.js", "*.min.css", "*.pb.go", "*_pb2.py", "*.generated.ts")

AGENT = Agent(
    name="correctness",
    description="a model's review of source files for logic errors, only with a model",
    files=Files.of(suffixes=SOURCE_SUFFIXES, interpreters=SCRIPT_INTERPRETERS, exclude=GENERATED),
    order=40,
    brief=Brief(
        title="correctness",
        focus="logic errors: wrong conditions, off-by-one errors, None or empty values not "
        "handled, wrong types, exceptions that escape or are lost, resources not released, "
        "race conditions, incorrect use of a library, and behaviour that contradicts the "
        "code's own names, docstrings or tests.",
        categories=(
            "logic-error",
            "off-by-one",
            "null-handling",
            "type-error",
            "exception-handling",
            "resource-leak",
            "concurrency",
            "api-misuse",
        ),
    ),
)
