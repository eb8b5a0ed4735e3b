"""What the review side needs to act as the GitHub App, passed explicitly.

The webhook edge has its own settings (`webhook.settings`); the review workflow needs
the App's identity and a few publishing choices, and no webhook secret. Nothing here is
global: every client is built from one of these values.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field

from webhook.settings import (
    DEFAULT_API_URL,
    ConfigError,
    WebhookSettings,
    app_id_from_text,
    private_key_from_env,
)

DEFAULT_MAX_INLINE_COMMENTS = 25
_TRUE = {"1", "true", "yes", "on"}
_FALSE = {"0", "false", "no", "off", ""}


@dataclass(frozen=True)
class GitHubSettings:
    """The App's identity and how reviews are published; the key stays out of `repr`.

    `max_inline_comments` keeps one review well under GitHub's content-creation limits
    (about 80 a minute per installation); findings beyond it go to the summary.
    `request_changes` makes a review with error findings REQUEST_CHANGES instead of
    COMMENT. `retry_budget_seconds` bounds how long one step waits out 5xx answers
    and secondary rate limits before it gives up.
    """

    app_id: int
    private_key: str = field(repr=False)
    api_url: str = DEFAULT_API_URL
    max_inline_comments: int = DEFAULT_MAX_INLINE_COMMENTS
    request_changes: bool = False
    retry_budget_seconds: float = 300.0

    def __post_init__(self) -> None:
        if self.app_id <= 0:
            raise ConfigError("the GitHub App id must be a positive number")
        if not self.private_key:
            raise ConfigError("the GitHub App private key is empty")
        if self.max_inline_comments < 0:
            raise ConfigError("REVIEWBOT_MAX_INLINE_COMMENTS must not be negative")

    @classmethod
    def from_webhook_settings(
        cls, settings: WebhookSettings, env: Mapping[str, str] | None = None
    ) -> GitHubSettings:
        """The review side of `reviewbot serve`, from the edge's settings plus `env`."""
        if settings.app_id is None or not settings.private_key:
            raise ConfigError(
                "REVIEWBOT_APP_ID and REVIEWBOT_PRIVATE_KEY are needed to review pull requests"
            )
        return cls(
            app_id=settings.app_id,
            private_key=settings.private_key,
            api_url=settings.github_api_url,
            **_publishing(env or {}),
        )

    @classmethod
    def from_env(cls, env: Mapping[str, str], *, private_key: str | None = None) -> GitHubSettings:
        """For a review function (Lambda): `private_key` overrides the environment."""
        app_id = app_id_from_text(env.get("REVIEWBOT_APP_ID") or "")
        if app_id is None:
            raise ConfigError("REVIEWBOT_APP_ID is not set: set it to the GitHub App's numeric id")
        key = private_key or private_key_from_env(env)
        if not key:
            raise ConfigError("REVIEWBOT_PRIVATE_KEY or REVIEWBOT_PRIVATE_KEY_PATH is not set")
        return cls(
            app_id=app_id,
            private_key=key,
            api_url=(env.get("REVIEWBOT_GITHUB_API_URL") or DEFAULT_API_URL).rstrip("/"),
            **_publishing(env),
        )


def _publishing(env: Mapping[str, str]) -> dict[str, object]:
    raw_max = (env.get("REVIEWBOT_MAX_INLINE_COMMENTS") or "").strip()
    if raw_max and not (raw_max.isascii() and raw_max.isdigit()):
        raise ConfigError(f"REVIEWBOT_MAX_INLINE_COMMENTS must be a number, got {raw_max!r}")
    raw_flag = (env.get("REVIEWBOT_REQUEST_CHANGES") or "").strip().lower()
    if raw_flag not in _TRUE | _FALSE:
        raise ConfigError(f"REVIEWBOT_REQUEST_CHANGES must be true or false, got {raw_flag!r}")
    return {
        "max_inline_comments": int(raw_max) if raw_max else DEFAULT_MAX_INLINE_COMMENTS,
        "request_changes": raw_flag in _TRUE,
    }
