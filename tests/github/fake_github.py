"""A fake GitHub for the tests: the REST calls reviewbot makes, plus git over smart HTTP.

It is served over real HTTP on 127.0.0.1 (see `served`), so githubkit, httpx and git all
run unchanged. It checks what GitHub checks and answers as GitHub answers: App JWTs
signed with the App's key, installation tokens scoped to repositories and permissions,
and, above all, a review whose comment is not on a RIGHT-side line of a hunk of the
file's patch is refused whole with 422. Every request is recorded; `fail_next` injects
faults (optionally after the request took effect, like a response lost on the way).
It knows several Apps: the scenario's own, and any created through the App manifest flow
(`fake_manifest_flow`), each with its key and installations.
"""

from __future__ import annotations

import itertools
import re
import secrets
import threading
import time
from dataclasses import dataclass, field
from typing import Any

import jwt
from fake_git_http import git_http_backend
from patch_oracle import right_side_hunks
from starlette.applications import Starlette
from starlette.requests import Request
from starlette.responses import JSONResponse, Response
from starlette.routing import Route

# what each endpoint needs, as GitHub documents it (metadata:read is implicit)
_NEEDS = [
    ("GET", r"/contents/", "contents", "read"),
    ("GET", r"/pulls/\d+$", "pull_requests", "read"),
    ("GET", r"/pulls/\d+/(files|reviews|comments)$", "pull_requests", "read"),
    ("POST", r"/pulls/\d+/reviews$", "pull_requests", "write"),
    ("GET", r"/(check-runs/\d+|commits/[^/]+/check-runs)$", "checks", "read"),
    ("POST", r"/check-runs$", "checks", "write"),
    ("PATCH", r"/check-runs/\d+$", "checks", "write"),
    ("GET", r"/issues/\d+/comments$", "issues", "read"),
    ("POST", r"/issues/\d+/comments$", "issues", "write"),
    ("PATCH", r"/issues/comments/\d+$", "issues", "write"),
    ("POST", r"/code-scanning/sarifs$", "security_events", "write"),
]


@dataclass
class Recorded:
    method: str
    path: str
    query: dict[str, str]
    body: Any
    authorization: str
    status: int = 0


@dataclass
class Fault:
    method: str
    pattern: str
    status: int
    headers: dict[str, str] = field(default_factory=dict)
    body: dict[str, Any] = field(default_factory=dict)
    after: bool = False  # apply the request, then answer with the fault


@dataclass
class FakeApp:
    """A registered App: the key its JWTs are checked with, and what the flow gave out."""

    id: int
    slug: str
    public_key: str
    details: dict[str, Any] = field(default_factory=dict)  # the manifest conversion's answer


@dataclass
class Pull:
    number: int
    head: str
    base: str
    files: list[dict[str, Any]]
    state: str = "open"
    changed_files: int | None = None


