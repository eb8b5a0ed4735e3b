"""Which model an AI reviewer talks to: `<provider>:<model id>` specs and their factories.

    none                                  analysers only (the default)
    bedrock:<model or inference-profile>  Amazon Bedrock, through the standard AWS credentials
    anthropic:<model>                     Anthropic's API, ANTHROPIC_API_KEY (ANTHROPIC_BASE_URL)
    openai:<model>                        OpenAI or any OpenAI-compatible server: OPENAI_API_KEY,
                                          OPENAI_BASE_URL (Ollama, vLLM, LM Studio need no key)

Each provider is a factory in `FACTORIES`, keyed by prefix; a factory imports its Strands
provider module only when called. Tests add their own prefix (a scripted model) to the
registry with monkeypatch; nothing else registers one.
"""

from __future__ import annotations

import os
import threading
from collections.abc import Callable, Mapping
from dataclasses import dataclass
from typing import Any

NO_MODEL = "none"


class ModelConfigError(ValueError):
    """A model spec that cannot be used; the message tells the user what to fix."""


@dataclass(frozen=True)
class ModelSpec:
    """A parsed model spec plus what its factory needs to know about the run."""

    provider: str
    model_id: str
    agent: str = ""
    max_output_tokens: int = 4_096

    @property
    def text(self) -> str:
        return f"{self.provider}:{self.model_id}"


Factory = Callable[[ModelSpec, Mapping[str, str]], Any]


def parse_spec(
    text: str | None, agent: str = "", max_output_tokens: int = 4_096
) -> ModelSpec | None:
    """The spec `text` names, or None for no model; ModelConfigError if it is malformed."""
    text = (text or "").strip()
    if not text or text.lower() == NO_MODEL:
        return None
    provider, sep, model_id = text.partition(":")
    provider = provider.strip().lower()
    if not sep or not model_id.strip():
        raise ModelConfigError(
            f"model {text!r} is not <provider>:<model id>; use none, "
            + ", ".join(f"{p}:<model>" for p in FACTORIES)
        )
    if provider not in FACTORIES:
        raise ModelConfigError(
            f"unknown model provider {provider!r} in {text!r}; use none, "
            + ", ".join(f"{p}:<model>" for p in FACTORIES)
        )
    return ModelSpec(provider, model_id.strip(), agent, max_output_tokens)


def build_model(spec: ModelSpec, environ: Mapping[str, str] | None = None) -> Any:
    """The Strands model for `spec`; ModelConfigError for a missing package or key."""
    env = os.environ if environ is None else environ
    try:
        return FACTORIES[spec.provider](spec, env)
    except ModelConfigError:
        raise
    except ImportError as exc:
        extra = {"bedrock": "", "anthropic": "[anthropic]", "openai": "[openai]"}.get(
            spec.provider, ""
        )
        raise ModelConfigError(
            f"{spec.provider}: a package it needs is not installed ({exc.name or exc}); "
            f"install strands-agents{extra}"
        ) from None


class BedrockFactory:
    """Bedrock models, sharing one boto3 session per region.

    A new session costs ~100 ms, and a session is not thread-safe while the agents build
    their models in parallel threads: sessions are made on first use, under a lock, and
    kept by this factory (one per process, in `FACTORIES`), never at import.
    """

    def __init__(self) -> None:
        self._sessions: dict[str | None, Any] = {}
        self._lock = threading.Lock()

    def __call__(self, spec: ModelSpec, env: Mapping[str, str]) -> Any:
        import boto3
        from strands.models.bedrock import BedrockModel

        region = env.get("AWS_REGION") or env.get("AWS_DEFAULT_REGION") or None
        with self._lock:  # the model makes its client from the session: under the lock too
            if region not in self._sessions:
                self._sessions[region] = boto3.Session(region_name=region)
            return BedrockModel(
                boto_session=self._sessions[region],
                model_id=spec.model_id,
                max_tokens=spec.max_output_tokens,
                temperature=0.0,
            )


def _anthropic(spec: ModelSpec, env: Mapping[str, str]) -> Any:
    key = env.get("ANTHROPIC_API_KEY")
    if not key:
        raise ModelConfigError("anthropic: set ANTHROPIC_API_KEY")
    from strands.models.anthropic import AnthropicModel

    client_args: dict[str, Any] = {"api_key": key, "max_retries": 2}
    if env.get("ANTHROPIC_BASE_URL"):
        client_args["base_url"] = env["ANTHROPIC_BASE_URL"]
    return AnthropicModel(
        client_args=client_args,
        model_id=spec.model_id,
        max_tokens=spec.max_output_tokens,
        params={"temperature": 0.0},
    )


def _openai(spec: ModelSpec, env: Mapping[str, str]) -> Any:
    key = env.get("OPENAI_API_KEY")
    base_url = env.get("OPENAI_BASE_URL")
    if not key and not base_url:
        raise ModelConfigError(
            "openai: set OPENAI_API_KEY, or OPENAI_BASE_URL for a local OpenAI-compatible server"
        )
    from strands.models.openai import OpenAIModel

    # Local servers (Ollama, vLLM, LM Studio) ignore the key, but the client insists on one.
    client_args: dict[str, Any] = {"api_key": key or "unused", "max_retries": 2}
    if base_url:
        client_args["base_url"] = base_url
    return OpenAIModel(
        client_args=client_args,
        model_id=spec.model_id,
        # No temperature: OpenAI's reasoning models refuse one; max_tokens every server takes.
        params={"max_tokens": spec.max_output_tokens},
    )


FACTORIES: dict[str, Factory] = {
    "bedrock": BedrockFactory(),
    "anthropic": _anthropic,
    "openai": _openai,
}
