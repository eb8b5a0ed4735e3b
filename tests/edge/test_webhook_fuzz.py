"""Arbitrary bodies and headers: never a 5xx, never a review without a valid signature."""

from __future__ import annotations

import json
from typing import Any

from fastapi.testclient import TestClient
from hypothesis import HealthCheck, event, given, settings
from hypothesis import strategies as st
from webhook_support import SECRET, FakeGitHub, RecordingStarter, comment_payload, load, sign

from webhook.app import create_app
from webhook.settings import WebhookSettings
from webhook.signature import verify_signature
from webhook.starters import DedupingStarter

STARTER = RecordingStarter()
CLIENT = TestClient(
    create_app(
        WebhookSettings(webhook_secret=SECRET, app_id=2, max_body_bytes=64 * 1024),
        DedupingStarter(STARTER, ttl_seconds=0),
        FakeGitHub(),
    ),
    raise_server_exceptions=False,
)
EVENTS = ["pull_request", "issue_comment", "check_run", "ping", "installation", "push", ""]
SEEDS = [
    ("pull_request", load("pull_request/opened")),
    ("pull_request", load("pull_request/synchronize")),
    ("check_run", {**load("check_run/rerequested"), "action": "rerequested"}),
    ("issue_comment", comment_payload("/review security")),
    ("issue_comment", comment_payload("/help", "NONE")),
]
header_text = st.text(st.characters(min_codepoint=32, max_codepoint=126), max_size=80)
json_values = st.recursive(
    st.none() | st.booleans() | st.integers() | st.floats(allow_nan=False) | st.text(max_size=20),
    lambda inner: st.lists(inner, max_size=4) | st.dictionaries(st.text(max_size=10), inner),
    max_leaves=20,
)


@st.composite
def mutated_deliveries(draw: st.DrawFn) -> tuple[str, bytes]:
    """A real payload, under its own event, with a nested value maybe replaced by junk."""
    name, seed = draw(st.sampled_from(SEEDS))
    payload = json.loads(json.dumps(seed))
    node: Any = payload
    for _ in range(draw(st.integers(0, 3))):
        if not isinstance(node, dict) or not node:
            break
        key = draw(st.sampled_from(sorted(node)))
        if draw(st.booleans()) or not isinstance(node[key], dict):
            node[key] = draw(json_values)
            break
        node = node[key]
    return name, json.dumps(payload).encode()


deliveries = mutated_deliveries() | st.tuples(
    st.sampled_from(EVENTS) | header_text,
    st.binary(max_size=512) | json_values.map(lambda v: json.dumps(v).encode()),
)
extra_headers = st.dictionaries(
    st.sampled_from(
        ["X-Hub-Signature-256", "X-GitHub-Event", "X-GitHub-Delivery", "Content-Type", "X-Other"]
    ),
    header_text,
    max_size=4,
)


@settings(max_examples=200, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(
    delivery=deliveries,
    signing=st.sampled_from(["valid", "valid", "valid", "none", "random", "wrong-secret"]),
    headers=extra_headers,
)
def test_fuzz_webhook(delivery: tuple[str, bytes], signing: str, headers: dict[str, str]) -> None:
    name, body = delivery
    headers = {"X-GitHub-Event": name, **headers}
    if signing == "valid":
        headers["X-Hub-Signature-256"] = sign(body)
    elif signing == "wrong-secret":
        headers["X-Hub-Signature-256"] = sign(body, "not the secret")
    elif signing == "none":
        headers.pop("X-Hub-Signature-256", None)
    before = len(STARTER.triggers)
    response = CLIENT.post("/webhook", content=body, headers=headers)
    assert response.status_code < 500, response.text
    assert response.headers["content-type"] == "application/json"
    event(f"{response.status_code} {response.json().get('status')}")
    signed = verify_signature(SECRET, body, headers.get("X-Hub-Signature-256"))
    if not signed:
        assert response.status_code == 401
        assert len(STARTER.triggers) == before
