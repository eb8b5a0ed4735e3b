"""The GitHub workflow with AI reviewers: scripted models, the fake GitHub, the real analysers.

One review of a small pull request runs with a scripted model set in the review config
template (`ReviewConfig.model`), so the default agents include the model-only correctness
reviewer. The three AI reviewers' models wait for each other on their first call, so the
review only succeeds when they run in parallel. What reaches GitHub is read from the
requests the fake recorded: a grounded model finding is posted (inline, or as an
annotation where GitHub shows no patch, and always in the summary), an ungrounded one is
posted nowhere, a mention is neutralised, nothing approves, and the usage is reported.
"""

from __future__ import annotations

import json
import re
import sys
import threading
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import pytest
from github_support import fake_pull_request, run_workflow

sys.path.insert(0, str(Path(__file__).parents[1] / "llm"))  # llm_support, whatever the mode

from llm_support import ScriptedModel, call  # noqa: E402

from agents.llm import config as llm_config  # noqa: E402
from reporter.github.client import GitHubApp  # noqa: E402
from reporter.github.comments import fingerprint_of  # noqa: E402
from reporter.github.retry import RetryPolicy  # noqa: E402
from reporter.github.settings import GitHubSettings  # noqa: E402
from review.report import Report  # noqa: E402
from review.request import ReviewConfig  # noqa: E402
from review.trigger import ReviewTrigger  # noqa: E402
from review.workspace import RunDir, Workspace, read_json  # noqa: E402

UNCHANGED = '"""Settings the change does not touch."""\n\nPOOL_SIZE = 4  # marker-52c1\n'
BASE = {
    "app.py": '"""Users."""\n\nimport sqlite3\n\n\ndef helper():\n    return 1\n',
    "big.py": '"""GitHub shows no patch for this file."""\n\nVALUE = 1\n',
    "settings.py": UNCHANGED,
    "fixtures.py": "DATA = 1  # " + "x" * 1_100_000 + "\n",  # over max_file_bytes: never fetched
}
HEAD = {
    "app.py": BASE["app.py"]  # noqa: S608 - the code under review, never run
    + """

def find_user(conn, name):
    query = "SELECT * FROM users WHERE name = '" + name + "'"
    return conn.execute(query).fetchall()


def first(items):
    return items[len(items)]
""",
    "big.py": BASE["big.py"] + "LIMIT = VALUE * 1000\n",
}
# app.py in the head: 6 `def helper():` (a context line of the hunk, not added),
# 10 `def find_user`, 11 the query, 12 the execute, 15 `def first`, 16 the off-by-one.
QUERY = """query = "SELECT * FROM users WHERE name = '" + name + "'\""""
MODEL = "scripted:reviewers"
MENTION = "@octo-org/admins please approve, fixes #1"
UNGROUNDED = "UNGROUNDED-FINDING-7f3a"

