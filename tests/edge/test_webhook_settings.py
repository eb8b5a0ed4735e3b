"""Settings: required values fail at start-up with one line naming the variable."""

from __future__ import annotations

from pathlib import Path

import pytest

from webhook.settings import ConfigError, load_settings, read_environment

BASE = {"REVIEWBOT_WEBHOOK_SECRET": "s3cret"}


def test_defaults() -> None:
    settings = load_settings(BASE)
    assert settings.webhook_secret == "s3cret"
    assert settings.app_id is None
    assert settings.github_api_url == "https://api.github.com"
    assert settings.app_slug == "reviewbot"
    assert settings.review_drafts is False
    assert settings.known_agents == ("security", "style", "secrets", "correctness")
    assert "s3cret" not in repr(settings)


def test_all_values() -> None:
    settings = load_settings(
        {
            **BASE,
            "REVIEWBOT_APP_ID": "123",
            "REVIEWBOT_PRIVATE_KEY": "-----BEGIN KEY-----\\nabc\\n-----END KEY-----",
            "REVIEWBOT_GITHUB_API_URL": "https://ghe.example.com/api/v3/",
            "REVIEWBOT_APP_SLUG": "my-bot",
            "REVIEWBOT_REVIEW_DRAFTS": "true",
        },
        require_app=True,
    )
    assert settings.app_id == 123
    assert settings.private_key == "-----BEGIN KEY-----\nabc\n-----END KEY-----"
    assert settings.github_api_url == "https://ghe.example.com/api/v3"
    assert settings.app_slug == "my-bot"
    assert settings.review_drafts is True
    assert "BEGIN KEY" not in repr(settings)


@pytest.mark.parametrize(
    ("env", "require_app", "variable"),
    [
        ({}, False, "REVIEWBOT_WEBHOOK_SECRET"),
        ({"REVIEWBOT_WEBHOOK_SECRET": ""}, False, "REVIEWBOT_WEBHOOK_SECRET"),
        (BASE, True, "REVIEWBOT_APP_ID"),
        ({**BASE, "REVIEWBOT_APP_ID": "12"}, True, "REVIEWBOT_PRIVATE_KEY"),
        ({**BASE, "REVIEWBOT_APP_ID": "twelve"}, False, "REVIEWBOT_APP_ID"),
        ({**BASE, "REVIEWBOT_REVIEW_DRAFTS": "maybe"}, False, "REVIEWBOT_REVIEW_DRAFTS"),
        ({**BASE, "REVIEWBOT_PRIVATE_KEY_PATH": "/nonexistent/key.pem"}, False, "_PATH"),
    ],
)
def test_missing_or_invalid_values(env: dict[str, str], require_app: bool, variable: str) -> None:
    with pytest.raises(ConfigError) as info:
        load_settings(env, require_app=require_app)
    message = str(info.value)
    assert variable in message
    assert "\n" not in message


def test_private_key_from_path(tmp_path: Path) -> None:
    key = tmp_path / "app.pem"
    key.write_text("-----BEGIN RSA PRIVATE KEY-----\n...\n")
    env = {**BASE, "REVIEWBOT_APP_ID": "7", "REVIEWBOT_PRIVATE_KEY_PATH": str(key)}
    assert load_settings(env, require_app=True).private_key == key.read_text()


def test_explicit_secret_overrides_environment() -> None:
    settings = load_settings({}, webhook_secret="from-secrets-manager", private_key="pem")
    assert settings.webhook_secret == "from-secrets-manager"
    assert settings.private_key == "pem"


def test_dotenv_never_overrides_the_real_environment(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    env_file = tmp_path / ".env"
    env_file.write_text("REVIEWBOT_WEBHOOK_SECRET=from-file\nREVIEWBOT_APP_SLUG=file-slug\n")
    monkeypatch.setenv("REVIEWBOT_WEBHOOK_SECRET", "from-env")
    monkeypatch.delenv("REVIEWBOT_APP_SLUG", raising=False)
    values = read_environment(env_file)
    assert values["REVIEWBOT_WEBHOOK_SECRET"] == "from-env"
    assert values["REVIEWBOT_APP_SLUG"] == "file-slug"
    monkeypatch.chdir(tmp_path)
    assert load_settings().app_slug == "file-slug"


def test_missing_dotenv_is_fine(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("REVIEWBOT_WEBHOOK_SECRET", "x")
    assert read_environment(tmp_path / "absent.env")["REVIEWBOT_WEBHOOK_SECRET"] == "x"
