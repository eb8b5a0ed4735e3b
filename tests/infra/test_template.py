"""Security and wiring properties of the stack, read from infra/template.yaml.

The template is parsed with cfn-lint's CloudFormation YAML loader (short tags become their
long forms); properties that only exist after the SAM transform (the Function URL's
permissions, the alias) are read from the transformed template.
"""

from __future__ import annotations

import json
import os
import re
import subprocess
import sys
import tomllib
from collections.abc import Iterator
from fnmatch import fnmatch
from typing import Any

import pytest
from template_support import (
    REPO_ROOT,
    STACK,
    as_list,
    deployed,
    policy_documents,
    resource_schema,
    resources,
    statements,
    sub,
)

from agents.registry import names as agent_names
from review.settings import LAMBDA_MOUNT, PREFIX, Settings, load_settings

FUNCTION = "AWS::Serverless::Function"
MOUNT_TARGETS = {"WorkspaceMountTargetA", "WorkspaceMountTargetB"}
ACCESS_POINT_ARN = {"Fn::GetAtt": ["WorkspaceAccessPoint", "AccessPointArn"]}
AGENT_ACCESS_POINT_ARN = {"Fn::GetAtt": ["AgentAccessPoint", "AccessPointArn"]}

# Inline statements allowed to use action wildcards: the S3 Files synchronisation role, whose
# policy is the one the S3 Files documentation prescribes (object actions by prefix).
WILDCARD_ACTION_STATEMENTS = {("WorkspaceSyncRole", "Objects")}


@pytest.fixture(scope="module")
def functions(template: dict[str, Any]) -> dict[str, dict[str, Any]]:
    return resources(template, FUNCTION)


def handler_of(function: dict[str, Any]) -> str:
    return function["Properties"]["ImageConfig"]["Command"][0]


def allow_statements(template: dict[str, Any]) -> Iterator[tuple[str, str, dict[str, Any]]]:
    for resource, kind, document in policy_documents(template):
        for statement in statements(document):
            if statement["Effect"] == "Allow":
                yield resource, kind, statement


def role_statements(template: dict[str, Any], role: str) -> dict[str, dict[str, Any]]:
    found = {}
    for policy in template["Resources"][role]["Properties"].get("Policies", []):
        for statement in statements(policy["PolicyDocument"]):
            found[statement["Sid"]] = statement
    return found


def environment(function: dict[str, Any]) -> dict[str, Any]:
    return function["Properties"].get("Environment", {}).get("Variables", {})


def role_of(function: dict[str, Any]) -> str:
    return function["Properties"]["Role"]["Fn::GetAtt"][0]


# ------------------------------------------------------------------- workspace bucket


def test_the_bucket_is_versioned_encrypted_private_and_tls_only(template: dict[str, Any]) -> None:
    bucket = template["Resources"]["WorkspaceBucket"]["Properties"]
    assert bucket["VersioningConfiguration"]["Status"] == "Enabled"
    (rule,) = bucket["BucketEncryption"]["ServerSideEncryptionConfiguration"]
    assert rule["ServerSideEncryptionByDefault"]["SSEAlgorithm"] in {"AES256", "aws:kms"}
    assert bucket["PublicAccessBlockConfiguration"] == {
        "BlockPublicAcls": True,
        "BlockPublicPolicy": True,
        "IgnorePublicAcls": True,
        "RestrictPublicBuckets": True,
    }
    assert bucket["OwnershipControls"]["Rules"] == [{"ObjectOwnership": "BucketOwnerEnforced"}]

    policy = template["Resources"]["WorkspaceBucketPolicy"]["Properties"]
    assert policy["Bucket"] == {"Ref": "WorkspaceBucket"}
    (deny,) = statements(policy["PolicyDocument"])
    assert deny["Effect"] == "Deny"
    assert deny["Condition"] == {"Bool": {"aws:SecureTransport": "false"}}
    assert deny["Resource"] == [
        {"Fn::GetAtt": ["WorkspaceBucket", "Arn"]},
        {"Fn::Sub": "${WorkspaceBucket.Arn}/*"},
    ]


