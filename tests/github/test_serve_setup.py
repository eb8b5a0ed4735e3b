"""`reviewbot serve` without an App, as an operator runs it: it serves the setup page
(and says where), or stops with one line when the stored App cannot be used."""

from __future__ import annotations

import subprocess
from pathlib import Path

import httpx
from serve_support import START_SECONDS, free_port, reviewbot_command, running_server, serve_env

NO_APP = dict.fromkeys(
    ("REVIEWBOT_APP_ID", "REVIEWBOT_PRIVATE_KEY_PATH", "REVIEWBOT_WEBHOOK_SECRET"), None
)


def test_without_a_public_url_serve_starts_and_says_what_to_set(scenario, tmp_path: Path) -> None:
    env = serve_env(scenario, tmp_path, **NO_APP, REVIEWBOT_CONFIG_DIR=str(tmp_path / "config"))
    with running_server(env, tmp_path) as server:
        page = httpx.get(f"{server.url}/setup")
        assert page.status_code == 503 and "REVIEWBOT_PUBLIC_URL is not set" in page.text
        assert httpx.post(f"{server.url}/webhook", content=b"{}").status_code == 503
    (line,) = [ln for ln in server.output().splitlines() if ln.startswith("reviewbot:")]
    assert "no GitHub App is configured: set REVIEWBOT_PUBLIC_URL" in line
    assert str(tmp_path / "config" / "github-app.json") in line
    assert not scenario.github.requests  # nothing was asked of GitHub


def test_a_damaged_stored_app_stops_serve_with_one_line(scenario, tmp_path: Path) -> None:
    config = tmp_path / "config"
    config.mkdir()
    stored = config / "github-app.json"
    stored.write_text('{"app_id": ')
    stored.chmod(0o600)
    env = serve_env(scenario, tmp_path, **NO_APP, REVIEWBOT_CONFIG_DIR=str(config))
    done = subprocess.run(
        [*reviewbot_command(), "serve", "--port", str(free_port())],
        env=env,
        cwd=tmp_path,
        stdin=subprocess.DEVNULL,
        capture_output=True,
        text=True,
        timeout=START_SECONDS,
    )
    assert done.returncode == 2, done.stderr
    (line,) = done.stderr.splitlines()
    assert line == (
        f"reviewbot: the App's credentials file {stored} is damaged: move it aside and create "
        "the App again at /setup, or set REVIEWBOT_APP_ID and the other App variables"
    )
