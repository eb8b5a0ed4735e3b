"""Who can reach what: the security groups, endpoints and routes of each NetworkProfile.

Each case decides the template's conditions for its parameters (as CloudFormation would)
and reads the rules the stack would then have, inline and standalone alike.
"""

from __future__ import annotations

from typing import Any

import pytest
from template_support import as_list, deployed, resources

ANYWHERE = ("cidr", "0.0.0.0/0")
NFS = ("tcp", 2049, 2049)
HTTPS = ("tcp", 443, 443)
MOUNT_TARGETS = ("group", "MountTargetSecurityGroup")
ENDPOINTS = ("group", "EndpointSecurityGroup")
NO_RULE = {("-1", None, None, ("cidr", "127.0.0.1/32"))}  # the loopback rule: nothing at all
INTERFACE_ENDPOINTS = {"LambdaEndpoint", "SecretsManagerEndpoint", "BedrockRuntimeEndpoint"}
EXISTING_VPC = {"ExistingVpcId": "vpc-0123", "ExistingSubnetIds": "subnet-a,subnet-b"}
PROFILES = {
    "endpoints": {"NetworkProfile": "endpoints"},
    "minimal": {"NetworkProfile": "minimal"},
    "existing VPC": EXISTING_VPC,
}
NO_MODEL = {"BedrockModelId": "none"}


def peer(rule: dict[str, Any], *keys: str) -> tuple[str, str]:
    for key in keys:
        if key in rule:
            target = rule[key]
            return ("group", target["Ref"]) if isinstance(target, dict) else ("cidr", target)
    raise AssertionError(f"rule without a peer: {rule}")


def rules(stack: dict[str, dict[str, Any]], group: str, direction: str) -> set[tuple]:
    """(protocol, from port, to port, peer) of every rule of `direction` of `group`."""
    inline = "SecurityGroupEgress" if direction == "egress" else "SecurityGroupIngress"
    kind = (
        "AWS::EC2::SecurityGroupEgress"
        if direction == "egress"
        else "AWS::EC2::SecurityGroupIngress"
    )
    keys = (
        ("DestinationSecurityGroupId", "CidrIp")
        if direction == "egress"
        else ("SourceSecurityGroupId", "CidrIp")
    )
    found = list(stack[group]["Properties"].get(inline, []))
    found += [
        r["Properties"]
        for r in stack.values()
        if r["Type"] == kind and r["Properties"]["GroupId"] == {"Ref": group}
    ]
    return {(r["IpProtocol"], r.get("FromPort"), r.get("ToPort"), peer(r, *keys)) for r in found}


@pytest.fixture(params=list(PROFILES), ids=list(PROFILES))
def stack(request: pytest.FixtureRequest, template: dict[str, Any]) -> dict[str, Any]:
    return deployed(template, **PROFILES[request.param])


def test_each_workspace_function_has_its_roles_group_and_the_webhook_none(
    template: dict[str, Any],
) -> None:
    functions = resources(template, "AWS::Serverless::Function")
    groups = {
        name: function["Properties"].get("VpcConfig", {}).get("SecurityGroupIds")
        for name, function in functions.items()
    }
    assert groups.pop("WebhookFunction") is None  # outside the VPC: it reaches no workspace
    assert groups.pop("OrchestratorFunction") == [{"Ref": "OrchestratorSecurityGroup"}]
    assert groups  # the agents
    assert all(ids == [{"Ref": "AgentSecurityGroup"}] for ids in groups.values()), groups


def test_the_orchestrator_reaches_https_and_the_mount_targets(stack: dict[str, Any]) -> None:
    assert rules(stack, "OrchestratorSecurityGroup", "egress") == {
        (*HTTPS, ANYWHERE),  # GitHub through the NAT gateway, AWS APIs
        (*NFS, MOUNT_TARGETS),
    }
    assert rules(stack, "OrchestratorSecurityGroup", "ingress") == set()


@pytest.mark.parametrize(
    ("parameters", "https"),
    [
        pytest.param(PROFILES["endpoints"], ENDPOINTS, id="endpoints: the endpoints only"),
        pytest.param(PROFILES["minimal"], ANYWHERE, id="minimal: through the NAT gateway"),
        pytest.param(EXISTING_VPC, ANYWHERE, id="existing VPC: its own routes"),
        pytest.param({**PROFILES["endpoints"], **NO_MODEL}, None, id="no model: nothing"),
        pytest.param({**PROFILES["minimal"], **NO_MODEL}, None, id="no model, minimal: nothing"),
    ],
)
def test_agents_reach_the_mount_targets_and_the_model_only(
    template: dict[str, Any], parameters: dict[str, str], https: tuple[str, str] | None
) -> None:
    stack = deployed(template, **parameters)
    expected = {(*NFS, MOUNT_TARGETS)} | ({(*HTTPS, https)} if https else set())
    assert rules(stack, "AgentSecurityGroup", "egress") == expected
    assert rules(stack, "AgentSecurityGroup", "ingress") == set()


