"""Idempotent starting by outcome: the trigger's names, DedupingStarter, LambdaStarter
(botocore Stubber)."""

from __future__ import annotations

import asyncio
import json
import re
import threading
from concurrent.futures import ThreadPoolExecutor
from dataclasses import replace
from datetime import UTC, datetime

import boto3
import httpx
import pytest
from botocore.exceptions import ClientError
from botocore.stub import Stubber
from fastapi.testclient import TestClient
from webhook_support import SECRET, RecordingStarter, headers_for, load

from review.trigger import ReviewStatus, ReviewTrigger, StartResult
from webhook.app import create_app
from webhook.settings import WebhookSettings
from webhook.starters import DedupingStarter, LambdaStarter, generation_name

TRIGGER = ReviewTrigger(
    delivery_id="d-1",
    event="pull_request",
    repository="octo/repo",
    clone_url="https://github.com/octo/repo.git",
    installation_id=7,
    pull_number=3,
    head_sha="a" * 40,
    base_ref="main",
    head_ref="feature",
)
NAME = re.compile(r"^[A-Za-z0-9_-]{1,64}$")


# ReviewTrigger -------------------------------------------------------------------------


def test_execution_name_is_a_valid_durable_name() -> None:
    assert NAME.match(TRIGGER.execution_name())


def test_automatic_triggers_for_one_head_share_a_name() -> None:
    again = replace(TRIGGER, delivery_id="d-2", reason="synchronize", requested_by="bob")
    assert again.execution_name() == TRIGGER.execution_name()
    assert replace(TRIGGER, head_sha="b" * 40).execution_name() != TRIGGER.execution_name()


def test_on_demand_triggers_differ_per_delivery() -> None:
    first = replace(TRIGGER, reason="command")
    assert first.execution_name() != replace(first, delivery_id="d-2").execution_name()
    assert first.execution_name() == replace(first).execution_name()
    assert first.execution_name() != TRIGGER.execution_name()
    rerun = replace(TRIGGER, reason="rerun")
    assert rerun.execution_name() != replace(rerun, delivery_id="d-9").execution_name()


def test_review_key_ignores_agent_order() -> None:
    one = replace(TRIGGER, agents=("style", "security"))
    assert one.review_key == replace(TRIGGER, agents=("security", "style")).review_key
    assert one.review_key != TRIGGER.review_key


def test_trigger_round_trips_through_json() -> None:
    trigger = replace(TRIGGER, agents=("style",), reason="command")
    assert ReviewTrigger.from_dict(json.loads(json.dumps(trigger.to_dict()))) == trigger


# DedupingStarter -----------------------------------------------------------------------


def test_same_delivery_twice_starts_once() -> None:
    inner = RecordingStarter()
    starter = DedupingStarter(inner)
    assert starter.start(TRIGGER).started
    result = starter.start(TRIGGER)
    assert result == StartResult(False, TRIGGER.execution_name(), "delivery already handled")
    assert len(inner.triggers) == 1


def test_second_delivery_for_the_same_execution_is_a_duplicate() -> None:
    inner = RecordingStarter()
    starter = DedupingStarter(inner)
    starter.start(TRIGGER)
    result = starter.start(replace(TRIGGER, delivery_id="d-2", reason="ready_for_review"))
    assert result.reason == "review already started"
    assert len(inner.triggers) == 1


def test_concurrent_starts_of_one_execution_start_once() -> None:
    inner = RecordingStarter(delay=0.05)
    starter = DedupingStarter(inner)
    barrier = threading.Barrier(16)

    def go(i: int) -> bool:
        barrier.wait()
        return starter.start(replace(TRIGGER, delivery_id=f"d-{i}")).started

    with ThreadPoolExecutor(16) as pool:
        results = list(pool.map(go, range(16)))
    assert results.count(True) == 1
    assert len(inner.triggers) == 1


def test_entries_expire_after_the_ttl() -> None:
    now = [0.0]
    inner = RecordingStarter()
    starter = DedupingStarter(inner, ttl_seconds=10, clock=lambda: now[0])
    starter.start(TRIGGER)
    now[0] = 9.9
    assert not starter.start(TRIGGER).started
    now[0] = 10.0
    assert starter.start(TRIGGER).started
    assert len(inner.triggers) == 2


def test_memory_is_bounded() -> None:
    inner = RecordingStarter()
    starter = DedupingStarter(inner, max_entries=3)
    for i in range(5):
        starter.start(replace(TRIGGER, delivery_id=f"d-{i}", pull_number=i))
    # The oldest were forgotten, so the very first start can happen again.
    assert starter.start(replace(TRIGGER, delivery_id="d-0", pull_number=0)).started
    assert not starter.start(replace(TRIGGER, delivery_id="d-x", pull_number=4)).started


