"""The Mangum handler end to end: API Gateway HTTP API v2 and Function URL events."""

from __future__ import annotations

import base64
import json
import os
import subprocess
import sys
from types import SimpleNamespace
from typing import Any

import boto3
import pytest
from botocore.stub import ANY, Stubber
from mangum import Mangum
from moto import mock_aws
from webhook_support import REPO_ROOT, SECRET, RecordingStarter, headers_for, load, sign

import reviewbot.lambda_handlers as lambda_handlers
from review import settings as settings_module
from review.settings import ConfigError, load_settings
from webhook.app import create_app
from webhook.settings import WebhookSettings
from webhook.starters import LambdaStarter

CONTEXT = SimpleNamespace(function_name="reviewbot-webhook", aws_request_id="req-1")


def http_api_event(
    body: bytes, headers: dict[str, str], *, base64_body: bool, function_url: bool = False
) -> dict[str, Any]:
    """A payload format 2.0 event, as API Gateway HTTP APIs and Function URLs send."""
    domain = (
        "abcdefghij.lambda-url.us-east-1.on.aws"
        if function_url
        else "abc123.execute-api.us-east-1.amazonaws.com"
    )
    return {
        "version": "2.0",
        "routeKey": "$default" if function_url else "POST /webhook",
        "rawPath": "/webhook",
        "rawQueryString": "",
        "headers": {
            **{k.lower(): v for k, v in headers.items()},
            "content-length": str(len(body)),
            "host": domain,
            "user-agent": "GitHub-Hookshot/044aadd",
            "x-forwarded-proto": "https",
        },
        "requestContext": {
            "accountId": "anonymous" if function_url else "123456789012",
            "apiId": domain.split(".")[0],
            "domainName": domain,
            "domainPrefix": domain.split(".")[0],
            "http": {
                "method": "POST",
                "path": "/webhook",
                "protocol": "HTTP/1.1",
                "sourceIp": "140.82.115.10",
                "userAgent": "GitHub-Hookshot/044aadd",
            },
            "requestId": "c6af9ac6-7b61-11e6-9a41-93e8deadbeef",
            "routeKey": "$default" if function_url else "POST /webhook",
            "stage": "$default",
            "time": "12/Mar/2026:19:03:58 +0000",
            "timeEpoch": 1773342238000,
        },
        "body": base64.b64encode(body).decode() if base64_body else body.decode(),
        "isBase64Encoded": base64_body,
    }


def signed_event(event: str, payload: dict[str, Any], **kwargs: Any) -> dict[str, Any]:
    body = json.dumps(payload).encode()
    return http_api_event(body, headers_for(event, body), **kwargs)


@pytest.mark.parametrize("function_url", [False, True])
@pytest.mark.parametrize("base64_body", [False, True])
def test_mangum_answers_http_api_and_function_url_events(
    settings: WebhookSettings, function_url: bool, base64_body: bool
) -> None:
    starter = RecordingStarter()
    handler = Mangum(create_app(settings, starter), lifespan="off")
    event = signed_event(
        "pull_request",
        load("pull_request/opened"),
        base64_body=base64_body,
        function_url=function_url,
    )
    response = handler(event, CONTEXT)
    assert response["statusCode"] == 202
    assert json.loads(response["body"])["status"] == "started"
    assert len(starter.triggers) == 1


def test_mangum_rejects_a_bad_signature(settings: WebhookSettings) -> None:
    starter = RecordingStarter()
    handler = Mangum(create_app(settings, starter), lifespan="off")
    event = signed_event("pull_request", load("pull_request/opened"), base64_body=True)
    event["headers"]["x-hub-signature-256"] = sign(b"other body")
    assert handler(event, CONTEXT)["statusCode"] == 401
    assert starter.triggers == []


def test_mangum_hides_errors(settings: WebhookSettings) -> None:
    class Exploding:
        def start(self, trigger: object) -> object:
            raise RuntimeError("internal detail")

    handler = Mangum(create_app(settings, Exploding()), lifespan="off")  # type: ignore[arg-type]
    event = signed_event("pull_request", load("pull_request/opened"), base64_body=False)
    response = handler(event, CONTEXT)
    assert response["statusCode"] == 500
    assert "internal detail" not in response["body"]


