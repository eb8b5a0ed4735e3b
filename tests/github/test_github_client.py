"""App authentication, scoped and cached tokens, settings, and the bounded retry (respx)."""

from __future__ import annotations

import json
import time

import httpx
import jwt
import pytest
import respx

from reporter.github.client import CLONE, GitHubApp
from reporter.github.errors import PermanentGitHubError, TransientGitHubError
from reporter.github.retry import Caller, RetryPolicy
from reporter.github.settings import GitHubSettings
from review.settings import ConfigError, load_settings

PUBLISH = {"pull_requests": "write"}

API = "https://ghe.example.com/api/v3"
TOKENS = f"{API}/app/installations/42/access_tokens"


def token_answer(token: str, seconds: float = 3600) -> httpx.Response:
    expires = time.strftime("%Y-%m-%dT%H:%M:%SZ", time.gmtime(time.time() + seconds))
    return httpx.Response(201, json={"token": token, "expires_at": expires})


@pytest.fixture
def settings(app_key) -> GitHubSettings:
    return GitHubSettings(app_id=2, private_key=app_key[0], api_url=API)


def make_app(settings: GitHubSettings, sleeps: list | None = None) -> GitHubApp:
    policy = RetryPolicy(budget_seconds=300, sleep=(sleeps if sleeps is not None else []).append)
    return GitHubApp(settings, policy=policy)


@respx.mock
def test_tokens_are_scoped_signed_by_the_app_and_cached_per_object(settings, app_key) -> None:
    route = respx.post(TOKENS).mock(side_effect=[token_answer(f"ghs_{n}") for n in range(4)])
    app = make_app(settings)
    assert app.token(42, "octo/demo", CLONE) == "ghs_0"
    assert app.token(42, "octo/demo", CLONE) == "ghs_0"  # cached
    assert app.token(42, "octo/demo", PUBLISH) == "ghs_1"  # other permissions, other token
    assert make_app(settings).token(42, "octo/demo", CLONE) == "ghs_2"  # no shared cache
    assert route.call_count == 3
    first = route.calls[0].request
    assert json.loads(first.content) == {
        "repositories": ["demo"],
        "permissions": {"contents": "read"},
    }
    assert first.url.path == "/api/v3/app/installations/42/access_tokens"
    claims = jwt.decode(
        first.headers["authorization"].removeprefix("Bearer "), app_key[1], algorithms=["RS256"]
    )
    assert claims["iss"] == "2" and claims["exp"] - claims["iat"] <= 660


@respx.mock
def test_a_token_is_renewed_shortly_before_it_expires(settings) -> None:
    respx.post(TOKENS).mock(side_effect=[token_answer("ghs_old", 240), token_answer("ghs_new")])
    app = make_app(settings)
    assert app.token(42, "octo/demo", CLONE) == "ghs_old"
    assert app.token(42, "octo/demo", CLONE) == "ghs_new"  # 4 minutes left is too little


@respx.mock
def test_repository_calls_use_the_installation_token_and_the_configured_url(settings) -> None:
    respx.post(TOKENS).mock(return_value=token_answer("ghs_scoped"))
    pull = respx.get(f"{API}/repos/octo/demo/pulls/7").mock(
        return_value=httpx.Response(200, json={"number": 7})
    )
    client = make_app(settings).repo(42, "octo/demo", PUBLISH)
    assert client.pull(7) == {"number": 7}
    assert pull.calls[0].request.headers["authorization"] == "token ghs_scoped"


@respx.mock
def test_5xx_answers_are_retried_with_backoff(settings) -> None:
    respx.post(TOKENS).mock(return_value=token_answer("ghs_t"))
    route = respx.get(f"{API}/repos/octo/demo/pulls/7").mock(
        side_effect=[httpx.Response(502), httpx.Response(503), httpx.Response(200, json={})]
    )
    sleeps: list[float] = []
    make_app(settings, sleeps).repo(42, "octo/demo", PUBLISH).pull(7)
    assert route.call_count == 3 and sleeps == [1.0, 2.0]


@respx.mock
def test_a_4xx_is_final_and_its_error_carries_no_request(settings) -> None:
    respx.post(TOKENS).mock(return_value=token_answer("ghs_secret_token"))
    route = respx.get(f"{API}/repos/octo/demo/pulls/7").mock(
        return_value=httpx.Response(404, json={"message": "Not Found"})
    )
    with pytest.raises(PermanentGitHubError) as caught:
        make_app(settings).repo(42, "octo/demo", PUBLISH).pull(7)
    assert route.call_count == 1
    assert str(caught.value) == "reading pull request #7: GitHub answered 404 (Not Found)"
    assert caught.value.__context__ is None and caught.value.__cause__ is None


