"""HttpxGitHub and InstallationTokens against an in-memory transport (no network)."""

from __future__ import annotations

import asyncio
import json
from collections.abc import Callable
from datetime import UTC, datetime
from typing import Any

import httpx
import jwt
import pytest
from cryptography.hazmat.primitives import serialization
from cryptography.hazmat.primitives.asymmetric import rsa

from review.github_api import API_VERSION
from webhook.app_auth import InstallationTokens, client_from_settings
from webhook.github import GitHubUnavailable, HttpxGitHub, PullHead
from webhook.settings import WebhookSettings

API = "https://ghe.example.com/api/v3"
Handler = Callable[[httpx.Request], httpx.Response]


class Recorder:
    def __init__(self, handler: Handler) -> None:
        self.requests: list[httpx.Request] = []
        self._handler = handler

    def __call__(self, request: httpx.Request) -> httpx.Response:
        self.requests.append(request)
        return self._handler(request)


TOKENS: list[tuple[int, str, dict[str, str]]] = []


def github_with(handler: Handler) -> tuple[HttpxGitHub, Recorder]:
    recorder = Recorder(handler)
    TOKENS.clear()

    async def token(installation_id: int, repository: str, permissions: Any) -> str:
        TOKENS.append((installation_id, repository, dict(permissions)))
        return f"token-{installation_id}"

    return HttpxGitHub(token, API + "/", transport=httpx.MockTransport(recorder)), recorder


@pytest.mark.parametrize(
    ("answer", "expected"),
    [
        ({"permission": "write", "role_name": "maintain"}, "maintain"),
        ({"permission": "admin"}, "admin"),
        ({"permission": "read", "role_name": "triage"}, "triage"),
        ({"permission": "write", "role_name": "security-reviewer"}, "write"),
        ({"permission": "read", "role_name": "auditor"}, "read"),
        ({}, "none"),
    ],
)
def test_permission(answer: dict[str, Any], expected: str) -> None:
    gh, recorder = github_with(lambda r: httpx.Response(200, json=answer))
    assert asyncio.run(gh.permission(5, "octo", "repo", "al/ice")) == expected
    (request,) = recorder.requests
    assert request.method == "GET"
    assert request.url.raw_path == b"/api/v3/repos/octo/repo/collaborators/al%2Fice/permission"
    assert request.headers["Authorization"] == "Bearer token-5"
    assert request.headers["X-GitHub-Api-Version"] == API_VERSION
    # a token for this repository only, allowed to read metadata only
    assert TOKENS == [(5, "octo/repo", {"metadata": "read"})]


def test_the_edge_and_githubkit_speak_one_api_version() -> None:
    from githubkit.versions import LATEST_VERSION

    assert API_VERSION == LATEST_VERSION


def test_permission_of_a_stranger_is_none() -> None:
    gh, _ = github_with(lambda r: httpx.Response(404, json={"message": "Not Found"}))
    assert asyncio.run(gh.permission(5, "octo", "repo", "stranger")) == "none"


def test_permission_errors_raise() -> None:
    gh, _ = github_with(lambda r: httpx.Response(403))
    with pytest.raises(httpx.HTTPStatusError):
        asyncio.run(gh.permission(5, "octo", "repo", "x"))


def test_react_and_reply_post_once() -> None:
    gh, recorder = github_with(lambda r: httpx.Response(201, json={}))
    asyncio.run(gh.react(5, "octo", "repo", 99, "eyes"))
    asyncio.run(gh.reply(5, "octo", "repo", 3, "hello"))
    react, reply = recorder.requests
    assert (react.method, react.url.path) == (
        "POST",
        "/api/v3/repos/octo/repo/issues/comments/99/reactions",
    )
    assert json.loads(react.content) == {"content": "eyes"}
    assert (reply.method, reply.url.path) == ("POST", "/api/v3/repos/octo/repo/issues/3/comments")
    assert json.loads(reply.content) == {"body": "hello"}
    assert TOKENS == [(5, "octo/repo", {"issues": "write"})] * 2


