"""What an agent declares about itself: one `AGENT = Agent(...)` per module of
`agents/reviewers/`, the module named as the agent.

An agent is data: the files that concern it, an analyser to run on them (a command line
and the parser of what it prints), a brief for a model pass, or both. The generic runner
(`agents.base`) does the rest: picks the files, runs the analyser as a child process
(`agents.process`), parses its output, and hands the findings to the model pass when the
review has a model (`agents.llm.review`).
"""

from __future__ import annotations

import fnmatch
import re
from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass, field
from pathlib import Path, PurePath

from agents.analysis import Analysis
from agents.files import INTERPRETER_SUFFIXES, Files
from agents.parsers import ToolOutput
from agents.yaml_bombs import ExpandsAliases
from review.findings import Severity
from review.lines import LineModel

# Placeholders of an analyser's command line.
PYTHON = "{python}"  # the interpreter reviewbot runs on: PYTHON, "-m", "<module>"
FILES = "{files}"  # the agent's files, one argument each: an argument of its own, once
CONFIG = "{config}"  # the path of `Analyser.config`, anywhere inside an argument

Parser = Callable[[ToolOutput], Analysis]
_NAME = re.compile(r"[a-z][a-z0-9_]{0,39}")  # a module name, and a findings file name


@dataclass(frozen=True)
class Analyser:
    """A tool run as a child process over the agent's files.

    `command` is the argument vector with placeholders (`PYTHON`, `FILES`, `CONFIG`);
    exit status 0 and the `findings_exit_codes` mean the tool ran, anything else is a
    failed agent. `parse` turns its standard output into findings (`agents.parsers.sarif`
    for SARIF, else an adapter of the tool's own format); `severities` maps the tool's
    rule ids or levels (or, for SARIF, `rule@level`) to ours, for the parser to use; a
    parser that needs the text the tool read gets it from `ToolOutput.read`. `config` is
    a file of ours the command names with `CONFIG` (never the reviewed repository's).
    `config_for`, when given, makes each run's configuration instead: called with the
    names of the copies the tool reads (with the suffix it reads them by:
    `bin/deploy.py`), it returns the text of the file `CONFIG` then names, written in the
    run's scratch directory (beside neither the copies nor the working directory) under
    `config`'s name. It may name only files of ours beside `config` (which the findings
    cache hashes with it, `agents.cache.analyser_identity`), and must give every file the
    findings `config` gives it (ast-grep's rule pack: only the rules of the languages
    read, which load faster).
    `name` names the tool in errors; by default the module or executable. `line_model`
    says how the tool counts lines: `LineModel.UNIVERSAL` for tools built on Python's
    tokenizer or universal newlines (a lone CR ends a line), `LineModel.YAML` for YAML
    parsers; its numbers are then mapped onto git's. A tool that reads several kinds of
    file, each with its own parser, declares the others in `line_models`: a glob of the
    name of the file the tool reads (matched case-sensitively, as tools pick their parser
    by suffix; `*` also matches `/`) -> its model, the first match winning over
    `line_model` (checkov: YAML's for its YAML and JSON, universal newlines for HCL).

    `suppressions` are regular expressions of the in-code suppression comments the tool
    honours (`# nosec`, `# noqa`, `// eslint-disable-next-line`): on the lines the change
    adds they are neutralised in the copy of the file the tool reads, so a change cannot
    hide its own findings (suppressions already in the code keep working). `env` is extra
    environment for the tool (offline switches; never a secret). `install` says how to get
    the tool when it is missing (the agent is then skipped, saying so), and `version` is
    the argument vector (placeholders allowed) that prints its version (`reviewbot doctor`).
    A `new_only` analyser also reads the base versions of the changed files, and only its
    findings that were not already there are kept (checks of a whole resource, which a
    one-line edit would otherwise surface again). A `relative` analyser is run from the
    root of the copies of the files, which it is given as `./`-prefixed relative paths:
    for tools that ignore files outside their working directory (detect-secrets).
    `rule_ids` is a regular expression every rule id the tool reports matches in full
    (bandit's `B[0-9]{3}`): a repository's configuration naming a rule no agent's pattern
    matches is an error. `neighbours` maps a glob of a changed file's name to globs of the
    names of the unchanged files beside it the tool must read with it (`{"*.tf": ("*.tf",)}`:
    a Terraform module's variables); see `agents.neighbours`. `expands_aliases` says the
    tool builds the data of YAML files, expanding their aliases: a YAML alias bomb
    (`agents.yaml_bombs`) is then not given to it as YAML. `language_by_suffix` says the
    tool chooses each file's language by its name's suffix alone and passes over a file
    without one in silence (ast-grep, oxlint): a script the agent takes for its `#!` line
    is then copied with its interpreter's suffix (`agents.files.copy_suffix`:
    `bin/deploy` as `bin/deploy.py`), and its findings come back on `bin/deploy`. `warm`
    names the modules of a `PYTHON -m` tool to import once in a warm start server (a
    `module:function` is imported, then called without arguments: the tool's own
    discovery of its plugins), which then forks each run instead of starting the
    interpreter again (`agents.warm`); they must import and call nothing but the tool
    (never its `__main__` when that runs the tool), and read nothing of a repository.
    """

    command: tuple[str, ...]
    parse: Parser
    findings_exit_codes: tuple[int, ...] = ()
    severities: Mapping[str, Severity] = field(default_factory=dict, hash=False)
    config: Path | None = None
    config_for: Callable[[Sequence[str]], str] | None = None
    name: str = ""
    line_model: LineModel = LineModel.GIT  # how the tool numbers lines (mapped onto git's)
    line_models: Mapping[str, LineModel] = field(default_factory=dict, hash=False)
    suppressions: tuple[str, ...] = ()
    env: Mapping[str, str] = field(default_factory=dict, hash=False)
    install: str = ""
    version: tuple[str, ...] = ()
    new_only: bool = False
    relative: bool = False
    rule_ids: str = ""
    neighbours: Mapping[str, tuple[str, ...]] = field(default_factory=dict, hash=False)
    expands_aliases: ExpandsAliases | None = None
    language_by_suffix: bool = False
    warm: tuple[str, ...] = ()

    def __post_init__(self) -> None:
        if self.warm and self.command[:2] != (PYTHON, "-m"):
            raise ValueError(f"{self.command!r}: only a `PYTHON -m` tool has a warm start")
        if self.command.count(FILES) != 1:
            raise ValueError(f"{self.command!r}: FILES must be one argument, exactly once")
        if any(CONFIG in arg for arg in self.command) and self.config is None:
            raise ValueError(f"{self.command!r} names CONFIG, but the analyser has no config")
        if self.config_for is not None and self.config is None:
            raise ValueError(f"{self.command!r}: config_for needs the config it stands for")

    @property
    def tool(self) -> str:
        """The tool's name in messages: `name`, the module of `PYTHON -m`, or the program."""
        if self.name:
            return self.name
        if self.command[:2] == (PYTHON, "-m") and len(self.command) > 2:
            return self.command[2]
        if self.command[0] == PYTHON:
            return "python"
        return PurePath(self.command[0]).name

    @property
    def ok_codes(self) -> tuple[int, ...]:
        return (0, *self.findings_exit_codes)

    def line_model_of(self, name: str) -> LineModel:
        """How the tool numbers the lines of the file it reads as `name` (see `line_models`)."""
        for glob, model in self.line_models.items():
            if fnmatch.fnmatchcase(name, glob):
                return model
        return self.line_model


