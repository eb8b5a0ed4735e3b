"""Reading what analysers print: the output a parser gets, and the shared SARIF parser.

A parser is a function `ToolOutput -> Analysis`. An analyser that prints SARIF 2.1.0
declares `parse=sarif` and needs no code of its own; one with a format of its own brings
a small adapter (bandit's, ruff's and detect-secrets' live in their agents' modules).
Output is untrusted like the repository it describes: a parser reads it defensively,
drops what it cannot place, and never lets a path out of the checkout.
"""

from __future__ import annotations

import json
from collections import Counter
from collections.abc import Callable, Mapping
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any
from urllib.parse import unquote, urljoin, urlsplit

from agents.analysis import AgentError, Analysis
from review.findings import Finding, Severity
from review.lines import LineModel, split_lines
from review.workspace import PathEscape, read_regular_file

MAX_NOTIFICATIONS = 20
MAX_COPY_BYTES = 64 * 1024 * 1024  # the copies are cut at the review's file limit already
_LEVELS = {
    "error": Severity.ERROR,
    "warning": Severity.WARNING,
    "note": Severity.NOTE,
    "none": Severity.NOTE,
}
_NOT_A_PROBLEM = frozenset({"pass", "notApplicable"})  # SARIF result kinds


@dataclass(frozen=True)
class ToolOutput:
    """What an analyser printed on standard output, and what its parser needs to read it.

    `repo_path` maps a file name the tool reports (relative to its working directory, or
    absolute) to the repository path, or to None when it is outside the checkout.
    `severities` is the agent's declared map (rule id or level -> severity); `files` the
    repository paths the tool was asked to read, and `copies` the root of the private
    copies it read them from (see `read`), each at its repository path or at the name
    `names` gives it; `line_model` says how the tool numbered each path's lines (its
    findings are mapped onto git's lines after the parser has run).
    """

    text: str
    agent: str
    tool: str
    severities: Mapping[str, Severity]
    repo_path: Callable[[str], str | None]
    files: tuple[str, ...] = ()  # the repository paths the tool was given
    copies: Path | None = None  # where the tool's private copies of them are
    names: Mapping[str, str] = field(default_factory=dict)  # copies not at their path
    line_model: Callable[[str], LineModel] = lambda path: LineModel.GIT  # per path

    def read(self, path: str) -> bytes | None:
        """The bytes the tool read for repository path `path`: its private copy, with the
        suppressions the change adds neutralised (not the checkout's file). None for a path
        the tool was not given, or no regular file under the copies' root."""
        if self.copies is None or path not in self.files:
            return None
        try:
            return read_regular_file(self.copies, self.names.get(path, path), MAX_COPY_BYTES)
        except PathEscape:
            return None

    def lines(self, path: str, model: LineModel | None = None) -> list[str]:
        """The lines of what the tool read for `path` (see `read`), numbered as `model`
        numbers them, by default as the tool does (`line_model`): line n at index n - 1,
        without its line ending; [] when unreadable."""
        data = self.read(path)
        return split_lines(data, model or self.line_model(path)) if data else []

    def json(self) -> Any:
        """The output as JSON; AgentError when it is not (a crash, a usage message)."""
        try:
            return json.loads(self.text)
        except json.JSONDecodeError as exc:
            raise AgentError(f"{self.tool} printed output that is not JSON") from exc


def sarif(output: ToolOutput) -> Analysis:
    """Findings from a SARIF 2.1.0 log: one per result that names a line of a checkout file.

    The rule is `ruleId` (or the rule `ruleIndex` points at); the severity comes from the
    declared map by `rule@level` (a rule the tool grades itself, as zizmor does), then by
    rule id, then by level, else from the level itself (a missing level is the rule's
    default, else "warning"). Artifact URIs may be relative to the tool's
    working directory, relative to a `uriBaseId` defined in `originalUriBaseIds`, absolute
    paths or `file://` URIs. Results that are passes, outside the checkout or without a
    line are left out (counted in a note); tool errors reported as notifications become
    notes. A fix becomes a suggestion when it is one replacement of whole flagged lines.
    """
    log = output.json()
    runs = log.get("runs") if isinstance(log, dict) else None
    if not isinstance(runs, list):
        raise AgentError(f"{output.tool} printed JSON that is not a SARIF log")
    analysis = Analysis()
    left_out: Counter[str] = Counter()
    for run in _dicts(runs):
        reader = _SarifRun(run, output)
        for result in _dicts(run.get("results")):
            finding, reason = reader.finding(result)
            if finding is not None:
                analysis.findings.append(finding)
            elif reason:
                left_out[reason] += 1
        analysis.notes += reader.notifications()
    for reason, count in left_out.items():
        analysis.notes.append(f"{output.tool}: {count} result(s) {reason} left out")
    return analysis


