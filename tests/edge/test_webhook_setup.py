"""The setup page's HTTP side (`webhook.setup`), in process: the setup token's lock, the
form and its manifest, the state's checks, the code exchange's failures, escaping, and 404
once an App is adopted.
The whole flow in a browser against `reviewbot serve` is tests/github/test_setup_browser.py."""

from __future__ import annotations

import json
import logging
from html import unescape
from html.parser import HTMLParser
from typing import Any

import httpx
import pytest
from fastapi.testclient import TestClient

from review.app_credentials import AppCredentials
from review.settings import ConfigError
from webhook.setup import (
    STATE_COOKIE,
    STATE_TTL_SECONDS,
    TOKEN_COOKIE,
    RedactSetupQuery,
    SetupTarget,
    create_setup_app,
    new_setup_token,
)

PUBLIC = "https://bot.example.com"
TOKEN = new_setup_token()
API = "https://ghe.example.com/api/v3"
ANSWER = {
    "id": 7,
    "slug": "my-bot",
    "html_url": "https://ghe.example.com/apps/my-bot",
    "webhook_secret": "whsec-1",
    "pem": "-----BEGIN RSA PRIVATE KEY-----\nMII\n-----END RSA PRIVATE KEY-----\n",
}


class Forms(HTMLParser):
    """The forms of a page: action, and the value of each named input."""

    def __init__(self) -> None:
        super().__init__()
        self.forms: dict[str, dict[str, Any]] = {}
        self._current: dict[str, Any] | None = None

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        values = dict(attrs)
        if tag == "form":
            self._current = {"action": values.get("action"), "inputs": {}}
            self.forms[str(values.get("id"))] = self._current
        elif tag == "input" and self._current is not None:
            self._current["inputs"][values.get("name")] = values.get("value")


def forms_of(html: str) -> dict[str, dict[str, Any]]:
    parser = Forms()
    parser.feed(html)
    return parser.forms


class Setup:
    """A setup app whose GitHub answers `answer` and whose adopt records (or raises)."""

    def __init__(self, answer: tuple[int, Any] = (201, ANSWER), **target: Any) -> None:
        self.now = 0.0
        self.exchanged: list[httpx.Request] = []
        self.adopted: list[AppCredentials] = []
        self.adopt_error: Exception | None = None
        self.answer = answer

        def github(request: httpx.Request) -> httpx.Response:
            self.exchanged.append(request)
            status, body = self.answer
            if isinstance(body, Exception):
                raise body
            return httpx.Response(status, json=body)

        async def adopt(credentials: AppCredentials) -> str:
            if self.adopt_error is not None:
                raise self.adopt_error
            self.adopted.append(credentials)
            return "/home/bot/.config/reviewbot/github-app.json"

        fields = {
            "public_url": PUBLIC,
            "webhook_url": None,
            "github_url": "https://ghe.example.com",
            "github_api_url": API,
            **target,
        }
        self.app = create_setup_app(
            SetupTarget(**fields),
            adopt,
            token=TOKEN,
            transport=httpx.MockTransport(github),
            clock=lambda: self.now,
        )
        self.client = TestClient(self.app, base_url=PUBLIC)

    def browser_cookies(self, state: str | None, token: str | None = TOKEN) -> None:
        """The state and setup-token cookies the browser sends back (None: not sent)."""
        self.client.cookies.clear()
        for name, value in ((STATE_COOKIE, state), (TOKEN_COOKIE, token)):
            if value is not None:
                self.client.cookies.set(name, value, domain="bot.example.com", path="/setup")

    def start(self, **params: str) -> tuple[httpx.Response, str]:
        """GET /setup with the setup link's token: the answer and the state in its form's
        action."""
        page = self.client.get("/setup", params={"token": TOKEN, **params})
        action = forms_of(page.text)["create"]["action"]
        return page, action.partition("?state=")[2]

    def pending_states(self) -> int:
        return len(self.app.state.setup_flow._pending)


def test_the_form_posts_the_manifest_with_this_servers_urls_to_github() -> None:
    setup = Setup(webhook_url="https://hooks.example.com/webhook")
    page, state = setup.start()
    assert page.status_code == 200
    form = forms_of(page.text)["create"]
    assert form["action"] == f"https://ghe.example.com/settings/apps/new?state={state}"
    manifest = json.loads(form["inputs"]["manifest"])
    assert manifest["hook_attributes"] == {
        "url": "https://hooks.example.com/webhook",
        "active": True,
    }
    assert manifest["redirect_url"] == f"{PUBLIC}/setup/callback"
    assert manifest["url"] == PUBLIC and manifest["public"] is False
    assert len(state) >= 40 and page.cookies[STATE_COOKIE] == state
    cookie = page.headers["set-cookie"].lower()
    assert "httponly" in cookie and "samesite=lax" in cookie and "secure" in cookie
    policy = page.headers["content-security-policy"]
    assert "form-action 'self' https://ghe.example.com;" in policy and "script-src" not in policy
    assert "<script" not in page.text
    assert setup.start()[1] != state  # a new state each time


