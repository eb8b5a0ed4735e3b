"""Merging the agents' findings into one list a person wants to read.

Every finding is untrusted input (an analyser bug or a model can say anything): it is
checked against the change and the checkout, fingerprinted from the code it points at,
deduplicated across agents, and filtered to the diff.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable
from dataclasses import dataclass, field, replace
from pathlib import PurePosixPath

from review.diff import Diff, FilterMode
from review.findings import Finding

LineReader = Callable[[str], list[str] | None]


@dataclass
class MergeResult:
    findings: list[Finding] = field(default_factory=list)
    filtered_out: int = 0
    rejected: list[str] = field(default_factory=list)


def merge_findings(
    findings: Iterable[Finding], diff: Diff, mode: FilterMode, read_lines: LineReader
) -> MergeResult:
    """Validate, fingerprint, dedupe and filter; the result is sorted by file and line."""
    result = MergeResult()
    lines_cache: dict[str, list[str] | None] = {}
    by_key: dict[tuple[str, int, str], Finding] = {}
    for finding in findings:
        if finding.path not in lines_cache:
            lines_cache[finding.path] = read_lines(finding.path)
        lines = lines_cache[finding.path]
        problem = _check_lines(finding, lines, diff, mode)
        if problem:
            result.rejected.append(
                f"{finding.agent} {finding.rule} {finding.path}:{finding.line}: {problem}"
            )
            continue
        if not diff.accepts(finding.path, finding.line, finding.end_line, mode):
            result.filtered_out += 1
            continue
        if finding.suggestion_lines and finding.suggestion_lines[1] > len(lines or ()):
            finding = replace(finding, suggestion=None, suggestion_lines=None)  # cannot apply
        finding = finding.placed(*_line_and_occurrence(lines, finding.line))
        key = (finding.path, finding.line, finding.problem)  # same place, same problem
        by_key[key] = _combine(by_key[key], finding) if key in by_key else finding
    result.findings = sorted(
        by_key.values(), key=lambda f: (f.path, f.line, -f.severity.rank, f.rule)
    )
    return result


def combine_same(findings: Iterable[Finding]) -> list[Finding]:
    """One finding per problem and line, in the order they first appear: for an agent whose
    analysers find the same problem (bandit's B602 and ruff's S602, named alike), before
    its model pass sees them and before the review merges every agent's findings."""
    by_key: dict[tuple[str, int, str], Finding] = {}
    for finding in findings:
        key = (finding.path, finding.line, finding.problem)
        by_key[key] = _combine(by_key[key], finding) if key in by_key else finding
    return list(by_key.values())


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


def _line_and_occurrence(lines: list[str] | None, line: int) -> tuple[str, int]:
    """The flagged line's text and how many lines like it (whitespace aside) come before it."""
    if not lines or line > len(lines):
        return "", 0
    text = lines[line - 1]
    normal = " ".join(text.split())
    return text, sum(1 for earlier in lines[: line - 1] if " ".join(earlier.split()) == normal)


def _combine(kept: Finding, other: Finding) -> Finding:
    """Two agents found the same problem: keep the graver, longer-worded one, credit both."""
    best, second = sorted(
        (kept, other), key=lambda f: (f.severity.rank, len(f.message)), reverse=True
    )
    credited = {*best.also_reported_by, *second.also_reported_by, second.agent} - {best.agent}
    fix = best if best.suggestion is not None else second  # a suggestion with its lines
    return replace(
        best,
        suggestion=fix.suggestion,
        suggestion_lines=fix.fix_lines if fix.suggestion is not None else None,
        also_reported_by=tuple(sorted(credited)),
    )
