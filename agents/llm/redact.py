"""Keeping our secrets out of what a model writes.

A model never sees the environment (no tool reads it), but a model steered by planted
instructions may still try to echo a credential it guessed or was fed. Everything a model
writes that leaves the agent (finding messages, suggestions, reasons, errors) goes through
`Redactor`: the values of secret-looking environment variables and anything shaped like a
well-known token are replaced by a marker.
"""

from __future__ import annotations

import os
import re
from collections.abc import Mapping

MARKER = "[redacted]"
_SECRET_NAME = re.compile(
    r"TOKEN|SECRET|PASSWORD|PASSWD|PASS$|API_?KEY|ACCESS_KEY|PRIVATE|CREDENTIAL|AUTH|SESSION|"
    r"WEBHOOK|SIGNING|COOKIE|DSN",
    re.IGNORECASE,
)
_TOKEN_SHAPES = re.compile(
    r"gh[pousr]_[A-Za-z0-9]{20,}"  # GitHub tokens
    r"|github_pat_[A-Za-z0-9_]{20,}"
    r"|(?:AKIA|ASIA)[A-Z0-9]{16}"  # AWS access key ids
    r"|sk-(?:ant-|proj-)?[A-Za-z0-9_-]{20,}"  # Anthropic / OpenAI keys
    r"|xox[abprs]-[A-Za-z0-9-]{10,}"  # Slack
    r"|-----BEGIN [A-Z ]*PRIVATE KEY-----"
)
_MIN_SECRET_CHARS = 8


class Redactor:
    def __init__(self, environ: Mapping[str, str] | None = None) -> None:
        env = os.environ if environ is None else environ
        values = {
            value
            for name, value in env.items()
            if _SECRET_NAME.search(name) and len(value.strip()) >= _MIN_SECRET_CHARS
        }
        # Longest first, so a value containing another is replaced whole.
        self._values = sorted(values, key=len, reverse=True)

    def __call__(self, text: str) -> str:
        for value in self._values:
            if value in text:
                text = text.replace(value, MARKER)
        return _TOKEN_SHAPES.sub(MARKER, text)

    def changed(self, text: str) -> bool:
        return self(text) != text
