"""ast-grep is given only the rules of the languages of the files it reads
(`agents.reviewers.patterns.rule_pack_for`), and each file's findings are those the whole
pack gives it.

That holds because a rule of one language never matches a file of another: every rule
and util of a folder of the pack is of that folder's language, which is checked here,
and the folders kept for a file are those of the language ast-grep reads it as (its
suffix; `languageGlobs`), which the corpus runs below check against the whole pack.
"""

from __future__ import annotations

import dataclasses
import fnmatch
import json
import subprocess
from collections.abc import Iterable
from pathlib import Path

import pytest
import yaml

from agents.cache import analyser_identity
from agents.command import ToolMissing, program
from agents.declaration import CONFIG, FILES, PYTHON
from agents.files import INTERPRETER_SUFFIXES
from agents.process import run_analyser
from agents.reviewers.patterns import (
    AGENT,
    RULE_FOLDERS,
    RULE_LANGUAGES,
    RULE_PACK,
    rule_pack_for,
)
from tests.analysers.test_agents_process import seen, tool_notes, work_on

REPO_ROOT = Path(__file__).resolve().parents[2]
RULES = RULE_PACK.parent
CORPORA = [REPO_ROOT / "benchmarks" / "corpus", REPO_ROOT / "benchmarks" / "corpus-holdout"]
(ANALYSER,) = AGENT.analysers


def pack() -> dict:
    return yaml.safe_load(RULE_PACK.read_text())


def documents(path: Path) -> list[dict]:
    return [d for d in yaml.safe_load_all(path.read_text()) if isinstance(d, dict)]


def test_every_rule_and_util_is_of_the_language_of_its_folder() -> None:
    """A rule (or util) of another language in a folder would be left out of the runs over
    files of its own language: their findings would be lost."""
    seen = 0
    for folder, language in RULE_LANGUAGES.items():
        for path in [*(RULES / folder).glob("*.yml"), *(RULES / "utils" / folder).glob("*.yml")]:
            for document in documents(path):
                seen += 1
                assert document.get("language") == language, f"{path}: {document.get('id')}"
                for local in (document.get("utils") or {}).values():  # a rule's own matchers
                    assert local.get("language", language) == language, path
    assert seen > 80


def test_the_pack_names_one_rule_and_one_util_folder_per_language_and_nothing_else() -> None:
    config = pack()
    assert config["ruleDirs"] == list(RULE_LANGUAGES)
    assert config["utilDirs"] == [f"utils/{folder}" for folder in RULE_LANGUAGES]
    named = {RULES / d for d in [*config["ruleDirs"], *config["utilDirs"]]}
    for path in RULES.rglob("*.yml"):
        assert path == RULE_PACK or path.parent in named, f"{path} is in no folder of the pack"


def test_each_suffix_the_agent_reads_maps_to_the_folder_of_its_language() -> None:
    """Every suffix of the agent's files and of its scripts' copies has a folder, and the
    `languageGlobs` of the pack send each of their suffixes to that folder's language."""
    read = {*AGENT.files.suffixes, *(INTERPRETER_SUFFIXES[i] for i in AGENT.files.interpreters)}
    assert read <= RULE_FOLDERS.keys()
    for language, globs in pack()["languageGlobs"].items():
        for glob in globs:
            suffixes = [s for s in RULE_FOLDERS if fnmatch.fnmatchcase(f"name{s}", glob)]
            assert suffixes, glob
            assert {RULE_LANGUAGES[RULE_FOLDERS[s]] for s in suffixes} == {language}, glob


def folders_named(text: str) -> tuple[set[str], set[str]]:
    """The rule and util folders a configuration names, relative to the pack."""
    config = yaml.safe_load(text)
    assert all(Path(d).is_absolute() for d in [*config["ruleDirs"], *config["utilDirs"]])
    relative = [
        {Path(d).relative_to(RULES).as_posix() for d in config[key]}
        for key in ("ruleDirs", "utilDirs")
    ]
    return relative[0], relative[1]


def test_a_run_is_configured_with_the_folders_of_its_languages_only() -> None:
    assert folders_named(rule_pack_for(["pkg/a.py", "b.pyw"])) == ({"python"}, {"utils/python"})
    assert folders_named(rule_pack_for(["web/x.mts", "bin/cli.js"])) == (
        {"javascript"},
        {"utils/javascript"},
    )
    assert folders_named(rule_pack_for(["a.py", "Main.java"])) == (
        {"python", "java"},
        {"utils/python", "utils/java"},
    )
    every = (set(RULE_LANGUAGES), {f"utils/{f}" for f in RULE_LANGUAGES})
    assert folders_named(rule_pack_for(["a.py", "odd.PY"])) == every  # unknown: all of them
    made = yaml.safe_load(rule_pack_for(["a.go"]))
    assert made["languageGlobs"] == pack()["languageGlobs"]


# Prints where it runs, and where the configuration it is given is and what it holds.
CONFIG_PROBE = """
import json, os, sys
print(json.dumps({"cwd": os.getcwd(), "listed": os.listdir("."), "config": sys.argv[1],
                  "text": open(sys.argv[1], encoding="utf-8").read(), "files": sys.argv[2:]}))
"""


