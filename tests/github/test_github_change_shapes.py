"""The change shapes that broke reviews, in GitHub mode against the fake GitHub (which,
like GitHub, refuses a review whose comment is on a line its diff does not show)."""

from __future__ import annotations

from pathlib import Path

import pytest
from github_support import fake_pull_request, inline_of, run_workflow

from reporter.github.client import GitHubApp
from reporter.github.retry import RetryPolicy
from reporter.github.settings import GitHubSettings
from review.trigger import ReviewTrigger

SHELL = "    return subprocess.call(cmd, shell=True)"
APP_BASE = "import subprocess\n\n\ndef run(cmd):\n    return subprocess.call(cmd)\n"
APP_HEAD = f"import subprocess\n\n\ndef run(cmd):\n{SHELL}\n"


def review(make_repo, app_key, head_files: dict, base_files: dict, workspace: Path):
    repo = make_repo([base_files, head_files], name="demo")
    private, public = app_key
    with fake_pull_request(repo, public) as fake:
        settings = GitHubSettings(app_id=fake.app_id, private_key=private, api_url=fake.api_url)
        app = GitHubApp(settings, policy=RetryPolicy(sleep=lambda _: None))
        trigger = ReviewTrigger(
            "d-1", "pull_request", f"{fake.owner}/{fake.name}", fake.clone_url,
            fake.installation_id, 1, repo.head, "main", "feature",
        )  # fmt: skip
        ran = run_workflow(app, trigger, workspace)
        return fake, ran


@pytest.mark.parametrize(
    "head_files",
    [
        pytest.param({"config.py": "link"}, id="a file turned into a symbolic link"),
        pytest.param({".gitattributes": "*.py -diff\n"}, id="gitattributes hiding python"),
    ],
)
def test_the_finding_on_app_py_line_5_is_commented(
    make_repo, app_key, head_files, tmp_path: Path
) -> None:
    head = {"app.py": APP_HEAD}
    for name, content in head_files.items():
        head[name] = make_repo.link("settings.py") if content == "link" else content
    base = {"app.py": APP_BASE, "config.py": "DEBUG = False\n"}
    fake, ran = review(make_repo, app_key, head, base, tmp_path / "workspace")
    assert ran.error is None, ran.error
    (posted,) = fake.calls("POST", r"/pulls/1/reviews$")
    assert posted.status == 200  # every comment is on a line GitHub shows
    assert ("app.py", 5, None, "B602") in inline_of(posted.body)
    (run,) = fake.check_runs.values()
    assert run["conclusion"] == "failure"


def test_a_suggestion_replaces_exactly_the_lines_its_fix_edits(
    make_repo, app_key, tmp_path: Path
) -> None:
    head = {"mod.py": "import os, \\\n    sys\n\nx = 1\n"}  # both names unused
    fake, ran = review(make_repo, app_key, head, {"README.md": "x\n"}, tmp_path / "workspace")
    assert ran.error is None, ran.error
    (posted,) = fake.calls("POST", r"/pulls/1/reviews$")
    assert posted.status == 200
    unused = [c for c in posted.body["comments"] if "**F401**" in c["body"]]
    assert len(unused) == 2
    for comment in unused:
        # the fix removes the whole two-line statement: the comment spans both lines, so
        # applying the suggestion leaves no orphaned `    sys` behind
        assert (comment.get("start_line"), comment["line"]) == (1, 2)
        assert "```suggestion\n```" in comment["body"]


def test_findings_in_files_with_odd_names_are_commented_on_them(
    make_repo, app_key, tmp_path: Path
) -> None:
    # hadolint, oxlint and zizmor print paths in SARIF URIs, where a newline is dropped
    head = {
        "x\ny.js": "const x = 1;\neval(x);\n",
        "a\nb.Dockerfile": "FROM python:latest\nUSER 1000\n",
        "h#q.js": "const x = 1;\neval(x);\n",
    }
    fake, ran = review(make_repo, app_key, head, {"README.md": "x\n"}, tmp_path / "workspace")
    assert ran.error is None, ran.error
    (posted,) = fake.calls("POST", r"/pulls/1/reviews$")
    assert posted.status == 200  # GitHub takes every comment: each on its file's lines
    inline = {(path, line) for path, line, _, _ in inline_of(posted.body)}
    assert {("x\ny.js", 2), ("a\nb.Dockerfile", 1), ("h#q.js", 2)} <= inline
