"""What the App remembers about one pull request between reviews, as plain data.

The state lives on GitHub, as a hidden marker in the App's own summary comment
(`<!-- reviewbot:state=<base64 of zlib-compressed JSON> -->`): the one comment every
review edits. So it needs no storage of its own, works the same for `reviewbot serve`
and on AWS, survives any workspace sweep, and goes away with the pull request. Only the
App's own comment is read; people with write access can edit it (GitHub lets them edit
any comment), as they can dismiss findings anyway. A marker that is missing, damaged or
from a newer format reads as an empty state: the next review is then a full one.

Shapes (JSON, version 1): `{"v": 1, "head": sha|null, "open": {fp: [rule, path, line,
[agents]]}, "fixed": {fp: [rule, path, commit]}, "dismissed": {fp: [rule, path, by,
how]}}`, where `fp` is a finding's fingerprint (32 hex characters, as in the comment
markers). The encoded marker is kept under `MAX_MARKER_CHARS` by dropping the oldest
fixed entries, then open ones beyond the gravest (see `PullState.marker`).
"""

from __future__ import annotations

import base64
import binascii
import json
import re
import zlib
from dataclasses import dataclass, field
from typing import Any

STATE_VERSION = 1
STATE_PATTERN = re.compile(r"<!-- reviewbot:state=([A-Za-z0-9+/=]{1,200000}) -->")
MAX_MARKER_CHARS = 24_000  # of a summary comment's 65,536: the rest is for people
MAX_INFLATED_BYTES = 2 * 1024 * 1024  # a damaged or edited marker cannot blow up
_FINGERPRINT = re.compile(r"[0-9a-f]{8,64}")
_SHA = re.compile(r"[0-9a-f]{40,64}")
_TEXT_CHARS = 300
HOW = ("resolved", "thumbs_down")  # how a person dismissed a finding


@dataclass(frozen=True)
class Tracked:
    """An open finding as the summary remembers it: where it was, and which agents found
    it (so that a later review judges it fixed only when those agents ran again)."""

    rule: str
    path: str
    line: int
    agents: tuple[str, ...] = ()

    @property
    def model_only(self) -> bool:
        """Only a model reported it (rule `ai:<category>`): a later review not repeating
        it is no proof that it was fixed."""
        return self.rule.startswith("ai:")


@dataclass(frozen=True)
class Closed:
    """A finding no longer open: fixed in `commit`, or dismissed by the person `by`
    (`how`: "resolved" their thread, or reacted "thumbs_down" to the App's comment)."""

    rule: str
    path: str
    commit: str = ""
    by: str = ""
    how: str = ""


@dataclass
class PullState:
    """The last reviewed head and the findings of the pull request by fingerprint."""

    head: str | None = None
    open: dict[str, Tracked] = field(default_factory=dict)
    fixed: dict[str, Closed] = field(default_factory=dict)
    dismissed: dict[str, Closed] = field(default_factory=dict)

    def to_dict(self) -> dict[str, Any]:
        return {
            "v": STATE_VERSION,
            "head": self.head,
            "open": {k: [t.rule, t.path, t.line, list(t.agents)] for k, t in self.open.items()},
            "fixed": {k: [c.rule, c.path, c.commit] for k, c in self.fixed.items()},
            "dismissed": {k: [c.rule, c.path, c.by, c.how] for k, c in self.dismissed.items()},
        }

    @classmethod
    def from_dict(cls, data: Any) -> PullState:
        """The state in untrusted JSON; entries of the wrong shape are left out, and
        anything but version 1 reads as an empty state."""
        if not isinstance(data, dict) or data.get("v") != STATE_VERSION:
            return cls()
        head = data.get("head")
        state = cls(head=head if isinstance(head, str) and _SHA.fullmatch(head) else None)
        for key, value in _entries(data.get("open")):
            rule, path, line, agents = (value + [None] * 4)[:4]
            if _texts(rule, path) and isinstance(line, int) and isinstance(agents, list):
                names = tuple(_text(a) for a in agents if isinstance(a, str))[:10]
                state.open[key] = Tracked(_text(rule), _text(path), max(line, 1), names)
        for key, value in _entries(data.get("fixed")):
            rule, path, commit = (value + [None] * 3)[:3]
            if _texts(rule, path) and isinstance(commit, str) and _SHA.fullmatch(commit):
                state.fixed[key] = Closed(_text(rule), _text(path), commit=commit)
        for key, value in _entries(data.get("dismissed")):
            rule, path, by, how = (value + [None] * 4)[:4]
            if _texts(rule, path, by) and how in HOW:
                state.dismissed[key] = Closed(_text(rule), _text(path), by=_text(by), how=how)
        return state

    def marker(self, limit: int = MAX_MARKER_CHARS) -> str:
        """The hidden marker holding this state, at most `limit` characters.

        Past the limit the oldest fixed entries go first, then the open entries beyond
        the first ones (the summary still lists every open finding; one no longer
        tracked may get an inline comment again at a later push)."""
        state = PullState(self.head, dict(self.open), dict(self.fixed), dict(self.dismissed))
        while True:
            text = _encode(state.to_dict())
            if len(text) <= limit:
                return text
            if state.fixed:
                drop = max(1, len(state.fixed) // 4)
                state.fixed = dict(list(state.fixed.items())[drop:])
            elif state.open:
                state.open = dict(list(state.open.items())[: len(state.open) // 2])
            else:
                drop = max(1, len(state.dismissed) // 2)
                state.dismissed = dict(list(state.dismissed.items())[drop:])

    @classmethod
    def from_comment(cls, body: str | None) -> PullState:
        """The state in a summary comment's body; an empty state when there is none."""
        match = STATE_PATTERN.search(body or "")
        if match is None:
            return cls()
        try:
            packed = base64.b64decode(match.group(1), validate=True)
            inflater = zlib.decompressobj()
            raw = inflater.decompress(packed, MAX_INFLATED_BYTES)
            if inflater.unconsumed_tail:
                return cls()
            return cls.from_dict(json.loads(raw))
        except (binascii.Error, zlib.error, ValueError, RecursionError):
            return cls()


def _encode(data: dict[str, Any]) -> str:
    raw = json.dumps(data, separators=(",", ":"), ensure_ascii=False).encode()
    return f"<!-- reviewbot:state={base64.b64encode(zlib.compress(raw, 9)).decode()} -->"


def _entries(value: Any) -> list[tuple[str, list[Any]]]:
    if not isinstance(value, dict):
        return []
    return [
        (key, item)
        for key, item in list(value.items())[:5_000]
        if isinstance(key, str) and _FINGERPRINT.fullmatch(key) and isinstance(item, list)
    ]


def _texts(*values: Any) -> bool:
    return all(isinstance(v, str) and v for v in values)


def _text(value: str) -> str:
    return value[:_TEXT_CHARS]