@pytest.mark.parametrize(
    "presented",
    [
        {},
        {"query": "wrong"},
        {"query": ""},
        {"query": TOKEN[:-1]},
        {"cookie": "wrong"},
        {"query": "wrong", "cookie": TOKEN},
    ],
)
def test_without_the_setup_token_the_page_is_refused_and_issues_no_state(
    presented: dict[str, str],
) -> None:
    setup = Setup()
    setup.browser_cookies(None, presented.get("cookie"))
    params = {"token": presented["query"]} if "query" in presented else {}
    page = setup.client.get("/setup", params=params)
    assert page.status_code == 403, page.text
    assert "open that link, or restart reviewbot serve" in unescape(page.text)
    assert "set-cookie" not in page.headers and not forms_of(page.text)
    assert setup.pending_states() == 0


def test_the_setup_link_sets_a_cookie_that_keeps_the_flow_going() -> None:
    setup = Setup()
    page, state = setup.start()
    assert page.status_code == 200 and page.cookies[TOKEN_COOKIE] == TOKEN
    (cookie,) = [c for c in page.headers.get_list("set-cookie") if c.startswith(TOKEN_COOKIE)]
    attributes = {a.strip().lower() for a in cookie.split(";")[1:]}
    assert {"httponly", "samesite=lax", "path=/setup", "secure"} <= attributes
    assert not any(a.startswith(("max-age", "expires")) for a in attributes)  # the session's
    assert TOKEN not in page.text  # neither in a form nor in a link
    assert setup.pending_states() == 1
    again = setup.client.get("/setup")  # the cookie alone, as the "Start again" link
    assert again.status_code == 200 and forms_of(again.text)["create"]


@pytest.mark.parametrize("cookie", [None, "wrong"])
def test_a_callback_without_the_setup_tokens_cookie_is_refused(cookie: str | None) -> None:
    setup = Setup()
    _, state = setup.start()
    setup.browser_cookies(state, cookie)
    params = {"code": "abc123", "state": state}
    refused = setup.client.get("/setup/callback", params=params)
    assert refused.status_code == 403, refused.text
    assert "open that link, or restart reviewbot serve" in unescape(refused.text)
    assert not setup.exchanged and not setup.adopted
    setup.browser_cookies(state)  # a refusal for want of the token spends no state
    assert setup.client.get("/setup/callback", params=params).status_code == 200


def test_the_setup_token_dies_with_the_adoption() -> None:
    setup = Setup()
    _, state = setup.start()
    done = setup.client.get("/setup/callback", params={"code": "abc123", "state": state})
    assert done.status_code == 200
    deleted = [c for c in done.headers.get_list("set-cookie") if c.startswith(TOKEN_COOKIE)]
    assert deleted and "max-age=0" in deleted[0].lower()
    setup.browser_cookies(None)
    for params in ({"token": TOKEN}, {}):
        assert setup.client.get("/setup", params=params).status_code == 404
    again = setup.client.get("/setup/callback", params={"code": "x", "state": state})
    assert again.status_code == 404


def test_an_organisation_owns_the_app_and_a_bad_name_is_refused_escaped() -> None:
    setup = Setup()
    setup.start()
    # the organisation form's GET carries no token: the cookie set with the page does
    page = setup.client.get("/setup", params={"organization": "acme-org"})
    assert page.status_code == 200, page.text
    action = forms_of(page.text)["create"]["action"]
    assert action.startswith("https://ghe.example.com/organizations/acme-org/settings/apps/new?")

    hostile = setup.client.get("/setup", params={"organization": '"><script>alert(1)</script>'})
    assert hostile.status_code == 400 and "<script>" not in hostile.text
    assert "not an organisation name" in hostile.text
    assert "/settings/apps/new?" in forms_of(hostile.text)["create"]["action"]
    assert "/organizations/" not in forms_of(hostile.text)["create"]["action"]


def test_without_a_public_url_the_page_says_which_variable_to_set() -> None:
    setup = Setup(public_url=None)
    page = setup.client.get("/setup")
    assert page.status_code == 503 and "REVIEWBOT_PUBLIC_URL is not set" in page.text
    assert "create" not in forms_of(page.text)


