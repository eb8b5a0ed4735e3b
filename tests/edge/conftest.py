"""Fixtures for the webhook edge tests; helpers live in webhook_support."""

from __future__ import annotations

import json
from typing import Any

import pytest
from fastapi.testclient import TestClient
from webhook_support import SECRET, Deliver, FakeGitHub, RecordingStarter, headers_for

from agents.registry import names
from webhook.app import create_app
from webhook.settings import WebhookSettings
from webhook.starters import DedupingStarter


@pytest.fixture
def settings() -> WebhookSettings:
    return WebhookSettings(webhook_secret=SECRET, app_id=2, known_agents=names())


@pytest.fixture
def starter() -> RecordingStarter:
    return RecordingStarter()


@pytest.fixture
def github() -> FakeGitHub:
    return FakeGitHub()


@pytest.fixture
def client(settings: WebhookSettings, starter: RecordingStarter, github: FakeGitHub) -> TestClient:
    return TestClient(create_app(settings, DedupingStarter(starter), github))


@pytest.fixture
def deliver(client: TestClient) -> Deliver:
    """POST a payload signed as GitHub would; returns the httpx response."""

    def _deliver(event: str, payload: dict[str, Any], delivery: str | None = None) -> Any:
        body = json.dumps(payload).encode()
        return client.post("/webhook", content=body, headers=headers_for(event, body, delivery))

    return _deliver