def test_failed_post_is_not_retried() -> None:
    gh, recorder = github_with(lambda r: httpx.Response(500))
    with pytest.raises(GitHubUnavailable):
        asyncio.run(gh.reply(5, "octo", "repo", 3, "hello"))
    assert len(recorder.requests) == 1


def test_pull_head() -> None:
    pull = {"state": "open", "head": {"sha": "abc", "ref": "feat"}, "base": {"ref": "main"}}
    gh, recorder = github_with(lambda r: httpx.Response(200, json=pull))
    assert asyncio.run(gh.pull_head(5, "octo", "repo", 8)) == PullHead(
        "abc", "feat", "main", "open"
    )
    assert recorder.requests[0].url.path == "/api/v3/repos/octo/repo/pulls/8"
    assert TOKENS == [(5, "octo/repo", {"pull_requests": "read"})]


# InstallationTokens --------------------------------------------------------------------


@pytest.fixture(scope="module")
def rsa_key() -> rsa.RSAPrivateKey:
    return rsa.generate_private_key(public_exponent=65537, key_size=2048)


def pem(key: rsa.RSAPrivateKey) -> str:
    return key.private_bytes(
        serialization.Encoding.PEM,
        serialization.PrivateFormat.TraditionalOpenSSL,
        serialization.NoEncryption(),
    ).decode()


def test_installation_token_exchange_and_cache(rsa_key: rsa.RSAPrivateKey) -> None:
    now = [1_800_000_000.0]

    def answer(request: httpx.Request) -> httpx.Response:
        app_jwt = request.headers["Authorization"].removeprefix("Bearer ")
        unchecked_times = {"verify_exp": False, "verify_iat": False}
        claims = jwt.decode(
            app_jwt, rsa_key.public_key(), algorithms=["RS256"], options=unchecked_times
        )
        assert claims == {"iat": int(now[0]) - 60, "exp": int(now[0]) + 540, "iss": "123"}
        return httpx.Response(
            201,
            json={"token": f"ghs_{len(recorder.requests)}", "expires_at": "2027-01-15T09:00:00Z"},
        )

    recorder = Recorder(answer)
    tokens = InstallationTokens(
        123, pem(rsa_key), API, transport=httpx.MockTransport(recorder), clock=lambda: now[0]
    )
    read = {"metadata": "read"}
    assert asyncio.run(tokens(77, "octo/repo", read)) == "ghs_1"
    assert asyncio.run(tokens(77, "octo/repo", read)) == "ghs_1"
    first = recorder.requests[0]
    assert first.url.path == "/api/v3/app/installations/77/access_tokens"
    assert first.method == "POST"
    # scoped to the one repository and the permissions asked for
    assert json.loads(first.content) == {"repositories": ["repo"], "permissions": read}
    # another repository or other permissions is another token
    assert asyncio.run(tokens(77, "octo/other", read)) == "ghs_2"
    assert asyncio.run(tokens(77, "octo/repo", {"issues": "write"})) == "ghs_3"
    # Within five minutes of expiry (2027-01-15T09:00:00Z) the token is renewed.
    now[0] = datetime(2027, 1, 15, 8, 56, tzinfo=UTC).timestamp()
    assert asyncio.run(tokens(77, "octo/repo", read)) == "ghs_4"
    assert len(recorder.requests) == 4


def test_client_from_settings(rsa_key: rsa.RSAPrivateKey) -> None:
    assert client_from_settings(WebhookSettings(webhook_secret="s")) is None
    assert client_from_settings(WebhookSettings(webhook_secret="s", app_id=1)) is None
    full = WebhookSettings(webhook_secret="s", app_id=1, private_key=pem(rsa_key))
    assert isinstance(client_from_settings(full), HttpxGitHub)