def test_run_folders_and_old_versions_expire(template: dict[str, Any]) -> None:
    rules = template["Resources"]["WorkspaceBucket"]["Properties"]["LifecycleConfiguration"]
    root = template["Resources"]["WorkspaceAccessPoint"]["Properties"]["RootDirectory"]["Path"]
    enabled = [r for r in rules["Rules"] if r["Status"] == "Enabled"]
    # The run folders are runs/<id>/ under the access point's root, which is a key prefix.
    (runs,) = [r for r in enabled if r.get("Prefix") == f"{root.strip('/')}/runs/"]
    assert runs["ExpirationInDays"] == {"Ref": "RunRetentionDays"}
    (versions,) = [r for r in enabled if "NoncurrentVersionExpiration" in r]
    assert "Prefix" not in versions
    assert versions["NoncurrentVersionExpiration"] == {
        "NoncurrentDays": {"Ref": "NoncurrentVersionRetentionDays"}
    }


def test_the_sync_role_trusts_s3_files_of_this_account_for_this_bucket_only(
    template: dict[str, Any],
) -> None:
    role = template["Resources"]["WorkspaceSyncRole"]["Properties"]
    (trust,) = statements(role["AssumeRolePolicyDocument"])
    assert trust["Principal"] == {"Service": "elasticfilesystem.amazonaws.com"}
    assert trust["Condition"]["StringEquals"] == {"aws:SourceAccount": {"Ref": "AWS::AccountId"}}
    bucket_arns = {
        json.dumps({"Fn::GetAtt": ["WorkspaceBucket", "Arn"]}),
        json.dumps({"Fn::Sub": "${WorkspaceBucket.Arn}/*"}),
    }
    for statement in role_statements(template, "WorkspaceSyncRole").values():
        actions = as_list(statement["Action"])
        if any(a.startswith("s3:") for a in actions):
            assert {json.dumps(r) for r in as_list(statement["Resource"])} <= bucket_arns
    assert template["Resources"]["WorkspaceFileSystem"]["Properties"]["RoleArn"] == {
        "Fn::GetAtt": ["WorkspaceSyncRole", "Arn"]
    }


# ---------------------------------------------------------------------------- IAM


def test_no_allow_statement_has_a_wildcard_principal(
    template: dict[str, Any], translated: dict[str, Any]
) -> None:
    for resource, _, statement in allow_statements(template):
        principal = statement.get("Principal")
        assert principal != "*", resource
        if isinstance(principal, dict):
            assert "*" not in as_list(principal.get("AWS", [])), resource
    # After the transform, only the webhook's Function URL is public (AuthType NONE): GitHub
    # cannot sign AWS requests, and the webhook checks every delivery's HMAC signature.
    public = [
        p["Properties"]
        for p in resources(translated, "AWS::Lambda::Permission").values()
        if p["Properties"]["Principal"] == "*"
    ]
    assert public
    for permission in public:
        assert permission["FunctionName"] == {"Ref": "WebhookFunction"}
        assert permission.get("FunctionUrlAuthType") == "NONE" or permission.get(
            "InvokedViaFunctionUrl"
        )


def test_no_statement_allows_every_action_of_a_service(template: dict[str, Any]) -> None:
    for resource, _, statement in allow_statements(template):
        for action in as_list(statement["Action"]):
            assert action != "*" and not action.endswith(":*"), (resource, action)
            if "*" in action:
                assert (resource, statement.get("Sid")) in WILDCARD_ACTION_STATEMENTS, action