OFF_BY_ONE = call(
    "report_finding",
    path="app.py",
    line=16,
    severity="error",
    category="off-by-one",
    quote="return items[len(items)]",
    confidence=0.9,
    message="`items[len(items)]` is always out of range, so `first` raises IndexError.",
    suggestion="    return items[0]",
)
UNGROUNDED_CALLS = [
    call(  # a quote that is not on the line
        "report_finding",
        path="app.py",
        line=12,
        severity="error",
        category="wrong-quote",
        quote="return cursor.fetchone()",
        confidence=0.95,
        message=f"{UNGROUNDED} the quote is made up.",
    ),
    call(  # the right quote, on a line the change does not add
        "report_finding",
        path="app.py",
        line=6,
        severity="error",
        category="outside-change",
        quote="def helper():",
        confidence=0.95,
        message=f"{UNGROUNDED} the line is not part of the change.",
    ),
    call(  # a line the file does not have
        "report_finding",
        path="app.py",
        line=99,
        severity="warning",
        category="no-such-line",
        quote="return items[len(items)]",
        confidence=0.95,
        message=f"{UNGROUNDED} there is no such line.",
    ),
]
SQL = call(
    "report_finding",
    path="app.py",
    line=11,
    severity="error",
    category="sql-injection",
    related_finding="A1",
    quote=QUERY,
    confidence=0.95,
    message="`name` is concatenated into the SQL text, so the caller controls the query; "
    "pass it as a parameter.",
)
NO_PATCH = call(
    "report_finding",
    path="big.py",
    line=4,
    severity="warning",
    category="resource-limit",
    quote="LIMIT = VALUE * 1000",
    confidence=0.8,
    message="The limit grows with VALUE; cap it before it reaches the database.",
)
NAMING = call(
    "report_finding",
    path="app.py",
    line=15,
    severity="note",
    category="naming",
    quote="def first(items):",
    confidence=0.8,
    message=f"`first` does not return the first item. {MENTION}",
)
# every model ends by "approving" the change in its final answer
SCRIPTS = {
    "security": [
        [call("read_file", path="app.py", start_line=9, end_line=13)],
        [SQL, NO_PATCH],
        "APPROVE. LGTM, ship it.",
    ],
    "style": [
        [call("read_file", path="settings.py")],  # not changed: read from git objects
        [call("read_file", path="fixtures.py")],  # too large: its blob was never fetched
        [NAMING],
        "Approve: please approve this pull request.",
    ],
    "correctness": [[OFF_BY_ONE, *UNGROUNDED_CALLS], "APPROVED. LGTM."],
}


class Parallel(ScriptedModel):
    """Waits on its first call until the other reviewers' models are called too."""

    def __init__(self, barrier: threading.Barrier, turns) -> None:
        super().__init__(turns)
        self.barrier = barrier

    async def stream(self, *args, **kwargs):
        if not self.requests:
            self.barrier.wait()  # BrokenBarrierError (a failed model pass) unless parallel
        async for event in super().stream(*args, **kwargs):
            yield event


@dataclass
class Reviewed:
    gh: Any  # FakeGitHub
    result: dict[str, Any]
    report: Report
    models: dict[str, ScriptedModel]
    run: RunDir

    def bodies(self) -> str:
        """Everything reviewbot sent GitHub, as one text (escapes left as they were sent)."""
        return "\n".join(json.dumps(r.body, ensure_ascii=False) for r in self.gh.requests)

    @property
    def review(self) -> dict[str, Any]:
        (posted,) = self.gh.calls("POST", r"/pulls/1/reviews$")
        assert posted.status == 200
        return posted.body

    def comment_at(self, line: int) -> dict[str, Any]:
        (comment,) = [c for c in self.review["comments"] if c["line"] == line]
        return comment

    @property
    def summary(self) -> str:
        (comment,) = self.gh.issue_comments
        return comment["body"]

    @property
    def check_run(self) -> dict[str, Any]:
        (run,) = self.gh.check_runs.values()
        return run


@pytest.fixture(scope="module")
def reviewed(repo_factory, app_key, tmp_path_factory) -> Iterator[Reviewed]:
    """One GitHub review of the pull request with the scripted AI reviewers."""
    repo = repo_factory([BASE, HEAD], name="ai-demo")
    models: dict[str, ScriptedModel] = {}
    barrier = threading.Barrier(len(SCRIPTS), timeout=60)

    def factory(spec: llm_config.ModelSpec, _environ: Any) -> ScriptedModel:
        assert spec.text == MODEL
        models[spec.agent] = Parallel(barrier, SCRIPTS[spec.agent])
        return models[spec.agent]

    private, public = app_key
    with (
        pytest.MonkeyPatch.context() as patch,
        fake_pull_request(repo, public, without_patch=("big.py",)) as gh,
    ):
        for name in ("REVIEWBOT_MODEL", "OPENAI_BASE_URL", "ANTHROPIC_BASE_URL"):
            patch.delenv(name, raising=False)
        patch.setenv("AWS_EC2_METADATA_DISABLED", "true")
        patch.setitem(llm_config.FACTORIES, "scripted", factory)
        settings = GitHubSettings(app_id=gh.app_id, private_key=private, api_url=gh.api_url)
        app = GitHubApp(settings, policy=RetryPolicy(budget_seconds=120, sleep=lambda _: None))
        trigger = ReviewTrigger(
            delivery_id="delivery-ai",
            event="pull_request",
            repository=f"{gh.owner}/{gh.name}",
            clone_url=gh.clone_url,
            installation_id=gh.installation_id,
            pull_number=1,
            head_sha=repo.head,
            base_ref="main",
            head_ref="feature",
        )
        workspace = tmp_path_factory.mktemp("ai-workspace")
        ran = run_workflow(app, trigger, workspace, config=ReviewConfig(model=MODEL))
        assert ran.error is None, ran.error
        run = Workspace(workspace).run(ran.result["run_id"])
        report = Report.from_dict(read_json(run.report_file))
        yield Reviewed(gh, ran.result, report, models, run)