class _SarifRun:
    """One run of a SARIF log: its rules, artifacts and URI bases, to read its results."""

    def __init__(self, run: dict[str, Any], output: ToolOutput) -> None:
        self.run = run
        self.output = output
        driver = _dict(_dict(run.get("tool")).get("driver"))
        self.rules = [_dict(rule) for rule in _list(driver.get("rules"))]
        self.by_id = {r["id"]: r for r in self.rules if isinstance(r.get("id"), str)}
        self.artifacts = [_dict(a) for a in _list(run.get("artifacts"))]
        self.bases = _dict(run.get("originalUriBaseIds"))

    def finding(self, result: dict[str, Any]) -> tuple[Finding | None, str | None]:
        """The result as a finding, or (None, why it was left out); passes need no reason."""
        kind = result.get("kind", "fail")
        if kind in _NOT_A_PROBLEM:
            return None, None
        physical = _dict(_dict(_first(result.get("locations"))).get("physicalLocation"))
        path = self.path(_dict(physical.get("artifactLocation")))
        if path is None:
            return None, "on no file of the checkout"
        region = _dict(physical.get("region"))
        line, end = region.get("startLine"), region.get("endLine")
        if not _is_line(line):
            return None, "without a line"
        last = end if _is_line(end) and end > line else line
        if last > line and region.get("endColumn") == 1:
            last -= 1  # it ends where line `end` starts (SARIF 2.1.0, 3.30.8): zizmor's jobs
        rule = self._rule(result)
        rule_id = _string(result.get("ruleId")) or _string(rule.get("id")) or "unknown"
        level = result.get("level") or _dict(rule.get("defaultConfiguration")).get("level")
        level = str(level or ("warning" if kind == "fail" else "none"))
        severities = self.output.severities
        finding = Finding(
            agent=self.output.agent,
            rule=rule_id,
            severity=severities.get(f"{rule_id}@{level}")
            or severities.get(rule_id)
            or severities.get(level)
            or _LEVELS.get(level, Severity.WARNING),
            path=path,
            line=line,
            end_line=last if last > line else None,
            message=_message(_dict(result.get("message")), rule) or rule_id,
            suggestion=self._suggestion(result, path, line, last),
        )
        return finding, None

    def path(self, location: dict[str, Any]) -> str | None:
        """The repository path of an artifactLocation, or None outside the checkout."""
        if "uri" not in location and isinstance(location.get("index"), int):
            index = location["index"]
            if 0 <= index < len(self.artifacts):
                location = _dict(self.artifacts[index].get("location"))
        uri = _string(location.get("uri"))
        if not uri:
            return None
        base = self._base(location.get("uriBaseId"))
        parts = urlsplit(urljoin(base, uri) if base else uri)
        if parts.scheme == "file" and parts.netloc in ("", "localhost"):
            return self.output.repo_path(unquote(parts.path))
        if parts.scheme or parts.netloc:  # another host, http:, …: not a file of ours
            return None
        return self.output.repo_path(unquote(parts.path))

    def notifications(self) -> list[str]:
        """The tool's own error reports (a file it could not parse), as notes."""
        notes = []
        for invocation in _dicts(self.run.get("invocations")):
            for note in _dicts(invocation.get("toolExecutionNotifications")):
                text = _string(_dict(note.get("message")).get("text"))
                if note.get("level", "warning") == "error" and text:
                    notes.append(f"{self.output.tool}: {' '.join(text.split())[:300]}")
        return notes[:MAX_NOTIFICATIONS]

    def _rule(self, result: dict[str, Any]) -> dict[str, Any]:
        index = result.get("ruleIndex", _dict(result.get("rule")).get("index"))
        if isinstance(index, int) and 0 <= index < len(self.rules):
            return self.rules[index]
        return self.by_id.get(_string(result.get("ruleId")) or "", {})

    def _base(self, base_id: object, depth: int = 0) -> str:
        """The absolute URI a uriBaseId stands for ("" when undefined: the working dir)."""
        base = _dict(self.bases.get(base_id)) if isinstance(base_id, str) else {}
        uri = _string(base.get("uri"))
        if not uri or depth > 4:
            return ""
        uri = uri if uri.endswith("/") else f"{uri}/"
        parent = self._base(base.get("uriBaseId"), depth + 1)
        return urljoin(parent, uri) if parent else uri

    def _suggestion(self, result: dict[str, Any], path: str, line: int, last: int) -> str | None:
        """The one fix's new text, when it replaces exactly lines line..last of `path`."""
        fixes = _list(result.get("fixes"))
        changes = _list(_dict(_first(fixes)).get("artifactChanges"))
        if len(fixes) != 1 or len(changes) != 1:
            return None
        change = _dict(changes[0])
        replacements = _list(change.get("replacements"))
        if len(replacements) != 1 or self.path(_dict(change.get("artifactLocation"))) != path:
            return None
        replacement = _dict(replacements[0])
        text = _dict(replacement.get("insertedContent")).get("text", "")
        if not isinstance(text, str) or not _whole_lines(
            _dict(replacement.get("deletedRegion")), line, last
        ):
            return None
        return text.removesuffix("\n")


def _whole_lines(region: dict[str, Any], line: int, last: int) -> bool:
    """Whether a region is lines line..last, whole: to their end, or to the next line's start."""
    start, end = region.get("startLine"), region.get("endLine", region.get("startLine"))
    if start != line or region.get("startColumn", 1) != 1:
        return False
    if "endColumn" not in region:
        return end == last
    return region["endColumn"] == 1 and end == last + 1


def _message(message: dict[str, Any], rule: dict[str, Any]) -> str:
    """A result's message text, its arguments filled in ({0}, {1}…), or the rule's."""
    text = _string(message.get("text"))
    if not text:
        strings = _dict(rule.get("messageStrings"))
        text = _string(_dict(strings.get(_string(message.get("id")))).get("text"))
    if not text:
        text = _string(_dict(rule.get("shortDescription")).get("text"))
    for index, argument in enumerate(_list(message.get("arguments"))):
        text = (text or "").replace(f"{{{index}}}", str(argument))
    return (text or "").strip()


def _dict(value: object) -> dict[str, Any]:
    return value if isinstance(value, dict) else {}


def _list(value: object) -> list[Any]:
    return value if isinstance(value, list) else []


def _dicts(value: object) -> list[dict[str, Any]]:
    return [item for item in _list(value) if isinstance(item, dict)]


def _first(value: object) -> object:
    items = _list(value)
    return items[0] if items else None


def _string(value: object) -> str | None:
    return value if isinstance(value, str) and value else None


def _is_line(value: object) -> bool:
    return isinstance(value, int) and not isinstance(value, bool) and value > 0
