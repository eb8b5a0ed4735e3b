"""`reviewbot serve` without an App, as an operator runs it: it serves the setup page
behind the setup link it prints, or stops with one line when the stored App cannot be used."""

from __future__ import annotations

import re
from pathlib import Path

import httpx
import pytest
from serve_support import (
    free_port,
    running_server,
    serve_env,
    serve_once,
)

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


FIXED_TOKEN = "fixed-setup-token-0123456789_abcdef"


@pytest.mark.parametrize("fixed", [False, True])
def test_serve_prints_the_setup_link_and_the_page_needs_its_token(
    scenario, tmp_path: Path, fixed: bool
) -> None:
    port = free_port()
    public = f"http://127.0.0.1:{port}"
    env = serve_env(
        scenario,
        tmp_path,
        **NO_APP,
        REVIEWBOT_PUBLIC_URL=public,
        REVIEWBOT_CONFIG_DIR=str(tmp_path / "config"),
        REVIEWBOT_SETUP_TOKEN=FIXED_TOKEN if fixed else None,
    )
    with running_server(env, tmp_path, port) as server:
        (line,) = [ln for ln in server.output().splitlines() if ln.startswith("reviewbot:")]
        printed = re.search(r"no GitHub App is configured: open (\S+) to create one", line)
        assert printed, line
        if fixed:  # the operator knows it: the log does not get it
            assert printed.group(1) == f"{public}/setup?token=<REVIEWBOT_SETUP_TOKEN>"
            token = FIXED_TOKEN
        else:
            token = printed.group(1).removeprefix(f"{public}/setup?token=")
            assert re.fullmatch(r"[A-Za-z0-9_-]{43}", token), line
        assert httpx.get(f"{public}/setup").status_code == 403
        assert httpx.get(f"{public}/setup", params={"token": token[:-1]}).status_code == 403
        with httpx.Client(base_url=public) as browser:
            page = browser.get("/setup", params={"token": token})
            assert page.status_code == 200 and "Create the GitHub App" in page.text
            assert browser.get("/setup", params={"organization": "acme"}).status_code == 200
    output = server.output()
    assert output.count(token) == (0 if fixed else 1), output  # not in the access log
    assert "/setup?(redacted)" in output


def test_a_damaged_stored_app_stops_serve_with_one_line(scenario, tmp_path: Path) -> None:
    config = tmp_path / "config"
    config.mkdir()
    stored = config / "github-app.json"
    stored.write_text('{"app_id": ')
    stored.chmod(0o600)
    env = serve_env(scenario, tmp_path, **NO_APP, REVIEWBOT_CONFIG_DIR=str(config))
    done = serve_once(env, tmp_path)
    assert done.returncode == 2, done.stderr
    (line,) = done.stderr.splitlines()
    assert line == (
        f"reviewbot: the App's credentials file {stored} is damaged: move it aside and create "
        "the App again at /setup, or set REVIEWBOT_APP_ID and the other App variables"
    )
