"""The setup page's HTML: small server-rendered pages, no script nor style sheet, every
value escaped.

Each function returns a whole document; `html.escape` (quotes included) is applied to every
value that is not a literal of this module, the manifest JSON in its hidden field too.
"""

from __future__ import annotations

from collections.abc import Mapping
from html import escape
from typing import Any


def _document(title: str, body: str) -> str:
    return (
        '<!DOCTYPE html>\n<html lang="en"><head><meta charset="utf-8">'
        '<meta name="viewport" content="width=device-width,initial-scale=1">'
        f"<title>{escape(title)}</title></head>"
        f"<body><h1>{escape(title)}</h1>\n{body}\n</body></html>\n"
    )


def _details(manifest: Mapping[str, Any]) -> str:
    permissions = ", ".join(
        f"{name}: {level}" for name, level in sorted(manifest["default_permissions"].items())
    )
    rows = [
        ("Name (you can change it on GitHub)", manifest["name"]),
        ("Webhook URL", manifest["hook_attributes"]["url"]),
        ("Returns to", manifest["redirect_url"]),
        ("Permissions", permissions),
        ("Events", ", ".join(manifest["default_events"])),
    ]
    items = "".join(f"<dt>{escape(k)}</dt><dd><code>{escape(v)}</code></dd>" for k, v in rows)
    return f"<dl>{items}</dl>"


def setup_page(
    manifest: Mapping[str, Any],
    manifest_json: str,
    action: str,
    owner: str | None,
    problem: str | None = None,
) -> str:
    """The form that registers the App from `manifest` on GitHub (POST to `action`, whose
    query carries the state), for the personal account or the organisation `owner`."""
    account = f"the organisation <code>{escape(owner)}</code>" if owner else "your own account"
    error = f'<p id="problem"><strong>{escape(problem)}</strong></p>' if problem else ""
    body = f"""{error}
<p>No GitHub App is configured for this server yet. This creates one on GitHub from the
App manifest, owned by {account}. GitHub asks you to confirm and to name it, then sends you
back here; this server then stores the App's id, private key and webhook secret and starts
using them at once.</p>
{_details(manifest)}
<form id="create" method="post" action="{escape(action)}">
<input type="hidden" name="manifest" value="{escape(manifest_json)}">
<button type="submit" id="submit">Create the GitHub App on GitHub</button>
</form>
<h2>Owned by an organisation instead</h2>
<form id="owner" method="get" action="/setup">
<label>Organisation <input name="organization" id="organization"
 value="{escape(owner or "")}" pattern="[A-Za-z0-9][A-Za-z0-9\\-]{{0,38}}"></label>
<button type="submit" id="use-organization">Use this organisation</button>
</form>
<p>Leave it empty for your own account. You need to be an owner of the organisation, or
an App manager in it.</p>"""
    return _document("Set up reviewbot", body)


def created_page(slug: str, html_url: str, install_url: str, stored_in: str) -> str:
    """What the callback shows once the App is created and this server uses it."""
    app = f'<a id="app" href="{escape(html_url)}"><code>{escape(slug)}</code></a>'
    body = f"""<p>GitHub created the App {app}, and this server now acts as it: deliveries
are checked with its webhook secret and reviews are posted with its key. They are stored in
<code>{escape(stored_in)}</code> (readable by this user only), read again at the next
start.</p>
<p><a id="install" href="{escape(install_url)}">Install the App</a> on the repositories it
should review. Pull requests opened or updated there are then reviewed.</p>"""
    return _document("reviewbot is set up", body)


def problem_page(title: str, problem: str, retry: bool = True) -> str:
    """An error: one sentence saying what went wrong and what to do next."""
    again = '<p><a id="again" href="/setup">Start again</a></p>' if retry else ""
    return _document(title, f'<p id="problem"><strong>{escape(problem)}</strong></p>{again}')