def test_the_webhook_may_start_reviews_and_read_its_secrets_only(
    template: dict[str, Any], functions: dict[str, dict[str, Any]]
) -> None:
    webhook = functions["WebhookFunction"]["Properties"]
    assert webhook["FunctionUrlConfig"] == {"AuthType": "NONE"}
    assert "VpcConfig" not in webhook and "FileSystemConfigs" not in webhook
    role = template["Resources"][role_of(functions["WebhookFunction"])]["Properties"]
    assert "ManagedPolicyArns" not in role
    granted = role_statements(template, role_of(functions["WebhookFunction"]))
    assert set(granted) == {"Logs", "StartReviews", "LookUpReviews", "ReadSecrets"}
    assert granted["StartReviews"]["Action"] == "lambda:InvokeFunction"
    where = {"AWS::Region": "r", "AWS::AccountId": "1"}
    orchestrator = f"arn:aws:lambda:r:1:function:{STACK}-orchestrator"
    assert sub(granted["StartReviews"]["Resource"], **where) == f"{orchestrator}:live"
    # the look-up of a review's executions, so that a failed one can start again
    assert granted["LookUpReviews"]["Action"] == "lambda:ListDurableExecutionsByFunction"
    looked_up = [sub(arn, **where) for arn in granted["LookUpReviews"]["Resource"]]
    assert looked_up == [orchestrator, f"{orchestrator}:live"]
    assert granted["ReadSecrets"]["Action"] == "secretsmanager:GetSecretValue"
    env = webhook["Environment"]["Variables"]
    assert granted["ReadSecrets"]["Resource"] == [
        env["REVIEWBOT_WEBHOOK_SECRET_ARN"],
        env["REVIEWBOT_PRIVATE_KEY_ARN"],
    ]
    assert granted["Logs"]["Resource"] == {"Fn::GetAtt": ["WebhookLogGroup", "Arn"]}


def test_the_webhook_starts_the_orchestrator_alias(
    functions: dict[str, dict[str, Any]], translated: dict[str, Any]
) -> None:
    env = functions["WebhookFunction"]["Properties"]["Environment"]["Variables"]
    orchestrator = functions["OrchestratorFunction"]["Properties"]
    assert sub(env["REVIEWBOT_REVIEW_FUNCTION"]) == sub(orchestrator["FunctionName"])
    assert env["REVIEWBOT_REVIEW_FUNCTION_ALIAS"] == orchestrator["AutoPublishAlias"] == "live"
    alias = translated["Resources"]["OrchestratorFunctionAliaslive"]["Properties"]
    assert alias["Name"] == "live"


def test_the_orchestrator_is_durable_and_invokes_exactly_the_agent_functions(
    template: dict[str, Any], functions: dict[str, dict[str, Any]]
) -> None:
    orchestrator = functions["OrchestratorFunction"]["Properties"]
    durable = orchestrator["DurableConfig"]
    assert durable == {
        "ExecutionTimeout": {"Ref": "ExecutionTimeoutSeconds"},
        "RetentionPeriodInDays": {"Ref": "ExecutionRetentionDays"},
    }
    granted = role_statements(template, role_of(functions["OrchestratorFunction"]))
    durable = granted["DurableExecution"]
    assert sorted(durable["Action"]) == [
        "lambda:CheckpointDurableExecution",
        "lambda:GetDurableExecutionState",
    ]
    own = sub(orchestrator["FunctionName"])
    assert sub(durable["Resource"], **{"AWS::Region": "r", "AWS::AccountId": "1"}) == (
        f"arn:aws:lambda:r:1:function:{own}:*"
    )

    names = {"AWS::Region": "r", "AWS::AccountId": "1"}
    wanted = json.loads(sub(orchestrator["Environment"]["Variables"]["REVIEWBOT_AGENT_FUNCTIONS"]))
    agent_functions = {
        sub(f["Properties"]["FunctionName"]): f
        for f in functions.values()
        if handler_of(f) == "reviewbot.lambda_handlers.agent"
    }
    # Every agent the registry knows has a function, `<stack>-<agent>`, and no other agent
    # function exists; the map names each one's alias.
    assert set(wanted) == set(agent_names())
    assert set(agent_functions) == {f"{STACK}-{name}" for name in agent_names()}
    for qualified in wanted.values():
        name, alias = qualified.split(":")
        assert agent_functions[name]["Properties"]["AutoPublishAlias"] == alias
    invokable = role_statements(template, role_of(functions["OrchestratorFunction"]))
    assert {sub(r, **names) for r in invokable["InvokeAgents"]["Resource"]} == {
        f"arn:aws:lambda:r:1:function:{q}" for q in wanted.values()
    }


