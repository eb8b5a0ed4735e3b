"""The setup page in a real browser: from `reviewbot serve` with no App, through the setup
link it prints, to a review posted as the App it created, without a restart; then a
restart reads the stored App.

`reviewbot serve` runs in its own process against the fake GitHub, which serves the
manifest flow's pages and conversion as GitHub does (`fake_manifest_flow`). Headless
Chromium is Debian's (`chromium`, `chromium-driver`), driven by Selenium with the driver's
path given, so nothing is downloaded. A screenshot of each page goes to
$TEST_ARTIFACTS_DIR/setup-browser (default: the test's temporary directory). Without the
browser the test is skipped, unless REVIEWBOT_TEST_BROWSER=required (as `.ci/run` sets).
"""

from __future__ import annotations

import json
import os
import re
import stat
from collections.abc import Callable, Iterator
from pathlib import Path

import httpx
import pytest
from serve_support import (
    REVIEW_SECONDS,
    deliver,
    free_port,
    opened,
    running_server,
    serve_env,
    wait_for,
)

CHROMIUM = Path("/usr/bin/chromium")
CHROMEDRIVER = Path("/usr/bin/chromedriver")
PAGE_SECONDS = 30
NO_APP = dict.fromkeys(
    ("REVIEWBOT_APP_ID", "REVIEWBOT_PRIVATE_KEY_PATH", "REVIEWBOT_WEBHOOK_SECRET"), None
)


