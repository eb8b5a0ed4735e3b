"""The repository's `.github/reviewbot.yml` in GitHub mode, against the fake GitHub: read
through the contents API at the pull request's base, never the head; a head that breaks
it gets annotations on its lines; an invalid base file is named in the check run's title
and the summary comment's first line."""

from __future__ import annotations

from pathlib import Path

import pytest
from github_support import fake_pull_request, inline_of, run_workflow

from reporter.formats.markdown import SUMMARY_MARKER
from reporter.github.client import GitHubApp
from reporter.github.retry import RetryPolicy
from reporter.github.settings import GitHubSettings
from review.trigger import ReviewTrigger

CONFIG = ".github/reviewbot.yml"
SETTINGS = """\
agents: [style]
exclude: ["vendor/"]
disable_rules: [E711]
fail_on: note
"""
BASE = {"app.py": "x = 1\n", CONFIG: SETTINGS}
# style finds F401 (unused import) and E711 (== None) in app.py, F401 in vendor/lib.py
CHANGE = {
    "app.py": "import os\n\nx = 1\nif x == None:\n    x = 2\n",
    "vendor/lib.py": "import json\n",
}


def review(make_repo, app_key, base: dict, head: dict, workspace: Path, **trigger):
    """Review pull request #1 (base -> head) of a repository of its own (in `workspace`'s
    parent) on the fake; (the fake GitHub, the repository)."""
    repo = make_repo([base, head], name=workspace.name)
    private, public = app_key
    with fake_pull_request(repo, public) as fake:
        settings = GitHubSettings(app_id=fake.app_id, private_key=private, api_url=fake.api_url)
        app = GitHubApp(settings, policy=RetryPolicy(sleep=lambda _: None))
        values = {
            "delivery_id": "d-1",
            "event": "pull_request",
            "repository": f"{fake.owner}/{fake.name}",
            "clone_url": fake.clone_url,
            "installation_id": fake.installation_id,
            "pull_number": 1,
            "head_sha": repo.head,
            "base_ref": "main",
            "head_ref": "feature",
            **trigger,
        }
        ran = run_workflow(app, ReviewTrigger(**values), workspace)
        assert ran.error is None, ran.error
        return fake, repo


def outcome(fake) -> dict:
    """What the review posted: inline comments, the check run's conclusion, title and
    annotations, and the summary comment."""
    (posted,) = fake.calls("POST", r"/pulls/1/reviews$") or [None]
    (run,) = fake.check_runs.values()
    (summary,) = fake.issue_comments
    return {
        "inline": sorted(inline_of(posted.body)) if posted else [],
        "conclusion": run["conclusion"],
        "title": run["output"]["title"],
        "annotations": run["annotations"],
        "summary": summary["body"],
    }


def test_the_file_is_read_at_the_base_and_the_head_cannot_switch_the_review_off(
    make_repo, app_key, tmp_path: Path
) -> None:
    kept, _ = review(make_repo, app_key, BASE, CHANGE, tmp_path / "kept")
    takeover = {**CHANGE, CONFIG: 'exclude: ["**"]\nfail_on: never\nagents: [secrets]\n'}
    taken, repo = review(make_repo, app_key, BASE, takeover, tmp_path / "taken")

    # read through the contents API, at the base commit (and the head, to check it)
    reads = [(r.path, r.query.get("ref")) for r in taken.calls("GET", r"/contents/")]
    assert reads[0] == (f"/repos/octo/demo/contents/{CONFIG}", repo.base)
    assert (f"/repos/octo/demo/contents/{CONFIG}", repo.head) in reads

    # nothing the head's file says changes the review
    before, after = outcome(kept), outcome(taken)
    assert after["inline"] == before["inline"] == [("app.py", 1, None, "F401")]
    assert after["conclusion"] == before["conclusion"] == "failure"  # fail_on: note
    assert after["title"] == before["title"] and after["title"].startswith("1 finding: ")
    assert after["annotations"] == before["annotations"] == []
    assert (
        f"Configuration: {CONFIG} at {repo.base[:12]}; 1 changed file excluded; "
        in (after["summary"])
    )
    assert "1 finding of disabled rules: E711 \\(1\\)." in after["summary"]  # Markdown-escaped
    assert "| style | ok |" in after["summary"] and "| secrets |" not in after["summary"]