def test_failed_starts_go_to_a_queue_the_orchestrator_may_write(
    template: dict[str, Any], functions: dict[str, dict[str, Any]]
) -> None:
    config = functions["OrchestratorFunction"]["Properties"]["EventInvokeConfig"]
    failure = config["DestinationConfig"]["OnFailure"]
    assert failure == {"Type": "SQS", "Destination": {"Fn::GetAtt": ["FailedStartsQueue", "Arn"]}}
    granted = role_statements(template, role_of(functions["OrchestratorFunction"]))
    assert granted["FailedStarts"] == {
        "Sid": "FailedStarts",
        "Effect": "Allow",
        "Action": "sqs:SendMessage",
        "Resource": {"Fn::GetAtt": ["FailedStartsQueue", "Arn"]},
    }


def test_agents_may_call_the_configured_model_only(template: dict[str, Any]) -> None:
    assert template["Conditions"]["UseModel"] == {
        "Fn::Not": [{"Fn::Equals": [{"Ref": "BedrockModelId"}, "none"]}]
    }
    model = role_statements(template, "AgentRole")["Model"]
    assert sorted(model["Action"]) == [
        "bedrock:InvokeModel",
        "bedrock:InvokeModelWithResponseStream",
    ]
    for arn in as_list(model["Resource"]):
        text = arn["Fn::Sub"]
        assert text.endswith(("/${BedrockModelId}", "/${BedrockInferenceProfileId}")), text


# --------------------------------------------------------------- the functions


@pytest.mark.parametrize(
    ("point", "root"),
    [("WorkspaceAccessPoint", "/reviewbot"), ("AgentAccessPoint", "/reviewbot/runs")],
)
def test_each_access_point_confines_its_users_to_one_owned_directory(
    template: dict[str, Any], point: str, root: str
) -> None:
    props = template["Resources"][point]["Properties"]
    assert props["FileSystemId"] == {"Fn::GetAtt": ["WorkspaceFileSystem", "FileSystemId"]}
    assert props["PosixUser"] == {"Uid": "1000", "Gid": "1000"}  # the orchestrator's user
    assert props["RootDirectory"] == {
        "Path": root,
        "CreationPermissions": {"OwnerUid": "1000", "OwnerGid": "1000", "Permissions": "0750"},
    }


def agent_functions(functions: dict[str, dict[str, Any]]) -> dict[str, dict[str, Any]]:
    return {
        n: f for n, f in functions.items() if handler_of(f) == "reviewbot.lambda_handlers.agent"
    }


def workspace_grants(template: dict[str, Any], role: str) -> list[dict[str, Any]]:
    """The role's statements that grant any S3 Files action."""
    return [
        s
        for s in role_statements(template, role).values()
        if any(a.startswith("s3files:") for a in as_list(s["Action"]))
    ]


def test_the_orchestrator_mounts_the_whole_workspace_read_write(
    template: dict[str, Any], functions: dict[str, dict[str, Any]]
) -> None:
    orchestrator = functions["OrchestratorFunction"]
    (mount,) = orchestrator["Properties"]["FileSystemConfigs"]
    assert mount["Arn"] == ACCESS_POINT_ARN
    assert mount["LocalMountPath"] == str(LAMBDA_MOUNT)
    assert mount["S3FilesConfig"] == {"DirectS3Read": "DISABLED"}
    assert set(as_list(orchestrator["DependsOn"])) >= MOUNT_TARGETS
    (grant,) = workspace_grants(template, role_of(orchestrator))
    assert sorted(as_list(grant["Action"])) == ["s3files:ClientMount", "s3files:ClientWrite"]
    assert grant["Resource"] == {"Fn::GetAtt": ["WorkspaceFileSystem", "FileSystemArn"]}
    assert grant["Condition"] == {"ArnEquals": {"s3files:AccessPointArn": ACCESS_POINT_ARN}}


