"""Making untrusted text (repository content, model output) safe to show: at a terminal,
and inside GitHub Markdown.

At a terminal, such text must not act on it (`visible`). In Markdown, it must not mention
people or teams, link or close issues, inject HTML, or break out of the block it is placed
in; and a GitHub comment body is capped at 65,536 characters. A path (and a note, which
names paths) is shown the same way in every output (`shown_name`): its control
characters, tabs and spaces other than U+0020 as escapes (`\\n`, `\\t`, `\\u2028`), so
`a\\nb.py` is never mistaken for `a b.py`. The paths of the JSON and SARIF outputs and
those posted to GitHub's API are the real ones, never these.
"""

from __future__ import annotations

import re

GITHUB_BODY_LIMIT = 65_536
_ZERO_WIDTH = "\u200b"
_MENTION = re.compile(r"@(?=[A-Za-z0-9])")
_ISSUE_REF = re.compile(r"(?<![\w&])#(?=\d)")
_CROSS_REF = re.compile(r"(?<=[\w.-])/(?=[\w.-]+#\d)")
_MARKDOWN = re.compile(r"([\\`*_{}\[\]<>()|~!])")
# C0 controls but tab, DEL, C1 controls, and the bidirectional and line/paragraph marks
_CONTROLS = "\x00-\x08\x0a-\x1f\x7f-\x9f\u061c\u200e\u200f\u2028\u2029\u202a-\u202e\u2066-\u2069"
_UNSAFE = re.compile(f"[{_CONTROLS}]")
# in a name, also what reads as a space or as nothing, and the backslash escapes start with
_UNCLEAR = re.compile(f"[\\\\{_CONTROLS}\t\u00a0\u1680\u2000-\u200d\u202f\u205f\u2060\u3000\ufeff]")


def _escape(match: re.Match[str]) -> str:
    return match.group().encode("unicode_escape").decode()


def visible(text: str) -> str:
    """`text` with every character a terminal would act on (control characters but tab,
    bidirectional overrides) shown as a Python escape (`\\x1b`, `\\r`, `\\u202e`)."""
    return _UNSAFE.sub(_escape, text)


def shown_name(text: str) -> str:
    """A path, or a note naming paths, as every output shows it: `visible`, and tabs,
    spaces other than U+0020, zero-width characters and backslashes escaped too
    (`t\\tab.py`, `a\\\\b`), so no two paths look alike."""
    return _UNCLEAR.sub(_escape, text)


def inline_name(text: str, limit: int = 200) -> str:
    """A path (`shown_name`) as inert Markdown prose on one line."""
    return inline(shown_name(text), limit)


def neutralise(text: str) -> str:
    """Break @-mentions and issue references so GitHub does not act on them."""
    text = _MENTION.sub("@" + _ZERO_WIDTH, text)
    text = _CROSS_REF.sub("/" + _ZERO_WIDTH, text)  # owner/repo#1 links without a bare `#1`
    return _ISSUE_REF.sub("#" + _ZERO_WIDTH, text)


def inline(text: str, limit: int = 2_000) -> str:
    """Untrusted text as inert Markdown prose on one line."""
    flat = " ".join(text.split())
    if len(flat) > limit:
        flat = flat[: limit - 1] + "…"
    return neutralise(_MARKDOWN.sub(r"\\\1", flat))


def code_block(text: str, language: str = "") -> str:
    """Untrusted text in a fenced block whose fence it cannot close."""
    longest = max((len(m) for m in re.findall(r"`{3,}", text)), default=2)
    fence = "`" * (longest + 1)
    return f"{fence}{language}\n{text}\n{fence}"


def truncate_body(body: str, limit: int = GITHUB_BODY_LIMIT) -> str:
    """Cut a comment body to GitHub's limit, saying so."""
    if len(body) <= limit:
        return body
    note = "\n\n… (truncated: the full report is in the check run and the JSON output)"
    return body[: limit - len(note)] + note