def test_with_endpoints_nothing_lets_the_agents_out_of_the_vpc(template: dict[str, Any]) -> None:
    stack = deployed(template, **PROFILES["endpoints"])
    assert all(peer[0] == "group" for *_, peer in rules(stack, "AgentSecurityGroup", "egress"))
    # ... and the groups they may reach start no connection themselves.
    assert rules(stack, "EndpointSecurityGroup", "egress") == NO_RULE
    assert rules(stack, "MountTargetSecurityGroup", "egress") == NO_RULE


def test_mount_targets_accept_nfs_from_the_workspace_functions_only(stack: dict[str, Any]) -> None:
    assert rules(stack, "MountTargetSecurityGroup", "ingress") == {
        (*NFS, ("group", "OrchestratorSecurityGroup")),
        (*NFS, ("group", "AgentSecurityGroup")),
    }
    assert rules(stack, "MountTargetSecurityGroup", "egress") == NO_RULE
    for target in (r for r in stack.values() if r["Type"] == "AWS::S3Files::MountTarget"):
        assert target["Properties"]["SecurityGroups"] == [{"Ref": "MountTargetSecurityGroup"}]


@pytest.mark.parametrize(
    ("parameters", "from_agents"),
    [(PROFILES["endpoints"], True), ({**PROFILES["endpoints"], **NO_MODEL}, False)],
)
def test_endpoints_accept_https_from_the_workspace_functions_only(
    template: dict[str, Any], parameters: dict[str, str], from_agents: bool
) -> None:
    stack = deployed(template, **parameters)
    expected = {(*HTTPS, ("group", "OrchestratorSecurityGroup"))}
    if from_agents:
        expected.add((*HTTPS, ("group", "AgentSecurityGroup")))
    assert rules(stack, "EndpointSecurityGroup", "ingress") == expected
    for name in INTERFACE_ENDPOINTS:
        assert stack[name]["Properties"]["SecurityGroupIds"] == [{"Ref": "EndpointSecurityGroup"}]


def test_no_group_accepts_anything_from_anywhere(stack: dict[str, Any]) -> None:
    for name, resource in stack.items():
        if resource["Type"] == "AWS::EC2::SecurityGroup":
            assert all(peer[0] == "group" for *_, peer in rules(stack, name, "ingress")), name


@pytest.mark.parametrize(
    ("profile", "interface", "nat_and_s3"),
    [
        ("endpoints", INTERFACE_ENDPOINTS, True),
        ("minimal", set(), True),
        ("existing VPC", set(), False),
    ],
)
def test_each_profile_creates_its_own_network(
    template: dict[str, Any], profile: str, interface: set[str], nat_and_s3: bool
) -> None:
    stack = deployed(template, **PROFILES[profile])
    endpoints = {n for n, r in stack.items() if r["Type"] == "AWS::EC2::VPCEndpoint"}
    assert endpoints - {"S3GatewayEndpoint"} == interface
    assert ("S3GatewayEndpoint" in endpoints) is nat_and_s3
    assert ("NatGatewayA" in stack) is nat_and_s3
    assert "NatGatewayB" not in stack  # HighAvailabilityNat adds the second one
    assert ("EndpointSecurityGroup" in stack) is bool(interface)


def test_a_second_nat_gateway_only_on_request(template: dict[str, Any]) -> None:
    assert "NatGatewayB" in deployed(template, HighAvailabilityNat="true")
    assert "NatGatewayB" not in deployed(template, HighAvailabilityNat="true", **EXISTING_VPC)


def test_interface_endpoints_admit_only_this_accounts_principals(template: dict[str, Any]) -> None:
    for name in INTERFACE_ENDPOINTS:
        (statement,) = as_list(
            template["Resources"][name]["Properties"]["PolicyDocument"]["Statement"]
        )
        assert statement["Effect"] == "Allow"
        assert statement["Condition"] == {
            "StringEquals": {"aws:PrincipalAccount": {"Ref": "AWS::AccountId"}}
        }, name


def test_the_default_profile_keeps_the_agents_off_the_internet(template: dict[str, Any]) -> None:
    assert template["Parameters"]["NetworkProfile"]["Default"] == "endpoints"
    assert template["Parameters"]["NetworkProfile"]["AllowedValues"] == ["endpoints", "minimal"]


def test_there_is_a_mount_target_in_each_workspace_subnet(template: dict[str, Any]) -> None:
    targets = resources(template, "AWS::S3Files::MountTarget")
    assert set(targets) == {"WorkspaceMountTargetA", "WorkspaceMountTargetB"}
    for function in resources(template, "AWS::Serverless::Function").values():
        subnets = function["Properties"].get("VpcConfig", {}).get("SubnetIds")
        if subnets is not None:
            assert [t["Properties"]["SubnetId"] for t in targets.values()] == subnets
