from Crypto.Cipher import AES


def encrypt_record(key: bytes, data: bytes) -> bytes:
    cipher = AES.new(key, AES.MODE_ECB)  # VULN
    return cipher.encrypt(data.ljust(32, b"\0"))
