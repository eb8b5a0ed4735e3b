"""Which changed files concern an agent: suffixes, globs, and the `#!` line of scripts."""

from __future__ import annotations

from pathlib import Path

import pytest

from agents import registry
from agents.base import reviewable_files
from agents.files import Files, interpreter_of
from review.diff import ChangedFile, Diff, FileStatus
from review.request import ReviewConfig
from review.workspace import Workspace


@pytest.mark.parametrize(
    ("line", "interpreter"),
    [
        (b"#!/usr/bin/env python3\nimport os\n", "python"),
        (b"#!/usr/bin/python3.11 -u", "python"),
        (b"#! /usr/local/bin/python", "python"),
        (b"#!/usr/bin/env -S PYTHONPATH=. python3 -X dev", "python"),
        (b"#!/bin/bash -e", "bash"),
        (b"#!/usr/bin/env", None),
        (b"#!", None),
        (b"import os", None),
        (None, None),
    ],
)
def test_the_interpreter_of_a_shebang_line(line, interpreter) -> None:
    assert interpreter_of(line) == interpreter


def test_only_an_extensionless_file_is_sniffed_and_only_when_interpreters_are_named() -> None:
    sniffed: list[str] = []

    def first_line(path: str):
        return lambda: sniffed.append(path) or b"#!/usr/bin/env python3"

    python = Files.of(suffixes=["py"], interpreters=["python"])
    assert python.concerns("App.PY", first_line("App.PY"))
    assert not python.concerns("notes.md", first_line("notes.md"))
    assert python.concerns("bin/tool", first_line("bin/tool"))
    assert not Files.of(suffixes=["py"]).concerns("bin/other", first_line("bin/other"))
    assert sniffed == ["bin/tool"]


def test_globs_and_excluded_files() -> None:
    web = Files.of(suffixes=["js"], globs=[".github/workflows/*.yml"], exclude=["*.min.js"])
    assert web.concerns("src/App.js", lambda: None)
    assert not web.concerns("dist/app.min.js", lambda: None)
    assert web.concerns(".github/workflows/ci.yml", lambda: None)
    assert not web.concerns("config/ci.yml", lambda: None)


def run_with(tmp_path: Path, files: dict[str, str]):
    run = Workspace(tmp_path / "ws").run("r1")
    for name, text in files.items():
        (run.src / name).parent.mkdir(parents=True, exist_ok=True)
        (run.src / name).write_text(text)
    diff = Diff({name: ChangedFile(name, FileStatus.ADDED) for name in files})
    return run, diff


def concerned(run, diff, agent: str) -> list[str]:
    kept, _ = reviewable_files(run, diff, registry.get_agent(agent), ReviewConfig())
    return [f.path for f in kept]


def test_each_agent_reads_the_files_it_declares(tmp_path: Path) -> None:
    run, diff = run_with(
        tmp_path,
        {
            "app.py": "x = 1\n",
            "types.pyi": "x: int\n",
            "bin/deploy": "#!/usr/bin/env python3\nimport os\n",
            "bin/build": "#!/bin/sh\nmake\n",
            "web/app.js": "let x = 1\n",
            "web/app.min.js": "let x=1\n",
            "api_pb2.py": "x = 1\n",
            "README": "hello\n",
        },
    )
    python = ["app.py", "types.pyi", "bin/deploy", "api_pb2.py"]
    assert concerned(run, diff, "security") == python
    assert concerned(run, diff, "style") == python
    assert concerned(run, diff, "secrets") == list(diff.files)
    assert concerned(run, diff, "correctness") == [
        "app.py",
        "types.pyi",
        "bin/deploy",
        "bin/build",
        "web/app.js",
    ]
    assert concerned(run, diff, "patterns") == ["app.py", "bin/deploy", "web/app.js", "api_pb2.py"]


def test_a_python_script_without_a_suffix_is_analysed(make_repo, review_repo) -> None:
    script = "#!/usr/bin/env python3\nimport subprocess\nsubprocess.call(input(), shell=True)\n"
    repo = make_repo([{"README.md": "x\n"}, {"bin/deploy": script}])
    reviewed = review_repo(repo, agents=("security",))
    assert ("B602", 3) in reviewed.at("bin/deploy")


def test_a_suffix_is_read_as_pathlib_reads_it() -> None:
    from pathlib import PurePosixPath

    from agents.files import suffix_of

    for path in ("a.py", "a/b.tar.gz", ".bashrc", "a/.env.local", "b.", "..a", "...", "x/y"):
        assert suffix_of(path) == PurePosixPath(path).suffix, path
    globbed = Files.of(globs=["*.min.js", ".github/workflows/*.yml"], exclude=["vendor/*"])
    assert globbed.concerns("web/app.min.js", lambda: None)
    assert globbed.concerns(".GitHub/Workflows/ci.YML", lambda: None)  # case ignored
    assert not globbed.concerns("vendor/app.min.js", lambda: None)  # exclude wins
    assert not globbed.concerns("web/app.js", lambda: None)