def test_an_ai_reviewer_reads_an_unchanged_file_the_clone_did_not_write(
    reviewed: Reviewed,
) -> None:
    """In GitHub mode the workspace holds only the changed files; the AI tools read the
    rest of the head from the objects fetched over git (the fake's smart HTTP endpoint)."""
    (read,) = [text for name, text in reviewed.models["style"].tool_results() if "52c1" in text]
    assert "POOL_SIZE = 4  # marker-52c1" in read
    assert not (reviewed.run.src / "settings.py").exists()
    assert (reviewed.run.src / "app.py").is_file()
    assert any(path.endswith("/git-upload-pack") for path in reviewed.gh.git_requests)
    assert not reviewed.gh.calls("GET", r"/contents/settings\.py")
    (refused,) = [t for s, t in reviewed.models["style"].tool_results() if "fixtures.py" in t]
    assert "over the 1000000-byte limit" in refused  # refused at once: no fetch, no hang


def test_the_ai_reviewers_run_in_parallel_beside_the_analysers(reviewed: Reviewed) -> None:
    report = reviewed.report
    statuses = {name: s.status for name, s in report.agents.items()}
    python = ("security", "patterns", "style", "secrets", "correctness")  # only .py files
    assert statuses == {name: "ok" if name in python else "skipped" for name in statuses}
    # the three models got past the barrier together: each one ran its whole script
    assert {name: len(m.requests) for name, m in reviewed.models.items()} == {
        "security": 3,
        "style": 4,
        "correctness": 2,
    }
    for name in reviewed.models:
        assert report.agents[name].usage["model"] == MODEL
    assert report.agents["secrets"].usage is None
    # the analysers still ran: bandit's SQL finding, confirmed by the security model
    (sql,) = [f for f in report.findings if f.line == 11]
    assert (sql.rule, sql.agent, sql.also_reported_by) == ("B608", "security", ("security-ai",))
    assert reviewed.comment_at(11)["body"].startswith(
        "🔴 **B608** (security, security-ai): \\`name\\` is concatenated into the SQL text"
    )


def test_a_grounded_model_finding_is_posted_inline_in_the_summary_and_the_check_run(
    reviewed: Reviewed,
) -> None:
    review = reviewed.review
    assert review["event"] == "COMMENT"
    assert sorted((c["path"], c["line"]) for c in review["comments"]) == [
        ("app.py", 11),
        ("app.py", 12),  # the rule pack's SQL injection, at the execute
        ("app.py", 15),
        ("app.py", 16),
    ]
    (finding,) = [f for f in reviewed.report.findings if f.rule == "ai:off-by-one"]
    assert (finding.agent, finding.path, finding.line) == ("correctness", "app.py", 16)
    comment = reviewed.comment_at(16)
    assert (comment["path"], comment["side"]) == ("app.py", "RIGHT")
    assert "start_line" not in comment
    escaped = (
        "\\`items\\[len\\(items\\)\\]\\` is always out of range, so \\`first\\` raises IndexError."
    )
    assert comment["body"] == (
        f"🔴 **ai:off-by-one** (correctness): {escaped}\n\n"
        "```suggestion\n    return items[0]\n```\n\n"
        f"<!-- reviewbot:fp={fingerprint_of(finding)} -->"
    )
    assert re.fullmatch(r"[0-9a-f]{8,64}", fingerprint_of(finding))

    # the summary comment lists it, and the check run carries the same summary
    row = f"| 🔴 | app.py | 16 | ai:off-by-one | {escaped} |"
    assert row in reviewed.summary
    run = reviewed.check_run
    assert run["status"] == "completed" and run["conclusion"] == "failure"
    assert row in run["output"]["summary"]

    # a grounded model finding where GitHub shows no patch becomes an annotation instead
    assert run["annotations"] == [
        {
            "path": "big.py",
            "start_line": 4,
            "end_line": 4,
            "annotation_level": "warning",
            "title": "ai:resource-limit (security)",
            "message": "The limit grows with VALUE; cap it before it reaches the database.",
        }
    ]
    assert "| 🟠 | big.py | 4 | ai:resource-limit | The limit grows with VALUE" in reviewed.summary
    assert "big.py" not in {c["path"] for c in review["comments"]}


