"""The AI reviewers' tools, as Strands tools. Imported only when a model runs.

Each tool finds its run's `ReviewSession` in the invocation state (never a global), so
reviewers running in parallel threads never see each other's data. A refusal is raised as
an exception: Strands hands its message back to the model as the tool's error result.
"""

from __future__ import annotations

from typing import Any

from strands import ToolContext, tool

from agents.llm.prompts import data_block
from agents.llm.sandbox import ToolRefused
from agents.llm.session import ReviewSession

SESSION_KEY = "reviewbot_session"
NONCE_KEY = "reviewbot_nonce"


def _session(context: ToolContext) -> tuple[ReviewSession, str]:
    state = context.invocation_state
    session = state.get(SESSION_KEY)
    if not isinstance(session, ReviewSession):
        raise ToolRefused("no review is running")
    return session, str(state.get(NONCE_KEY, ""))


def _as_data(session: ReviewSession, nonce: str, text: str) -> str:
    return session.output(data_block(text, nonce))


@tool(context=True)
def list_files(path: str = ".", depth: int = 2, *, tool_context: ToolContext) -> str:
    """List the files and folders of the repository under a folder.

    Args:
        path: Folder relative to the repository root ("." for the root).
        depth: How many folder levels to show (1 to 6).
    """
    session, nonce = _session(tool_context)
    return _as_data(session, nonce, session.checkout.list(path, depth))


@tool(context=True)
def read_file(
    path: str, start_line: int = 1, end_line: int | None = None, *, tool_context: ToolContext
) -> str:
    """Read a text file of the repository at the head commit, with line numbers.

    At most 400 lines are returned per call; read long files in ranges.

    Args:
        path: File path relative to the repository root.
        start_line: First line to show (1-based).
        end_line: Last line to show (inclusive); omit for as far as the limit allows.
    """
    session, nonce = _session(tool_context)
    return _as_data(session, nonce, session.checkout.read(path, start_line, end_line))


@tool(context=True)
def search(
    text: str,
    path: str = ".",
    glob: str | None = None,
    case_sensitive: bool = False,
    *,
    tool_context: ToolContext,
) -> str:
    """Find the lines of repository files that contain a plain text (not a regular expression).

    Args:
        text: The text to look for, 2 to 200 characters on one line.
        path: Folder or file to search under, relative to the repository root.
        glob: Only files whose path or name matches this pattern, e.g. "*.py".
        case_sensitive: Match upper and lower case exactly.
    """
    session, nonce = _session(tool_context)
    return _as_data(session, nonce, session.checkout.search(text, path, glob, case_sensitive))


@tool(context=True)
def report_finding(
    path: str,
    line: int,
    severity: str,
    category: str,
    message: str,
    quote: str,
    confidence: float,
    end_line: int | None = None,
    suggestion: str | None = None,
    related_finding: str | None = None,
    *,
    tool_context: ToolContext,
) -> str:
    """Report one problem in the change. Only problems reported here reach the review.

    Args:
        path: File path relative to the repository root.
        line: Line of the problem in the new version of the file (1-based).
        severity: "error" (must be fixed before merging), "warning" (should be fixed) or "note".
        category: Short lowercase slug naming the kind of problem, e.g. "sql-injection".
        message: What is wrong and why it matters, in one to three sentences.
        quote: The exact code of `line`, copied from read_file without the line number.
        confidence: How sure you are that this is a real problem, from 0 to 1.
        end_line: Last line of the problem when it spans several lines.
        suggestion: Replacement code for lines line..end_line, if the fix is clear.
        related_finding: Id of the analyser finding (e.g. "A2") this finding confirms.
    """
    session, _ = _session(tool_context)
    return session.report(
        path=path,
        line=line,
        severity=severity,
        category=category,
        message=message,
        quote=quote,
        confidence=confidence,
        end_line=end_line,
        suggestion=suggestion,
        related_finding=related_finding,
    )


@tool(context=True)
def dismiss_finding(
    finding_id: str, reason: str, confidence: float, *, tool_context: ToolContext
) -> str:
    """Mark an analyser finding as a false positive, so it is not posted.

    Args:
        finding_id: The analyser finding's id, e.g. "A3".
        reason: Why it is a false positive, in one or two sentences.
        confidence: How sure you are that it is a false positive, from 0 to 1.
    """
    session, _ = _session(tool_context)
    return session.dismiss(finding_id, reason, confidence)


EXPLORING: list[Any] = [list_files, read_file, search]
REPORTING: list[Any] = [report_finding, dismiss_finding]
