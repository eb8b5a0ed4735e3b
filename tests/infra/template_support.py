"""Reading infra/template.yaml as CloudFormation sees it, before and after the SAM transform."""

from __future__ import annotations

import json
import re
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import boto3
import cfnlint
from cfnlint.decode import cfn_yaml
from samtranslator.parser.parser import Parser
from samtranslator.translator.translator import Translator

REPO_ROOT = Path(__file__).resolve().parents[2]
TEMPLATE = REPO_ROOT / "infra" / "template.yaml"
# What `sam build` writes into each image function before deploying.
BUILT_IMAGE = "123456789012.dkr.ecr.us-east-1.amazonaws.com/reviewbot:built"
STACK = "reviewbot"


def load_template() -> dict[str, Any]:
    """The SAM template with CloudFormation's short tags as their long forms, as plain data."""
    return json.loads(json.dumps(cfn_yaml.load(str(TEMPLATE))))


def translate(template: dict[str, Any]) -> dict[str, Any]:
    """The CloudFormation template the SAM transform makes of `template` after `sam build`."""
    built = json.loads(json.dumps(template))
    for resource in built["Resources"].values():
        if resource["Type"] == "AWS::Serverless::Function":
            resource["Properties"]["ImageUri"] = BUILT_IMAGE
    translator = Translator(None, Parser(), boto_session=boto3.Session(region_name="us-east-1"))
    # No managed policy is referenced by name (roles are explicit), so no IAM lookup is needed.
    return translator.translate(built, parameter_values={}, get_managed_policy_map=dict)


def resource_schema(kind: str) -> dict[str, Any]:
    """The CloudFormation registry schema of `kind` (us-east-1) that cfn-lint bundles."""
    schemas = Path(cfnlint.__file__).parent / "data" / "schemas"
    digest = json.loads((schemas / "providers" / "us-east-1.json").read_text())[kind]
    return json.loads((schemas / "resources" / f"{digest}.json").read_text())


def resources(template: dict[str, Any], kind: str) -> dict[str, dict[str, Any]]:
    return {name: r for name, r in template["Resources"].items() if r["Type"] == kind}


def sub(value: Any, **names: str) -> Any:
    """Resolve a plain `Fn::Sub` string with `names` (plus stack and partition) substituted."""
    if not (isinstance(value, dict) and isinstance(value.get("Fn::Sub"), str)):
        return value
    known = {"AWS::StackName": STACK, "AWS::Partition": "aws", **names}
    return re.sub(r"\$\{([^}]+)\}", lambda m: known.get(m.group(1), m.group(0)), value["Fn::Sub"])


def policy_documents(template: dict[str, Any]) -> Iterator[tuple[str, str, dict[str, Any]]]:
    """(resource, kind of document, document) for every IAM policy document in the template."""
    for name, resource in template["Resources"].items():
        props = resource.get("Properties", {})
        if "AssumeRolePolicyDocument" in props:
            yield name, "trust", props["AssumeRolePolicyDocument"]
        for policy in props.get("Policies", []):
            yield name, "identity", policy["PolicyDocument"]
        if resource["Type"] == "AWS::S3::BucketPolicy":
            yield name, "bucket", props["PolicyDocument"]


def statements(document: dict[str, Any]) -> list[dict[str, Any]]:
    """The document's statements, including those that exist under a condition only."""
    found = [s for item in as_list(document["Statement"]) for s in as_list(item)]
    return [s for s in found if s != {"Ref": "AWS::NoValue"}]


def as_list(value: Any) -> list[Any]:
    """A policy element as a list; both branches of an `Fn::If` count."""
    if isinstance(value, dict) and "Fn::If" in value:
        return [item for branch in value["Fn::If"][1:] for item in as_list(branch)]
    return value if isinstance(value, list) else [value]


NO_VALUE = object()


def conditions(template: dict[str, Any], **parameters: str) -> dict[str, bool]:
    """Every condition of `template` as CloudFormation decides it for `parameters` (the
    other parameters at their defaults). Knows the functions the template's conditions use.
    """
    values = {n: str(p.get("Default", "")) for n, p in template["Parameters"].items()}
    values.update(parameters)

    def value(item: Any) -> str:
        return values[item["Ref"]] if isinstance(item, dict) else str(item)

    def decide(expression: dict[str, Any]) -> bool:
        ((function, arguments),) = expression.items()
        if function == "Condition":
            return decide(template["Conditions"][arguments])
        if function == "Fn::Equals":
            return value(arguments[0]) == value(arguments[1])
        if function == "Fn::Not":
            return not decide(arguments[0])
        if function == "Fn::And":
            return all(decide(a) for a in arguments)
        if function == "Fn::Or":
            return any(decide(a) for a in arguments)
        raise ValueError(f"unknown condition function {function}")

    return {name: decide(expression) for name, expression in template["Conditions"].items()}


def resolve(value: Any, decided: dict[str, bool]) -> Any:
    """`value` with each `Fn::If` decided and `AWS::NoValue` left out."""
    if isinstance(value, list):
        return [r for item in value if (r := resolve(item, decided)) is not NO_VALUE]
    if isinstance(value, dict):
        if value == {"Ref": "AWS::NoValue"}:
            return NO_VALUE
        if set(value) == {"Fn::If"}:
            condition, yes, no = value["Fn::If"]
            return resolve(yes if decided[condition] else no, decided)
        return {k: r for k, item in value.items() if (r := resolve(item, decided)) is not NO_VALUE}
    return value


def deployed(template: dict[str, Any], **parameters: str) -> dict[str, dict[str, Any]]:
    """The resources a stack of `template` has for `parameters`, conditions decided."""
    decided = conditions(template, **parameters)
    return {
        name: resolve(resource, decided)
        for name, resource in template["Resources"].items()
        if decided.get(resource.get("Condition", ""), True)
    }
