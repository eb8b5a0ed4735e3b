import subprocess


def test_echo(name: str = "ann") -> None:
    subprocess.run(f"echo {name}", shell=True, check=True)
