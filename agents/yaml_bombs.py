"""YAML alias bombs ("billion laughs"), found without expanding them.

A YAML alias (`*a`) repeats the node its anchor (`&a`) names. Ten levels of nine aliases
each are a 1 KB file whose data holds 9^10 (3.5 billion) nodes: a tool that builds the
data of the files it reads (checkov, detect-secrets' YAML transformer) expands every
alias and never finishes. Composing the file with PyYAML's safe loader (`yaml.compose_all`,
which constructs no Python object) makes an alias the very node its anchor names, shared
rather than copied, so the document is a graph no larger than the file; a memoised walk
over it counts the nodes the data would hold, in time linear in the file's size.

A file whose aliases add more than `MAX_ALIAS_NODES` nodes (the expanded count less the
nodes written out) is a bomb. The bound: checkov, the slowest of our analysers to load
YAML, takes about 1 s more on a file expanding to 66,000 nodes and 10 s more on one
expanding to 530,000 (measured, a busy 2-core machine), so 100,000 keeps a file's cost
within a tool's normal start-up; the aliases of real files (CI job defaults, compose
service templates) add hundreds or thousands of nodes. go-yaml, the YAML library of
Kubernetes, refuses documents mostly made of alias expansions beyond 400,000 decoded
nodes for the same reason (CVE-2019-11253; `allowedAliasRatio` in its decode.go).

An analyser declares how it reads YAML (`ExpandsAliases`); `agents.scratch.read_copies`
keeps a bomb from it.
"""

from __future__ import annotations

import hashlib
import threading
from collections import OrderedDict
from dataclasses import dataclass

import yaml
from yaml.nodes import MappingNode, Node, SequenceNode

MAX_ALIAS_NODES = 100_000
_CAP = 1 << 60  # sizes are counted up to this: any bomb is far over the bound already
_KNOWN: OrderedDict[bytes, Bomb | None] = OrderedDict()  # by SHA-256: the agents of a
_KNOWN_MAX = 256  # review ask about the same files, and composing 1 MB takes seconds
_LOCK = threading.Lock()
# the files being composed now, by SHA-256: the secrets and iac agents read the same YAML
# files at the same moment, and the second one waits for the first one's answer
_COMPOSING: dict[bytes, threading.Event] = {}


@dataclass(frozen=True)
class ExpandsAliases:
    """An analyser that builds the data of the YAML files it reads, expanding aliases.

    `suffixes` are the file names it parses as YAML (`.yaml`); empty: it may parse any
    file it reads as YAML (checkov tries YAML first on CloudFormation's `.json` and
    `.template` files too). A bomb among those is left out with a note, unless the tool
    reads a file named with the suffix `as_text` as plain lines: the copy it reads then
    has that suffix added to its name (detect-secrets reads `x.yaml.conf` line by line,
    so secrets in the bomb are still found).
    """

    suffixes: tuple[str, ...] = ()
    as_text: str = ""

    def parses(self, path: str) -> bool:
        """Whether the tool parses the file at `path` as YAML."""
        return not self.suffixes or path.endswith(self.suffixes)


@dataclass(frozen=True)
class Bomb:
    """What a bomb's aliases add (`added` nodes, more than `MAX_ALIAS_NODES`), and `line`
    (1-based, PyYAML's numbering) of the smallest node whose expansion alone is over
    the bound, else of the document's first node."""

    added: int
    line: int


def alias_bomb(data: bytes) -> Bomb | None:
    """The bomb `data` is, or None: for a file without aliases, one that is not YAML, or
    one nested too deep for the composer (a tool fails on that itself, quickly)."""
    if b"&" not in data or b"*" not in data:  # no anchor or no alias: nothing repeats
        return None
    key = hashlib.sha256(data).digest()
    with _LOCK:
        if key in _KNOWN:
            return _KNOWN[key]
        composing = _COMPOSING.get(key)
        if composing is None:  # this thread composes it; the others asking wait for it
            composing = _COMPOSING[key] = threading.Event()
            mine = True
        else:
            mine = False
    if not mine:
        composing.wait()
        with _LOCK:
            if key in _KNOWN:
                return _KNOWN[key]
        return _count(data)  # the composing thread failed, or the answer was evicted
    try:
        found = _count(data)
        with _LOCK:
            _KNOWN[key] = found
            if len(_KNOWN) > _KNOWN_MAX:
                _KNOWN.popitem(last=False)
    finally:
        with _LOCK:
            del _COMPOSING[key]
        composing.set()
    return found


def _count(data: bytes) -> Bomb | None:
    try:
        documents = list(yaml.compose_all(data, Loader=yaml.SafeLoader))
    except (yaml.YAMLError, RecursionError):
        return None
    sizes: dict[int, int] = {}
    over: list[Node] = []
    for document in documents:
        if document is not None and _size(document, sizes, over) is None:
            return Bomb(MAX_ALIAS_NODES + 1, document.start_mark.line + 1)  # recursive
    added = sum(sizes[id(d)] for d in documents if d is not None) - len(sizes)
    if added <= MAX_ALIAS_NODES:
        return None
    first = next((d for d in documents if d is not None), None)
    smallest = min(over, key=lambda node: sizes[id(node)], default=first)
    return Bomb(added, smallest.start_mark.line + 1 if smallest else 1)


def _size(root: Node, sizes: dict[int, int], over: list[Node]) -> int | None:
    """The number of nodes under `root` once its aliases are expanded (itself included),
    memoised in `sizes` by node identity and capped at _CAP; the nodes over
    MAX_ALIAS_NODES are added to `over`. None when a node contains itself (a recursive
    alias: the expansion never ends). Iterative: a deep document cannot exhaust the stack."""
    stack: list[tuple[Node, bool]] = [(root, False)]
    open_nodes: set[int] = set()  # being counted: the ancestors of the node on top
    while stack:
        node, children_done = stack.pop()
        key = id(node)
        if children_done:
            open_nodes.discard(key)
            size = min(_CAP, 1 + sum(sizes[id(child)] for child in _children(node)))
            sizes[key] = size
            if size > MAX_ALIAS_NODES:
                over.append(node)
            continue
        if key in sizes:
            continue
        if key in open_nodes:
            return None
        open_nodes.add(key)
        stack.append((node, True))
        stack.extend((child, False) for child in _children(node) if id(child) not in sizes)
    return sizes[id(root)]


def _children(node: Node) -> list[Node]:
    if isinstance(node, SequenceNode):
        return list(node.value)
    if isinstance(node, MappingNode):
        return [part for pair in node.value for part in pair]
    return []
