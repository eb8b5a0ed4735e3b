import subprocess


def archive(directory: str, name: str) -> None:
    subprocess.run(["tar", "czf", f"/backups/{name}.tgz", directory], check=True)
