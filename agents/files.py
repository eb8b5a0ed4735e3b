"""Which changed files concern an agent, declared as data.

An agent names file kinds by suffix (`.py`), by glob on the whole repository path
(`*.min.js`, `.github/workflows/*.yml`; `*` also matches `/`), and by the interpreter of a
`#!` line, for scripts that have no suffix at all (`bin/deploy` starting with
`#!/usr/bin/env python3`). Matching ignores case. Only an extensionless file costs a read
(its first line), and only for an agent that names interpreters.

Tools that choose a file's language by its name's suffix alone (ast-grep, oxlint) pass
over such a script without a word; their copy of it is named with the suffix of its
interpreter (`copy_suffix`: `bin/deploy` is read as `bin/deploy.py`).
"""

from __future__ import annotations

import fnmatch
import functools
import re
from collections.abc import Callable, Iterable
from dataclasses import dataclass
from pathlib import PurePosixPath

SHEBANG_BYTES = 256  # enough for any real `#!` line; longer ones are not sniffed

# The first line of a file, read on demand (None when it cannot be read).
FirstLine = Callable[[], bytes | None]


@dataclass(frozen=True)
class Files:
    """File kinds: `suffixes` (".py"; a file's last suffix only, so "*.tar.gz" is a glob),
    `globs` ("*.tf", "*" for every file), `interpreters` ("python" matches
    `#!/usr/bin/python3.11` and `#!/usr/bin/env -S python3 -u`), and `exclude` globs
    (generated files) that win over the rest."""

    suffixes: frozenset[str] = frozenset()
    globs: tuple[str, ...] = ()
    interpreters: frozenset[str] = frozenset()
    exclude: tuple[str, ...] = ()

    @classmethod
    def of(
        cls,
        suffixes: Iterable[str] = (),
        globs: Iterable[str] = (),
        interpreters: Iterable[str] = (),
        exclude: Iterable[str] = (),
    ) -> Files:
        """Files from any iterables; suffixes may be given with or without their dot."""
        return cls(
            suffixes=frozenset(f".{s.lower().lstrip('.')}" for s in suffixes),
            globs=tuple(g.lower() for g in globs),
            interpreters=frozenset(i.lower() for i in interpreters),
            exclude=tuple(g.lower() for g in exclude),
        )

    def concerns(self, path: str, first_line: FirstLine) -> bool:
        """Whether `path` is one of these files; `first_line` is called only to sniff a
        `#!` line of an extensionless file."""
        lowered = path.lower()
        if _any_glob(self.exclude)(lowered):
            return False
        suffix = suffix_of(lowered)
        if suffix in self.suffixes or _any_glob(self.globs)(lowered):
            return True
        if suffix or not self.interpreters:
            return False
        return interpreter_of(first_line()) in self.interpreters


def suffix_of(path: str) -> str:
    """`PurePosixPath(path).suffix` of a repository path, without building a path: the
    last name's part from its last dot, unless that dot starts or ends the name."""
    name = path.rpartition("/")[2]
    dot = name.rfind(".")
    return name[dot:] if 0 < dot < len(name) - 1 else ""


@functools.lru_cache(maxsize=256)
def _any_glob(globs: tuple[str, ...]) -> Callable[[str], object]:
    """One compiled pattern for `globs` (`fnmatch`'s syntax, `*` matching `/` too): a
    review asks each agent about every changed file."""
    if not globs:
        return lambda path: False
    return re.compile("|".join(f"(?:{fnmatch.translate(g)})" for g in globs)).match


# "python3.11" and "python3" are python; "bash5" is bash.
_VERSIONED = re.compile(rb"([a-z][a-z_+-]*?)[0-9.]*")


def interpreter_of(line: bytes | None) -> str | None:
    """The interpreter a `#!` line runs, without its version: b"#!/usr/bin/env python3" ->
    "python"; None for anything else."""
    if not line or not line.startswith(b"#!"):
        return None
    words = line[2:].split(b"\n", 1)[0].split()
    if words and PurePosixPath(words[0].decode("utf-8", "replace")).name == "env":
        # `env -S python3 -u`, `env PYTHONPATH=. python3`: skip env's options and settings
        words = [w for w in words[1:] if not w.startswith(b"-") and b"=" not in w]
    if not words:
        return None
    name = PurePosixPath(words[0].decode("utf-8", "replace")).name.lower().encode()
    match = _VERSIONED.fullmatch(name)
    return match.group(1).decode() if match else None


# The suffix a script's copy gets, by interpreter, for a tool that chooses the language by
# the suffix: every interpreter an agent of such a tool names must be here (`Agent`).
INTERPRETER_SUFFIXES = {"python": ".py", "node": ".js", "nodejs": ".js"}


def copy_suffix(path: str, start: bytes) -> str:
    """The suffix to add to the name of the copy of `path` (whose bytes start with
    `start`) for a tool that picks the language by suffix: that of the interpreter of its
    `#!` line when it has no suffix of its own (`INTERPRETER_SUFFIXES`), else ""."""
    if PurePosixPath(path).suffix:
        return ""
    interpreter = interpreter_of(start[:SHEBANG_BYTES])
    return INTERPRETER_SUFFIXES.get(interpreter, "") if interpreter else ""


PYTHON_FILES = Files.of(suffixes=["py", "pyi", "pyw"], interpreters=["python"])
EVERY_FILE = Files.of(globs=["*"])