def test_a_failed_review_starts_again_on_redelivery_and_a_succeeded_one_does_not() -> None:
    inner = RecordingStarter()
    starter = DedupingStarter(inner)
    name = TRIGGER.execution_name()
    assert starter.start(TRIGGER).started
    assert starter.start(TRIGGER).reason == "delivery already handled"  # still pending
    inner.outcomes[name] = ReviewStatus.FAILED
    again = starter.start(TRIGGER)  # GitHub's "Redeliver" of the same delivery
    assert again == StartResult(True, name, "recorded")
    other = replace(TRIGGER, delivery_id="d-2", reason="synchronize")
    assert starter.start(other).reason == "review already started"  # pending again
    inner.outcomes[name] = ReviewStatus.SUCCEEDED
    assert not starter.start(TRIGGER).started
    assert not starter.start(other).started
    assert len(inner.triggers) == 2


def test_a_failed_start_can_be_retried() -> None:
    class Flaky(RecordingStarter):
        calls = 0

        def start(self, trigger: ReviewTrigger) -> StartResult:
            self.calls += 1
            if self.calls == 1:
                raise RuntimeError("throttled")
            return super().start(trigger)

    inner = Flaky()
    starter = DedupingStarter(inner)
    with pytest.raises(RuntimeError):
        starter.start(TRIGGER)
    assert starter.start(TRIGGER).started


# Through HTTP: redeliveries and racing deliveries -----------------------------------------


def test_same_delivery_twice_over_http_starts_one_review() -> None:
    inner = RecordingStarter()
    client = TestClient(create_app(WebhookSettings(webhook_secret=SECRET), DedupingStarter(inner)))
    body = json.dumps(load("pull_request/opened")).encode()
    headers = headers_for("pull_request", body, "delivery-1")
    statuses = [client.post("/webhook", content=body, headers=headers).json() for _ in range(2)]
    assert [s["status"] for s in statuses] == ["started", "duplicate"]
    assert statuses[0]["execution"] == statuses[1]["execution"]
    assert len(inner.triggers) == 1


def test_concurrent_deliveries_for_one_head_start_one_review() -> None:
    inner = RecordingStarter(delay=0.02)
    app = create_app(WebhookSettings(webhook_secret=SECRET), DedupingStarter(inner))
    payload = load("pull_request/opened")
    bodies = []
    for i, action in enumerate(["opened", "ready_for_review", "synchronize", "reopened"] * 5):
        body = json.dumps({**payload, "action": action}).encode()
        headers = headers_for("pull_request", body, f"delivery-{i}")
        bodies.append((body, headers))

    async def burst() -> list[str]:
        transport = httpx.ASGITransport(app=app)
        async with httpx.AsyncClient(transport=transport, base_url="http://edge") as client:
            responses = await asyncio.gather(
                *(client.post("/webhook", content=b, headers=h) for b, h in bodies)
            )
        return [r.json()["status"] for r in responses]

    statuses = asyncio.run(burst())
    assert statuses.count("started") == 1
    assert statuses.count("duplicate") == len(bodies) - 1
    assert len(inner.triggers) == 1


def test_concurrent_deliveries_from_threads_start_one_review() -> None:
    inner = RecordingStarter(delay=0.02)
    client = TestClient(create_app(WebhookSettings(webhook_secret=SECRET), DedupingStarter(inner)))
    body = json.dumps(load("pull_request/synchronize")).encode()

    def post(i: int) -> str:
        headers = headers_for("pull_request", body, f"delivery-{i}")
        return client.post("/webhook", content=body, headers=headers).json()["status"]

    with ThreadPoolExecutor(8) as pool:
        statuses = list(pool.map(post, range(8)))
    assert statuses.count("started") == 1
    assert len(inner.triggers) == 1


# LambdaStarter -------------------------------------------------------------------------


def _stubbed() -> tuple[LambdaStarter, Stubber]:
    client = boto3.client(
        "lambda",
        region_name="us-east-1",
        aws_access_key_id="testing",
        aws_secret_access_key="testing",
    )
    return LambdaStarter("reviewbot-review", "live", client=client), Stubber(client)


