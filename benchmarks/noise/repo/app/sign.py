"""Webhook signatures (HMAC) and API tokens."""

import hashlib
import hmac


def signature(key: bytes, body: bytes) -> str:
    return hmac.new(key, body, hashlib.sha1).hexdigest()


def api_token(user_id: int, secret: str) -> str:
    return hashlib.sha1(f"{user_id}:{secret}".encode()).hexdigest()
