"""Comment commands: parsing, the authorisation matrix, bots, replies and reactions."""

from __future__ import annotations

import json
import logging

import pytest
from fastapi.testclient import TestClient
from webhook_fixtures import needs_published, published
from webhook_support import (
    Deliver,
    FakeGitHub,
    RecordingStarter,
    comment_payload,
    headers_for,
)

from webhook.app import create_app
from webhook.commands import ParsedCommand, parse_command
from webhook.github import GitHubUnavailable
from webhook.routing import Command, Ignore, decide
from webhook.settings import WebhookSettings
from webhook.starters import DedupingStarter


@pytest.mark.parametrize(
    ("body", "expected"),
    [
        ("/review", ParsedCommand("review")),
        ("  /review  \nthanks!", ParsedCommand("review")),
        ("\n\n/REVIEW Security", ParsedCommand("review", ("security",))),
        ("/review security, style security", ParsedCommand("review", ("security", "style"))),
        ("/review full", ParsedCommand("review", (), full=True)),
        ("/review FULL security full", ParsedCommand("review", ("security",), full=True)),
        ("@reviewbot review full", ParsedCommand("review", (), full=True)),
        ("/help", ParsedCommand("help")),
        ("/help me please", ParsedCommand("help")),
        ("@reviewbot review", ParsedCommand("review")),
        ("@ReviewBot review style", ParsedCommand("review", ("style",))),
        ("@reviewbot[bot] help", ParsedCommand("help")),
        ("@reviewbot", None),
        ("@reviewbot thanks", None),
        ("@otherbot review", None),
        ("/reviewer", None),
        ("/approve", None),
        ("please /review", None),
        ("looks good\n/review", None),
        ("", None),
        (None, None),
    ],
)
def test_parse_command(body: str | None, expected: ParsedCommand | None) -> None:
    assert parse_command(body, "reviewbot") == expected


def test_custom_slug() -> None:
    assert parse_command("@acme-review review", "acme-review") == ParsedCommand("review")
    assert parse_command("@reviewbot review", "acme-review") is None


def test_review_full_asks_for_a_full_review_and_plain_review_does_not(
    deliver: Deliver, starter: RecordingStarter
) -> None:
    for body in ("/review full style", "/review"):
        assert deliver("issue_comment", comment_payload(body, "OWNER")).status_code == 202
    full, plain = starter.triggers
    assert (full.full, full.agents) == (True, ("style",))
    assert (plain.full, plain.agents) == (False, ())
    assert full.workflow_event()["trigger"]["full"] is True


# Authorisation matrix ---------------------------------------------------------------


def test_only_the_owner_starts_without_asking(
    deliver: Deliver, starter: RecordingStarter, github: FakeGitHub
) -> None:
    response = deliver("issue_comment", comment_payload("/review", "OWNER"))
    assert response.status_code == 202
    assert response.json()["status"] == "started"
    assert "permission" not in github.names()
    assert github.names() == ["pull_head", "react"]
    trigger = starter.triggers[0]
    assert trigger.reason == "command"
    assert trigger.head_sha == github.head.sha
    assert (trigger.base_ref, trigger.head_ref) == ("main", "feature")
    assert trigger.pull_number == 1
    assert trigger.installation_id == 42
    assert trigger.requested_by == "Codertocat"


@pytest.mark.parametrize(
    "association",
    [
        # members and collaborators may have read access only: they are asked about too
        "MEMBER",
        "COLLABORATOR",
        "CONTRIBUTOR",
        "NONE",
        "FIRST_TIME_CONTRIBUTOR",
        "FIRST_TIMER",
        "MANNEQUIN",
    ],
)
@pytest.mark.parametrize(
    ("level", "allowed"),
    [
        ("admin", True),
        ("maintain", True),
        ("write", True),
        ("triage", False),
        ("read", False),
        ("none", False),
    ],
)
def test_other_associations_ask_the_permission_api(
    deliver: Deliver,
    starter: RecordingStarter,
    github: FakeGitHub,
    association: str,
    level: str,
    allowed: bool,
) -> None:
    github.level = level
    payload = comment_payload("/review", association, login="alice")
    response = deliver("issue_comment", payload)
    assert github.calls[0] == ("permission", 42, "Codertocat", "Hello-World", "alice")
    assert response.status_code == 202
    if allowed:
        assert response.json()["status"] == "started"
        assert len(starter.triggers) == 1
        comment_id = payload["comment"]["id"]
        assert github.calls[-1] == ("react", 42, "Codertocat", "Hello-World", comment_id, "eyes")
    else:
        assert response.json() == {
            "status": "ignored",
            "reason": f"alice has {level} permission, write is needed",
        }
        assert starter.triggers == []
        assert github.names() == ["permission"]