def test_ungrounded_model_findings_are_posted_nowhere(reviewed: Reviewed) -> None:
    results = reviewed.models["correctness"].tool_results()
    assert [status for status, _ in results] == ["success", "error", "error", "error"]
    assert "dropped: the quote does not match app.py:12" in results[1][1]
    assert "dropped: app.py:6 is not an added or modified line of the change" in results[2][1]
    assert "dropped: app.py has 16 lines, there is no line 99" in results[3][1]

    assert UNGROUNDED not in reviewed.bodies()
    assert UNGROUNDED not in json.dumps(reviewed.gh.check_runs, ensure_ascii=False)
    rules = {f.rule for f in reviewed.report.findings}
    assert not rules & {"ai:wrong-quote", "ai:outside-change", "ai:no-such-line"}
    assert {c["line"] for c in reviewed.gh.review_comments} == {11, 12, 15, 16}
    assert "3 model findings dropped as ungrounded" in reviewed.summary


def test_a_mention_and_an_issue_reference_from_a_model_are_neutralised(
    reviewed: Reviewed,
) -> None:
    body = reviewed.comment_at(15)["body"]
    assert body.startswith("🔵 **ai:naming** (style): \\`first\\` does not return the first item.")
    assert "@\u200bocto-org/admins please approve, fixes #\u200b1" in body
    assert "@\u200bocto-org/admins please approve, fixes #\u200b1" in reviewed.summary
    sent = reviewed.bodies()
    assert "@octo-org" not in sent and "#1" not in sent
    assert "@octo-org" not in json.dumps(reviewed.gh.check_runs, ensure_ascii=False)


def test_no_review_approves_whatever_the_models_say(reviewed: Reviewed) -> None:
    assert all("APPROVE" in script[-1].upper() for script in SCRIPTS.values())
    posted = reviewed.gh.calls("POST", r"/pulls/\d+/reviews$")
    assert [r.body["event"] for r in posted] == ["COMMENT"]
    assert all(review.get("state") != "APPROVED" for review in reviewed.gh.reviews)
    assert "APPROVE" not in reviewed.bodies().upper().replace("PLEASE APPROVE", "")


def test_the_summary_comment_shows_what_the_ai_reviewers_used(reviewed: Reviewed) -> None:
    assert (
        "AI reviewers used security: 3000 tokens in, 300 out, 3 model calls; "
        "style: 4000 tokens in, 400 out, 4 model calls; "
        "correctness: 2000 tokens in, 200 out, 2 model calls."
    ) in reviewed.summary
    for name, calls in (("security", 3), ("style", 4), ("correctness", 2)):
        usage = reviewed.report.agents[name].usage
        assert (usage["model_calls"], usage["input_tokens"], usage["output_tokens"]) == (
            calls,
            calls * 1_000,
            calls * 100,
        )
        assert f"model review with {MODEL}: {calls * 1_000:,} tokens in" in reviewed.summary
    outputs = reviewed.result["outputs"]
    assert outputs["review"]["comments"] == 4 and outputs["check_run"]["annotations"] == 1
