"""Every IAM grant names what it is for: no managed policy, and no `*` in a Resource
except where the service leaves no choice, each such case commented in the template and
listed here with its reason.
"""

from __future__ import annotations

import json
import re
from typing import Any

from template_support import TEMPLATE, as_list, policy_documents, resources, statements

# (resource, Sid) of each Allow statement whose Resource holds a "*", and why it must.
WILDCARD_RESOURCES = {
    ("WorkspaceSyncRole", "Objects"): (
        "every object of the workspace bucket (…/*): S3 Files syncs whatever key the "
        "workspace holds"
    ),
    ("WorkspaceSyncRole", "ManageSyncRules"): (
        "the EventBridge rules S3 Files creates, named DO-NOT-DELETE-S3-Files…; the service "
        "picks the rest of the name"
    ),
    ("WorkspaceSyncRole", "ReadSyncRules"): (
        "describing any rule of this account and Region: S3 Files looks its own up among them"
    ),
    ("WorkspaceSyncRole", "ListSyncRules"): (
        "events:ListRules and events:ListRuleNamesByTarget have no resource type"
    ),
    ("OrchestratorRole", "DurableExecution"): (
        "checkpoints of executions of any version of the orchestrator (function:<name>:*), "
        "the form the Lambda guide gives"
    ),
    ("OrchestratorRole", "ManageNetworkInterfaces"): (
        "network interfaces Lambda creates for the function, whose ids it picks "
        "(this account and Region only)"
    ),
    ("AgentRole", "ManageNetworkInterfaces"): "as the orchestrator's",
    ("OrchestratorRole", "DescribeNetwork"): (
        "ec2:DescribeNetworkInterfaces and ec2:DescribeSubnets have no resource type"
    ),
    ("AgentRole", "DescribeNetwork"): "as the orchestrator's",
    ("AgentRole", "Model"): (
        "the configured model in any Region: a cross-Region inference profile routes a call "
        "to any Region of its geography"
    ),
}


def allowed(template: dict[str, Any]) -> list[tuple[str, dict[str, Any]]]:
    """(resource, statement) of every Allow statement of a role or resource policy."""
    return [
        (resource, statement)
        for resource, kind, document in policy_documents(template)
        if kind != "trust"
        for statement in statements(document)
        if statement["Effect"] == "Allow"
    ]


def texts(value: Any) -> list[str]:
    """The literal text of each resource ARN: a plain string or an Fn::Sub's template, both
    branches of an Fn::If. A Ref or Fn::GetAtt of a resource names that one resource; a Ref
    of a parameter reads as `${Name}`, like a parameter in an Fn::Sub."""
    found = []
    for item in as_list(value):
        if isinstance(item, str):
            found.append(item)
        elif "Fn::Sub" in item:
            template = item["Fn::Sub"]
            found.append(template if isinstance(template, str) else template[0])
        elif "Fn::If" in item:
            found += texts(item["Fn::If"][1:])
        elif "Ref" in item:
            found.append("${" + item["Ref"] + "}")
        else:
            assert set(item) == {"Fn::GetAtt"}, item
    return found


def test_parameters_in_resource_arns_refuse_wildcards(template: dict[str, Any]) -> None:
    """A deployer's value lands in an ARN only through a pattern that refuses `*`."""
    named = {
        name
        for _, statement in allowed(template)
        for text in texts(statement["Resource"])
        for name in re.findall(r"\$\{([A-Za-z0-9]+)\}", text)
        if name in template["Parameters"]
    }
    assert named >= {"BedrockModelId", "ExistingPrivateKeySecretArn"}
    for name in named:
        pattern = template["Parameters"][name]["AllowedPattern"]
        for wildcard in (
            "*",
            "anthropic.*",
            "arn:aws:secretsmanager:us-east-1:123456789012:secret:*",
        ):
            assert not re.fullmatch(pattern, wildcard), (name, wildcard)