def test_denied_user_gets_no_help_reply_either(deliver: Deliver, github: FakeGitHub) -> None:
    github.level = "read"
    deliver("issue_comment", comment_payload("/help", "NONE"))
    assert github.names() == ["permission"]


# Who never commands -------------------------------------------------------------------


@pytest.mark.parametrize(
    ("login", "sender_type"),
    [("dependabot[bot]", "Bot"), ("renovate[bot]", "User"), ("some-ci", "Bot")],
)
def test_bots_are_never_commands(
    deliver: Deliver, starter: RecordingStarter, github: FakeGitHub, login: str, sender_type: str
) -> None:
    payload = comment_payload("/review", "OWNER", login=login, sender_type=sender_type)
    response = deliver("issue_comment", payload)
    assert response.json() == {"status": "ignored", "reason": "comment by a bot"}
    assert starter.triggers == [] and github.calls == []


def test_the_apps_own_comments_are_never_commands(
    settings: WebhookSettings, starter: RecordingStarter, github: FakeGitHub, deliver: Deliver
) -> None:
    via_app = comment_payload("/review", "NONE")
    via_app["comment"]["performed_via_github_app"] = {"id": 2, "slug": "reviewbot"}
    as_bot = comment_payload("/help", "NONE", login="reviewbot[bot]", sender_type="Bot")
    for payload in (via_app, as_bot):
        response = deliver("issue_comment", payload)
        assert response.json() == {"status": "ignored", "reason": "comment by this App"}
    assert starter.triggers == [] and github.calls == []


def test_comment_via_another_app_by_a_human_still_counts(settings: WebhookSettings) -> None:
    payload = comment_payload("/review", "OWNER")
    payload["comment"]["performed_via_github_app"] = {"id": 9, "slug": "slack"}
    assert isinstance(decide("issue_comment", payload, settings, "d"), Command)


def test_comments_on_plain_issues_are_ignored(
    deliver: Deliver, starter: RecordingStarter, github: FakeGitHub
) -> None:
    payload = comment_payload("/review", "OWNER")
    del payload["issue"]["pull_request"]
    response = deliver("issue_comment", payload)
    assert response.json()["reason"] == "comment on an issue, not a pull request"
    assert starter.triggers == [] and github.calls == []


@needs_published
def test_a_published_comment_on_an_issue_is_not_a_command(
    deliver: Deliver, starter: RecordingStarter, github: FakeGitHub
) -> None:
    payload = published("issue_comment/created.with-installation.payload.json")
    assert "pull_request" not in payload["issue"]
    payload["comment"]["body"] = "/review"
    response = deliver("issue_comment", payload)
    assert response.json()["reason"] == "comment on an issue, not a pull request"
    assert starter.triggers == [] and github.calls == []


@pytest.mark.parametrize("action", ["edited", "deleted"])
def test_edited_and_deleted_comments_are_ignored(
    deliver: Deliver, starter: RecordingStarter, github: FakeGitHub, action: str
) -> None:
    payload = comment_payload("/review", "OWNER", action=action)
    response = deliver("issue_comment", payload)
    assert response.status_code == 202
    assert response.json() == {
        "status": "ignored",
        "reason": f"issue_comment.{action} is not handled",
    }
    assert starter.triggers == [] and github.calls == []


def test_ordinary_comments_are_ignored(deliver: Deliver, github: FakeGitHub) -> None:
    response = deliver("issue_comment", comment_payload("LGTM, thanks!", "OWNER"))
    assert response.json() == {"status": "ignored", "reason": "comment is not a command"}
    assert github.calls == []


def test_commands_on_closed_pull_requests_are_ignored(
    deliver: Deliver, starter: RecordingStarter, github: FakeGitHub
) -> None:
    payload = comment_payload("/review", "OWNER")
    payload["issue"]["state"] = "closed"
    assert deliver("issue_comment", payload).json()["reason"] == "pull request #1 is closed"
    github.head = github.head.__class__("a" * 40, "f", "main", "closed")
    assert deliver("issue_comment", comment_payload()).json()["reason"] == (
        "pull request #1 is closed"
    )
    assert starter.triggers == []


def test_commands_without_installation_are_ignored(settings: WebhookSettings) -> None:
    payload = comment_payload()
    del payload["installation"]
    assert decide("issue_comment", payload, settings) == Ignore(
        "delivery has no installation to act as"
    )


