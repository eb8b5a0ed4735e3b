import hashlib
import hmac


def sign(payload: bytes, key: bytes) -> str:
    return hmac.new(key, payload, hashlib.sha256).hexdigest()


def api_token(user_id: int, secret: str) -> str:
    return hashlib.sha1(f"{user_id}:{secret}".encode()).hexdigest()  # VULN
