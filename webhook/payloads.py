"""The few payload fields routing reads, as tolerant pydantic models.

GitHub's full webhook schemas reject genuine deliveries over fields the edge never
reads (see shared/notes/libraries.md), so each model names only what is used and
ignores the rest.
"""

from __future__ import annotations

from typing import Any

from pydantic import BaseModel, ConfigDict


class _Model(BaseModel):
    model_config = ConfigDict(extra="ignore", frozen=True)


class Account(_Model):
    login: str
    type: str = "User"


class Installation(_Model):
    id: int


class Repository(_Model):
    full_name: str
    clone_url: str


class GitRef(_Model):
    ref: str
    sha: str


class PullRequest(_Model):
    number: int
    state: str
    draft: bool | None = False
    head: GitRef
    base: GitRef


class PullRequestEvent(_Model):
    action: str
    pull_request: PullRequest
    repository: Repository
    installation: Installation | None = None
    sender: Account


class Issue(_Model):
    number: int
    state: str = "open"
    # Present (an object of URLs) only when the issue is a pull request.
    pull_request: dict[str, Any] | None = None


class AppRef(_Model):
    id: int | None = None
    slug: str | None = None


class Comment(_Model):
    id: int
    body: str | None = None
    author_association: str = "NONE"
    user: Account
    performed_via_github_app: AppRef | None = None


class IssueCommentEvent(_Model):
    action: str
    issue: Issue
    comment: Comment
    repository: Repository
    installation: Installation | None = None
    sender: Account


class BranchRef(_Model):
    ref: str


class CheckRunPull(_Model):
    number: int
    head: BranchRef | None = None
    base: BranchRef | None = None


class CheckSuite(_Model):
    head_branch: str | None = None


class CheckRun(_Model):
    head_sha: str
    external_id: str | None = None
    app: AppRef | None = None
    pull_requests: list[CheckRunPull] = []
    check_suite: CheckSuite | None = None


class CheckRunEvent(_Model):
    action: str
    check_run: CheckRun
    repository: Repository
    installation: Installation | None = None
    sender: Account