def test_agents_mount_the_run_folders_read_only(
    template: dict[str, Any], functions: dict[str, dict[str, Any]]
) -> None:
    agents = agent_functions(functions)
    assert len(agents) == len(agent_names())
    roles = {role_of(f) for f in agents.values()}
    assert roles == {"AgentRole"}  # and that role is no one else's
    assert roles.isdisjoint(role_of(f) for n, f in functions.items() if n not in agents)
    for name, function in agents.items():
        props = function["Properties"]
        (mount,) = props["FileSystemConfigs"]
        assert mount["Arn"] == AGENT_ACCESS_POINT_ARN, name
        assert mount["S3FilesConfig"] == {"DirectS3Read": "DISABLED"}, name
        assert set(as_list(function["DependsOn"])) >= MOUNT_TARGETS, name
        # The agent's workspace, as its settings read it, holds the run folders where the
        # access point shows them: <workspace>/runs is the mount of /reviewbot/runs.
        workspace = load_settings(environment(function), env_file=None).workspace_root()
        assert str(workspace / "runs") == mount["LocalMountPath"], name
    (grant,) = workspace_grants(template, "AgentRole")
    assert grant["Action"] == "s3files:ClientMount"  # no ClientWrite, no ClientRootAccess
    assert grant["Resource"] == {"Fn::GetAtt": ["WorkspaceFileSystem", "FileSystemArn"]}
    assert grant["Condition"] == {"ArnEquals": {"s3files:AccessPointArn": AGENT_ACCESS_POINT_ARN}}
    orchestrator_root = template["Resources"]["WorkspaceAccessPoint"]["Properties"]
    agent_root = template["Resources"]["AgentAccessPoint"]["Properties"]
    assert (
        agent_root["RootDirectory"]["Path"] == orchestrator_root["RootDirectory"]["Path"] + "/runs"
    )


def test_the_file_system_refuses_writes_except_through_the_orchestrators_access_point(
    template: dict[str, Any],
) -> None:
    policy = template["Resources"]["WorkspaceFileSystemPolicy"]["Properties"]
    assert policy["FileSystemId"] == {"Fn::GetAtt": ["WorkspaceFileSystem", "FileSystemId"]}
    (deny,) = statements(policy["Policy"])
    assert deny["Effect"] == "Deny"
    assert deny["Principal"] == {"AWS": "*"}
    assert sorted(as_list(deny["Action"])) == ["s3files:ClientRootAccess", "s3files:ClientWrite"]
    assert deny["Resource"] == {"Fn::GetAtt": ["WorkspaceFileSystem", "FileSystemArn"]}
    assert deny["Condition"] == {"ArnNotEquals": {"s3files:AccessPointArn": ACCESS_POINT_ARN}}


def test_every_workspace_grant_names_its_access_point(template: dict[str, Any]) -> None:
    granted = 0
    for role in resources(template, "AWS::IAM::Role"):
        for grant in workspace_grants(template, role):
            granted += 1
            (arn,) = grant["Condition"]["ArnEquals"]["s3files:AccessPointArn"]["Fn::GetAtt"][:1]
            assert template["Resources"][arn]["Type"] == "AWS::S3Files::AccessPoint", role
    assert granted == 2


def test_only_the_workspace_functions_mount_anything(functions: dict[str, dict[str, Any]]) -> None:
    mounting = {n for n, f in functions.items() if "FileSystemConfigs" in f["Properties"]}
    in_vpc = {n for n, f in functions.items() if "VpcConfig" in f["Properties"]}
    assert mounting == in_vpc == set(functions) - {"WebhookFunction"}


