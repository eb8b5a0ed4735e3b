import subprocess


def archive(directory: str, name: str) -> None:
    subprocess.run(f"tar czf /backups/{name}.tgz {directory}", shell=True, check=True)  # VULN
