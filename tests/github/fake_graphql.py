"""The fake GitHub's GraphQL endpoint: review threads, their resolution, reactions.

Queries are parsed, validated and executed by graphql-core against a part of GitHub's
public schema (types and field names as in GitHub's `schema.docs.graphql`), so a query
asking for a field GitHub does not have fails here as it fails there. It answers as
GitHub does where reviewbot depends on it:

- `PullRequest.reviewThreads`: a thread per top-level review comment, `isResolved`,
  `resolvedBy` (a `User`: null when an App resolved the thread), `comments` with
  `databaseId`, `body`, `author` (a `Bot` is named by its slug, without REST's `[bot]`),
  and `reactions(content:)` (`THUMBS_DOWN` is REST's `-1`);
- connections need `first` or `last`, at most 100;
- `resolveReviewThread` / `unresolveReviewThread`, idempotent, need `pull_requests:
  write`; reading threads needs `pull_requests: read`; a repository the token does not
  cover is null with a NOT_FOUND error; errors are answered with status 200.
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

from graphql import GraphQLError, build_schema, graphql_sync

if TYPE_CHECKING:
    from fake_github import FakeGitHub

SCHEMA = build_schema(
    """
    interface Node { id: ID! }
    interface Actor { login: String! }
    type User implements Actor & Node { id: ID! login: String! }
    type Bot implements Actor & Node { id: ID! login: String! }
    type PageInfo {
      endCursor: String
      hasNextPage: Boolean!
      hasPreviousPage: Boolean!
      startCursor: String
    }
    enum ReactionContent { CONFUSED EYES HEART HOORAY LAUGH ROCKET THUMBS_DOWN THUMBS_UP }
    type Reaction implements Node {
      content: ReactionContent!
      databaseId: Int
      id: ID!
      user: User
    }
    type ReactionConnection {
      nodes: [Reaction]
      pageInfo: PageInfo!
      totalCount: Int!
    }
    type PullRequestReviewComment implements Node {
      author: Actor
      body: String!
      databaseId: Int
      id: ID!
      line: Int
      originalLine: Int
      path: String!
      reactions(
        after: String, before: String, content: ReactionContent, first: Int, last: Int
      ): ReactionConnection!
    }
    type PullRequestReviewCommentConnection {
      nodes: [PullRequestReviewComment]
      pageInfo: PageInfo!
      totalCount: Int!
    }
    type PullRequestReviewThread implements Node {
      comments(
        after: String, before: String, first: Int, last: Int, skip: Int
      ): PullRequestReviewCommentConnection!
      id: ID!
      isOutdated: Boolean!
      isResolved: Boolean!
      line: Int
      path: String!
      resolvedBy: User
      viewerCanResolve: Boolean!
      viewerCanUnresolve: Boolean!
    }
    type PullRequestReviewThreadConnection {
      nodes: [PullRequestReviewThread]
      pageInfo: PageInfo!
      totalCount: Int!
    }
    type PullRequest implements Node {
      id: ID!
      number: Int!
      reviewThreads(
        after: String, before: String, first: Int, last: Int
      ): PullRequestReviewThreadConnection!
    }
    type Repository implements Node {
      id: ID!
      name: String!
      pullRequest(number: Int!): PullRequest
    }
    type Query {
      repository(followRenames: Boolean = true, name: String!, owner: String!): Repository
    }
    input ResolveReviewThreadInput { clientMutationId: String threadId: ID! }
    type ResolveReviewThreadPayload { clientMutationId: String thread: PullRequestReviewThread }
    input UnresolveReviewThreadInput { clientMutationId: String threadId: ID! }
    type UnresolveReviewThreadPayload {
      clientMutationId: String
      thread: PullRequestReviewThread
    }
    type Mutation {
      resolveReviewThread(input: ResolveReviewThreadInput!): ResolveReviewThreadPayload
      unresolveReviewThread(input: UnresolveReviewThreadInput!): UnresolveReviewThreadPayload
    }
    """
)
# REST reaction names and GraphQL's
REACTIONS = {
    "+1": "THUMBS_UP",
    "-1": "THUMBS_DOWN",
    "laugh": "LAUGH",
    "confused": "CONFUSED",
    "heart": "HEART",
    "hooray": "HOORAY",
    "rocket": "ROCKET",
    "eyes": "EYES",
}


class Forbidden(GraphQLError):
    def __init__(self, message: str, kind: str) -> None:
        super().__init__(message, extensions={"type": kind})


def execute(gh: FakeGitHub, grant: dict[str, Any], body: dict[str, Any]) -> dict[str, Any]:
    """GitHub's answer (always HTTP 200) to a GraphQL request made with `grant`'s token."""
    result = graphql_sync(
        SCHEMA,
        str(body.get("query") or ""),
        root_value=_Root(gh, grant),
        variable_values=body.get("variables") or None,
    )
    answer: dict[str, Any] = {"data": result.data}
    if result.errors:
        answer["errors"] = [_error(e) for e in result.errors]
    return answer


def _error(error: GraphQLError) -> dict[str, Any]:
    data: dict[str, Any] = {"message": error.message}
    kind = (error.extensions or {}).get("type")
    if kind:
        data["type"] = kind
    if error.path:
        data["path"] = list(error.path)
    if error.locations:
        data["locations"] = [{"line": loc.line, "column": loc.column} for loc in error.locations]
    return data


def _page(items: list[Any], what: str, first: int | None, last: int | None, after: str | None):
    if first is None and last is None:
        raise GraphQLError(
            f"You must provide a `first` or `last` value to properly paginate the `{what}` "
            "connection."
        )
    for name, value in (("first", first), ("last", last)):
        if value is not None and value > 100:
            raise GraphQLError(
                f"Requesting {value} records on the `{what}` connection exceeds the `{name}` "
                "limit of 100 records."
            )
    start = int(after.removeprefix("cursor:")) if after else 0
    chunk = items[start : start + first] if first is not None else items[-(last or 0) :]
    end = start + len(chunk)
    return {
        "nodes": chunk,
        "totalCount": len(items),
        "pageInfo": {
            "hasNextPage": first is not None and end < len(items),
            "hasPreviousPage": start > 0,
            "endCursor": f"cursor:{end}" if chunk else None,
            "startCursor": f"cursor:{start}" if chunk else None,
        },
    }


class _Root:
    """The query and mutation roots, over the fake's state."""

    def __init__(self, gh: FakeGitHub, grant: dict[str, Any]) -> None:
        self.gh, self.grant = gh, grant

    def _allowed(self, level: str) -> None:
        have = self.grant["permissions"].get("pull_requests")
        if have != "write" and (level == "write" or have != "read"):
            raise Forbidden("Resource not accessible by integration", "FORBIDDEN")

    def repository(self, info: Any, owner: str, name: str, followRenames: bool = True):  # noqa: N803
        repositories = self.grant["repositories"]
        if (owner, name) != (self.gh.owner, self.gh.name) or (
            repositories is not None and name not in repositories
        ):
            raise Forbidden(
                f"Could not resolve to a Repository with the name '{owner}/{name}'.", "NOT_FOUND"
            )
        return {"id": "R_1", "name": name, "pullRequest": self._pull}

    def _pull(self, info: Any, number: int):
        if number not in self.gh.pulls:
            raise Forbidden(
                f"Could not resolve to a PullRequest with the number of {number}.", "NOT_FOUND"
            )

        def threads(info: Any, first=None, last=None, after=None, before=None):
            self._allowed("read")
            return _page(self.gh_threads(number), "reviewThreads", first, last, after)

        return {"id": f"PR_{number}", "number": number, "reviewThreads": threads}

    def gh_threads(self, number: int) -> list[dict[str, Any]]:
        comments = [
            c
            for c in self.gh.review_comments
            if c["pull_number"] == number and not c.get("in_reply_to_id")
        ]
        return [self._thread(c) for c in comments]

    def _thread(self, comment: dict[str, Any]) -> dict[str, Any]:
        state = self.gh.threads.setdefault(comment["id"], {"resolved": False, "by": None})
        by = state["by"]
        return {
            "id": f"PRRT_{comment['id']}",
            "isResolved": state["resolved"],
            "isOutdated": comment.get("line") is None,
            "line": comment.get("line"),
            "path": comment["path"],
            "resolvedBy": None if by is None else {"id": f"U_{by}", "login": by},
            "viewerCanResolve": True,
            "viewerCanUnresolve": True,
            "comments": lambda info, first=None, last=None, after=None, before=None, skip=None: (
                _page([self._comment(comment)], "comments", first, last, after)
            ),
        }

    def _comment(self, comment: dict[str, Any]) -> dict[str, Any]:
        user = comment["user"]
        bot = user.get("type") == "Bot"
        author = {
            "__typename": "Bot" if bot else "User",
            "id": f"A_{user['login']}",
            "login": user["login"].removesuffix("[bot]") if bot else user["login"],
        }

        def reactions(info: Any, content=None, first=None, last=None, after=None, before=None):
            found = [
                {
                    "id": f"REA_{n}",
                    "databaseId": n,
                    "content": REACTIONS[kind],
                    "user": {"id": f"U_{login}", "login": login},
                }
                for n, (login, kind) in enumerate(self.gh.reactions.get(comment["id"], []))
                if content is None or REACTIONS[kind] == content
            ]
            return _page(found, "reactions", first, last, after)

        return {
            "id": f"PRRC_{comment['id']}",
            "databaseId": comment["id"],
            "body": comment["body"],
            "path": comment["path"],
            "line": comment.get("line"),
            "originalLine": comment.get("original_line"),
            "author": author,
            "reactions": reactions,
        }

    def _set(self, thread_id: str, resolved: bool) -> dict[str, Any]:
        self._allowed("write")
        prefix, _, number = thread_id.partition("_")
        comment = next(
            (c for c in self.gh.review_comments if prefix == "PRRT" and str(c["id"]) == number),
            None,
        )
        if comment is None:
            raise Forbidden(
                f"Could not resolve to a node with the global id of '{thread_id}'", "NOT_FOUND"
            )
        # an App resolving: `resolvedBy` is a User, so GitHub reports nobody
        self.gh.threads[comment["id"]] = {"resolved": resolved, "by": None}
        return {"clientMutationId": None, "thread": self._thread(comment)}

    def resolveReviewThread(self, info: Any, input: dict[str, Any]):  # noqa: N802, A002
        return self._set(str(input["threadId"]), True)

    def unresolveReviewThread(self, info: Any, input: dict[str, Any]):  # noqa: N802, A002
        return self._set(str(input["threadId"]), False)
