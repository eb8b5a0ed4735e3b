import subprocess


def checkout(repo_dir: str, branch: str) -> None:
    subprocess.Popen(["/bin/sh", "-c", f"cd {repo_dir} && git checkout {branch}"]).wait()  # VULN
