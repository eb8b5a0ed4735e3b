"""Reading `.github/reviewbot.yml`: YAML with line numbers, each error as `FILE:LINE: key: message`.

The text is parsed with PyYAML's safe loader, keeping each node's position, so every
problem the schema (`review.repo_config`) finds is reported on the line of the key or
list item it is about. YAML errors, duplicate keys, keys that are not text, a file over
`MAX_CONFIG_BYTES` or not UTF-8 are problems too. A review whose file has problems runs
with the defaults and says so (`ConfigSource.status` is "invalid").
"""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import dataclass
from typing import Any

import yaml
from pydantic import ValidationError

from review.repo_config import ConfigContext, RepoConfig

CONFIG_FILES = (".github/reviewbot.yml", ".github/reviewbot.yaml")  # the first found is read
MAX_CONFIG_BYTES = 64 * 1024
TOO_LARGE = f"is over {MAX_CONFIG_BYTES // 1024} KB"
MAX_PROBLEMS = 50
Path = tuple[str | int, ...]  # a place in the document: keys and list indices


@dataclass(frozen=True)
class ConfigProblem:
    """One error of a configuration file: where (file, 1-based line, dotted key) and why."""

    file: str
    line: int
    key: str
    message: str

    def __str__(self) -> str:
        where = f"{self.file}:{self.line}:"
        return f"{where} {self.key}: {self.message}" if self.key else f"{where} {self.message}"

    def to_dict(self) -> dict[str, Any]:
        return {"file": self.file, "line": self.line, "key": self.key, "message": self.message}

    @classmethod
    def from_dict(cls, data: dict[str, Any]) -> ConfigProblem:
        return cls(str(data["file"]), int(data["line"]), str(data["key"]), str(data["message"]))


@dataclass(frozen=True)
class ConfigFile:
    """A configuration file as read from a commit or a disk: its path and its bytes, or
    why it cannot be read (a directory, a symbolic link, too large)."""

    path: str
    data: bytes = b""
    unreadable: str | None = None


@dataclass(frozen=True)
class ConfigSource:
    """Which repository configuration a review used: `file` read at `commit` (no commit:
    a file given on the command line), or none (`file` None: the defaults). `errors` are
    the file's problems (then the defaults were used); `proposed` are the problems of the
    version the change itself proposes, when it changes the file."""

    file: str | None = None
    commit: str | None = None
    errors: tuple[ConfigProblem, ...] = ()
    proposed: tuple[ConfigProblem, ...] = ()

    @property
    def status(self) -> str:
        """ "defaults" (no file), "invalid" (the defaults were used) or "applied"."""
        if self.file is None:
            return "defaults"
        return "invalid" if self.errors else "applied"

    def describe(self) -> str:
        """The configuration in a few words: `.github/reviewbot.yml at abc123def456`."""
        if self.file is None:
            return "the defaults (no .github/reviewbot.yml)"
        return f"{self.file} at {self.commit[:12]}" if self.commit else self.file

    def to_dict(self) -> dict[str, Any]:
        return {
            "file": self.file,
            "commit": self.commit,
            "status": self.status,
            "errors": [p.to_dict() for p in self.errors],
            "proposed_errors": [p.to_dict() for p in self.proposed],
        }

    @classmethod
    def from_dict(cls, data: dict[str, Any] | None) -> ConfigSource:
        data = data or {}
        return cls(
            file=data.get("file"),
            commit=data.get("commit"),
            errors=tuple(ConfigProblem.from_dict(p) for p in data.get("errors") or ()),
            proposed=tuple(ConfigProblem.from_dict(p) for p in data.get("proposed_errors") or ()),
        )


def parse_config(found: ConfigFile, context: ConfigContext) -> RepoConfig | list[ConfigProblem]:
    """The file's configuration, or its problems (at most `MAX_PROBLEMS`), in line order."""
    file = found.path
    if found.unreadable is not None:
        return [ConfigProblem(file, 1, "", found.unreadable)]
    if len(found.data) > MAX_CONFIG_BYTES:
        return [ConfigProblem(file, 1, "", TOO_LARGE)]
    try:
        text = found.data.decode("utf-8")
    except UnicodeDecodeError as exc:
        line = found.data[: exc.start].count(b"\n") + 1
        return [ConfigProblem(file, line, "", "is not UTF-8 text")]
    loader = yaml.SafeLoader(text)
    try:
        root = loader.get_single_node()
        lines, problems = _positions(file, root)
        data = loader.construct_document(root) if root is not None else None
    except yaml.MarkedYAMLError as exc:
        mark = exc.problem_mark or exc.context_mark
        line = mark.line + 1 if mark else 1
        reason = ", ".join(part for part in (exc.context, exc.problem) if part)
        return [ConfigProblem(file, line, "", f"invalid YAML: {reason}")]
    finally:
        loader.dispose()
    if data is None:
        data = {}  # an empty file configures nothing
    if not isinstance(data, dict):
        line = lines.get((), 1)
        return [ConfigProblem(file, line, "", "must be a mapping of keys to values")]
    try:
        config = RepoConfig.validated(data, context)
    except ValidationError as exc:
        problems += [
            _problem(file, error, lines)
            for error in exc.errors()
            if error["type"] != "invalid_key"  # a key that is not text: already a problem
        ]
    return sorted(problems, key=lambda p: p.line)[:MAX_PROBLEMS] if problems else config