def test_no_role_attaches_a_managed_policy(template: dict[str, Any]) -> None:
    """The AWS managed policies for Lambda grant their actions on every resource."""
    for name, role in resources(template, "AWS::IAM::Role").items():
        assert "ManagedPolicyArns" not in role["Properties"], name


def test_every_resource_is_scoped_or_its_wildcard_is_listed(template: dict[str, Any]) -> None:
    wildcards = set()
    for resource, statement in allowed(template):
        assert statement.get("Resource"), (resource, statement.get("Sid"))
        if any("*" in text for text in texts(statement["Resource"])):
            wildcards.add((resource, statement.get("Sid")))
    assert wildcards == set(WILDCARD_RESOURCES)


def test_every_listed_wildcard_is_commented_in_the_template(template: dict[str, Any]) -> None:
    """The line above the statement (or above the alias that repeats it) is a comment."""
    lines = TEMPLATE.read_text().splitlines()
    for resource, sid in WILDCARD_RESOURCES:
        start = lines.index(f"  {resource}:")
        end = next(
            (
                i
                for i in range(start + 1, len(lines))
                if lines[i][:3].strip() and lines[i][2] != " "
            ),
            len(lines),
        )
        marks = (f"Sid: {sid}", f"- *{sid}")
        (at,) = [i for i in range(start, end) if lines[i].strip().endswith(marks)]
        skipped = ("", f"- &{sid}")  # blank lines, and the anchor line of the statement
        above = next(line for line in reversed(lines[:at]) if line.strip() not in skipped)
        assert above.strip().startswith("#"), (resource, sid)


def test_each_function_writes_only_its_own_log_groups(template: dict[str, Any]) -> None:
    functions = resources(template, "AWS::Serverless::Function")
    groups_by_role: dict[str, set[str]] = {}
    for function in functions.values():
        role = function["Properties"]["Role"]["Fn::GetAtt"][0]
        group = function["Properties"]["LoggingConfig"]["LogGroup"]["Ref"]
        groups_by_role.setdefault(role, set()).add(group)
    for role, groups in groups_by_role.items():
        logs = [
            s
            for s in statements(
                template["Resources"][role]["Properties"]["Policies"][0]["PolicyDocument"]
            )
            if any(a.startswith("logs:") for a in as_list(s["Action"]))
        ]
        (grant,) = logs
        assert sorted(as_list(grant["Action"])) == ["logs:CreateLogStream", "logs:PutLogEvents"]
        assert {r["Fn::GetAtt"][0] for r in as_list(grant["Resource"])} == groups, role
        assert all(r["Fn::GetAtt"][1] == "Arn" for r in as_list(grant["Resource"])), role


def test_vpc_functions_may_manage_network_interfaces_only_in_this_account(
    template: dict[str, Any],
) -> None:
    for role in ("OrchestratorRole", "AgentRole"):
        granted = {
            s["Sid"]: s
            for s in statements(
                template["Resources"][role]["Properties"]["Policies"][0]["PolicyDocument"]
            )
        }
        manage, describe = granted["ManageNetworkInterfaces"], granted["DescribeNetwork"]
        assert manage["Resource"] == {
            "Fn::Sub": "arn:${AWS::Partition}:ec2:${AWS::Region}:${AWS::AccountId}:*/*"
        }
        assert all(a.startswith("ec2:") and "Describe" not in a for a in manage["Action"])
        assert sorted(describe["Action"]) == [
            "ec2:DescribeNetworkInterfaces",
            "ec2:DescribeSubnets",
        ]


def test_no_role_but_the_orchestrators_may_write_the_workspace(template: dict[str, Any]) -> None:
    writers = {
        resource
        for resource, statement in allowed(template)
        for action in as_list(statement["Action"])
        if action in {"s3files:ClientWrite", "s3files:ClientRootAccess"}
    }
    assert writers == {"OrchestratorRole"}
    assert "ClientRootAccess" not in json.dumps(template["Resources"]["OrchestratorRole"])
