"""The fake GitHub's side of the App manifest flow, as GitHub does it
(https://docs.github.com/apps/sharing-github-apps/registering-a-github-app-from-a-manifest):

- `POST /settings/apps/new?state=` (or `/organizations/<org>/settings/apps/new`) with the
  manifest as JSON in the `manifest` form field shows a page where the user names the App;
  its button creates the App and redirects to the manifest's `redirect_url` with
  `?code=&state=`. A manifest without the fields GitHub requires gets a 422 page.
- `POST /api/v3/app-manifests/{code}/conversions` (no authentication) answers 201 with the
  App: id, slug, html_url, a new RSA key (`pem`), a generated `webhook_secret`, ...; the
  code works once. The new App's JWTs are accepted from then on.
- `GET /apps/<slug>/installations/new` shows the install page; its button installs the App
  on the repository's account (`FakeGitHub.install`) and says the installation's id.
"""

from __future__ import annotations

import json
import re
import secrets
import time
from html import escape
from typing import TYPE_CHECKING, Any
from urllib.parse import parse_qs, urlencode

from github_support import rsa_pair
from starlette.requests import Request
from starlette.responses import HTMLResponse, JSONResponse, RedirectResponse, Response
from starlette.routing import Route

if TYPE_CHECKING:
    from fake_github import FakeGitHub


def web_routes(gh: FakeGitHub) -> list[Route]:
    async def new_app(request: Request) -> Response:
        return await _new_app_page(gh, request)

    async def create(request: Request) -> Response:
        return await _create_app(gh, request)

    async def install_page(request: Request) -> Response:
        return _install_page(gh, request.path_params["slug"])

    async def install(request: Request) -> Response:
        return _install(gh, request.path_params["slug"])

    return [
        Route("/settings/apps/new", new_app, methods=["GET", "POST"]),
        Route("/organizations/{org}/settings/apps/new", new_app, methods=["GET", "POST"]),
        Route("/settings/apps/new/create", create, methods=["POST"]),
        Route("/apps/{slug}/installations/new", install_page, methods=["GET"]),
        Route("/apps/{slug}/installations", install, methods=["POST"]),
    ]


def _page(title: str, body: str, status: int = 200) -> HTMLResponse:
    html = f"<!DOCTYPE html><html><head><title>{escape(title)}</title></head><body>"
    return HTMLResponse(f"{html}<h1>{escape(title)}</h1>{body}</body></html>", status)


async def _form(request: Request) -> dict[str, str]:
    fields = parse_qs((await request.body()).decode(), keep_blank_values=True)
    return {name: values[0] for name, values in fields.items()}


def _manifest_problem(manifest: Any) -> str | None:
    if not isinstance(manifest, dict):
        return "the manifest is not a JSON object"
    hook = manifest.get("hook_attributes")
    if not manifest.get("url") or not isinstance(hook, dict) or not hook.get("url"):
        return "url and hook_attributes.url are required"
    if not str(manifest.get("redirect_url", "")).startswith(("http://", "https://")):
        return "redirect_url must be a URL"
    return None


async def _new_app_page(gh: FakeGitHub, request: Request) -> Response:
    form = await _form(request) if request.method == "POST" else {}
    state = request.query_params.get("state") or form.get("state", "")
    owner = request.path_params.get("org") or gh.owner
    try:
        manifest = json.loads(form.get("manifest", ""))
    except ValueError:
        manifest = None
    problem = _manifest_problem(manifest)
    if problem:
        return _page("Register new GitHub App", f"<p id='error'>{escape(problem)}</p>", 422)
    gh.manifest_posts.append({"owner": owner, "state": state, "manifest": manifest})
    body = f"""<form method="post" action="/settings/apps/new/create">
<p>Create a GitHub App for <b id="owner">{escape(owner)}</b> from this manifest.</p>
<label>GitHub App name <input id="name" name="name" value="{escape(manifest.get("name", ""))}">
</label>
<input type="hidden" name="manifest" value="{escape(json.dumps(manifest))}">
<input type="hidden" name="state" value="{escape(state)}">
<input type="hidden" name="owner" value="{escape(owner)}">
<button id="create" type="submit">Create GitHub App for {escape(owner)}</button></form>"""
    return _page("Create GitHub App", body)


async def _create_app(gh: FakeGitHub, request: Request) -> Response:
    form = await _form(request)
    manifest = json.loads(form["manifest"])
    manifest["name"] = form.get("name") or manifest.get("name", "")
    code = secrets.token_hex(10)
    gh.manifest_codes[code] = {"manifest": manifest, "owner": form.get("owner", gh.owner)}
    query = {"code": code, **({"state": form["state"]} if form.get("state") else {})}
    return RedirectResponse(f"{manifest['redirect_url']}?{urlencode(query)}", 302)


def convert(gh: FakeGitHub, code: str) -> Response:
    """POST /app-manifests/{code}/conversions: the App, with its key and secret, once."""
    from fake_github import FakeApp

    pending = gh.manifest_codes.pop(code, None)
    if pending is None:
        return JSONResponse({"message": "Not Found", "status": "404"}, 404)
    manifest, owner = pending["manifest"], pending["owner"]
    private, public = rsa_pair()
    app_id = 100 + len(gh.apps)
    slug = re.sub(r"[^a-z0-9]+", "-", manifest["name"].lower()).strip("-")
    now = time.strftime("%Y-%m-%dT%H:%M:%SZ", time.gmtime())
    details = {
        "id": app_id,
        "slug": slug,
        "node_id": f"A_{app_id}",
        "owner": {"login": owner, "id": 1, "type": "User"},
        "name": manifest["name"],
        "description": manifest.get("description", ""),
        "external_url": manifest["url"],
        "html_url": f"{gh.base_url}/apps/{slug}",
        "created_at": now,
        "updated_at": now,
        "permissions": manifest.get("default_permissions", {}),
        "events": manifest.get("default_events", []),
        "hook_url": manifest["hook_attributes"]["url"],  # not in GitHub's answer: for tests
        "client_id": f"Iv1.{secrets.token_hex(8)}",
        "client_secret": secrets.token_hex(20),
        "webhook_secret": secrets.token_hex(20),
        "pem": private,
    }
    gh.apps[app_id] = FakeApp(app_id, slug, public, details)
    answer = {k: v for k, v in details.items() if k != "hook_url"}
    return JSONResponse(answer, 201)


def _app_by_slug(gh: FakeGitHub, slug: str) -> Any:
    return next((app for app in gh.apps.values() if app.slug == slug), None)


def _install_page(gh: FakeGitHub, slug: str) -> Response:
    if _app_by_slug(gh, slug) is None:
        return _page("Not Found", "", 404)
    body = f"""<form method="post" action="/apps/{escape(slug)}/installations">
<p>Install <b>{escape(slug)}</b> on <b>{escape(gh.owner)}</b>, all repositories.</p>
<button id="install" type="submit">Install</button></form>"""
    return _page(f"Install {slug}", body)


def _install(gh: FakeGitHub, slug: str) -> Response:
    app = _app_by_slug(gh, slug)
    if app is None:
        return _page("Not Found", "", 404)
    installation_id = gh.install(app.id)
    body = f"<p>Installed: installation <span id='installation'>{installation_id}</span></p>"
    return _page(f"{slug} is installed", body)
