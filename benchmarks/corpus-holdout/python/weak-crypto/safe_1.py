from Crypto.Cipher import ChaCha20_Poly1305


def seal(key: bytes, data: bytes) -> bytes:
    cipher = ChaCha20_Poly1305.new(key=key)
    ciphertext, tag = cipher.encrypt_and_digest(data)
    return cipher.nonce + tag + ciphertext