@pytest.fixture
def browser(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Iterator[object]:
    missing = [str(p) for p in (CHROMIUM, CHROMEDRIVER) if not p.is_file()]
    if missing:
        reason = f"{' and '.join(missing)} not installed (apt-get install chromium chromium-driver)"
        if os.environ.get("REVIEWBOT_TEST_BROWSER") == "required":
            pytest.fail(reason)
        pytest.skip(reason)
    from selenium import webdriver
    from selenium.webdriver.chrome.options import Options
    from selenium.webdriver.chrome.service import Service

    monkeypatch.setenv("SE_OFFLINE", "true")  # Selenium Manager must never download
    options = Options()
    options.binary_location = str(CHROMIUM)
    for argument in (
        "--headless=new",
        "--no-sandbox",  # CI runs as root
        "--disable-dev-shm-usage",
        "--disable-gpu",
        "--window-size=1000,900",
        f"--user-data-dir={tmp_path / 'chromium'}",
    ):
        options.add_argument(argument)
    driver = webdriver.Chrome(service=Service(executable_path=str(CHROMEDRIVER)), options=options)
    driver.set_page_load_timeout(PAGE_SECONDS)
    try:
        yield driver
    finally:
        driver.quit()


@pytest.fixture
def screenshot(tmp_path: Path, request: pytest.FixtureRequest) -> Callable[[object, str], None]:
    root = Path(os.environ.get("TEST_ARTIFACTS_DIR") or tmp_path) / "setup-browser"
    root.mkdir(parents=True, exist_ok=True)
    taken: list[Path] = []

    def take(driver, name: str) -> None:
        path = root / f"{len(taken) + 1:02d}-{name}.png"
        assert driver.save_screenshot(str(path)), path  # type: ignore[attr-defined]
        taken.append(path)

    yield take
    print(f"\nscreenshots: {', '.join(str(p) for p in taken)}")


def _by_id(driver, element_id: str):
    from selenium.webdriver.common.by import By
    from selenium.webdriver.support import expected_conditions
    from selenium.webdriver.support.ui import WebDriverWait

    wait = WebDriverWait(driver, PAGE_SECONDS)
    return wait.until(expected_conditions.presence_of_element_located((By.ID, element_id)))


def _click_through(driver, element_id: str) -> None:
    """Click the element and wait until the page it leads to has loaded, so that what is
    looked up next is on that page. The old page is marked in its `window` before the
    click; the wait ends when a complete document without the mark answers. Questions
    asked while the browser is between pages (stale nodes, a document going away) are
    asked again."""
    from selenium.common.exceptions import WebDriverException
    from selenium.webdriver.support.ui import WebDriverWait

    driver.execute_script("window.reviewbotOldPage = true;")
    _by_id(driver, element_id).click()

    def loaded(driver) -> bool:
        try:
            return bool(
                driver.execute_script(
                    "return window.reviewbotOldPage === undefined "
                    "&& document.readyState === 'complete';"
                )
            )
        except WebDriverException:
            return False

    WebDriverWait(driver, PAGE_SECONDS).until(loaded)


def test_setup_page_creates_the_app_and_the_server_reviews_as_it(
    scenario, tmp_path: Path, browser, screenshot
) -> None:
    gh = scenario.github
    port = free_port()
    public = f"http://127.0.0.1:{port}"
    config = tmp_path / "config"
    env = serve_env(
        scenario,
        tmp_path,
        **NO_APP,
        REVIEWBOT_APP_SLUG=None,
        REVIEWBOT_PUBLIC_URL=public,
        REVIEWBOT_GITHUB_URL=gh.base_url,
        REVIEWBOT_CONFIG_DIR=str(config),
    )
    with running_server(env, tmp_path, port) as server:
        # the setup link, with its one-time token, as printed for the operator
        printed = re.search(r"App is configured: open (\S+) to create one", server.output())
        assert printed, server.output()
        link = printed.group(1)
        assert link.startswith(f"{public}/setup?token=")
        token = link.partition("?token=")[2]
        assert len(token) >= 40
        assert httpx.get(f"{public}/readyz").status_code == 503
        assert httpx.get(f"{public}/setup").status_code == 403  # not without the link

        # our page, then the same page for an organisation
        browser.get(link)
        screenshot(browser, "setup")
        assert f"{public}/webhook" in browser.page_source
        _by_id(browser, "organization").send_keys("acme")
        _click_through(browser, "use-organization")
        form = _by_id(browser, "create")
        action = form.get_attribute("action")
        assert action.startswith(f"{gh.base_url}/organizations/acme/settings/apps/new?state=")
        screenshot(browser, "setup-organization")

        # GitHub's page: name the App, create it; GitHub sends the browser back
        _click_through(browser, "submit")
        name = _by_id(browser, "name")
        screenshot(browser, "github-create-app")
        (posted,) = gh.manifest_posts
        assert posted["owner"] == "acme" and posted["state"] == action.partition("state=")[2]
        manifest = posted["manifest"]
        assert manifest["hook_attributes"]["url"] == f"{public}/webhook"
        assert manifest["redirect_url"] == f"{public}/setup/callback"
        assert manifest["default_events"] == ["pull_request", "issue_comment", "check_run"]
        name.clear()
        name.send_keys("My Reviewbot")
        _click_through(browser, "create")
        install = _by_id(browser, "install")
        screenshot(browser, "setup-done")
        assert browser.current_url.startswith(f"{public}/setup/callback?code=")
        (app,) = [a for a in gh.apps.values() if a.slug == "my-reviewbot"]
        assert install.get_attribute("href") == f"{gh.base_url}/apps/my-reviewbot/installations/new"
        secret, pem = app.details["webhook_secret"], app.details["pem"]

        # stored for the next start, for this user only
        stored = config / "github-app.json"
        assert stat.S_IMODE(stored.stat().st_mode) == 0o600
        assert stat.S_IMODE(config.stat().st_mode) == 0o700
        saved = json.loads(stored.read_text())
        assert (saved["app_id"], saved["slug"]) == (app.id, "my-reviewbot")
        assert (saved["webhook_secret"], saved["private_key"]) == (secret, pem)

        # the running server switched: /setup is gone, GitHub accepts the new App's JWT
        assert httpx.get(f"{public}/setup").status_code == 404
        assert httpx.get(link).status_code == 404  # the setup link died with the adoption
        assert httpx.get(browser.current_url).status_code == 404  # the callback, replayed
        ready = httpx.get(f"{public}/readyz")
        assert ready.status_code == 200 and "my-reviewbot" in ready.json()["detail"], ready.text

        # install it, as the link on the page says
        _click_through(browser, "install")
        _click_through(browser, "install")
        installation_id = int(_by_id(browser, "installation").text)
        screenshot(browser, "github-installed")
        assert gh.installations[installation_id] == app.id

        # a delivery signed with the new secret starts a review posted as the new App
        payload = opened(scenario)
        payload["installation"]["id"] = installation_id
        refused, _ = deliver(server, "pull_request", payload, "d-old-secret")
        assert refused.status_code == 401  # the fixtures' secret is not the App's
        answer, _ = deliver(server, "pull_request", payload, "d-new", secret=secret)
        assert answer.status_code == 202 and answer.json()["status"] == "started", answer.text
        wait_for(lambda: len(gh.reviews) == 1, REVIEW_SECONDS, "the review", server)
        (review,) = gh.reviews
        assert review["user"]["login"] == "my-reviewbot[bot]"
        (posted_review,) = gh.calls("POST", r"/pulls/1/reviews$")
        assert gh.app_of(posted_review).id == app.id
        assert {run["app"]["id"] for run in gh.check_runs.values()} == {app.id}
        wait_for(
            lambda: all(r["status"] == "completed" for r in gh.check_runs.values()),
            REVIEW_SECONDS,
            "the completed check run",
            server,
        )
    log = server.output()
    secret_lines = [line for line in pem.splitlines() if "PRIVATE KEY" not in line]
    for leaked in (secret, *secret_lines, app.details["client_secret"]):
        assert leaked not in log
    assert not re.search(r"code=[0-9a-f]{20}", log)  # nor the one-time code
    assert log.count(token) == 1  # printed once for the operator, never logged

    # the next start reads the stored App: no setup page, ready at once
    with running_server(env, tmp_path, free_port()) as again:
        assert "no GitHub App is configured" not in again.output().split(log, 1)[-1]
        assert httpx.get(f"{again.url}/setup").status_code == 404
        assert httpx.get(f"{again.url}/readyz").status_code == 200
