"""A review request and its configuration: what to review and how.

The request is the workflow's input, so it is plain JSON-able data. Its run id is
derived from what is reviewed, so the same request always maps to the same run folder
(and, on AWS, to the same durable execution name).
"""

from __future__ import annotations

import hashlib
import json
from dataclasses import asdict, dataclass, field, replace
from typing import Any

from review.diff import FilterMode
from review.findings import Severity

DEFAULT_AGENTS: tuple[str, ...] = ("security", "style", "secrets")


@dataclass(frozen=True)
class ReviewConfig:
    """How a review runs; every field has a default a user would expect."""

    agents: tuple[str, ...] = DEFAULT_AGENTS
    filter_mode: FilterMode = FilterMode.ADDED
    fail_on: Severity | None = Severity.ERROR
    max_file_bytes: int = 1_000_000
    max_files: int = 1_000
    agent_timeout_seconds: float = 300.0

    def to_dict(self) -> dict[str, Any]:
        data = asdict(self)
        data["agents"] = list(self.agents)
        data["filter_mode"] = self.filter_mode.value
        data["fail_on"] = self.fail_on.value if self.fail_on else None
        return data

    @classmethod
    def from_dict(cls, data: dict[str, Any]) -> ReviewConfig:
        fail_on = data.get("fail_on", Severity.ERROR.value)
        return cls(
            agents=tuple(data.get("agents", DEFAULT_AGENTS)),
            filter_mode=FilterMode(data.get("filter_mode", FilterMode.ADDED.value)),
            fail_on=Severity(fail_on) if fail_on else None,
            max_file_bytes=int(data.get("max_file_bytes", cls.max_file_bytes)),
            max_files=int(data.get("max_files", cls.max_files)),
            agent_timeout_seconds=float(
                data.get("agent_timeout_seconds", cls.agent_timeout_seconds)
            ),
        )


@dataclass(frozen=True)
class ReviewRequest:
    """What to review: a head commit against a base, from a local path or a clone URL.

    `repository` names the repository (`owner/name` on GitHub, the absolute path locally);
    `source` is where git fetches from (a local path or an https URL). `pull_number` and
    `installation_id` are set for GitHub reviews only.
    """

    repository: str
    source: str
    head: str
    base: str
    pull_number: int | None = None
    installation_id: int | None = None
    config: ReviewConfig = field(default_factory=ReviewConfig)

    @property
    def run_id(self) -> str:
        key = json.dumps([self.repository, self.pull_number, self.head, self.base])
        return hashlib.sha256(key.encode()).hexdigest()[:32]

    def with_config(self, config: ReviewConfig) -> ReviewRequest:
        return replace(self, config=config)

    def to_dict(self) -> dict[str, Any]:
        data = asdict(self)
        data["config"] = self.config.to_dict()
        return data

    @classmethod
    def from_dict(cls, data: dict[str, Any]) -> ReviewRequest:
        return cls(
            repository=str(data["repository"]),
            source=str(data["source"]),
            head=str(data["head"]),
            base=str(data["base"]),
            pull_number=data.get("pull_number"),
            installation_id=data.get("installation_id"),
            config=ReviewConfig.from_dict(data.get("config") or {}),
        )
