"""Merging the agents' findings into one list a person wants to read.

Every finding is untrusted input (an analyser bug or a model can say anything): it is
checked against the change and the checkout, fingerprinted from the code it points at,
deduplicated across agents, and filtered to the diff. Findings of rules the repository
disables, and findings on paths it excludes, are dropped first, and counted. Under the
`introduced` filter a finding already at the base (`baseline_state` "unchanged") is set
aside as pre-existing: counted, not reported, unless `report_pre_existing` asks for
those on the lines the change adds or modifies.
"""

from __future__ import annotations

from collections import Counter
from collections.abc import Callable, Collection, Iterable
from dataclasses import dataclass, field
from pathlib import PurePosixPath

from review.diff import Diff, FilterMode
from review.findings import Finding, make_fingerprint

LineReader = Callable[[str], list[str] | None]


@dataclass
class MergeResult:
    """The findings to report; the pre-existing ones set aside (both sorted by file and
    line); how many the filter dropped; and why others were refused."""

    findings: list[Finding] = field(default_factory=list)
    filtered_out: int = 0
    rejected: list[str] = field(default_factory=list)
    disabled: Counter[str] = field(default_factory=Counter)  # rule -> findings dropped
    excluded: int = 0  # findings on excluded paths, dropped
    pre_existing: list[Finding] = field(default_factory=list)


def merge_findings(
    findings: Iterable[Finding],
    diff: Diff,
    mode: FilterMode,
    read_lines: LineReader,
    disabled: Collection[str] = (),
    excluded: Callable[[str], bool] = lambda path: False,
    report_pre_existing: bool = False,
) -> MergeResult:
    """Drop findings of `disabled` rules and on `excluded` paths, then validate,
    fingerprint, dedupe and filter; the result is sorted by file and line."""
    result = MergeResult()
    lines_cache: dict[str, list[str] | None] = {}
    normalised: dict[str, list[str]] = {}  # each file's lines, whitespace aside
    by_key: dict[tuple[str, int, str], list[Finding]] = {}
    set_aside: dict[tuple[str, int, str], list[Finding]] = {}
    for finding in findings:
        if finding.rule in disabled:
            result.disabled[finding.rule] += 1
            continue
        if excluded(finding.path):
            result.excluded += 1
            continue
        if finding.path not in lines_cache:
            lines_cache[finding.path] = read_lines(finding.path)
        lines = lines_cache[finding.path]
        problem = _check_lines(finding, lines, diff, mode)
        if problem:
            result.rejected.append(
                f"{finding.agent} {finding.rule} {finding.path}:{finding.line}: {problem}"
            )
            continue
        state = finding.baseline_state
        if not diff.accepts(finding.path, finding.line, finding.end_line, mode, state):
            result.filtered_out += 1
            continue
        if finding.suggestion_lines and finding.suggestion_lines[1] > len(lines or ()):
            finding = finding.evolve(suggestion=None, suggestion_lines=None)  # cannot apply
        if finding.path not in normalised:
            normalised[finding.path] = [" ".join(text.split()) for text in lines or ()]
        finding = finding.placed(
            *_line_and_occurrence(lines, normalised[finding.path], finding.line)
        )
        slots = by_key
        if mode is FilterMode.INTRODUCED and state == "unchanged":
            edited = diff.touches(finding.path, finding.line, finding.end_line)
            slots = by_key if report_pre_existing and edited else set_aside
        _add(slots.setdefault((finding.path, finding.line, finding.problem), []), finding)
    result.findings = _sorted(by_key)
    result.pre_existing = _sorted(set_aside)
    return result


def _sorted(by_key: dict[tuple[str, int, str], list[Finding]]) -> list[Finding]:
    merged = [f for slots in by_key.values() for f in _told_apart(slots)]
    return sorted(merged, key=lambda f: (f.path, f.line, -f.severity.rank, f.rule))


