import subprocess


def checkout(repo_dir: str, branch: str) -> None:
    subprocess.Popen(["git", "-C", repo_dir, "checkout", branch]).wait()
