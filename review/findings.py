"""Findings: what every agent reports, as plain data.

A finding knows nothing about GitHub or SARIF; reporters map it to their wire formats.
Its fingerprint must survive unrelated edits (lines shifting above it), so it is built
from the problem's category, the file and the normalised text of the flagged line, not
from the line number.
"""

from __future__ import annotations

import hashlib
import re
from dataclasses import dataclass, field, fields
from enum import StrEnum
from typing import Any

MAX_MESSAGE_CHARS = 4_000
MAX_SUGGESTION_CHARS = 8_000
MAX_RULE_CHARS = 120
MAX_SNIPPET_CHARS = 400
_HEX = re.compile(r"[0-9a-f]{8,64}")


class Severity(StrEnum):
    """How bad a finding is; ordered so that `rank` compares them."""

    ERROR = "error"
    WARNING = "warning"
    NOTE = "note"

    @property
    def rank(self) -> int:
        return _RANKS[self]


_RANKS = {Severity.ERROR: 3, Severity.WARNING: 2, Severity.NOTE: 1}


class InvalidFinding(ValueError):
    """Raised for a finding that cannot be trusted (bad path, line, severity…)."""


@dataclass(frozen=True)
class Finding:
    """One problem on one range of lines of one file of the change."""

    agent: str
    rule: str
    severity: Severity
    path: str
    line: int
    message: str
    end_line: int | None = None
    suggestion: str | None = None
    category: str = ""
    fingerprint: str = ""
    also_reported_by: tuple[str, ...] = field(default=())
    confidence: float | None = None  # a model's own estimate, 0..1; analysers leave it unset
    snippet: str | None = None  # the flagged line's code (set when the review merges findings)
    # the lines `suggestion` replaces, when they are not the finding's own (a fix that
    # removes a whole multi-line statement flagged on its first line)
    suggestion_lines: tuple[int, int] | None = None
    # SARIF's baselineState against the base version of the file: "new" (the change
    # introduced it) or "unchanged" (it was already there); None when not compared
    baseline_state: str | None = None

    @property
    def last_line(self) -> int:
        return self.end_line or self.line

    @property
    def fix_lines(self) -> tuple[int, int]:
        """The first and last line `suggestion` replaces."""
        return self.suggestion_lines or (self.line, self.last_line)

    @property
    def problem(self) -> str:
        """The problem this finding is about, comparable across agents."""
        return self.category or self.rule

    def placed(self, line_text: str, occurrence: int = 0) -> Finding:
        """This finding on a line whose code is `line_text`, the `occurrence`-th such line of
        its file: the fingerprint and the snippet come from that code."""
        fingerprint = make_fingerprint(self.problem, self.path, line_text, occurrence)
        snippet = _bounded(line_text.rstrip(), MAX_SNIPPET_CHARS)
        return self.evolve(fingerprint=fingerprint, snippet=snippet)

    def evolve(self, **changes: Any) -> Finding:
        """This finding with `changes` (field name -> value), as `dataclasses.replace`
        would make it, without its per-field checks: a review remakes each finding a few
        times (placed in git's lines, classified, graded, merged). TypeError for a name
        that is not a field."""
        unknown = changes.keys() - _FIELD_SET
        if unknown:
            raise TypeError(f"Finding has no field {', '.join(sorted(unknown))}")
        return _made({**self.__dict__, **changes})

    def to_dict(self) -> dict[str, Any]:
        # the fields are immutable values: no deep copy (`asdict`) is needed; a finding's
        # attributes are its fields (no slots, nothing cached on it: see `evolve`)
        data = dict(self.__dict__)
        data["severity"] = self.severity.value
        data["also_reported_by"] = list(self.also_reported_by)
        for optional in ("confidence", "snippet", "suggestion_lines", "baseline_state"):  # absent
            if data[optional] is None:
                del data[optional]
        return data

    @classmethod
    def from_dict(cls, data: dict[str, Any]) -> Finding:
        """Build a finding from untrusted JSON, checking types and bounds."""
        severity = _SEVERITIES.get(str(data.get("severity", "warning")).lower())
        if severity is None:
            raise InvalidFinding(f"unknown severity {data.get('severity')!r}")
        path = data.get("path")
        line = data.get("line")
        end_line = data.get("end_line")
        if not isinstance(path, str) or not path or "\x00" in path:
            raise InvalidFinding("finding has no valid path")
        if not _is_line(line):
            raise InvalidFinding(f"finding on {path} has no valid line")
        if end_line is not None and (not _is_line(end_line) or end_line < line):
            end_line = None
        message = str(data.get("message") or "").strip()
        if not message:
            raise InvalidFinding(f"finding on {path}:{line} has no message")
        suggestion = data.get("suggestion")
        others = data.get("also_reported_by")
        confidence = data.get("confidence")
        snippet = data.get("snippet")
        return _made(
            agent=str(data.get("agent") or "unknown")[:MAX_RULE_CHARS],
            rule=str(data.get("rule") or "unknown")[:MAX_RULE_CHARS],
            severity=severity,
            path=path,
            line=line,
            message=_bounded(message, MAX_MESSAGE_CHARS),
            end_line=end_line if end_line != line else None,
            suggestion=None
            if suggestion is None
            else _bounded(str(suggestion), MAX_SUGGESTION_CHARS),
            category=str(data.get("category") or "")[:MAX_RULE_CHARS],
            fingerprint=str(data.get("fingerprint") or "")[:64],
            also_reported_by=tuple(map(str, others)) if others else (),
            confidence=None if confidence is None else _confidence(confidence),
            snippet=None if snippet is None else _bounded(str(snippet), MAX_SNIPPET_CHARS),
            suggestion_lines=_line_range(data.get("suggestion_lines"))
            if suggestion is not None
            else None,
            baseline_state=_baseline_state(data.get("baseline_state")),
        )


