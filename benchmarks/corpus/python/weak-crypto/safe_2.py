import hashlib


def etag(content: bytes) -> str:
    return hashlib.md5(content, usedforsecurity=False).hexdigest()
