"""git's smart HTTP protocol for the fake GitHub, by running `git http-backend` as CGI."""

from __future__ import annotations

import asyncio
import os
import subprocess

from starlette.requests import Request
from starlette.responses import Response


async def git_http_backend(request: Request, work_tree: str, prefix: str) -> Response:
    """Serve `<prefix>/...` (e.g. /octo/demo.git/info/refs) from `work_tree`'s .git."""
    path = request.url.path.split("/git", 1)[1]
    if not path.startswith(prefix):
        return Response(status_code=404)
    env = {
        "PATH": os.environ.get("PATH", "/usr/bin:/bin"),
        "GIT_PROJECT_ROOT": work_tree,
        "GIT_HTTP_EXPORT_ALL": "1",
        "GIT_CONFIG_NOSYSTEM": "1",
        "GIT_CONFIG_GLOBAL": os.devnull,
        # as GitHub: partial clones (--filter) and commits asked for by id
        "GIT_CONFIG_COUNT": "2",
        "GIT_CONFIG_KEY_0": "uploadpack.allowFilter",
        "GIT_CONFIG_VALUE_0": "true",
        "GIT_CONFIG_KEY_1": "uploadpack.allowReachableSHA1InWant",
        "GIT_CONFIG_VALUE_1": "true",
        "PATH_INFO": "/.git" + path[len(prefix) :],
        "REQUEST_METHOD": request.method,
        "QUERY_STRING": request.url.query,
        "CONTENT_TYPE": request.headers.get("content-type", ""),
        "REMOTE_ADDR": "127.0.0.1",
    }
    if request.headers.get("content-encoding"):
        env["HTTP_CONTENT_ENCODING"] = request.headers["content-encoding"]
    if request.headers.get("git-protocol"):
        env["GIT_PROTOCOL"] = request.headers["git-protocol"]
    body = await request.body()
    env["CONTENT_LENGTH"] = str(len(body))
    done = await asyncio.to_thread(
        subprocess.run,
        ["git", "http-backend"],
        input=body,
        env=env,
        capture_output=True,
        check=False,
    )
    head, _, content = done.stdout.partition(b"\r\n\r\n")
    if not _:
        head, _, content = done.stdout.partition(b"\n\n")
    status, headers = 200, {}
    for line in head.decode("latin-1").splitlines():
        name, _, value = line.partition(":")
        if name.lower() == "status":
            status = int(value.strip().split()[0])
        elif name:
            headers[name.strip()] = value.strip()
    return Response(content, status_code=status, headers=headers)
