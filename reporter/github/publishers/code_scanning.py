"""SARIF to GitHub code scanning: the review's findings as alerts on the pull request.

Opt-in (`REVIEWBOT_CODE_SCANNING=true`): the upload needs the App permission
`security_events: write`, which `webhook/app-manifest.yml` does not ask for, and code scanning
must be available on the repository (public, or GitHub Advanced Security / Code
Security). The log is `reporter.formats.sarif`'s, one run per agent, gzipped and
base64-encoded as the API wants, for the pull request's head commit and
`refs/pull/<n>/head`. GitHub processes it after answering; a refusal (code scanning off,
the permission missing) is logged and reported in the check run, and the review stands.
"""

from __future__ import annotations

import base64
import gzip
import logging
from typing import Any

from reporter.formats.sarif import render_sarif
from reporter.github.client import GitHubApp
from reporter.github.errors import GitHubError
from reporter.github.publishing import PublishContext, Publisher, State

log = logging.getLogger(__name__)

MAX_UPLOAD_BYTES = 10 * 2**20  # GitHub's limit on the gzipped log


class CodeScanningPublisher(Publisher):
    name = "code_scanning"
    order = 25  # before the check run, which reports a refused upload
    permissions = {"security_events": "write"}

    def enabled(self, app: GitHubApp) -> bool:
        return app.settings.code_scanning

    def publish(self, ctx: PublishContext, state: State) -> dict[str, Any]:
        if state.get("review", {}).get("stale"):  # the head moved on: a newer review uploads
            return {"sarif_id": None}
        packed = gzip.compress(render_sarif(ctx.report()).encode(), mtime=0)
        if len(packed) > MAX_UPLOAD_BYTES:
            return {"sarif_id": None, "problem": "The SARIF log is over GitHub's 10 MB limit."}
        encoded = base64.b64encode(packed).decode("ascii")
        ref = f"refs/pull/{ctx.pull_number}/head"
        try:
            receipt = ctx.client(self.permissions).upload_sarif(ctx.head, ref, encoded)
        except GitHubError as exc:
            log.warning("SARIF not uploaded to code scanning: %s", exc)
            return {
                "sarif_id": None,
                "problem": f"The SARIF upload to code scanning failed: {exc}. It needs the "
                "App permission security_events: write and code scanning on the repository.",
            }
        return {"sarif_id": receipt.get("id")}


PUBLISHER = CodeScanningPublisher()