_FIELD_SET = frozenset(f.name for f in fields(Finding))


def _made(values: dict[str, Any] | None = None, /, **more: Any) -> Finding:
    """A finding of exactly these field values (every field), as the frozen dataclass's
    `__init__` would make it, without its fifteen `object.__setattr__` calls: a review
    reads a few thousand findings (the cache, the agents' files, the report)."""
    finding = object.__new__(Finding)
    finding.__dict__.update(values or (), **more)
    return finding


_SEVERITIES = {s.value: s for s in Severity}
BASELINE_STATES = ("new", "unchanged")


def _baseline_state(value: Any) -> str | None:
    return value if value in BASELINE_STATES else None


def marker_fingerprint(finding: Finding) -> str:
    """The finding's fingerprint if it is safe to put in a comment marker (hexadecimal, as
    every merged finding's is), else a hash of what and where it is (32 hex characters)."""
    if _HEX.fullmatch(finding.fingerprint):
        return finding.fingerprint
    key = f"{finding.problem}\x00{finding.path}\x00{finding.line}"
    return hashlib.sha256(key.encode()).hexdigest()[:32]


def make_fingerprint(problem: str, path: str, line_text: str, occurrence: int = 0) -> str:
    """Hash of what the problem is and where, insensitive to whitespace and line shifts.

    `occurrence` tells apart identical lines of one file (the n-th `eval(x)` of the file).
    """
    normalised = " ".join(line_text.split())
    digest = hashlib.sha256(f"{problem}\x00{path}\x00{normalised}\x00{occurrence}".encode())
    return digest.hexdigest()[:32]


def _line_range(value: object) -> tuple[int, int] | None:
    """A [first, last] line range from JSON, or None when it is not one."""
    if isinstance(value, list | tuple) and len(value) == 2 and all(map(_is_line, value)):
        first, last = value
        return (first, last) if first <= last else None
    return None


def _is_line(value: object) -> bool:
    return isinstance(value, int) and not isinstance(value, bool) and 0 < value < 10_000_000


def _confidence(value: object) -> float | None:
    if isinstance(value, bool) or not isinstance(value, int | float):
        return None
    return min(1.0, max(0.0, float(value))) if value == value else None  # NaN is no value


def _bounded(text: str, limit: int) -> str:
    return text if len(text) <= limit else text[: limit - 1] + "…"