@dataclass(frozen=True)
class Brief:
    """What a model reviewer is told to look for: its `title` ("security reviewer"), its
    `focus` (a sentence completing "Look for …") and the finding `categories` it should use."""

    title: str
    focus: str
    categories: tuple[str, ...]


@dataclass(frozen=True)
class Agent:
    """A reviewer: its name (the module's), a one-line `description` for help texts, the
    `files` that concern it, and `analysers` (run at the same time, their findings
    together), a model `brief`, or both.

    `default` agents run when a review names none; an agent without an analyser needs a
    model (`needs_model`) and runs by default only when the review has one. `order` places
    it in listings and reports (lowest first).
    """

    name: str
    description: str
    files: Files
    analysers: tuple[Analyser, ...] = ()
    brief: Brief | None = None
    default: bool = True
    order: int = 100

    def __post_init__(self) -> None:
        if not _NAME.fullmatch(self.name):
            raise ValueError(f"agent name {self.name!r} is not a module name like style_check")
        if not self.analysers and self.brief is None:
            raise ValueError(f"agent {self.name!r} declares neither an analyser nor a brief")
        unnamed = self.files.interpreters - INTERPRETER_SUFFIXES.keys()
        if unnamed and any(a.language_by_suffix for a in self.analysers):
            # its tool would pass over those scripts in silence
            raise ValueError(
                f"agent {self.name!r}: scripts of {sorted(unnamed)} have no suffix in "
                "agents.files.INTERPRETER_SUFFIXES for its tool to read them by"
            )

    @property
    def needs_model(self) -> bool:
        """Whether there is nothing to run without a model (a brief and no analyser)."""
        return not self.analysers