def test_each_function_logs_to_its_own_group_with_retention(
    template: dict[str, Any], functions: dict[str, dict[str, Any]]
) -> None:
    groups = set()
    for function in functions.values():
        group = function["Properties"]["LoggingConfig"]["LogGroup"]["Ref"]
        props = template["Resources"][group]["Properties"]
        assert props["RetentionInDays"] == {"Ref": "LogRetentionDays"}
        assert (
            sub(props["LogGroupName"])
            == f"/aws/lambda/{sub(function['Properties']['FunctionName'])}"
        )
        groups.add(group)
    assert len(groups) == len(functions)


def test_every_function_logs_json_at_the_configured_levels(
    template: dict[str, Any], translated: dict[str, Any]
) -> None:
    """The platform formats the log lines (LogFormat JSON), not our code; the levels are
    parameters whose values are exactly the ones Lambda takes."""
    assert template["Globals"]["Function"]["LoggingConfig"] == {
        "LogFormat": "JSON",
        "ApplicationLogLevel": {"Ref": "LogLevel"},
        "SystemLogLevel": {"Ref": "SystemLogLevel"},
    }
    schema = resource_schema("AWS::Lambda::Function")["definitions"]["LoggingConfig"]
    levels = schema["properties"]
    params = template["Parameters"]
    assert params["LogLevel"]["AllowedValues"] == levels["ApplicationLogLevel"]["enum"]
    assert params["SystemLogLevel"]["AllowedValues"] == levels["SystemLogLevel"]["enum"]
    deployed = resources(translated, "AWS::Lambda::Function")
    assert len(deployed) == len(resources(template, FUNCTION))
    for name, function in deployed.items():
        config = function["Properties"]["LoggingConfig"]
        assert config["LogFormat"] == "JSON", name
        assert config["ApplicationLogLevel"] == {"Ref": "LogLevel"}, name
        assert config["SystemLogLevel"] == {"Ref": "SystemLogLevel"}, name
        assert config["LogGroup"] == {"Ref": name.replace("Function", "LogGroup")}, name


def watched_metrics(alarm: dict[str, Any]) -> set[tuple[str, str, str]]:
    """(namespace, metric, dimension value) of each metric an alarm reads, math included."""
    props = alarm["Properties"]
    metrics = (
        [props]
        if "MetricName" in props
        else [m["MetricStat"]["Metric"] for m in props["Metrics"] if "MetricStat" in m]
    )
    dimension = [sub(m["Dimensions"][0]["Value"]) for m in metrics]
    return {
        (m["Namespace"], m["MetricName"], d if isinstance(d, str) else json.dumps(d))
        for m, d in zip(metrics, dimension, strict=True)
    }


def test_an_alarm_watches_the_orchestrators_errors(template: dict[str, Any]) -> None:
    watched = set().union(
        *map(watched_metrics, resources(template, "AWS::CloudWatch::Alarm").values())
    )
    assert ("AWS/Lambda", "Errors", f"{STACK}-orchestrator") in watched


def test_the_webhook_alarm_counts_5xx_answers_and_throttles(template: dict[str, Any]) -> None:
    """GitHub retries neither: both are lost deliveries, one alarm says so."""
    alarm = template["Resources"]["WebhookFailedDeliveriesAlarm"]
    assert watched_metrics(alarm) == {
        ("AWS/Lambda", "Url5xxCount", f"{STACK}-webhook"),
        ("AWS/Lambda", "Throttles", f"{STACK}-webhook"),
    }
    metrics = {m["Id"]: m for m in alarm["Properties"]["Metrics"]}
    (returned,) = [m for m in metrics.values() if m["ReturnData"]]
    ids = sorted(i for i in metrics if i != returned["Id"])
    assert returned["Expression"] == " + ".join(f"FILL({i}, 0)" for i in ids)
    for i in ids:
        assert metrics[i]["MetricStat"]["Stat"] == "Sum"
    props = alarm["Properties"]
    assert (props["Threshold"], props["ComparisonOperator"]) == (1, "GreaterThanOrEqualToThreshold")
    assert props["TreatMissingData"] == "notBreaching"