def test_a_pull_request_that_breaks_the_file_gets_failure_annotations_on_its_lines(
    make_repo, app_key, tmp_path: Path
) -> None:
    broken = {**CHANGE, CONFIG: "agents: [style]\nexclude: vendor/\nfail_on: sometimes\n"}
    fake, _ = review(make_repo, app_key, BASE, broken, tmp_path / "workspace")
    posted = outcome(fake)
    assert posted["inline"] == [("app.py", 1, None, "F401")]  # the base's file still applies
    assert posted["conclusion"] == "failure"
    assert posted["annotations"] == [
        {
            "path": CONFIG,
            "start_line": 2,
            "end_line": 2,
            "annotation_level": "failure",
            "title": "reviewbot configuration error",
            "message": "exclude: Input should be a valid list, got 'vendor/'",
        },
        {
            "path": CONFIG,
            "start_line": 3,
            "end_line": 3,
            "annotation_level": "failure",
            "title": "reviewbot configuration error",
            "message": "fail_on: Input should be 'error', 'warning', 'note' or 'never', "
            "got 'sometimes'",
        },
    ]
    assert (
        f"This change's `{CONFIG}` has 2 error(s), annotated on the file in the check run; "
        "this review used the base branch's configuration." in posted["summary"]
    )


def test_an_invalid_base_file_is_named_in_the_title_and_the_first_line_of_the_summary(
    make_repo, app_key, tmp_path: Path
) -> None:
    invalid = {"app.py": "x = 1\n", CONFIG: "agents: [style]\nfilter: all\n"}
    fake, _ = review(make_repo, app_key, invalid, CHANGE, tmp_path / "workspace")
    posted = outcome(fake)
    problem = (
        f"{CONFIG}:2: filter: Input should be 'introduced', 'added', 'diff_context', 'file' "
        "or 'nofilter'"
    )
    assert posted["title"].startswith(f"Invalid configuration, defaults used ({problem}")
    assert "); 3 findings: " in posted["title"]
    first, second, *_ = posted["summary"].splitlines()
    assert first.startswith(
        f"⚠️ **{CONFIG} is invalid, so this review used the defaults:** {CONFIG}:2: filter: "
    )
    assert second == SUMMARY_MARKER
    # the defaults: every default agent, nothing excluded or disabled, fail on errors only
    assert sorted(posted["inline"]) == [
        ("app.py", 1, None, "F401"),
        ("app.py", 4, None, "E711"),
        ("vendor/lib.py", 1, None, "F401"),
    ]
    assert posted["conclusion"] != "failure"  # none is an error
    assert "| security | ok |" in posted["summary"] and "| secrets | ok |" in posted["summary"]


def test_the_file_can_lower_the_inline_comments_and_a_command_still_picks_agents(
    make_repo, app_key, tmp_path: Path
) -> None:
    settings = 'max_inline_comments: 1\ndisable_rules: ["B101"]\nagents: [secrets]\n'
    fake, _ = review(
        make_repo,
        app_key,
        {"app.py": "x = 1\n", CONFIG: settings},
        CHANGE,
        tmp_path / "workspace",
        agents=("style",),
        reason="command",
        event="issue_comment",
    )
    posted = outcome(fake)
    assert posted["inline"] == [("app.py", 1, None, "F401")]  # the first of three
    assert "2 finding(s) beyond the limit of 1 inline comments" in posted["summary"]
    assert "| style | ok |" in posted["summary"] and "| secrets |" not in posted["summary"]


def test_the_contents_api_answers_are_read_as_github_gives_them(
    make_repo, app_key, tmp_path: Path
) -> None:
    repo = make_repo(
        [
            {CONFIG: SETTINGS, "big.yml": "#" * 70_000, "dir/a.txt": "a\n"},
            {"link.yml": make_repo.link(CONFIG)},
        ]
    )
    private, public = app_key
    with fake_pull_request(repo, public) as fake:
        settings = GitHubSettings(app_id=fake.app_id, private_key=private, api_url=fake.api_url)
        app = GitHubApp(settings, policy=RetryPolicy(sleep=lambda _: None))
        client = app.repo(fake.installation_id, f"{fake.owner}/{fake.name}", {"contents": "read"})
        assert client.file_content(CONFIG, repo.base, 65_536) == SETTINGS.encode()
        assert client.file_content("nothing.yml", repo.base, 65_536) is None  # 404
        assert client.file_content("link.yml", repo.base, 65_536) is None  # not there yet
        for path, why in [
            ("big.yml", "is over 64 KB"),
            ("dir", "is a directory, not a file"),
            ("link.yml", "is a symlink, not a file"),
        ]:
            with pytest.raises(ValueError, match=why):
                client.file_content(path, repo.head, 65_536)