class FakeGitHub:
    def __init__(
        self, public_key: str, git_root: str, owner: str = "octo", name: str = "demo"
    ) -> None:
        self.public_key = public_key
        self.git_root = git_root  # a working repository, served as <owner>/<name>.git
        self.owner, self.name = owner, name
        self.app_id, self.slug, self.installation_id = 2, "reviewbot-test", 42
        self.apps: dict[int, FakeApp] = {self.app_id: FakeApp(self.app_id, self.slug, public_key)}
        self.installations: dict[int, int] = {self.installation_id: self.app_id}  # id -> App
        self.manifest_codes: dict[str, dict[str, Any]] = {}  # manifest flow: code -> App
        self.manifest_posts: list[dict[str, Any]] = []  # manifests POSTed to settings/apps/new
        self.base_url = ""  # set by `served`
        self.pulls: dict[int, Pull] = {}
        self.permissions: dict[str, str] = {}  # login -> role on the repository
        self.requests: list[Recorded] = []
        self.tokens: dict[str, dict[str, Any]] = {}
        self.reviews: list[dict[str, Any]] = []
        self.review_comments: list[dict[str, Any]] = []
        self.check_runs: dict[int, dict[str, Any]] = {}
        self.issue_comments: list[dict[str, Any]] = []
        # review threads by their first comment's id: {"resolved": bool, "by": login|None}
        self.threads: dict[int, dict[str, Any]] = {}
        self.reactions: dict[int, list[tuple[str, str]]] = {}  # comment id -> (login, "-1")
        self.sarifs: list[dict[str, Any]] = []  # code scanning uploads, as sent
        self.faults: list[Fault] = []
        self.holds: list[Any] = []  # github_support.Held: requests wait while one matches
        self.git_requests: list[str] = []
        self._ids = itertools.count(1000)
        self._lock = threading.RLock()
        from fake_manifest_flow import web_routes

        self.app = Starlette(
            routes=[
                Route("/git/{rest:path}", self._git, methods=["GET", "POST"]),
                Route("/api/v3/{rest:path}", self._api, methods=["GET", "POST", "PATCH"]),
                Route("/api/graphql", self._graphql, methods=["POST"]),
                *web_routes(self),
            ]
        )

    # ---- helpers for tests -------------------------------------------------------------
    @property
    def api_url(self) -> str:
        return f"{self.base_url}/api/v3"

    @property
    def clone_url(self) -> str:
        return f"{self.base_url}/git/{self.owner}/{self.name}.git"

    @property
    def bot(self) -> str:
        return f"{self.slug}[bot]"

    def fail_next(self, method: str, pattern: str, status: int, **kwargs: Any) -> None:
        self.faults.append(Fault(method, pattern, status, **kwargs))

    def install(self, app_id: int) -> int:
        """Install the App on the repository's account: the new installation's id."""
        with self._lock:
            installation_id = self.next_id()
            self.installations[installation_id] = app_id
            return installation_id

    def app_of(self, record: Recorded) -> FakeApp:
        """The App whose installation token authorised `record`."""
        token = record.authorization.partition(" ")[2]
        return self.apps[self.tokens[token]["app_id"]]

    def calls(self, method: str, pattern: str) -> list[Recorded]:
        return [r for r in self.requests if r.method == method and re.search(pattern, r.path)]

    def graphql_calls(self, operation: str) -> list[Recorded]:
        """GraphQL requests whose query text names `operation` (a field or a mutation)."""
        return [r for r in self.calls("POST", r"^/graphql$") if operation in r.body["query"]]

    # ---- people acting on GitHub's web interface ----------------------------------------
    def resolve_thread(self, comment_id: int, by: str) -> None:
        """`by` resolves the review thread that `comment_id` starts."""
        self.threads[comment_id] = {"resolved": True, "by": by}

    def react(self, comment_id: int, by: str, content: str = "-1") -> None:
        """`by` reacts to review comment `comment_id` (REST reaction names: -1, +1…)."""
        self.reactions.setdefault(comment_id, []).append((by, content))

    # ---- the HTTP side -----------------------------------------------------------------
    async def _git(self, request: Request) -> Response:
        token = _basic_token(request.headers.get("authorization", ""))
        grant = self.tokens.get(token or "")
        if not grant or grant["permissions"].get("contents") not in ("read", "write"):
            return Response(status_code=401, headers={"WWW-Authenticate": 'Basic realm="git"'})
        self.git_requests.append(request.url.path)
        return await git_http_backend(request, self.git_root, f"/{self.owner}/{self.name}.git")

    async def _graphql(self, request: Request) -> Response:
        import json

        from fake_graphql import execute

        body = json.loads(await request.body())
        record = Recorded("POST", "/graphql", {}, body, request.headers.get("authorization", ""))
        with self._lock:
            self.requests.append(record)
            fault = next(
                (f for f in self.faults if f.method == "POST" and f.pattern == "graphql"), None
            )
            if fault:
                self.faults.remove(fault)
                record.status = fault.status
                return JSONResponse(fault.body, fault.status, headers=fault.headers)
            scheme, _, token = record.authorization.partition(" ")
            grant = self.tokens.get(token) if scheme.lower() in ("token", "bearer") else None
            if grant is None:
                record.status = 401
                return JSONResponse({"message": "Bad credentials"}, 401)
            record.status = 200
            return JSONResponse(execute(self, grant, body))

    async def _api(self, request: Request) -> Response:
        path = "/" + request.path_params["rest"]
        raw = await request.body()  # first: a held request still lands if its client dies
        for held in list(self.holds):
            await held.wait(request.method, path)
        body = None
        if raw:
            import json

            body = json.loads(raw)
        record = Recorded(
            request.method,
            path,
            dict(request.query_params),
            body,
            request.headers.get("authorization", ""),
        )
        with self._lock:
            self.requests.append(record)
            fault = next(
                (
                    f
                    for f in self.faults
                    if f.method == request.method and re.search(f.pattern, path)
                ),
                None,
            )
            if fault:
                self.faults.remove(fault)
            if fault and not fault.after:
                record.status = fault.status
                return JSONResponse(fault.body, fault.status, headers=fault.headers)
            response = self._handle(request.method, path, record)
            record.status = fault.status if fault else response.status_code
            if fault:
                return JSONResponse(fault.body, fault.status, headers=fault.headers)
            return response

    def _handle(self, method: str, path: str, record: Recorded) -> Response:
        if path == "/app" or path.startswith("/app/"):
            app, problem = self._check_jwt(record.authorization)
            if app is None:
                return JSONResponse({"message": problem}, 401)
            if path == "/app":
                return JSONResponse({"id": app.id, "slug": app.slug})
            return self._issue_token(app, path, record.body or {})
        conversion = re.fullmatch(r"/app-manifests/([^/]+)/conversions", path)
        if conversion and method == "POST":
            from fake_manifest_flow import convert

            return convert(self, conversion.group(1))
        prefix = f"/repos/{self.owner}/{self.name}"
        if not path.startswith(prefix + "/"):
            return JSONResponse({"message": "Not Found"}, 404)
        rest = path[len(prefix) :]
        problem = self._check_token(record.authorization, method, rest)
        if problem:
            return JSONResponse({"message": problem}, 403 if "permission" in problem else 401)
        from fake_routes import route

        return route(self, method, rest, record)

    def _check_jwt(self, authorization: str) -> tuple[FakeApp | None, str]:
        """The App that signed the JWT (its `iss`, checked with that App's key), or why not."""
        if not authorization.startswith("Bearer "):
            return None, "A JSON web token could not be decoded"
        try:
            issuer = jwt.decode(authorization[7:], options={"verify_signature": False})["iss"]
            app = self.apps.get(int(issuer))
            if app is None:
                return None, "wrong issuer"
            jwt.decode(authorization[7:], app.public_key, algorithms=["RS256"])
        except (jwt.PyJWTError, KeyError, ValueError) as exc:
            return None, f"bad JWT: {exc}"
        return app, ""

    def _issue_token(self, app: FakeApp, path: str, body: dict[str, Any]) -> Response:
        match = re.fullmatch(r"/app/installations/(\d+)/access_tokens", path)
        if not match or self.installations.get(int(match.group(1))) != app.id:
            return JSONResponse({"message": "Not Found"}, 404)
        token = "ghs_" + secrets.token_hex(18)
        expires = time.strftime("%Y-%m-%dT%H:%M:%SZ", time.gmtime(time.time() + 3600))
        everything = {p: "write" for p in ("contents", "pull_requests", "checks", "issues")}
        self.tokens[token] = {  # unscoped requests get all the installation's permissions
            "app_id": app.id,
            "repositories": body.get("repositories"),
            "permissions": body.get("permissions") or everything,
        }
        return JSONResponse({"token": token, "expires_at": expires}, 201)

    def _check_token(self, authorization: str, method: str, rest: str) -> str | None:
        scheme, _, token = authorization.partition(" ")
        grant = self.tokens.get(token) if scheme.lower() in ("token", "bearer") else None
        if grant is None:
            return "Bad credentials"
        if grant["repositories"] is not None and self.name not in grant["repositories"]:
            return "Resource not accessible by integration (repository)"
        for need_method, pattern, permission, level in _NEEDS:
            if need_method == method and re.search(pattern, rest):
                have = grant["permissions"].get(permission)
                if have != "write" and (level == "write" or have != "read"):
                    return f"Resource not accessible by integration (permission {permission})"
        return None

    # ---- state used by the routes ------------------------------------------------------
    def next_id(self) -> int:
        return next(self._ids)

    def validate_review(self, pull: Pull, body: dict[str, Any]) -> str | None:
        """Why GitHub would answer 422 to this review, or None."""
        patches = {f["filename"]: f.get("patch") for f in pull.files}
        for comment in body.get("comments") or []:
            patch = patches.get(comment.get("path"))
            if not patch:
                return "Path could not be resolved"
            if comment.get("side", "RIGHT") != "RIGHT":
                return "Only RIGHT-side comments are expected from reviewbot"
            hunks = right_side_hunks(patch)
            line, start = comment.get("line"), comment.get("start_line")
            hunk = next((h for h in hunks if line in h), None)
            if hunk is None:
                return "Line could not be resolved"
            if start is not None and (start >= line or start not in hunk):
                return "start_line must be part of the same hunk as the line"
        return None


def _basic_token(authorization: str) -> str | None:
    """The token of `Authorization: Basic base64(x-access-token:<token>)`, as git sends it."""
    import base64

    scheme, _, encoded = authorization.partition(" ")
    if scheme.lower() != "basic":
        return None
    user, _, token = base64.b64decode(encoded).decode().partition(":")
    return token if user == "x-access-token" else None
