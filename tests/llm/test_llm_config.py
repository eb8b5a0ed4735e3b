"""Model specs: parsing, each provider's Strands class and settings, config round trip."""

from __future__ import annotations

import subprocess
import sys
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path

import pytest

from agents.llm.config import (
    FACTORIES,
    BedrockFactory,
    ModelConfigError,
    ModelSpec,
    build_model,
    parse_spec,
)
from review.request import ReviewConfig, ReviewRequest

ROOT = Path(__file__).resolve().parents[2]


@pytest.mark.parametrize("text", [None, "", "none", "NONE", "  none  "])
def test_none_means_no_model(text) -> None:
    assert parse_spec(text) is None


@pytest.mark.parametrize(
    ("text", "provider", "model_id"),
    [
        (
            "bedrock:us.anthropic.claude-sonnet-4-5-20250929-v1:0",
            "bedrock",
            "us.anthropic.claude-sonnet-4-5-20250929-v1:0",
        ),
        (
            "bedrock:arn:aws:bedrock:eu-west-1:123456789012:inference-profile/x",
            "bedrock",
            "arn:aws:bedrock:eu-west-1:123456789012:inference-profile/x",
        ),
        ("anthropic:claude-sonnet-4-5", "anthropic", "claude-sonnet-4-5"),
        ("openai:llama3.1:8b", "openai", "llama3.1:8b"),
        ("OpenAI: gpt-4.1 ", "openai", "gpt-4.1"),
    ],
)
def test_specs_keep_everything_after_the_first_colon(text, provider, model_id) -> None:
    spec = parse_spec(text, agent="security", max_output_tokens=1234)
    assert spec == ModelSpec(provider, model_id, "security", 1234)


@pytest.mark.parametrize(
    ("text", "says"),
    [
        ("gpt-4o", "is not <provider>:<model id>"),
        ("openai:", "is not <provider>:<model id>"),
        ("litellm:gpt-4o", "unknown model provider 'litellm'"),
        ("scripted:x", "unknown model provider 'scripted'"),  # tests only, via monkeypatch
    ],
)
def test_bad_specs_say_what_to_use(text, says) -> None:
    with pytest.raises(ModelConfigError) as caught:
        parse_spec(text)
    assert says in str(caught.value)
    assert "bedrock:<model>" in str(caught.value)


def test_bedrock_builds_a_bedrock_model_without_a_network_call(monkeypatch) -> None:
    from strands.models.bedrock import BedrockModel

    monkeypatch.setenv("AWS_ACCESS_KEY_ID", "testing")
    monkeypatch.setenv("AWS_SECRET_ACCESS_KEY", "testing")
    spec = parse_spec("bedrock:eu.anthropic.claude-x", "security", 2048)
    model = build_model(spec, {"AWS_REGION": "eu-west-1"})
    assert isinstance(model, BedrockModel)
    config = model.get_config()
    assert config["model_id"] == "eu.anthropic.claude-x"
    assert config["max_tokens"] == 2048
    assert model.client.meta.region_name == "eu-west-1"


def test_bedrock_models_share_one_session_per_region_even_built_in_parallel(monkeypatch) -> None:
    import boto3

    made: list[str] = []

    def session(region_name=None):
        made.append(region_name)
        return real_session(region_name=region_name)

    real_session = boto3.Session
    monkeypatch.setattr(boto3, "Session", session)
    monkeypatch.setenv("AWS_ACCESS_KEY_ID", "testing")
    monkeypatch.setenv("AWS_SECRET_ACCESS_KEY", "testing")
    factory = BedrockFactory()  # what FACTORIES["bedrock"] is: it owns its sessions
    spec = parse_spec("bedrock:m")
    regions = ["eu-west-1"] * 6 + ["us-east-1"] * 2
    with ThreadPoolExecutor(8) as pool:
        models = list(pool.map(lambda r: factory(spec, {"AWS_REGION": r}), regions))
    assert sorted(made) == ["eu-west-1", "us-east-1"]
    assert [m.client.meta.region_name for m in models] == regions
    assert BedrockFactory()(spec, {"AWS_REGION": "eu-west-1"}) and len(made) == 3  # not shared


def test_anthropic_needs_its_key(monkeypatch) -> None:
    spec = parse_spec("anthropic:claude-x")
    with pytest.raises(ModelConfigError, match="set ANTHROPIC_API_KEY"):
        build_model(spec, {})