def _lookup(stubber: Stubber, durable_name: str, *statuses: str) -> None:
    """Expect a look-up of `durable_name`, answered with executions in `statuses`."""
    executions = [
        {
            "DurableExecutionArn": f"arn:aws:lambda:us-east-1:1:function:f:live/e/{i}",
            "DurableExecutionName": durable_name,
            "FunctionArn": "arn:aws:lambda:us-east-1:1:function:f",
            "Status": status,
            "StartTimestamp": datetime(2026, 1, 1, tzinfo=UTC),
        }
        for i, status in enumerate(statuses)
    ]
    params = {
        "FunctionName": "reviewbot-review",
        "Qualifier": "live",
        "DurableExecutionName": durable_name,
        "MaxItems": 10,
    }
    stubber.add_response(
        "list_durable_executions_by_function", {"DurableExecutions": executions}, params
    )


def _invoked(stubber: Stubber, durable_name: str) -> dict:
    expected = {
        "FunctionName": "reviewbot-review:live",
        "InvocationType": "Event",
        "DurableExecutionName": durable_name,
        "Payload": json.dumps(TRIGGER.workflow_event()).encode(),
    }
    stubber.add_response("invoke", {"StatusCode": 202}, expected)
    return expected


def test_lambda_starter_invokes_the_alias_asynchronously_with_a_durable_name() -> None:
    starter, stubber = _stubbed()
    name = TRIGGER.execution_name()
    _lookup(stubber, name)  # never started
    expected = _invoked(stubber, name)
    with stubber:
        result = starter.start(TRIGGER)
    stubber.assert_no_pending_responses()
    assert result == StartResult(True, name, "invoked")
    # the workflow's event names its source explicitly: no shape sniffing on the other side
    assert json.loads(expected["Payload"]) == {
        "source": "pull_request",
        "trigger": TRIGGER.to_dict(),
    }


@pytest.mark.parametrize(
    ("status", "reason"),
    [("RUNNING", "review already pending"), ("SUCCEEDED", "review already succeeded")],
)
def test_lambda_starter_leaves_a_running_or_succeeded_review_alone(
    status: str, reason: str
) -> None:
    starter, stubber = _stubbed()
    _lookup(stubber, TRIGGER.execution_name(), status)
    with stubber:
        result = starter.start(TRIGGER)
    stubber.assert_no_pending_responses()  # nothing invoked
    assert result == StartResult(False, TRIGGER.execution_name(), reason)


def test_lambda_starter_starts_a_failed_review_again_under_the_next_name() -> None:
    """A failed execution's name cannot be reused: the redelivery starts generation 2,
    and a status query sees that generation."""
    starter, stubber = _stubbed()
    name = TRIGGER.execution_name()
    second, third = generation_name(name, 2), generation_name(name, 3)
    assert len(second) <= 64 and second != name and re.fullmatch(r"[A-Za-z0-9_-]+", second)
    _lookup(stubber, name, "FAILED")
    _lookup(stubber, second, "TIMED_OUT")
    _lookup(stubber, third)
    _invoked(stubber, third)
    _lookup(stubber, name, "FAILED")
    _lookup(stubber, second, "STOPPED")
    _lookup(stubber, third, "RUNNING")
    _lookup(stubber, generation_name(name, 4))
    with stubber:
        result = starter.start(TRIGGER)
        status = starter.status(name)
    stubber.assert_no_pending_responses()
    assert result == StartResult(True, name, "invoked again")
    assert status is ReviewStatus.PENDING


def test_lambda_starter_gives_up_after_five_failed_generations() -> None:
    starter, stubber = _stubbed()
    name = TRIGGER.execution_name()
    for generation in range(1, 6):
        _lookup(stubber, generation_name(name, generation), "FAILED")
    with stubber:
        result = starter.start(TRIGGER)
    stubber.assert_no_pending_responses()
    assert not result.started and "/review" in result.reason


def test_lambda_starter_treats_already_started_as_a_duplicate() -> None:
    starter, stubber = _stubbed()
    _lookup(stubber, TRIGGER.execution_name())  # racing another instance that wins
    stubber.add_client_error(
        "invoke",
        service_error_code="DurableExecutionAlreadyStartedException",
        http_status_code=409,
    )
    with stubber:
        result = starter.start(TRIGGER)
    assert result == StartResult(False, TRIGGER.execution_name(), "already started")


def test_lambda_starter_raises_other_errors() -> None:
    starter, stubber = _stubbed()
    _lookup(stubber, TRIGGER.execution_name())
    stubber.add_client_error("invoke", service_error_code="TooManyRequestsException")
    with stubber, pytest.raises(ClientError):
        starter.start(TRIGGER)


def test_installed_botocore_knows_durable_execution_name() -> None:
    client = boto3.client("lambda", region_name="us-east-1")
    members = client.meta.service_model.operation_model("Invoke").input_shape.members
    assert "DurableExecutionName" in members