def combine_tools(found: Iterable[Iterable[Finding]]) -> list[Finding]:
    """One agent's findings, tool by tool (bandit's, then ruff's `S` rules'): a later
    tool's finding of a problem an earlier tool found on the same line is combined with it
    (named alike: ruff's S602 is reported as B602), so the agent's model pass and the
    review see one finding; one tool's own findings are never combined with each other
    (two secrets on one line stay two)."""
    kept: list[Finding] = []
    for tool in found:
        earlier = {}
        for index, finding in enumerate(kept):
            earlier.setdefault((finding.path, finding.line, finding.problem), []).append(index)
        for finding in tool:
            same = earlier.get((finding.path, finding.line, finding.problem))
            if same:
                index = same.pop(0)
                kept[index] = _combine(kept[index], finding)
            else:
                kept.append(finding)
    return kept


def _add(slots: list[Finding], finding: Finding) -> None:
    """Add `finding` to the findings already on its line about its problem.

    Another agent's finding of the same problem is the same finding (credited to both);
    one agent's second finding of it on the line is another one (two secrets, two unused
    names), unless it repeats the first word for word.
    """
    for index, slot in enumerate(slots):
        if (slot.agent, slot.rule, slot.message) == (finding.agent, finding.rule, finding.message):
            return
        if finding.agent not in (slot.agent, *slot.also_reported_by):
            slots[index] = _combine(slot, finding)
            return
    slots.append(finding)


def _told_apart(slots: list[Finding]) -> list[Finding]:
    """Several findings of one problem on one line: the first (by rule and message) keeps
    the line's fingerprint; each other one's also covers its rule and message, so each is
    commented, and recognised on later runs, on its own."""
    if len(slots) == 1:
        return slots
    ordered = sorted(slots, key=lambda f: (f.rule, f.message))
    first, *others = ordered
    return [first] + [
        f.evolve(fingerprint=make_fingerprint(f"{f.rule}\x00{f.message}", f.path, f.fingerprint))
        for f in others
    ]  # fmt: skip


def _check_lines(
    finding: Finding, lines: list[str] | None, diff: Diff, mode: FilterMode
) -> str | None:
    """Why a finding cannot be placed, or None when its lines exist in the head version."""
    if lines is None:
        if not _is_repository_path(finding.path):
            return "path is not a file of the repository"
        if mode is FilterMode.NOFILTER and diff.get(finding.path) is None:
            return None
        return "file is not a readable file of the head commit"
    if finding.last_line > max(len(lines), 1):
        return f"line beyond the end of the file ({len(lines)} lines)"
    return None


def _is_repository_path(path: str) -> bool:
    """Whether `path` could name a file of the checkout: relative, no `..`, not in `.git`."""
    parts = PurePosixPath(path).parts
    return bool(parts) and not path.startswith("/") and not {"..", ".git"} & set(parts)


def _line_and_occurrence(
    lines: list[str] | None, normalised: list[str], line: int
) -> tuple[str, int]:
    """The flagged line's text and how many lines like it (whitespace aside: `normalised`,
    the file's lines with their whitespace collapsed) come before it."""
    if not lines or line > len(lines):
        return "", 0
    return lines[line - 1], normalised[: line - 1].count(normalised[line - 1])


def _combine(kept: Finding, other: Finding) -> Finding:
    """Two agents found the same problem: keep the graver, longer-worded one, credit both."""
    best, second = sorted(
        (kept, other), key=lambda f: (f.severity.rank, len(f.message)), reverse=True
    )
    credited = {*best.also_reported_by, *second.also_reported_by, second.agent} - {best.agent}
    fix = best if best.suggestion is not None else second  # a suggestion with its lines
    return best.evolve(
        suggestion=fix.suggestion,
        suggestion_lines=fix.fix_lines if fix.suggestion is not None else None,
        also_reported_by=tuple(sorted(credited)),
        baseline_state=_combined_state(kept.baseline_state, other.baseline_state),
    )


def _combined_state(first: str | None, second: str | None) -> str | None:
    """One problem two agents found: introduced if either saw it introduced, pre-existing
    if either found it at the base, else not compared."""
    states = {first, second}
    return "new" if "new" in states else "unchanged" if "unchanged" in states else None
