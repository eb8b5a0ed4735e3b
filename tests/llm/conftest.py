"""Fixtures of the AI reviewer tests: scripted models registered under the `scripted:` prefix."""

from __future__ import annotations

import sys
from collections.abc import Callable
from pathlib import Path

import pytest

sys.path.insert(0, str(Path(__file__).parent))  # llm_support, whatever the import mode

from llm_support import ScriptedModel  # noqa: E402

from agents.llm import config as llm_config  # noqa: E402


class Scripts:
    """Scripted models by model id: `scripted:<id>` builds `models[id]`.

    A model may be given as a function that makes one, so that every review (every run of
    the agent) starts its script afresh; `built[id]` is the last model made for `id`.
    """

    def __init__(self) -> None:
        self.models: dict[str, ScriptedModel | Callable[[], ScriptedModel]] = {}
        self.built: dict[str, ScriptedModel] = {}
        self.agents: list[str] = []

    def add(self, model_id: str, model: ScriptedModel | Callable[[], ScriptedModel]) -> str:
        self.models[model_id] = model
        return f"scripted:{model_id}"

    def factory(self, spec, _environ):
        self.agents.append(spec.agent)
        if spec.model_id not in self.models:
            raise llm_config.ModelConfigError(f"scripted: no script {spec.model_id!r}")
        made = self.models[spec.model_id]
        model = made if isinstance(made, ScriptedModel) else made()
        self.built[spec.model_id] = model
        return model


@pytest.fixture
def scripts(monkeypatch: pytest.MonkeyPatch) -> Scripts:
    """Registers the `scripted:` provider for this test only."""
    registry = Scripts()
    monkeypatch.setitem(llm_config.FACTORIES, "scripted", registry.factory)
    return registry


@pytest.fixture(autouse=True)
def no_ambient_model(monkeypatch: pytest.MonkeyPatch) -> None:
    """A developer's own model settings must not reach these tests (nor any network)."""
    for name in ("REVIEWBOT_MODEL", "OPENAI_BASE_URL", "ANTHROPIC_BASE_URL"):
        monkeypatch.delenv(name, raising=False)
    monkeypatch.setenv("AWS_EC2_METADATA_DISABLED", "true")
