"""The orchestrator's Lambda handler reviewing a pull request on the fake GitHub.

As deployed: the webhook's LambdaStarter sends the trigger's workflow event; the review
function (`reviewbot.lambda_handlers.review`, a durable execution on the SDK's local runner)
reads the App's key from Secrets Manager (moto) by REVIEWBOT_PRIVATE_KEY_ARN, reaches
each agent through `context.invoke` of its own function (`reviewbot.lambda_handlers.agent`,
registered under the stack's names), and publishes to the fake GitHub over real HTTP.
"""

from __future__ import annotations

import json
import sys
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import boto3
import pytest
from aws_durable_execution_sdk_python.execution import InvocationStatus
from aws_durable_execution_sdk_python.lambda_service import OperationType
from aws_durable_execution_sdk_python_testing.runner import DurableFunctionTestRunner
from moto import mock_aws

import reviewbot.lambda_handlers as lambda_handlers
from agents.registry import default_agents
from review import settings as settings_module
from review.trigger import ReviewTrigger
from review.workspace import Workspace, read_json
from webhook.starters import LambdaStarter

# the fake GitHub and its helpers live with the GitHub tests
sys.path.insert(0, str(Path(__file__).resolve().parents[1] / "github"))
from github_support import fake_pull_request, inline_of, rsa_pair  # noqa: E402

REGION = "us-west-2"  # the local runner's region
STACK = "reviewbot"
# As the stack passes them: qualified names of the agent functions' `live` alias.
DEFAULT_AGENTS = default_agents(uses_model=False)
AGENT_FUNCTIONS = {name: f"{STACK}-{name}:live" for name in DEFAULT_AGENTS}
BASE = {"README.md": "demo\n", "calc.py": '"""Calculator."""\n'}
HEAD = {"calc.py": '"""Calculator."""\n\n\ndef calc():\n    return eval(input())\n'}


class RecordingLambda:
    """A Lambda client that records what LambdaStarter invokes; no execution exists yet."""

    def __init__(self) -> None:
        self.invocations: list[dict[str, Any]] = []

    def list_durable_executions_by_function(self, **kwargs: Any) -> dict[str, Any]:
        return {"DurableExecutions": []}

    def invoke(self, **kwargs: Any) -> dict[str, Any]:
        self.invocations.append(kwargs)
        return {"StatusCode": 202}


@pytest.fixture
def fake_github(make_repo) -> Iterator[tuple[Any, str]]:
    """The fake GitHub with pull request #1 adding an eval, and the App's private key."""
    private, public = rsa_pair()
    repo = make_repo([BASE, HEAD], name="demo")
    with fake_pull_request(repo, public) as fake:
        yield fake, private


