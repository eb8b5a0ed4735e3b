from cryptography.hazmat.primitives.ciphers import Cipher, algorithms, modes


def legacy_encrypt(key: bytes, iv: bytes, data: bytes) -> bytes:
    encryptor = Cipher(algorithms.TripleDES(key), modes.CBC(iv)).encryptor()  # VULN
    return encryptor.update(data) + encryptor.finalize()