@pytest.mark.parametrize(
    ("files", "rule_folders"),
    [
        ({"pkg/a.py": "x = 1\n", "pkg/b.py": "y = 2\n"}, {"python"}),
        (
            {
                "pkg/a.py": "x = 1\n",
                "web/app.ts": "let x = 1;\n",
                "bin/cli": "#!/usr/bin/env node\n",
            },
            {"python", "javascript"},
        ),
    ],
)
def test_the_runner_gives_the_tool_the_configuration_made_for_its_files(
    tmp_path: Path, files: dict[str, str], rule_folders: set[str]
) -> None:
    """Through `run_analyser`: the configuration is written in the run's scratch directory,
    neither in the tool's (empty) working directory nor among the copies, for the copies'
    names (`bin/cli` read as `bin/cli.js`)."""
    probe = dataclasses.replace(
        ANALYSER, command=(PYTHON, "-c", CONFIG_PROBE, CONFIG, FILES), parse=seen
    )
    (note,) = tool_notes(run_analyser("patterns", probe, work_on(tmp_path, files)))
    run = json.loads(note)
    config, cwd = Path(run["config"]), Path(run["cwd"])
    assert run["listed"] == [] and not config.is_relative_to(cwd)
    assert not any(config.parent == Path(f).parent for f in run["files"])
    assert config.name == "sgconfig.yml" and config.parent.parent == cwd.parent
    assert folders_named(run["text"])[0] == rule_folders
    assert not config.exists()  # the scratch directory is removed with the run


def ast_grep() -> str:
    try:
        return program(ANALYSER)
    except ToolMissing as exc:
        pytest.skip(str(exc))


def matches(tool: str, config: Path, files: Iterable[Path], cwd: Path) -> list[tuple]:
    """(file, rule, start, end) of each match ast-grep reports over `files`, sorted."""
    done = subprocess.run(  # noqa: S603 - our arguments
        [tool, "scan", "-c", str(config), "--json=stream", "--", *map(str, files)],
        cwd=cwd,
        capture_output=True,
        text=True,
        check=False,
    )
    assert done.returncode in (0, 1), done.stderr
    found = [json.loads(line) for line in done.stdout.splitlines() if line.strip()]
    return sorted(
        (m["file"], m["ruleId"], m["range"]["byteOffset"]["start"], m["range"]["byteOffset"]["end"])
        for m in found
    )


def test_each_language_alone_finds_what_the_whole_pack_finds_in_the_corpus(tmp_path) -> None:
    """ast-grep over the vulnerable and safe files of every language of the corpora (and
    all of them at once): with only their languages' folders, the same matches as with
    the whole pack, and some in each language."""
    tool = ast_grep()
    files = sorted(p for corpus in CORPORA for p in corpus.rglob("*") if p.is_file())
    by_suffix: dict[str, list[Path]] = {}
    for path in files:
        by_suffix.setdefault(path.suffix, []).append(path)
    assert {".py", ".js", ".ts", ".go", ".java"} <= by_suffix.keys()
    (tmp_path / "cwd").mkdir()
    whole = matches(tool, RULE_PACK, files, tmp_path / "cwd")
    groups = [*by_suffix.values(), files]
    for number, group in enumerate(groups):
        made = tmp_path / f"{number}.yml"
        made.write_text(rule_pack_for([p.name for p in group]))
        alone = matches(tool, made, group, tmp_path / "cwd")
        names = {str(p) for p in group}
        assert alone == [m for m in whole if m[0] in names]
        assert alone, group[0].suffix


def test_the_review_finds_the_same_with_the_configuration_made_for_the_run(tmp_path) -> None:
    """Through `run_analyser`, on one file per language and a script known by its `#!`
    line: the findings the whole pack gives (`config_for` left out) and no others."""
    ast_grep()
    files = {
        "app.py": "import os\n\ndef f(x):\n    os.system('ls ' + x)\n",
        "bin/tool": "#!/usr/bin/env python3\nimport os\nos.system('rm ' + NAME.lower())\n",
        "web/run.ts": "import { exec } from 'child_process';\nexec(`ls ${dir}`);\n",
        "legacy.pyw": "import pickle\n\ndef load(b):\n    return pickle.loads(b)\n",
        "main.go": 'package main\n\nimport "crypto/md5"\n\nfunc h(b []byte) { md5.Sum(b) }\n',
        "A.java": "class A { void r(String c) throws Exception "
        '{ Runtime.getRuntime().exec("sh -c " + c); } }\n',
    }

    def findings(analyser, root: Path) -> list[tuple]:
        analysis = run_analyser("patterns", analyser, work_on(root, files, cache=False))
        return sorted((f.path, f.rule, f.line) for f in analysis.findings)

    made = findings(ANALYSER, tmp_path / "made")
    whole = findings(dataclasses.replace(ANALYSER, config_for=None), tmp_path / "whole")
    assert made == whole
    assert {path for path, _, _ in made} >= {"app.py", "web/run.ts", "main.go", "A.java"}


def test_every_file_of_the_pack_is_part_of_the_findings_cache_key() -> None:
    """A run names some folders only, but the cache key hashes the whole pack: a change to
    any rule or util (in `utils/<language>/` too) is a new key."""
    identity = analyser_identity("patterns", ANALYSER, "/usr/bin/true")
    for path in RULES.rglob("*.yml"):
        assert f"config {path.relative_to(RULES)}=" in identity
