"""A new GitHub output is one module: dropped into `reporter.github.publishers`, every
review posts it, with its own permissions, exactly once."""

from __future__ import annotations

import textwrap
from pathlib import Path

import pytest
from github_support import run_workflow

import reporter.github.publishers as publishers_package
from reporter.github.publishing import discover, publishers

MODULE = textwrap.dedent(
    '''
    """A throwaway output: a comment counting the findings, posted once per review."""

    from reporter.github.publishing import Publisher


    class Digest(Publisher):
        name = "digest"
        order = 25
        permissions = {"issues": "write"}

        def publish(self, ctx, state):
            client = ctx.client(self.permissions)
            marker = f"<!-- digest {ctx.key} -->"
            body = f"{len(ctx.report().findings)} findings\\n{marker}"

            def find():
                for comment in client.issue_comments(ctx.pull_number):
                    if marker in (comment.get("body") or ""):
                        return comment
                return None

            comment, created = client.create_issue_comment(ctx.pull_number, body, find)
            return {"comment_id": comment["id"], "created": created}


    PUBLISHER = Digest()
    '''
)


@pytest.fixture
def one_more_publisher(tmp_path: Path, monkeypatch):
    folder = tmp_path / "extra_publishers"
    folder.mkdir()
    (folder / "digest.py").write_text(MODULE)
    paths = [*publishers_package.__path__, str(folder)]
    monkeypatch.setattr(publishers_package, "__path__", paths)
    discover.cache_clear()
    yield
    discover.cache_clear()


def test_a_publisher_module_runs_in_every_review_once(
    one_more_publisher, scenario, workspace: Path
) -> None:
    found = ["threads", "review", "summary", "code_scanning", "digest", "check_run"]
    assert [p.name for p in discover()] == found
    gh, app = scenario.github, scenario.app()
    # code scanning is opt-in (REVIEWBOT_CODE_SCANNING): off, its module does not run
    assert [p.name for p in publishers(app)] == [n for n in found if n != "code_scanning"]
    first = run_workflow(app, scenario.trigger(), workspace)
    again = run_workflow(app, scenario.trigger(delivery_id="redelivered"), workspace)
    assert first.error is None and again.error is None
    assert first.result["outputs"]["digest"]["created"] is True
    assert again.result["outputs"]["digest"]["created"] is False  # found, not posted twice
    digests = [c for c in gh.issue_comments if c["body"].startswith("7 findings")]
    assert len(digests) == 1
    # its step asked for a token with only the permissions it declared
    grants = [r.body["permissions"] for r in gh.calls("POST", r"/access_tokens$")]
    assert {"issues": "write"} in grants
