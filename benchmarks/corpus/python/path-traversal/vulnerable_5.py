import tarfile


def unpack_bundle(bundle_path: str, dest: str) -> None:
    with tarfile.open(bundle_path) as tar:
        tar.extractall(dest)  # VULN
