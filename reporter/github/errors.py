"""What a GitHub call raises when it fails for good or for now: plain exceptions, with no
GitHub client imported, so the workflow can tell them apart (`orchestrator.workflow`'s
retries) without loading one on a local review."""

from __future__ import annotations


class GitHubError(RuntimeError):
    """A GitHub call failed; the message names the call and GitHub's answer, never a token."""

    def __init__(self, message: str, status: int | None = None, retry_after: float | None = None):
        super().__init__(message)
        self.status = status
        self.retry_after = retry_after


class TransientGitHubError(GitHubError):
    """A 5xx, a timeout, a lost connection or a rate limit: worth another try later."""


class PermanentGitHubError(GitHubError):
    """A 4xx that no retry can fix: reported, never repeated."""
