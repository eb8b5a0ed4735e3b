"""Making untrusted text (repository content, model output) safe inside GitHub Markdown.

Such text must not mention people or teams, link or close issues, inject HTML, or break
out of the block it is placed in; and a GitHub comment body is capped at 65,536 characters.
"""

from __future__ import annotations

import re

GITHUB_BODY_LIMIT = 65_536
_ZERO_WIDTH = "\u200b"
_MENTION = re.compile(r"@(?=[A-Za-z0-9])")
_ISSUE_REF = re.compile(r"(?<![\w&])#(?=\d)")
_CROSS_REF = re.compile(r"(?<=[\w.-])/(?=[\w.-]+#\d)")
_MARKDOWN = re.compile(r"([\\`*_{}\[\]<>()|~!])")


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
