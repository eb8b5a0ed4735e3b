"""Cache keys and password hashes."""

import hashlib


def etag(content: bytes) -> str:
    return hashlib.md5(content, usedforsecurity=False).hexdigest()


def password_hash(password: str) -> str:
    return hashlib.md5(password.encode()).hexdigest()
