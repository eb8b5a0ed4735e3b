"""Log housekeeping."""

import os
import subprocess

LIST_LOGS = "ls -l /var/log/app"


def list_logs() -> None:
    subprocess.run("ls -l /var/log/app", shell=True, check=True)


def list_logs_again() -> None:
    subprocess.run(LIST_LOGS, shell=True, check=True)


def show_log(name: str) -> None:
    subprocess.run(f"cat /var/log/app/{name}", shell=True, check=True)


def remove_log(path: str) -> None:
    os.system(path)