@pytest.fixture
def aws(monkeypatch: pytest.MonkeyPatch) -> Any:
    for name, value in {
        "AWS_ACCESS_KEY_ID": "testing",
        "AWS_SECRET_ACCESS_KEY": "testing",
        "AWS_DEFAULT_REGION": "us-east-1",
        "AWS_EC2_METADATA_DISABLED": "true",
    }.items():
        monkeypatch.setenv(name, value)
    settings_module.read_secret.cache_clear()
    with mock_aws():
        yield
    settings_module.read_secret.cache_clear()


def test_built_handler_reads_the_secret_from_secrets_manager_once(
    aws: None, monkeypatch: pytest.MonkeyPatch
) -> None:
    arn = boto3.client("secretsmanager").create_secret(Name="wh", SecretString=SECRET)["ARN"]
    env = {"REVIEWBOT_WEBHOOK_SECRET_ARN": arn, "REVIEWBOT_REVIEW_FUNCTION": "reviewbot-review"}
    handler = lambda_handlers.build_webhook(load_settings(env))
    lambda_handlers.build_webhook(load_settings(env))
    assert settings_module.read_secret.cache_info().misses == 1

    client = boto3.client("lambda", region_name="us-east-1")
    stubber = Stubber(client)
    monkeypatch.setattr(LambdaStarter, "_lambda", lambda self: client)
    opened = load("pull_request/opened")
    expected = {
        "FunctionName": "reviewbot-review:live",
        "InvocationType": "Event",
        "DurableExecutionName": ANY,
        "Payload": ANY,
    }
    lookup = {
        "FunctionName": "reviewbot-review",
        "Qualifier": "live",
        "DurableExecutionName": ANY,
        "MaxItems": ANY,
    }
    stubber.add_response("list_durable_executions_by_function", {"DurableExecutions": []}, lookup)
    stubber.add_response("invoke", {"StatusCode": 202}, expected)
    with stubber:
        ping = handler(signed_event("ping", load("ping/ping"), base64_body=False), CONTEXT)
        started = handler(signed_event("pull_request", opened, base64_body=True), CONTEXT)
    stubber.assert_no_pending_responses()
    assert ping["statusCode"] == 200
    assert started["statusCode"] == 202
    assert json.loads(started["body"])["status"] == "started"


def test_build_handler_requires_a_review_function(aws: None) -> None:
    with pytest.raises(ConfigError, match="REVIEWBOT_REVIEW_FUNCTION"):
        lambda_handlers.build_webhook(load_settings({"REVIEWBOT_WEBHOOK_SECRET": "x"}))


def test_build_handler_refuses_an_empty_secret(aws: None) -> None:
    with pytest.raises(ConfigError, match="REVIEWBOT_WEBHOOK_SECRET"):
        lambda_handlers.build_webhook(load_settings({"REVIEWBOT_REVIEW_FUNCTION": "f"}))


def test_module_handler_is_built_from_the_environment_on_first_access(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    monkeypatch.setenv("REVIEWBOT_WEBHOOK_SECRET", SECRET)
    monkeypatch.setenv("REVIEWBOT_REVIEW_FUNCTION", "reviewbot-review")
    monkeypatch.delitem(lambda_handlers.__dict__, "webhook", raising=False)
    try:
        handler = lambda_handlers.webhook
        assert isinstance(handler, Mangum)
        assert lambda_handlers.webhook is handler
    finally:
        lambda_handlers.__dict__.pop("webhook", None)
    with pytest.raises(AttributeError):
        lambda_handlers.not_there  # noqa: B018


def test_cold_start_imports_nothing_heavy() -> None:
    code = (
        "import sys, reviewbot.lambda_handlers as m\n"
        "from review.settings import load_settings\n"
        "m.build_webhook(load_settings({'REVIEWBOT_WEBHOOK_SECRET': 'x', "
        "'REVIEWBOT_REVIEW_FUNCTION': 'f'}))\n"
        "print(' '.join(sorted({n.split('.')[0] for n in sys.modules})))\n"
    )
    env = {**os.environ, "PYTHONPATH": str(REPO_ROOT)}
    result = subprocess.run(
        [sys.executable, "-c", code], cwd=REPO_ROOT, env=env, capture_output=True, text=True
    )
    assert result.returncode == 0, result.stderr
    loaded = set(result.stdout.split())
    assert "fastapi" in loaded and "mangum" in loaded
    forbidden = {"orchestrator", "strands", "githubkit", "git", "reporter"}
    assert not loaded & forbidden
    # boto3 waits for the first start (or a Secrets Manager ARN), httpx and PyJWT for
    # the first command.
    assert not loaded & {"boto3", "botocore", "httpx", "jwt"}