def test_permission_answers_are_cached_for_a_minute() -> None:
    now = [100.0]
    recorder = Recorder(lambda r: httpx.Response(200, json={"role_name": "write"}))

    async def token(installation_id: int, repository: str, permissions: Any) -> str:
        return "token"

    gh = HttpxGitHub(token, API, transport=httpx.MockTransport(recorder), clock=lambda: now[0])
    for _ in range(3):  # a burst of commands by one user: one question to GitHub
        assert asyncio.run(gh.permission(5, "octo", "repo", "Alice")) == "write"
    assert asyncio.run(gh.permission(5, "Octo", "Repo", "alice")) == "write"
    assert len(recorder.requests) == 1
    assert asyncio.run(gh.permission(5, "octo", "repo", "bob")) == "write"
    assert len(recorder.requests) == 2
    now[0] += 61  # a role change counts within a minute
    assert asyncio.run(gh.permission(5, "octo", "repo", "alice")) == "write"
    assert len(recorder.requests) == 3


def _tokens_then(rsa_key: rsa.RSAPrivateKey, answers: list[int]) -> tuple[HttpxGitHub, Recorder]:
    """An edge client over real InstallationTokens; the permission endpoint answers the
    statuses of `answers` in turn (200 with write access)."""

    def answer(request: httpx.Request) -> httpx.Response:
        if request.url.path.endswith("/access_tokens"):
            minted = sum(r.url.path.endswith("/access_tokens") for r in recorder.requests)
            return httpx.Response(
                201, json={"token": f"ghs_{minted}", "expires_at": "2099-01-01T00:00:00Z"}
            )
        status = answers.pop(0)
        body = {"role_name": "write"} if status == 200 else {"message": "Bad credentials"}
        return httpx.Response(status, json=body)

    recorder = Recorder(answer)
    transport = httpx.MockTransport(recorder)
    tokens = InstallationTokens(123, pem(rsa_key), API, transport=transport)
    return HttpxGitHub(tokens, API, drop_token=tokens.drop, transport=transport), recorder


def test_a_401_drops_the_cached_token_and_mints_a_new_one_once(
    rsa_key: rsa.RSAPrivateKey,
) -> None:
    gh, recorder = _tokens_then(rsa_key, [401, 200])
    assert asyncio.run(gh.permission(5, "octo", "repo", "alice")) == "write"
    asked = [r for r in recorder.requests if r.url.path.endswith("/permission")]
    assert [r.headers["Authorization"] for r in asked] == ["Bearer ghs_1", "Bearer ghs_2"]


def test_a_second_401_is_final(rsa_key: rsa.RSAPrivateKey) -> None:
    gh, recorder = _tokens_then(rsa_key, [401, 401])
    with pytest.raises(httpx.HTTPStatusError) as info:
        asyncio.run(gh.permission(5, "octo", "repo", "alice"))
    assert info.value.response.status_code == 401
    assert sum(r.url.path.endswith("/access_tokens") for r in recorder.requests) == 2


def _refused(request: httpx.Request) -> httpx.Response:
    raise httpx.ConnectError("[Errno 111] Connection refused", request=request)


@pytest.mark.parametrize(
    ("handler", "why"),
    [
        (lambda request: httpx.Response(502, text="<html>bad gateway</html>"), "answered 502"),
        (lambda request: httpx.Response(503, json={"message": "down"}), "answered 503"),
        (lambda request: httpx.Response(429, json={"message": "slow down"}), "answered 429"),
        (_refused, "could not be reached (ConnectError)"),
    ],
)
def test_github_down_is_github_unavailable_naming_the_call(handler: Handler, why: str) -> None:
    gh, _ = github_with(handler)
    with pytest.raises(GitHubUnavailable) as info:
        asyncio.run(gh.pull_head(5, "octo", "repo", 7))
    assert str(info.value) == f"GitHub {why} on GET /repos/octo/repo/pulls/7"


def test_a_token_github_cannot_mint_is_github_unavailable(rsa_key: rsa.RSAPrivateKey) -> None:
    transport = httpx.MockTransport(_refused)
    tokens = InstallationTokens(123, pem(rsa_key), API, transport=transport)
    with pytest.raises(GitHubUnavailable) as info:
        asyncio.run(tokens(5, "octo/repo", {"metadata": "read"}))
    assert str(info.value) == (
        "GitHub could not be reached (ConnectError) on POST /app/installations/5/access_tokens"
    )
