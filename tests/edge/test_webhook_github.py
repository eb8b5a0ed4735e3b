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
from webhook.github import HttpxGitHub, PullHead
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
    gh, _ = github_with(lambda r: httpx.Response(502))
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
    with pytest.raises(httpx.HTTPStatusError):
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