def test_the_callback_exchanges_the_code_adopts_the_app_then_setup_is_gone() -> None:
    setup = Setup()
    _, state = setup.start()
    done = setup.client.get("/setup/callback", params={"code": "abc123", "state": state})
    assert done.status_code == 200, done.text
    (request,) = setup.exchanged
    assert (
        request.method == "POST" and str(request.url) == f"{API}/app-manifests/abc123/conversions"
    )
    assert "authorization" not in request.headers
    (credentials,) = setup.adopted
    assert (credentials.app_id, credentials.slug, credentials.github_api_url) == (7, "my-bot", API)
    assert (credentials.webhook_secret, credentials.private_key) == ("whsec-1", ANSWER["pem"])
    assert 'href="https://ghe.example.com/apps/my-bot/installations/new"' in done.text
    assert "whsec-1" not in done.text and "PRIVATE KEY" not in done.text
    assert setup.client.get("/setup").status_code == 404
    assert (
        setup.client.get("/setup/callback", params={"code": "x", "state": state}).status_code == 404
    )


@pytest.mark.parametrize("case", ["unknown", "other browser", "used", "expired", "no code"])
def test_a_callback_that_is_not_ours_is_refused_without_asking_github(case: str) -> None:
    setup = Setup()
    _, state = setup.start()
    params = {"code": "abc123", "state": state}
    if case == "unknown":
        params["state"] = "forged"
    elif case == "other browser":
        setup.browser_cookies("another")
    elif case == "used":
        setup.adopt_error = OSError("disk full")
        assert setup.client.get("/setup/callback", params=params).status_code == 500
        setup.exchanged.clear()
    elif case == "expired":
        setup.now += STATE_TTL_SECONDS + 1
    else:
        params["code"] = "../../app"
    answer = setup.client.get("/setup/callback", params=params)
    assert answer.status_code == 400, answer.text
    assert not setup.exchanged and not setup.adopted
    assert 'href="/setup"' in answer.text  # start again
    if case == "other browser":  # a state works once, even when refused
        setup.browser_cookies(state)
        assert setup.client.get("/setup/callback", params=params).status_code == 400


@pytest.mark.parametrize(
    ("answer", "says"),
    [
        ((404, {"message": "Not Found"}), "GitHub answered 404 (Not Found) to the code exchange"),
        ((201, {**ANSWER, "pem": None}), "lacks the App's id, slug, key or webhook secret"),
        ((201, ["not", "an", "object"]), "lacks the App's id"),
        ((0, httpx.ConnectError("refused")), "GitHub could not be reached at " + API),
    ],
)
def test_a_failed_exchange_says_why_and_adopts_nothing(answer: tuple, says: str) -> None:
    setup = Setup(answer)
    _, state = setup.start()
    page = setup.client.get("/setup/callback", params={"code": "abc123", "state": state})
    assert page.status_code == 502 and says in unescape(page.text)
    assert not setup.adopted
    assert setup.client.get("/setup").status_code == 200  # not set up: try again


@pytest.mark.parametrize("error", [OSError("Permission denied"), ConfigError("the key is bad")])
def test_an_app_that_cannot_be_adopted_is_reported(error: Exception) -> None:
    setup = Setup()
    setup.adopt_error = error
    _, state = setup.start()
    page = setup.client.get("/setup/callback", params={"code": "abc123", "state": state})
    assert page.status_code == 500
    assert f"GitHub created the App my-bot, but {error}" in unescape(page.text)


def test_what_github_returns_is_escaped() -> None:
    setup = Setup((201, {**ANSWER, "slug": "<b>x</b>", "html_url": 'https://e.com/"><script>'}))
    _, state = setup.start()
    page = setup.client.get("/setup/callback", params={"code": "abc123", "state": state})
    assert page.status_code == 200
    assert "<b>x</b>" not in page.text and "&lt;b&gt;x&lt;/b&gt;" in page.text
    assert "<script>" not in page.text


def test_before_an_app_exists_webhooks_and_readiness_answer_503() -> None:
    client = Setup().client
    assert client.post("/webhook", content=b"{}").status_code == 503
    ready = client.get("/readyz")
    assert ready.status_code == 503 and "/setup" in ready.json()["detail"]
    assert client.get("/healthz").json() == {"status": "ok"}


@pytest.mark.parametrize(
    ("path", "secret"),
    [
        ("/setup/callback?code=abc&state=def", "abc"),
        (f"/setup?token={TOKEN}", TOKEN),
        (f"/setup?organization=acme&token={TOKEN}", TOKEN),
    ],
)
def test_the_setup_pages_queries_are_kept_out_of_the_access_log(path: str, secret: str) -> None:
    args = ("1.2.3.4:5", "GET", path, "1.1", 200)
    record = logging.LogRecord("uvicorn.access", 20, "", 0, '%s - "%s %s HTTP/%s" %d', args, None)
    assert RedactSetupQuery().filter(record)
    message = record.getMessage()
    assert secret not in message and f"{path.partition('?')[0]}?(redacted)" in message
    other = logging.LogRecord("uvicorn.access", 20, "", 0, "%s %s %s", ("a", "GET", "/x?y=1"), None)
    RedactSetupQuery().filter(other)
    assert other.getMessage() == "a GET /x?y=1"
