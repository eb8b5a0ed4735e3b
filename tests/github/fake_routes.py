"""The fake GitHub's repository endpoints, answering with the fields reviewbot reads."""

from __future__ import annotations

import base64
import gzip
import re
import subprocess
from typing import TYPE_CHECKING, Any

from starlette.responses import JSONResponse, Response

if TYPE_CHECKING:
    from fake_github import FakeGitHub, Pull, Recorded


def route(gh: FakeGitHub, method: str, rest: str, record: Recorded) -> Response:
    for verb, pattern, handler in _ROUTES:
        match = re.fullmatch(pattern, rest)
        if verb == method and match:
            return handler(gh, record, *match.groups())
    return JSONResponse({"message": "Not Found"}, 404)


def _page(gh: FakeGitHub, record: Recorded, items: list[Any]) -> Response:
    per_page = int(record.query.get("per_page", 30))
    page = int(record.query.get("page", 1))
    chunk = items[(page - 1) * per_page : page * per_page]
    headers = {}
    if page * per_page < len(items):
        url = f"{gh.api_url}{record.path}"
        headers["Link"] = f'<{url}?per_page={per_page}&page={page + 1}>; rel="next"'
    return JSONResponse(chunk, headers=headers)


def _pull(gh: FakeGitHub, number: str) -> Pull | None:
    return gh.pulls.get(int(number))


def get_pull(gh: FakeGitHub, record: Recorded, number: str) -> Response:
    pull = _pull(gh, number)
    if pull is None:
        return JSONResponse({"message": "Not Found"}, 404)
    repo = {"full_name": f"{gh.owner}/{gh.name}", "clone_url": gh.clone_url}
    return JSONResponse(
        {
            "number": pull.number,
            "state": pull.state,
            "draft": False,
            "head": {"sha": pull.head, "ref": "feature", "repo": repo},
            "base": {"sha": pull.base, "ref": "main", "repo": repo},
            "changed_files": pull.changed_files or len(pull.files),
        }
    )


def list_files(gh: FakeGitHub, record: Recorded, number: str) -> Response:
    pull = _pull(gh, number)
    return _page(gh, record, pull.files[:3000] if pull else [])


def list_reviews(gh: FakeGitHub, record: Recorded, number: str) -> Response:
    return _page(gh, record, [r for r in gh.reviews if r["pull_number"] == int(number)])


def list_review_comments(gh: FakeGitHub, record: Recorded, number: str) -> Response:
    items = [c for c in gh.review_comments if c["pull_number"] == int(number)]
    return _page(gh, record, items)


def create_review(gh: FakeGitHub, record: Recorded, number: str) -> Response:
    pull = _pull(gh, number)
    body = record.body or {}
    if pull is None:
        return JSONResponse({"message": "Not Found"}, 404)
    problem = gh.validate_review(pull, body)
    if problem:
        return JSONResponse(
            {"message": "Unprocessable Entity", "errors": [problem], "status": "422"}, 422
        )
    review_id = gh.next_id()
    state = {"REQUEST_CHANGES": "CHANGES_REQUESTED", "APPROVE": "APPROVED"}
    review = {
        "id": review_id,
        "pull_number": pull.number,
        "user": {"login": f"{gh.app_of(record).slug}[bot]", "type": "Bot"},
        "body": body.get("body", ""),
        "state": state.get(body.get("event", ""), "COMMENTED"),
        "commit_id": body.get("commit_id") or pull.head,
    }
    gh.reviews.append(review)
    for comment in body.get("comments") or []:
        gh.review_comments.append(
            {
                "id": gh.next_id(),
                "pull_number": pull.number,
                "pull_request_review_id": review_id,
                "user": {"login": f"{gh.app_of(record).slug}[bot]", "type": "Bot"},
                "path": comment["path"],
                "line": comment["line"],
                "original_line": comment["line"],
                "start_line": comment.get("start_line"),
                "side": "RIGHT",
                "body": comment["body"],
                "commit_id": review["commit_id"],
            }
        )
    return JSONResponse(review)


def list_check_runs(gh: FakeGitHub, record: Recorded, sha: str) -> Response:
    runs = [
        r
        for r in gh.check_runs.values()
        if r["head_sha"] == sha
        and r["name"] == record.query.get("check_name", r["name"])
        and str(r["app"]["id"]) == record.query.get("app_id", str(r["app"]["id"]))
    ]
    return JSONResponse({"total_count": len(runs), "check_runs": runs})


def create_check_run(gh: FakeGitHub, record: Recorded) -> Response:
    body = record.body or {}
    run_id = gh.next_id()
    run = {
        "id": run_id,
        "app": {"id": gh.app_of(record).id, "slug": gh.app_of(record).slug},
        "annotations": [],
        **{k: v for k, v in body.items() if k != "output"},
    }
    gh.check_runs[run_id] = run
    _apply_output(run, body.get("output"))
    return JSONResponse(_public(run), 201)


def update_check_run(gh: FakeGitHub, record: Recorded, run_id: str) -> Response:
    run = gh.check_runs.get(int(run_id))
    if run is None:
        return JSONResponse({"message": "Not Found"}, 404)
    body = record.body or {}
    annotations = (body.get("output") or {}).get("annotations") or []
    if len(annotations) > 50:
        return JSONResponse({"message": "Only 50 annotations per request"}, 422)
    run.update({k: v for k, v in body.items() if k != "output"})
    if "conclusion" in body:
        run["status"] = "completed"
    _apply_output(run, body.get("output"))
    return JSONResponse(_public(run))


def get_check_run(gh: FakeGitHub, record: Recorded, run_id: str) -> Response:
    run = gh.check_runs.get(int(run_id))
    if run is None:
        return JSONResponse({"message": "Not Found"}, 404)
    return JSONResponse(_public(run))