def test_commands_need_a_github_client(
    settings: WebhookSettings, starter: RecordingStarter
) -> None:
    client = TestClient(create_app(settings, starter, None))
    import json

    from webhook_support import headers_for

    body = json.dumps(comment_payload()).encode()
    response = client.post("/webhook", content=body, headers=headers_for("issue_comment", body))
    assert response.json()["status"] == "ignored"
    assert starter.triggers == []


# Replies and agents --------------------------------------------------------------------


def test_help_replies_with_the_commands(
    deliver: Deliver, starter: RecordingStarter, github: FakeGitHub
) -> None:
    response = deliver("issue_comment", comment_payload("/help", "OWNER"))
    assert response.json() == {"status": "replied"}
    (call,) = github.calls
    assert call[:5] == ("reply", 42, "Codertocat", "Hello-World", 1)
    assert "/review <agent>" in call[5] and "`correctness`" in call[5]
    assert starter.triggers == []


def test_unknown_agent_gets_a_polite_reply_and_nothing_starts(
    deliver: Deliver, starter: RecordingStarter, github: FakeGitHub
) -> None:
    response = deliver("issue_comment", comment_payload("/review security speling", "OWNER"))
    assert response.json() == {"status": "replied"}
    (call,) = github.calls
    text = call[5]
    assert "`speling`" in text and "`security`" not in text.split("Valid")[0]
    for agent in ("security", "style", "secrets", "correctness"):
        assert f"`{agent}`" in text
    assert starter.triggers == []


def test_review_with_named_agents(
    deliver: Deliver, starter: RecordingStarter, github: FakeGitHub
) -> None:
    deliver("issue_comment", comment_payload("/review style security", "OWNER"))
    assert starter.triggers[0].agents == ("style", "security")


def test_mention_command(deliver: Deliver, starter: RecordingStarter) -> None:
    response = deliver("issue_comment", comment_payload("@reviewbot review secrets", "OWNER"))
    assert response.json()["status"] == "started"
    assert starter.triggers[0].agents == ("secrets",)


def test_each_review_command_reviews_again_but_a_redelivery_does_not(
    deliver: Deliver, starter: RecordingStarter
) -> None:
    payload = comment_payload("/review", "OWNER")
    assert deliver("issue_comment", payload, "d-1").json()["status"] == "started"
    assert deliver("issue_comment", payload, "d-1").json()["status"] == "duplicate"
    assert deliver("issue_comment", payload, "d-2").json()["status"] == "started"
    assert len(starter.triggers) == 2


def test_failed_reaction_does_not_fail_the_delivery(
    deliver: Deliver, starter: RecordingStarter, github: FakeGitHub
) -> None:
    github.fail_react = True
    response = deliver("issue_comment", comment_payload("/review", "OWNER"))
    assert response.status_code == 202
    assert response.json()["status"] == "started"


def test_github_unavailable_is_a_503_that_starts_nothing(
    settings: WebhookSettings, starter: RecordingStarter, caplog
) -> None:
    class DownGitHub(FakeGitHub):
        async def permission(self, installation_id: int, owner: str, repo: str, user: str) -> str:
            raise GitHubUnavailable("GitHub answered 502 on GET /repos/o/r/collaborators")

    client = TestClient(create_app(settings, DedupingStarter(starter), DownGitHub()))
    body = json.dumps(comment_payload("/review", "NONE")).encode()
    response = client.post("/webhook", content=body, headers=headers_for("issue_comment", body))
    assert response.status_code == 503
    assert response.json()["status"] == "unavailable"
    assert response.json()["reason"].startswith("GitHub answered 502 on GET /repos/o/r/")
    assert starter.triggers == []
    assert not [r for r in caplog.records if r.exc_info or r.levelno >= logging.ERROR]


def test_a_bug_in_a_port_is_a_generic_500(
    settings: WebhookSettings, starter: RecordingStarter
) -> None:
    class BrokenGitHub(FakeGitHub):
        async def permission(self, installation_id: int, owner: str, repo: str, user: str) -> str:
            raise ConnectionError("api.github.com unreachable")

    client = TestClient(
        create_app(settings, DedupingStarter(starter), BrokenGitHub()),
        raise_server_exceptions=False,
    )
    body = json.dumps(comment_payload("/review", "NONE")).encode()
    response = client.post("/webhook", content=body, headers=headers_for("issue_comment", body))
    assert response.status_code == 500
    assert "unreachable" not in response.text
    assert starter.triggers == []
