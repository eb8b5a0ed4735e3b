"""The App's review threads on a pull request, through GitHub's GraphQL API.

REST lists review comments but not whether their thread is resolved, nor lets anyone
resolve one: `pullRequest.reviewThreads` and the `resolveReviewThread` /
`unresolveReviewThread` mutations do (GitHub GraphQL API, objects
`PullRequestReviewThread`, `PullRequestReviewComment`, `Reaction`). Only threads whose
first comment is the App's, with its fingerprint marker, are read as the App's:
GraphQL names a bot by its slug, without REST's `[bot]` suffix, and `__typename` tells
a `Bot` from a person of the same name.

A finding is dismissed when a person with write access (collaborator permission admin,
maintain or write, asked of GitHub as the webhook does for `/review`) resolved its
thread or reacted 👎 (`THUMBS_DOWN`, REST's `-1`) to the App's comment; anyone else's
resolution or reaction changes nothing.
"""

from __future__ import annotations

import logging
from collections.abc import Iterable
from typing import Any

from reporter.github.client import RepoClient
from reporter.github.comments import FP_MARKER, comment_credit
from review.github_api import WRITE_LEVELS
from review.lifecycle import Thread, dismissal
from review.pull_state import Closed

log = logging.getLogger(__name__)
MAX_PAGES = 30  # 3,000 threads
THREADS_QUERY = """
query($owner: String!, $name: String!, $number: Int!, $after: String) {
  repository(owner: $owner, name: $name) {
    pullRequest(number: $number) {
      reviewThreads(first: 100, after: $after) {
        pageInfo { hasNextPage endCursor }
        nodes {
          id
          isResolved
          path
          resolvedBy { login }
          comments(first: 1) {
            nodes {
              databaseId
              body
              author { __typename login }
              reactions(content: THUMBS_DOWN, first: 50) { nodes { user { login } } }
            }
          }
        }
      }
    }
  }
}
"""
RESOLVE = """
mutation($thread: ID!) {
  resolveReviewThread(input: {threadId: $thread}) { thread { id isResolved } }
}
"""
UNRESOLVE = """
mutation($thread: ID!) {
  unresolveReviewThread(input: {threadId: $thread}) { thread { id isResolved } }
}
"""


def app_threads(client: RepoClient, number: int, slug: str) -> list[Thread]:
    """The review threads the App started on pull request `number` (its first comment is
    the App's and carries a fingerprint marker). `slug` is the App's slug."""
    threads: list[Thread] = []
    after: str | None = None
    for page in range(1, MAX_PAGES + 1):
        variables = {"owner": client.owner, "name": client.name, "number": number, "after": after}
        what = f"reading the review threads of #{number} (page {page})"
        data = client.graphql(what, THREADS_QUERY, variables)
        pull = ((data.get("repository") or {}).get("pullRequest")) or {}
        connection = pull.get("reviewThreads") or {}
        threads += [t for node in connection.get("nodes") or () if (t := _thread(node, slug))]
        info = connection.get("pageInfo") or {}
        if not info.get("hasNextPage") or not info.get("endCursor"):
            break
        after = str(info["endCursor"])
    return threads


def _thread(node: Any, slug: str) -> Thread | None:
    """The App's thread in a `PullRequestReviewThread` node, or None for anyone else's."""
    if not isinstance(node, dict):
        return None
    comments = (node.get("comments") or {}).get("nodes") or []
    first = comments[0] if comments and isinstance(comments[0], dict) else {}
    author = first.get("author") or {}
    ours = author.get("__typename") == "Bot" and str(author.get("login")).lower() == slug.lower()
    marker = FP_MARKER.search(str(first.get("body") or ""))
    if not ours or marker is None or not node.get("id"):
        return None
    rule, agents = comment_credit(first.get("body"))
    resolver = str((node.get("resolvedBy") or {}).get("login") or "") or None
    reactions = (first.get("reactions") or {}).get("nodes") or []
    thumbs_down = [str((r.get("user") or {}).get("login") or "") for r in reactions if r]
    return Thread(
        id=str(node["id"]),
        fingerprint=marker.group(1),
        path=str(node.get("path") or ""),
        rule=rule,
        agents=agents,
        resolved=bool(node.get("isResolved")),
        resolved_by=None if resolver is None or resolver.lower() == slug.lower() else resolver,
        thumbs_down=tuple(sorted({u for u in thumbs_down if u and u.lower() != slug.lower()})),
    )


def dismissals(
    client: RepoClient, threads: Iterable[Thread], known: Iterable[str]
) -> dict[str, Closed]:
    """The findings people with write access dismissed, by fingerprint, among `threads`
    whose fingerprint is not in `known` (already dismissed). Each person's permission is
    asked once."""
    levels: dict[str, str] = {}

    def writer(user: str) -> bool:
        if user not in levels:
            levels[user] = client.permission(user)
        return levels[user] in WRITE_LEVELS

    found: dict[str, Closed] = {}
    skip = set(known)
    for thread in threads:
        if thread.fingerprint in skip or thread.fingerprint in found:
            continue
        actions = [(thread.resolved_by, "resolved")] if thread.resolved else []
        actions += [(user, "thumbs_down") for user in thread.thumbs_down]
        for user, how in actions:
            if user and writer(user):
                found[thread.fingerprint] = dismissal(thread.rule, thread.path, user, how)
                break
    ignored = sorted(u for u, level in levels.items() if level not in WRITE_LEVELS)
    if ignored:
        log.info(
            "ignored resolutions and reactions of %d people without write access", len(ignored)
        )
    return found


def set_resolved(client: RepoClient, thread_id: str, resolved: bool) -> None:
    """Resolve (or reopen) one of the App's review threads; doing it twice is harmless."""
    what = "resolving" if resolved else "reopening"
    mutation = RESOLVE if resolved else UNRESOLVE
    client.graphql(f"{what} review thread {thread_id}", mutation, {"thread": thread_id})
