"""The App's credentials file from the setup page, and the settings that locate and use it."""

from __future__ import annotations

import json
import stat
from pathlib import Path

import pytest

from review.app_credentials import (
    AppCredentials,
    credentials_path,
    read_credentials,
    with_stored_app,
    write_credentials,
)
from review.settings import ConfigError, load_settings

APP = AppCredentials(
    app_id=7,
    slug="my-bot",
    html_url="https://github.com/apps/my-bot",
    github_api_url="https://api.github.com",
    webhook_secret="whsec-1",
    private_key="-----BEGIN RSA PRIVATE KEY-----\nMII\n-----END RSA PRIVATE KEY-----\n",
)


def test_written_for_this_user_only_and_read_back(tmp_path: Path) -> None:
    path = tmp_path / "config" / "reviewbot" / "github-app.json"
    write_credentials(path, APP)
    assert stat.S_IMODE(path.stat().st_mode) == 0o600
    assert stat.S_IMODE(path.parent.stat().st_mode) == 0o700
    assert read_credentials(path) == APP
    assert [p.name for p in path.parent.iterdir()] == [path.name]  # no staging file left
    assert "whsec-1" not in repr(APP) and "PRIVATE" not in repr(APP)
    assert APP.install_url == "https://github.com/apps/my-bot/installations/new"


def test_an_absent_file_is_no_app(tmp_path: Path) -> None:
    assert read_credentials(tmp_path / "github-app.json") is None


def test_a_file_others_may_read_is_refused_with_the_fix(tmp_path: Path) -> None:
    path = tmp_path / "github-app.json"
    write_credentials(path, APP)
    path.chmod(0o644)
    with pytest.raises(ConfigError, match=f"run `chmod 600 {path}`"):
        read_credentials(path)


@pytest.mark.parametrize(
    "text",
    [
        "not json",
        "[]",
        json.dumps({"app_id": 7}),
        json.dumps({**APP.__dict__, "app_id": "7"}),
        json.dumps({**APP.__dict__, "private_key": ""}),
        json.dumps({**APP.__dict__, "extra": 1}),
    ],
)
def test_a_damaged_file_names_itself_and_what_to_do(tmp_path: Path, text: str) -> None:
    path = tmp_path / "github-app.json"
    path.write_text(text)
    path.chmod(0o600)
    with pytest.raises(ConfigError, match="is damaged: move it aside and create the App again"):
        read_credentials(path)


def _settings(tmp_path: Path, **env: str):
    return load_settings({"REVIEWBOT_CONFIG_DIR": str(tmp_path), **env}, env_file=None)


def test_the_stored_app_is_taken_whole_when_no_app_variable_is_set(tmp_path: Path) -> None:
    settings = _settings(tmp_path, REVIEWBOT_APP_SLUG="other")
    write_credentials(credentials_path(settings), APP)
    used, stored = with_stored_app(settings)
    assert stored == APP
    assert (used.app_id, used.app_slug, used.key(), used.secret()) == (
        7,
        "my-bot",
        APP.private_key,
        "whsec-1",
    )


@pytest.mark.parametrize(
    "variable",
    ["REVIEWBOT_APP_ID", "REVIEWBOT_WEBHOOK_SECRET", "REVIEWBOT_PRIVATE_KEY_PATH"],
)
def test_any_app_variable_wins_over_the_file(tmp_path: Path, variable: str) -> None:
    settings = _settings(tmp_path, **{variable: "5"})
    write_credentials(credentials_path(settings), APP)
    assert with_stored_app(settings) == (settings, None)


def test_an_app_of_another_github_is_refused(tmp_path: Path) -> None:
    settings = _settings(tmp_path, REVIEWBOT_GITHUB_API_URL="https://ghe.example.com/api/v3/")
    write_credentials(credentials_path(settings), APP)
    with pytest.raises(ConfigError, match="set it to that URL"):
        with_stored_app(settings)


def test_the_config_dir_follows_xdg_unless_set(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv("XDG_CONFIG_HOME", str(tmp_path / "xdg"))
    assert load_settings({}, env_file=None).config_root() == tmp_path / "xdg" / "reviewbot"
    assert _settings(tmp_path).config_root() == tmp_path


def test_setup_urls_lose_trailing_slashes_and_must_be_http(tmp_path: Path) -> None:
    settings = _settings(
        tmp_path,
        REVIEWBOT_PUBLIC_URL=" https://bot.example.com/ ",
        REVIEWBOT_GITHUB_URL="https://ghe.example.com/",
    )
    assert (settings.public_url, settings.github_url) == (
        "https://bot.example.com",
        "https://ghe.example.com",
    )
    assert _settings(tmp_path).github_url == "https://github.com"
    with pytest.raises(ConfigError, match="^REVIEWBOT_PUBLIC_URL: .*http"):
        _settings(tmp_path, REVIEWBOT_PUBLIC_URL="bot.example.com")