def _apply_output(run: dict[str, Any], output: dict[str, Any] | None) -> None:
    if not output:
        return
    run["annotations"] = run["annotations"] + list(output.get("annotations") or [])
    run["output"] = {
        **{k: v for k, v in output.items() if k != "annotations"},
        "annotations_count": len(run["annotations"]),
    }


def _public(run: dict[str, Any]) -> dict[str, Any]:
    return {k: v for k, v in run.items() if k != "annotations"}


def list_issue_comments(gh: FakeGitHub, record: Recorded, number: str) -> Response:
    items = [c for c in gh.issue_comments if c["issue_number"] == int(number)]
    return _page(gh, record, items)


def create_issue_comment(gh: FakeGitHub, record: Recorded, number: str) -> Response:
    comment = {
        "id": gh.next_id(),
        "issue_number": int(number),
        "user": {"login": f"{gh.app_of(record).slug}[bot]", "type": "Bot"},
        "body": (record.body or {}).get("body", ""),
    }
    gh.issue_comments.append(comment)
    return JSONResponse(comment, 201)


def update_issue_comment(gh: FakeGitHub, record: Recorded, comment_id: str) -> Response:
    for comment in gh.issue_comments:
        if comment["id"] == int(comment_id):
            comment["body"] = (record.body or {}).get("body", "")
            return JSONResponse(comment)
    return JSONResponse({"message": "Not Found"}, 404)


def collaborator_permission(gh: FakeGitHub, record: Recorded, user: str) -> Response:
    """A user's permission as GitHub answers it (404 for someone who is no collaborator)."""
    level = gh.permissions.get(user)
    if level is None:
        return JSONResponse({"message": "Not Found"}, 404)
    legacy = {"maintain": "write", "triage": "read"}.get(level, level)
    return JSONResponse({"permission": legacy, "role_name": level, "user": {"login": user}})


def get_content(gh: FakeGitHub, record: Recorded, path: str) -> Response:
    """GET /contents/{path}?ref=: a file as base64 in lines of 60, a directory as a list,
    a symbolic link or a submodule described; 404 for a path or ref that is not there."""
    ref = record.query.get("ref", "HEAD")
    git = ["git", "-C", gh.git_root]
    listed = subprocess.run(
        [*git, "ls-tree", "-z", "-l", ref, "--", path.rstrip("/")], capture_output=True
    )
    entries = [e for e in listed.stdout.decode().split("\0") if e]
    if listed.returncode != 0 or not entries:
        return JSONResponse({"message": "Not Found", "status": "404"}, 404)
    info, name = entries[0].split("\t", 1)
    mode, kind, oid, size = info.split()
    common = {"name": name.rsplit("/", 1)[-1], "path": name, "sha": oid}
    if kind == "tree":
        return JSONResponse([{**common, "type": "dir"}])
    if kind == "commit":
        return JSONResponse({**common, "type": "submodule", "size": 0})
    blob = subprocess.run([*git, "cat-file", "blob", oid], capture_output=True, check=True).stdout
    if mode == "120000":
        return JSONResponse({**common, "type": "symlink", "target": blob.decode(), "size": 0})
    encoded = base64.b64encode(blob).decode()
    lines = "".join(encoded[i : i + 60] + "\n" for i in range(0, len(encoded), 60))
    return JSONResponse(
        {**common, "type": "file", "size": int(size), "encoding": "base64", "content": lines}
    )


def react(gh: FakeGitHub, record: Recorded, comment_id: str) -> Response:
    return JSONResponse({"id": gh.next_id(), "content": (record.body or {}).get("content")}, 201)


def upload_sarif(gh: FakeGitHub, record: Recorded) -> Response:
    """As GitHub: 202 with the upload's id; a log that is not gzip+base64 is a 400."""
    body = record.body or {}
    try:
        gzip.decompress(base64.b64decode(body.get("sarif", ""), validate=True))
    except (ValueError, OSError):
        return JSONResponse({"message": "Invalid SARIF: not gzipped and base64 encoded"}, 400)
    if not re.fullmatch(r"[0-9a-f]{40}", str(body.get("commit_sha"))) or not str(
        body.get("ref", "")
    ).startswith("refs/"):
        return JSONResponse({"message": "Invalid request: commit_sha and ref"}, 422)
    gh.sarifs.append(body)
    sarif_id = f"sarif-{gh.next_id()}"
    url = f"{gh.api_url}/repos/{gh.owner}/{gh.name}/code-scanning/sarifs/{sarif_id}"
    return JSONResponse({"id": sarif_id, "url": url}, 202)


_ROUTES = [
    ("POST", r"/code-scanning/sarifs", upload_sarif),
    ("GET", r"/collaborators/([^/]+)/permission", collaborator_permission),
    ("POST", r"/issues/comments/(\d+)/reactions", react),
    ("GET", r"/contents/(.+)", get_content),
    ("GET", r"/pulls/(\d+)", get_pull),
    ("GET", r"/pulls/(\d+)/files", list_files),
    ("GET", r"/pulls/(\d+)/reviews", list_reviews),
    ("POST", r"/pulls/(\d+)/reviews", create_review),
    ("GET", r"/pulls/(\d+)/comments", list_review_comments),
    ("GET", r"/commits/([0-9a-f]+)/check-runs", list_check_runs),
    ("POST", r"/check-runs", create_check_run),
    ("PATCH", r"/check-runs/(\d+)", update_check_run),
    ("GET", r"/check-runs/(\d+)", get_check_run),
    ("GET", r"/issues/(\d+)/comments", list_issue_comments),
    ("POST", r"/issues/(\d+)/comments", create_issue_comment),
    ("PATCH", r"/issues/comments/(\d+)", update_issue_comment),
]