@pytest.fixture
def cold_start(fake_github, tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Iterator[str]:
    """The orchestrator's environment as the stack sets it, its key in Secrets Manager.

    Yields the workspace (the shared mount of the orchestrator and agent functions).
    """
    fake, private = fake_github
    workspace = tmp_path / "workspace"
    for name in ("REVIEWBOT_PRIVATE_KEY", "REVIEWBOT_PRIVATE_KEY_PATH", "REVIEWBOT_MODEL"):
        monkeypatch.delenv(name, raising=False)
    for name in ("AWS_PROFILE", "AWS_ENDPOINT_URL", "AWS_ENDPOINT_URL_SECRETS_MANAGER"):
        monkeypatch.delenv(name, raising=False)
    monkeypatch.setenv("AWS_ACCESS_KEY_ID", "testing")
    monkeypatch.setenv("AWS_SECRET_ACCESS_KEY", "testing")
    monkeypatch.setenv("AWS_SESSION_TOKEN", "testing")
    monkeypatch.setenv("AWS_DEFAULT_REGION", REGION)
    monkeypatch.setenv("AWS_REGION", REGION)
    monkeypatch.setenv("REVIEWBOT_WORKSPACE", str(workspace))
    monkeypatch.setenv("REVIEWBOT_APP_ID", str(fake.app_id))
    monkeypatch.setenv("REVIEWBOT_GITHUB_API_URL", fake.api_url)
    monkeypatch.setenv("REVIEWBOT_AGENT_FUNCTIONS", json.dumps(AGENT_FUNCTIONS))
    for name in ("review", "agent"):  # a cold start: the handlers are built on first access
        monkeypatch.delitem(lambda_handlers.__dict__, name, raising=False)
    settings_module.read_secret.cache_clear()
    with mock_aws():
        secret = boto3.client("secretsmanager", region_name=REGION).create_secret(
            Name=f"{STACK}/github-app-private-key", SecretString=private
        )
        monkeypatch.setenv("REVIEWBOT_PRIVATE_KEY_ARN", secret["ARN"])
        yield str(workspace)
    for name in ("review", "agent"):  # they hold the fake's URL
        lambda_handlers.__dict__.pop(name, None)
    settings_module.read_secret.cache_clear()


def test_the_lambda_orchestrator_reviews_a_pull_request_through_agent_invokes(
    fake_github, cold_start: str
) -> None:
    fake, _ = fake_github
    trigger = ReviewTrigger(
        delivery_id="delivery-1",
        event="pull_request",
        repository=f"{fake.owner}/{fake.name}",
        clone_url=fake.clone_url,
        installation_id=fake.installation_id,
        pull_number=1,
        head_sha=fake.pulls[1].head,
        base_ref="main",
        head_ref="feature",
    )
    # what the webhook function sends: the trigger's workflow event, named for deduplication
    client = RecordingLambda()
    started = LambdaStarter(f"{STACK}-orchestrator", client=client).start(trigger)
    assert started.started
    (invocation,) = client.invocations
    assert invocation["FunctionName"] == f"{STACK}-orchestrator:live"
    assert invocation["InvocationType"] == "Event"
    payload = invocation["Payload"].decode()
    assert json.loads(payload) == trigger.workflow_event()

    with DurableFunctionTestRunner(handler=lambda_handlers.review, poll_interval=0.05) as runner:
        for name in DEFAULT_AGENTS:
            runner.register_function(f"{STACK}-{name}", lambda_handlers.agent)
        result = runner.run(
            input=payload,
            execution_name=invocation["DurableExecutionName"],
            function_name=f"{STACK}-orchestrator",
            execution_timeout=300,
        )

    assert result.status is InvocationStatus.SUCCEEDED, result.error
    operations = result.get_all_operations()
    invoked = {op.name for op in operations if op.operation_type is OperationType.CHAINED_INVOKE}
    python = ("security", "patterns", "style", "secrets")  # the change is one .py file
    # only those agents' functions are invoked: the clone step wrote the others' results
    assert invoked == {f"agent-{name}" for name in python}
    assert not {op.name for op in operations if op.operation_type is OperationType.STEP} & invoked
    # the key was read once per cold start, though every invoke made the workflow replay
    assert settings_module.read_secret.cache_info().misses == 1

    # the key from Secrets Manager signed the App's JWTs: GitHub issued tokens
    assert fake.calls("POST", r"/access_tokens$") and fake.git_requests
    (posted,) = fake.calls("POST", r"/pulls/1/reviews$")
    assert posted.status == 200 and posted.body["commit_id"] == trigger.head_sha
    # the rule pack's finding of the eval, merged with bandit's B307
    assert inline_of(posted.body) == [("calc.py", 5, None, "py-code-injection")]
    assert len(fake.reviews) == 1 and len(fake.issue_comments) == 1
    (run,) = fake.check_runs.values()
    assert run["head_sha"] == trigger.head_sha and run["external_id"] == "pr:1"
    # eval of input(): code injection with run-time data, an error
    assert run["status"] == "completed" and run["conclusion"] == "failure"
    assert run["output"]["title"] == "1 finding: 1 error", run["output"]

    data = json.loads(result.result) if isinstance(result.result, str) else result.result
    outputs = data["outputs"]
    assert outputs["check_run"]["check_run_id"] == run["id"]
    assert outputs["review"]["comments"] == 1
    # each agent's findings file is in the shared workspace
    run_dir = Workspace(Path(cold_start)).run(data["run_id"])
    assert {p.stem for p in run_dir.findings_dir.glob("*.json")} == set(DEFAULT_AGENTS)
    report = read_json(run_dir.report_file)
    assert {name: a["status"] for name, a in report["agents"].items()} == {
        name: "ok" if name in python else "skipped" for name in DEFAULT_AGENTS
    }, report["agents"]
