"""Analysers' line numbers, mapped onto git's before anything else reads them.

Python's tokenizer (so bandit, ruff and detect-secrets, which read files with universal
newlines) and oxlint end a line at a lone CR, and YAML parsers (yamllint, actionlint,
checkov's YAML and JSON loader, detect-secrets' YAML transformer) also at U+0085, U+2028
and U+2029; git and GitHub do not. In a file holding such a character the models disagree
on every line after it, so a finding would land on the wrong line, or past the end of the
file and be dropped. Each analyser declares its `LineModel`, per kind of file it reads
(`Analyser.line_model_of`); its findings are mapped through byte offsets of the bytes it
read (`review.lines.to_git_line`), right after its output is parsed. A finding whose
line cannot be mapped is kept on the file's last line with a note, never dropped.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping

from agents.analysis import Analysis
from review.findings import Finding
from review.lines import LineModel, line_starts, to_git_line

Starts = tuple[list[int], list[int]]  # the tool's line starts, git's


def to_git_lines(
    analysis: Analysis, read: Mapping[str, bytes], model_of: Callable[[str], LineModel]
) -> Analysis:
    """`analysis` with every finding's lines in git's numbering: `read` holds the bytes
    the tool read, by repository path, and `model_of` says how it numbered the lines of
    each path. Findings on other paths, and on files both models number alike, are left
    as they are."""
    starts: dict[str, Starts | None] = {}
    mapped: list[Finding] = []
    for finding in analysis.findings:
        path = finding.path
        if path not in starts:
            model = model_of(path) if path in read else LineModel.GIT
            starts[path] = None if model is LineModel.GIT else _starts(read[path], model)
        both = starts[path]
        if both is None:  # the models agree on this file
            mapped.append(finding)
            continue
        moved, note = _mapped(finding, *both)
        mapped.append(moved)
        if note:
            analysis.notes.append(note)
    analysis.findings = mapped
    return analysis


def _starts(data: bytes, model: LineModel) -> Starts | None:
    """Both models' line starts of `data`, or None when they agree."""
    tool, git = line_starts(data, model), line_starts(data)
    return None if tool == git else (tool, git)


def _mapped(finding: Finding, tool: list[int], git: list[int]) -> tuple[Finding, str | None]:
    line = to_git_line(finding.line, tool, git)
    if line is None:
        last = max(1, len(git))
        note = (
            f"{finding.path}: {finding.rule} was reported on line {finding.line}, which git "
            f"does not count; it is kept on line {last}"
        )
        return finding.evolve(line=last, end_line=None, suggestion=None), note
    end = to_git_line(finding.end_line, tool, git) if finding.end_line else None
    moved = finding.evolve(line=line, end_line=end if end and end > line else None)
    if finding.suggestion is None:
        return moved, None
    # a suggestion's text is whole lines as the tool counts them: kept only where those
    # lines are git's lines one for one
    first, last = finding.fix_lines
    lines = (to_git_line(first, tool, git), to_git_line(last, tool, git))
    if None in lines or lines[1] - lines[0] != last - first:  # type: ignore[operator]
        return moved.evolve(suggestion=None, suggestion_lines=None), None
    return moved.evolve(suggestion_lines=lines), None  # type: ignore[arg-type]
