"""What the review side needs to act as the GitHub App, as one value passed explicitly.

Built from `review.settings.Settings` by an entry point; nothing here reads the
environment, and nothing is global: every client is built from one of these values.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field

from review.settings import DEFAULT_API_URL, DEFAULT_MAX_INLINE_COMMENTS, ConfigError, Settings


@dataclass(frozen=True)
class GitHubSettings:
    """The App's identity and how reviews are published; the key stays out of `repr`.

    `max_inline_comments` keeps one review well under GitHub's content-creation limits
    (about 80 a minute per installation); findings beyond it go to the summary.
    `request_changes` makes a review with error findings REQUEST_CHANGES instead of
    COMMENT. `code_scanning` also uploads each review's SARIF to GitHub code scanning
    (the App then needs the `security_events: write` permission). `retry_budget_seconds`
    bounds how long one step waits out 5xx answers and secondary rate limits before it
    gives up.
    """

    app_id: int
    private_key: str = field(repr=False)
    api_url: str = DEFAULT_API_URL
    max_inline_comments: int = DEFAULT_MAX_INLINE_COMMENTS
    request_changes: bool = False
    code_scanning: bool = False
    retry_budget_seconds: float = 300.0

    def __post_init__(self) -> None:
        if self.app_id <= 0:
            raise ConfigError("the GitHub App id must be a positive number")
        if not self.private_key:
            raise ConfigError("the GitHub App private key is empty")
        if self.max_inline_comments < 0:
            raise ConfigError("REVIEWBOT_MAX_INLINE_COMMENTS must not be negative")

    @classmethod
    def from_settings(
        cls, settings: Settings, read_secret: Callable[[str], str] | None = None
    ) -> GitHubSettings:
        """The review side of the deployment; ConfigError names a missing App id or key."""
        app_id, key = settings.require_app(read_secret)
        return cls(
            app_id=app_id,
            private_key=key,
            api_url=settings.github_api_url,
            max_inline_comments=settings.max_inline_comments,
            request_changes=settings.request_changes,
            code_scanning=settings.code_scanning,
        )