@respx.mock
def test_a_401_drops_the_token_mints_another_once_and_repeats_the_call(settings) -> None:
    """A cached token GitHub stopped accepting (revoked, or the installation's permissions
    changed) is replaced once; the next call of the step uses the new one."""
    minted = respx.post(TOKENS).mock(
        side_effect=[token_answer("ghs_revoked"), token_answer("ghs_fresh")]
    )
    route = respx.get(f"{API}/repos/octo/demo/pulls/7").mock(
        side_effect=[
            httpx.Response(401, json={"message": "Bad credentials"}),
            httpx.Response(200, json={"number": 7}),
            httpx.Response(200, json={"number": 7}),
        ]
    )
    app = make_app(settings)
    client = app.repo(42, "octo/demo", PUBLISH)
    assert client.pull(7) == {"number": 7}
    assert client.pull(7) == {"number": 7}
    used = [call.request.headers["Authorization"] for call in route.calls]
    assert used == ["token ghs_revoked", "token ghs_fresh", "token ghs_fresh"]
    assert minted.call_count == 2
    assert app.token(42, "octo/demo", PUBLISH) == "ghs_fresh"  # the cache holds the new one


@respx.mock
def test_a_second_401_is_permanent(settings) -> None:
    minted = respx.post(TOKENS).mock(side_effect=[token_answer("ghs_a"), token_answer("ghs_b")])
    route = respx.get(f"{API}/repos/octo/demo/pulls/7").mock(
        return_value=httpx.Response(401, json={"message": "Bad credentials"})
    )
    with pytest.raises(PermanentGitHubError, match="401"):
        make_app(settings).repo(42, "octo/demo", PUBLISH).pull(7)
    assert (route.call_count, minted.call_count) == (2, 2)


@respx.mock
def test_a_rate_limit_beyond_the_budget_is_not_slept_through(settings) -> None:
    respx.post(TOKENS).mock(return_value=token_answer("ghs_t"))
    reset = str(int(time.time()) + 3600)
    route = respx.get(f"{API}/repos/octo/demo/pulls/7").mock(
        return_value=httpx.Response(
            403,
            headers={"x-ratelimit-remaining": "0", "x-ratelimit-reset": reset},
            json={"message": "API rate limit exceeded"},
        )
    )
    sleeps: list[float] = []
    with pytest.raises(TransientGitHubError, match="rate limited"):
        make_app(settings, sleeps).repo(42, "octo/demo", PUBLISH).pull(7)
    assert route.call_count == 1 and sleeps == []


@respx.mock
def test_connection_errors_are_retried(settings) -> None:
    respx.post(TOKENS).mock(return_value=token_answer("ghs_t"))
    route = respx.get(f"{API}/repos/octo/demo/pulls/7").mock(
        side_effect=[httpx.ConnectError("refused"), httpx.Response(200, json={"ok": 1})]
    )
    assert make_app(settings).repo(42, "octo/demo", PUBLISH).pull(7) == {"ok": 1}
    assert route.call_count == 2


def test_create_once_looks_before_every_post() -> None:
    sleeps: list[float] = []
    caller = Caller(RetryPolicy(sleep=sleeps.append))
    posts: list[int] = []
    finds: list[int] = []

    def post() -> str:
        posts.append(1)
        if len(posts) == 1:
            raise TransientGitHubError("posting: GitHub answered 500", 500)
        return "created"

    def find() -> str | None:
        finds.append(1)
        return None

    assert caller.create_once("posting", post, find) == ("created", True)
    assert len(posts) == 2 and len(finds) == 2 and sleeps == [1.0]
    assert caller.create_once("posting", post, lambda: "found") == ("found", False)
    assert len(posts) == 2


def test_settings_from_the_environment(tmp_path, app_key) -> None:
    key_file = tmp_path / "app.pem"
    key_file.write_text(app_key[0])
    env = {
        "REVIEWBOT_APP_ID": "12",
        "REVIEWBOT_PRIVATE_KEY_PATH": str(key_file),
        "REVIEWBOT_GITHUB_API_URL": "https://ghe.example.com/api/v3/",
        "REVIEWBOT_MAX_INLINE_COMMENTS": "10",
        "REVIEWBOT_REQUEST_CHANGES": "true",
    }
    settings = GitHubSettings.from_settings(load_settings(env))
    assert (settings.app_id, settings.api_url) == (12, "https://ghe.example.com/api/v3")
    assert settings.max_inline_comments == 10 and settings.request_changes
    assert "PRIVATE" not in repr(settings)
    for bad in (
        {**env, "REVIEWBOT_APP_ID": "x"},
        {**env, "REVIEWBOT_MAX_INLINE_COMMENTS": "-1"},
        {**env, "REVIEWBOT_REQUEST_CHANGES": "maybe"},
        {"REVIEWBOT_APP_ID": "12"},
        {"REVIEWBOT_PRIVATE_KEY": "pem"},
    ):
        with pytest.raises(ConfigError):
            GitHubSettings.from_settings(load_settings(bad))