def test_the_public_webhook_is_capped_by_default(template: dict[str, Any]) -> None:
    """A flood of forged deliveries is throttled at the webhook, not in the account."""
    default = template["Parameters"]["WebhookReservedConcurrency"]["Default"]
    assert 0 < default <= 50
    capped = deployed(template)["WebhookFunction"]["Properties"]
    assert capped["ReservedConcurrentExecutions"] == {"Ref": "WebhookReservedConcurrency"}
    unreserved = deployed(template, WebhookReservedConcurrency="-1")["WebhookFunction"]
    assert "ReservedConcurrentExecutions" not in unreserved["Properties"]


def test_secrets_reach_functions_as_arns_only(functions: dict[str, dict[str, Any]]) -> None:
    for name, function in functions.items():
        for variable, value in environment(function).items():
            if re.search(r"SECRET|PRIVATE_KEY|TOKEN|PASSWORD", variable):
                assert variable.endswith("_ARN"), (name, variable)
                assert isinstance(value, dict), (name, variable)


def test_every_environment_variable_is_a_setting(functions: dict[str, dict[str, Any]]) -> None:
    """Each variable the template sets is one the settings module reads (none is ignored)."""
    known = {PREFIX + name.upper() for name in Settings.model_fields}
    for function in functions.values():
        for variable in environment(function):
            assert variable in known, variable


def test_every_handler_resolves_to_a_callable(functions: dict[str, dict[str, Any]]) -> None:
    handlers = sorted({handler_of(f) for f in functions.values()})
    probe = (
        "import importlib, sys\n"
        "for path in sys.argv[1:]:\n"
        "    module, _, name = path.rpartition('.')\n"
        "    assert callable(getattr(importlib.import_module(module), name)), path\n"
    )
    env = {
        **os.environ,
        "REVIEWBOT_WEBHOOK_SECRET": "test-secret",
        "REVIEWBOT_REVIEW_FUNCTION": f"{STACK}-orchestrator",
        "AWS_DEFAULT_REGION": "us-east-1",
    }
    done = subprocess.run(
        [sys.executable, "-c", probe, *handlers],
        cwd=REPO_ROOT,
        env=env,
        capture_output=True,
        text=True,
        check=False,
        timeout=120,
    )
    assert done.returncode == 0, done.stderr


def test_the_image_holds_every_package(functions: dict[str, dict[str, Any]]) -> None:
    for function in functions.values():
        assert function["Metadata"]["Dockerfile"] == "infra/Dockerfile"
        assert function["Metadata"]["DockerContext"] == ".."
    dockerfile = (REPO_ROOT / "infra" / "Dockerfile").read_text()
    copied = {line.split()[1] for line in dockerfile.splitlines() if line.startswith("COPY ")}
    pyproject = tomllib.loads((REPO_ROOT / "pyproject.toml").read_text())
    patterns = pyproject["tool"]["setuptools"]["packages"]["find"]["include"]
    packages = {
        p.name
        for p in REPO_ROOT.iterdir()
        if (p / "__init__.py").is_file() and any(fnmatch(p.name, pattern) for pattern in patterns)
    }
    assert packages <= copied


def test_the_webhook_url_output_is_the_apps_route(template: dict[str, Any]) -> None:
    from webhook.app import create_app
    from webhook.settings import WebhookSettings

    value = template["Outputs"]["WebhookUrl"]["Value"]
    assert value == {"Fn::Sub": "${WebhookFunctionUrl.FunctionUrl}webhook"}  # URL ends in /
    app = create_app(WebhookSettings(webhook_secret="test-secret"), starter=None)  # type: ignore[arg-type]
    assert "/webhook" in {route.path for route in app.routes}
