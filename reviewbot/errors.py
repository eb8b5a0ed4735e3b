"""The command line's usage errors: one line on stderr, exit status 2."""

from __future__ import annotations

USAGE_ERROR = 2


class UsageError(Exception):
    """Bad input from the user: printed as one line, exit status 2."""
