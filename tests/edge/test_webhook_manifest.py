"""webhook/app-manifest.yml subscribes to every routed event and grants every permission used."""

from __future__ import annotations

from typing import Any

import pytest
import yaml
from webhook_support import REPO_ROOT

# webhook.events, not webhook: a stale editable install can leave `webhook` a namespace package.
from webhook.events import ALWAYS_DELIVERED, REQUIRED_PERMISSIONS, ROUTED_EVENTS

LEVELS = {"none": 0, "read": 1, "write": 2, "admin": 3}


@pytest.fixture(scope="module")
def manifest() -> dict[str, Any]:
    return yaml.safe_load((REPO_ROOT / "webhook" / "app-manifest.yml").read_text())


def test_every_routed_event_that_needs_a_subscription_is_subscribed(
    manifest: dict[str, Any],
) -> None:
    assert set(manifest["default_events"]) >= ROUTED_EVENTS - ALWAYS_DELIVERED


def test_events_delivered_to_every_app_are_not_listed(manifest: dict[str, Any]) -> None:
    assert not set(manifest["default_events"]) & ALWAYS_DELIVERED


def test_every_required_permission_is_requested(manifest: dict[str, Any]) -> None:
    granted = manifest["default_permissions"]
    for permission, level in REQUIRED_PERMISSIONS.items():
        assert LEVELS[granted.get(permission, "none")] >= LEVELS[level], permission


def test_no_permission_beyond_what_is_used(manifest: dict[str, Any]) -> None:
    assert set(manifest["default_permissions"]) == set(REQUIRED_PERMISSIONS)


def test_registration_fields(manifest: dict[str, Any]) -> None:
    assert manifest["public"] is False
    assert manifest["hook_attributes"]["url"].endswith("/webhook")
    for key in ("name", "url", "description", "redirect_url"):
        assert manifest[key]
