"""Webhook edge configuration, read once from the environment and passed explicitly.

A missing or empty secret must stop the process at start-up: an edge that accepts
unsigned deliveries would let anyone start reviews on the App's installations.
"""

from __future__ import annotations

import os
from collections.abc import Mapping
from dataclasses import dataclass, field
from pathlib import Path

DEFAULT_API_URL = "https://api.github.com"
DEFAULT_AGENTS: tuple[str, ...] = ("security", "style", "secrets", "correctness")
# GitHub never sends a delivery over 25 MB, so anything larger is not from GitHub.
MAX_BODY_BYTES = 25 * 1024 * 1024
_TRUE = {"1", "true", "yes", "on"}
_FALSE = {"0", "false", "no", "off", ""}


class ConfigError(Exception):
    """A configuration value is missing or invalid; the message is one line for the operator."""


@dataclass(frozen=True)
class WebhookSettings:
    """Everything the webhook edge needs; secrets are kept out of `repr`."""

    webhook_secret: str = field(repr=False)
    app_id: int | None = None
    private_key: str | None = field(default=None, repr=False)
    github_api_url: str = DEFAULT_API_URL
    app_slug: str = "reviewbot"
    review_drafts: bool = False
    known_agents: tuple[str, ...] = DEFAULT_AGENTS
    max_body_bytes: int = MAX_BODY_BYTES

    def __post_init__(self) -> None:
        if not self.webhook_secret:
            raise ConfigError(
                "REVIEWBOT_WEBHOOK_SECRET is empty: set it to the App's webhook secret"
            )


def read_environment(env_file: str | Path | None = ".env") -> dict[str, str]:
    """The process environment over an optional `.env` file (real variables always win)."""
    values: dict[str, str] = {}
    if env_file is not None and Path(env_file).is_file():
        from dotenv import dotenv_values

        values = {k: v for k, v in dotenv_values(env_file).items() if v is not None}
    values.update(os.environ)
    return values


def load_settings(
    env: Mapping[str, str] | None = None,
    *,
    require_app: bool = False,
    webhook_secret: str | None = None,
    private_key: str | None = None,
) -> WebhookSettings:
    """Build settings from `env` (default: environment plus `.env`).

    `require_app` is for `reviewbot serve`, which must call GitHub as the App.
    `webhook_secret` and `private_key` override the environment (the Lambda fetches
    them from Secrets Manager).
    """
    env = read_environment() if env is None else env
    secret = webhook_secret if webhook_secret is not None else env.get("REVIEWBOT_WEBHOOK_SECRET")
    if not secret:
        raise ConfigError("REVIEWBOT_WEBHOOK_SECRET is not set: set it to the App's webhook secret")
    app_id = app_id_from_text(env.get("REVIEWBOT_APP_ID", ""))
    key = private_key if private_key is not None else private_key_from_env(env)
    if require_app and app_id is None:
        raise ConfigError("REVIEWBOT_APP_ID is not set: set it to the GitHub App's numeric id")
    if require_app and not key:
        raise ConfigError(
            "REVIEWBOT_PRIVATE_KEY is not set: set it to the App's PEM key "
            "or REVIEWBOT_PRIVATE_KEY_PATH to its file"
        )
    return WebhookSettings(
        webhook_secret=secret,
        app_id=app_id,
        private_key=key or None,
        github_api_url=(env.get("REVIEWBOT_GITHUB_API_URL") or DEFAULT_API_URL).rstrip("/"),
        app_slug=env.get("REVIEWBOT_APP_SLUG") or "reviewbot",
        review_drafts=_flag("REVIEWBOT_REVIEW_DRAFTS", env.get("REVIEWBOT_REVIEW_DRAFTS", "")),
    )


def app_id_from_text(raw: str) -> int | None:
    """The App id in `raw` (None when empty); ConfigError when it is not a number."""
    raw = raw.strip()
    if not raw:
        return None
    if not (raw.isascii() and raw.isdigit()):
        raise ConfigError(f"REVIEWBOT_APP_ID must be a number, got {raw!r}")
    return int(raw)


def private_key_from_env(env: Mapping[str, str]) -> str | None:
    """The App's PEM key from REVIEWBOT_PRIVATE_KEY, else the file REVIEWBOT_PRIVATE_KEY_PATH."""
    if env.get("REVIEWBOT_PRIVATE_KEY"):
        # Single-line env files often carry the PEM with literal "\n".
        return env["REVIEWBOT_PRIVATE_KEY"].replace("\\n", "\n")
    path = env.get("REVIEWBOT_PRIVATE_KEY_PATH")
    if not path:
        return None
    try:
        return Path(path).expanduser().read_text()
    except OSError as exc:
        raise ConfigError(
            f"REVIEWBOT_PRIVATE_KEY_PATH cannot be read ({exc.strerror}): fix the path {path!r}"
        ) from None


def _flag(name: str, raw: str) -> bool:
    value = raw.strip().lower()
    if value in _TRUE:
        return True
    if value in _FALSE:
        return False
    raise ConfigError(f"{name} must be true or false, got {raw!r}")
