"""GitHub's `X-Hub-Signature-256` check, with the standard library only."""

from __future__ import annotations

import hashlib
import hmac

PREFIX = "sha256="


def verify_signature(secret: str, body: bytes, header: str | None) -> bool:
    """True when `header` is `sha256=` + the hex HMAC-SHA256 of `body` under `secret`.

    Legacy `sha1=` signatures are refused; the comparison is constant-time.
    """
    if not secret or not header or not header.startswith(PREFIX):
        return False
    expected = hmac.new(secret.encode(), body, hashlib.sha256).hexdigest()
    return hmac.compare_digest(expected.encode(), header[len(PREFIX) :].encode())
