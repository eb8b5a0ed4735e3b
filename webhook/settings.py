"""What the webhook edge needs, as one value built by its composition root.

Nothing here reads the environment (`review.settings` owns every variable); the agent
names come from whoever composes the edge with a review flow, so the edge never imports
the agents.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field

from review.settings import DEFAULT_API_URL, DEFAULT_REQUEST_TIMEOUT_SECONDS, ConfigError, Settings

# GitHub never sends a delivery over 25 MB, so anything larger is not from GitHub.
MAX_BODY_BYTES = 25 * 1024 * 1024


@dataclass(frozen=True)
class WebhookSettings:
    """Everything the webhook edge needs; secrets are kept out of `repr`.

    `known_agents` are the names `/review <agent>` accepts and `/help` lists; a body not
    received within `body_timeout_seconds` is refused.
    """

    webhook_secret: str = field(repr=False)
    known_agents: tuple[str, ...] = ()
    app_id: int | None = None
    private_key: str | None = field(default=None, repr=False)
    github_api_url: str = DEFAULT_API_URL
    app_slug: str = "reviewbot"
    review_drafts: bool = False
    max_body_bytes: int = MAX_BODY_BYTES
    body_timeout_seconds: float = DEFAULT_REQUEST_TIMEOUT_SECONDS

    def __post_init__(self) -> None:
        if not self.webhook_secret:
            raise ConfigError(
                "REVIEWBOT_WEBHOOK_SECRET is empty: set it to the App's webhook secret"
            )

    @classmethod
    def from_settings(
        cls,
        settings: Settings,
        known_agents: tuple[str, ...],
        *,
        require_app: bool = False,
        read_secret: Callable[[str], str] | None = None,
    ) -> WebhookSettings:
        """The edge's view of `settings`; `require_app` for an edge that must act as the App
        (`reviewbot serve`). Raises ConfigError naming the missing variable."""
        secret = settings.require_webhook_secret(read_secret)
        if require_app:
            app_id, key = settings.require_app(read_secret)
        else:
            app_id, key = settings.app_id, settings.key(read_secret)
        return cls(
            webhook_secret=secret,
            known_agents=known_agents,
            app_id=app_id,
            private_key=key,
            github_api_url=settings.github_api_url,
            app_slug=settings.app_slug,
            review_drafts=settings.review_drafts,
            body_timeout_seconds=settings.request_timeout_seconds,
        )
