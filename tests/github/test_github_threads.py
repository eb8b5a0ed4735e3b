"""The App's review threads through GraphQL, against the fake GitHub's part of GitHub's
schema: paging, the App told apart from a person of the same name, permissions,
resolving twice, and who may dismiss."""

from __future__ import annotations

import pytest

from reporter.github.errors import PermanentGitHubError
from reporter.github.threads import THREADS_QUERY, app_threads, dismissals, set_resolved

READ = {"pull_requests": "read"}
WRITE = {"pull_requests": "write"}
MARKER = "<!-- reviewbot:fp={fp} -->"


def comment(gh, n: int, login: str | None = None, kind: str = "Bot") -> dict:
    entry = {
        "id": gh.next_id(),
        "pull_number": 1,
        "user": {"login": login or gh.bot, "type": kind},
        "path": "app.py",
        "line": n,
        "original_line": n,
        "body": f"🔴 **B307** (security): eval\n\n{MARKER.format(fp=f'{n:032x}')}",
        "commit_id": gh.pulls[1].head,
    }
    gh.review_comments.append(entry)
    return entry


def client(scenario, permissions=READ):
    gh = scenario.github
    return scenario.app().repo(gh.installation_id, f"{gh.owner}/{gh.name}", permissions)


def test_every_thread_of_the_app_is_read_page_by_page(scenario) -> None:
    gh = scenario.github
    for n in range(1, 151):
        comment(gh, n)
    threads = app_threads(client(scenario), 1, gh.slug)
    assert [t.fingerprint for t in threads] == [f"{n:032x}" for n in range(1, 151)]
    assert all((t.rule, t.agents, t.resolved) == ("B307", ("security",), False) for t in threads)
    assert len(gh.graphql_calls("reviewThreads")) == 2  # 100 threads a page


def test_a_person_named_like_the_app_is_not_the_app(scenario) -> None:
    gh = scenario.github
    ours = comment(gh, 3)
    comment(gh, 4, login=gh.slug, kind="User")  # the same name, a person's account
    comment(gh, 5, login="someone", kind="User")
    assert [t.id for t in app_threads(client(scenario), 1, gh.slug)] == [f"PRRT_{ours['id']}"]


def test_reading_threads_needs_pull_requests_read(scenario) -> None:
    comment(scenario.github, 3)
    with pytest.raises(PermanentGitHubError, match="FORBIDDEN: Resource not accessible"):
        app_threads(client(scenario, {"issues": "read"}), 1, scenario.github.slug)


def test_the_fake_refuses_what_github_refuses(scenario) -> None:
    unpaged = THREADS_QUERY.replace("first: 100, after: $after", "after: $after")
    with pytest.raises(PermanentGitHubError, match="must provide a `first` or `last`"):
        client(scenario).graphql("unpaged", unpaged, {"owner": "octo", "name": "demo", "number": 1})
    unknown = THREADS_QUERY.replace("isResolved", "isSolved")
    with pytest.raises(PermanentGitHubError, match="isSolved"):
        client(scenario).graphql("a typo", unknown, {"owner": "octo", "name": "demo", "number": 1})


def test_resolving_needs_write_and_twice_is_harmless(scenario) -> None:
    gh = scenario.github
    first = comment(gh, 3)
    thread_id = f"PRRT_{first['id']}"
    with pytest.raises(PermanentGitHubError, match="FORBIDDEN"):
        set_resolved(client(scenario), thread_id, True)
    writer = client(scenario, WRITE)
    set_resolved(writer, thread_id, True)
    set_resolved(writer, thread_id, True)
    (thread,) = app_threads(writer, 1, gh.slug)
    assert thread.resolved and thread.resolved_by is None  # resolvedBy is a User: not an App
    set_resolved(writer, thread_id, False)
    assert not app_threads(writer, 1, gh.slug)[0].resolved


def test_only_people_with_write_access_dismiss(scenario) -> None:
    gh = scenario.github
    gh.permissions.update({"mia": "write", "tom": "triage", "ada": "admin"})
    by_line = {n: comment(gh, n) for n in (1, 2, 3, 4)}
    gh.resolve_thread(by_line[1]["id"], by="mia")
    gh.react(by_line[2]["id"], by="tom")  # triage is not write
    gh.react(by_line[2]["id"], by="ada", content="+1")  # 👍 is not a dismissal
    gh.resolve_thread(by_line[3]["id"], by="stranger")  # no collaborator: 404, none
    gh.react(by_line[3]["id"], by="ada")
    gh.react(by_line[4]["id"], by="mia")
    threads = app_threads(client(scenario), 1, gh.slug)
    found = dismissals(client(scenario), threads, known={f"{4:032x}"})
    assert {fp: (c.by, c.how) for fp, c in found.items()} == {
        f"{1:032x}": ("mia", "resolved"),
        f"{3:032x}": ("ada", "thumbs_down"),
    }
    asked = sorted(r.path.rsplit("/", 2)[1] for r in gh.calls("GET", r"/permission$"))
    assert asked == ["ada", "mia", "stranger", "tom"]  # once each; #4 was known already
