import hashlib


def verify_download(path: str, expected_signature: str) -> bool:
    digest = hashlib.new("sha256")
    with open(path, "rb") as fh:
        digest.update(fh.read())
    return digest.hexdigest() == expected_signature