def test_anthropic_builds_an_anthropic_model() -> None:
    pytest.importorskip("anthropic")
    from strands.models.anthropic import AnthropicModel

    env = {"ANTHROPIC_API_KEY": "sk-test", "ANTHROPIC_BASE_URL": "http://127.0.0.1:9/"}
    model = build_model(parse_spec("anthropic:claude-x", "style", 1000), env)
    assert isinstance(model, AnthropicModel)
    assert model.get_config()["model_id"] == "claude-x"
    assert model.get_config()["max_tokens"] == 1000
    assert str(model.client.base_url) == "http://127.0.0.1:9/"
    assert model.client.api_key == "sk-test"


def test_openai_needs_a_key_or_a_local_server() -> None:
    with pytest.raises(ModelConfigError, match="OPENAI_API_KEY, or OPENAI_BASE_URL"):
        build_model(parse_spec("openai:gpt-x"), {})


@pytest.mark.parametrize(
    ("env", "client_args"),
    [
        ({"OPENAI_API_KEY": "sk-test"}, {"api_key": "sk-test", "max_retries": 2}),
        (
            {"OPENAI_BASE_URL": "http://127.0.0.1:11434/v1"},  # Ollama: no key needed
            {"api_key": "unused", "max_retries": 2, "base_url": "http://127.0.0.1:11434/v1"},
        ),
        (
            {"OPENAI_API_KEY": "k", "OPENAI_BASE_URL": "http://127.0.0.1:8000/v1"},  # vLLM
            {"api_key": "k", "max_retries": 2, "base_url": "http://127.0.0.1:8000/v1"},
        ),
    ],
)
def test_openai_builds_an_openai_model_for_any_compatible_server(env, client_args) -> None:
    pytest.importorskip("openai")
    from strands.models.openai import OpenAIModel

    model = build_model(parse_spec("openai:llama3.1:8b", "correctness", 777), env)
    assert isinstance(model, OpenAIModel)
    assert model.get_config() == {"model_id": "llama3.1:8b", "params": {"max_tokens": 777}}
    assert model.client_args == client_args


@pytest.mark.parametrize(
    ("spec", "module", "extra"),
    [("anthropic:x", "anthropic", "[anthropic]"), ("openai:x", "openai", "[openai]")],
)
def test_a_missing_provider_package_is_a_clear_error(monkeypatch, spec, module, extra) -> None:
    monkeypatch.setitem(sys.modules, f"strands.models.{module}", None)  # import fails
    env = {"ANTHROPIC_API_KEY": "k", "OPENAI_API_KEY": "k"}
    with pytest.raises(ModelConfigError) as caught:
        build_model(parse_spec(spec), env)
    assert "is not installed" in str(caught.value)
    assert f"strands-agents{extra}" in str(caught.value)


def test_the_default_config_has_no_model_and_round_trips_the_model_settings() -> None:
    assert ReviewConfig().model == "none"
    config = ReviewConfig(
        model="bedrock:m",
        agent_models={"correctness": "openai:o"},
        min_confidence=0.9,
        max_model_findings=7,
        max_model_calls=3,
        max_tool_calls=4,
        max_input_tokens=5,
        max_output_tokens=6,
        review_token_budget=8,
        model_timeout_seconds=9.5,
    )
    request = ReviewRequest("r", "s", "h", "b", config=config)
    again = ReviewRequest.from_dict(request.to_dict())
    assert again.config == config
    assert again.config.model_for("correctness") == "openai:o"
    assert again.config.model_for("security") == "bedrock:m"
    hash(config)  # still usable as a key
    new_keys = {"model", "agent_models", "min_confidence", "max_model_findings", "max_model_calls"}
    new_keys |= {"max_tool_calls", "max_input_tokens", "max_output_tokens", "review_token_budget"}
    new_keys |= {"model_timeout_seconds"}
    old = {k: v for k, v in ReviewConfig().to_dict().items() if k not in new_keys}
    assert ReviewConfig.from_dict(old) == ReviewConfig()  # a request written before models


def test_importing_the_agents_and_the_cli_does_not_import_strands() -> None:
    code = (
        "import sys, agents.registry, reviewbot.lambda_handlers, reviewbot.cli; "
        "print(sorted(m for m in sys.modules if m.split('.')[0] in ('strands', 'boto3')))"
    )
    done = subprocess.run(
        [sys.executable, "-c", code], cwd=ROOT, capture_output=True, text=True, check=True
    )
    assert done.stdout.strip() == "[]"


def test_providers_are_a_registry_of_factories() -> None:
    assert set(FACTORIES) == {"bedrock", "anthropic", "openai"}