def load_config(
    found: ConfigFile | None, commit: str | None, context: ConfigContext
) -> tuple[RepoConfig, ConfigSource]:
    """The configuration a review uses and where it came from: the file's when it is
    valid, else the defaults (with the file's problems in the source)."""
    if found is None:
        return RepoConfig(), ConfigSource()
    parsed = parse_config(found, context)
    if isinstance(parsed, RepoConfig):
        return parsed, ConfigSource(found.path, commit)
    return RepoConfig(), ConfigSource(found.path, commit, errors=tuple(parsed))


def proposed_problems(
    base: ConfigFile | None, head: ConfigFile | None, context: ConfigContext
) -> tuple[ConfigProblem, ...]:
    """The problems of the head's version of the file when the change changes it."""
    if head is None or head == base:
        return ()
    parsed = parse_config(head, context)
    return () if isinstance(parsed, RepoConfig) else tuple(parsed)


# -- positions -------------------------------------------------------------------------


def _positions(file: str, root: yaml.Node | None) -> tuple[dict[Path, int], list[ConfigProblem]]:
    """The 1-based line of every key and list item (a key's own line for a mapping
    entry), and the problems PyYAML's loader lets through: duplicate keys (it keeps the
    last) and keys that are not text. Nodes shared through anchors are visited once."""
    lines: dict[Path, int] = {}
    problems: list[ConfigProblem] = []
    if root is None:
        return lines, problems
    for path, node in _walk(root, (), set()):
        lines.setdefault(path, node.start_mark.line + 1)
        if isinstance(node, yaml.MappingNode):
            problems += _key_problems(file, path, node)
    return lines, problems


def _key_problems(file: str, path: Path, mapping: yaml.MappingNode) -> list[ConfigProblem]:
    """Keys of one mapping that are not text, or repeat an earlier key."""
    problems = []
    first: dict[str, int] = {}
    for key, _ in mapping.value:
        line = key.start_mark.line + 1
        if not isinstance(key, yaml.ScalarNode) or key.tag != "tag:yaml.org,2002:str":
            problems.append(ConfigProblem(file, line, _dotted(path), "keys must be text"))
            continue
        if key.value in first:
            where = _dotted((*path, key.value))
            message = f"duplicate key (first on line {first[key.value]})"
            problems.append(ConfigProblem(file, line, where, message))
        first.setdefault(key.value, line)
    return problems


def _walk(node: yaml.Node, path: Path, seen: set[int]) -> Iterator[tuple[Path, yaml.Node]]:
    """(path, node) of every node under `node`, a mapping entry at its key's position."""
    if id(node) in seen:
        return
    seen.add(id(node))
    if isinstance(node, yaml.MappingNode):
        yield path, node
        for key, value in node.value:
            if isinstance(key, yaml.ScalarNode):
                yield (*path, key.value), key
                yield from _walk(value, (*path, key.value), seen)
    elif isinstance(node, yaml.SequenceNode):
        yield path, node
        for index, item in enumerate(node.value):
            yield from _walk(item, (*path, index), seen)
    else:
        yield path, node


def _problem(file: str, error: Any, lines: dict[Path, int]) -> ConfigProblem:
    """A pydantic error as a problem on the line of the deepest known part of its `loc`."""
    loc = tuple(error["loc"])
    line = next((lines[loc[:n]] for n in range(len(loc), -1, -1) if loc[:n] in lines), 1)
    return ConfigProblem(file, line, _dotted(loc), _message(error))


def _message(error: Any) -> str:
    kind = error["type"]
    if kind == "extra_forbidden":
        return "unknown key (see `reviewbot config schema` for the keys)"
    if kind == "missing":
        return "required key is missing"
    if kind == "value_error":
        return str(error["ctx"]["error"])
    value = error.get("input")
    shown = "" if isinstance(value, dict | list) else f", got {_short(value)}"
    if isinstance(value, bool):
        shown += " (YAML reads yes, no, on and off as true or false: quote the word)"
    return f"{error['msg']}{shown}"


def _short(value: Any) -> str:
    text = repr(value)
    return text if len(text) <= 60 else text[:59] + "…"


def _dotted(path: Path) -> str:
    """`instructions[0].path` for ("instructions", 0, "path")."""
    out = ""
    for part in path:
        out += f"[{part}]" if isinstance(part, int) else (f".{part}" if out else str(part))
    return out
