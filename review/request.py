"""A review request and its configuration: what to review and how.

The request is the workflow's input, so it is plain JSON-able data. Its run id is
derived from what is reviewed, so the same request always maps to the same run folder
(and, on AWS, to the same durable execution name).
"""

from __future__ import annotations

import hashlib
import json
from collections.abc import Collection
from dataclasses import asdict, dataclass, field, replace
from typing import Any

from review.config_file import ConfigSource
from review.diff import FilterMode
from review.findings import Severity
from review.repo_config import BUDGETS, Instruction, RepoConfig, matcher


@dataclass(frozen=True)
class ReviewConfig:
    """How a review runs; every field has a default a user would expect.

    `agents` names the agents to run; empty means the registry's default agents
    (`agents.registry.default_agents`), which the workflow's source fills in. `exclude`,
    `disable_rules`, `instructions` and `max_inline_comments` come from the repository's
    configuration file (`with_repository`).
    """

    agents: tuple[str, ...] = ()
    filter_mode: FilterMode = FilterMode.INTRODUCED
    # with `introduced`: also report findings already at the base on the lines the change
    # adds or modifies (marked pre-existing); the others are only counted
    report_pre_existing: bool = False
    fail_on: Severity | None = Severity.ERROR
    max_file_bytes: int = 1_000_000
    max_files: int = 1_000
    max_checkout_bytes: int = 200 * 2**20  # changed files written per run, head and base
    agent_timeout_seconds: float = 300.0
    cache: bool = True  # analysers' results reused by file content (`agents.cache`)
    # AI reviewers (agents/llm): "none" runs the analysers only; else "<provider>:<model id>".
    model: str = "none"
    agent_models: dict[str, str] = field(default_factory=dict, hash=False)  # per agent: `model`
    min_confidence: float = 0.7  # model findings (and dismissals) below it are never posted
    max_model_findings: int = 30  # per review, shared between the AI reviewers
    max_model_calls: int = 20  # per agent
    max_tool_calls: int = 60  # per agent: list_files, read_file and search calls
    max_input_tokens: int = 400_000  # per agent
    max_output_tokens: int = 20_000  # per agent
    review_token_budget: int = 1_500_000  # input + output, per review, shared
    model_timeout_seconds: float = 240.0  # per agent, wall clock of its model review
    # from the repository's .github/reviewbot.yml (review.repo_config)
    exclude: tuple[str, ...] = ()  # gitignore-style: never analysed, nothing reported on them
    disable_rules: tuple[str, ...] = ()  # rule ids never reported
    instructions: tuple[Instruction, ...] = ()  # for the AI reviewers, by path glob
    max_inline_comments: int | None = None  # None: the App's own limit

    @property
    def uses_model(self) -> bool:
        return self.model != "none" or any(m != "none" for m in self.agent_models.values())

    def model_for(self, agent: str) -> str:
        """The model spec an agent uses: its override, else the review's model."""
        return self.agent_models.get(agent) or self.model

    def excludes(self, path: str) -> bool:
        """Whether the repository's configuration excludes `path` from the review."""
        return bool(self.exclude) and matcher(self.exclude)(path)

    def instructions_for(self, path: str) -> list[str]:
        """The repository's instructions for the AI reviewers that apply to `path`."""
        return [i.text for i in self.instructions if i.matches(path)]

    def limits(self, max_inline_comments: int) -> dict[str, int]:
        """The values a repository's configuration may lower but not raise: this
        configuration's budgets and the App's `max_inline_comments`."""
        return {
            **{name: getattr(self, name) for name in BUDGETS},
            "max_inline_comments": max_inline_comments,
        }

    def with_repository(self, repo: RepoConfig, explicit: Collection[str] = ()) -> ReviewConfig:
        """This configuration with a repository's file applied, except for the fields named
        in `explicit` (set by whoever asked for the review: a command-line flag, a
        `/review <agent>` command), which keep their value."""
        changes: dict[str, Any] = {
            "exclude": tuple(repo.exclude),
            "disable_rules": tuple(repo.disable_rules),
            "instructions": tuple(repo.instructions),
            "max_inline_comments": repo.max_inline_comments,
        }
        if repo.agents is not None:
            changes["agents"] = tuple(dict.fromkeys(repo.agents))
        if repo.filter is not None:
            changes["filter_mode"] = FilterMode(repo.filter)
        if repo.pre_existing is not None:
            changes["report_pre_existing"] = repo.pre_existing
        if repo.fail_on is not None:
            changes["fail_on"] = None if repo.fail_on == "never" else Severity(repo.fail_on)
        for name in BUDGETS:
            if getattr(repo, name) is not None:
                changes[name] = getattr(repo, name)
        return replace(self, **{k: v for k, v in changes.items() if k not in explicit})

    def repository_view(self, max_inline_comments: int) -> dict[str, Any]:
        """Every key of a repository's configuration file (`RepoConfig`), with the value
        this configuration has (`max_inline_comments`: the App's, unless lower here)."""
        inline = self.max_inline_comments
        return {
            "agents": list(self.agents),
            "exclude": list(self.exclude),
            "disable_rules": list(self.disable_rules),
            "fail_on": self.fail_on.value if self.fail_on else "never",
            "filter": self.filter_mode.value,
            "pre_existing": self.report_pre_existing,
            "max_inline_comments": max_inline_comments if inline is None else inline,
            "instructions": [i.model_dump() for i in self.instructions],
            **{name: getattr(self, name) for name in BUDGETS},
        }

    def to_dict(self) -> dict[str, Any]:
        data = asdict(self)
        data["agents"] = list(self.agents)
        data["filter_mode"] = self.filter_mode.value
        data["fail_on"] = self.fail_on.value if self.fail_on else None
        data["agent_models"] = dict(self.agent_models)
        data["exclude"] = list(self.exclude)
        data["disable_rules"] = list(self.disable_rules)
        data["instructions"] = [i.model_dump() for i in self.instructions]
        return data

    @classmethod
    def from_dict(cls, data: dict[str, Any]) -> ReviewConfig:
        fail_on = data.get("fail_on", Severity.ERROR.value)
        return cls(
            agents=tuple(data.get("agents") or ()),
            filter_mode=FilterMode(data.get("filter_mode", FilterMode.INTRODUCED.value)),
            report_pre_existing=bool(data.get("report_pre_existing", False)),
            fail_on=Severity(fail_on) if fail_on else None,
            max_file_bytes=int(data.get("max_file_bytes", cls.max_file_bytes)),
            max_checkout_bytes=int(data.get("max_checkout_bytes", cls.max_checkout_bytes)),
            max_files=int(data.get("max_files", cls.max_files)),
            agent_timeout_seconds=float(
                data.get("agent_timeout_seconds", cls.agent_timeout_seconds)
            ),
            cache=bool(data.get("cache", True)),
            model=str(data.get("model") or "none"),
            agent_models={str(k): str(v) for k, v in (data.get("agent_models") or {}).items()},
            exclude=tuple(str(p) for p in data.get("exclude") or ()),
            disable_rules=tuple(str(r) for r in data.get("disable_rules") or ()),
            instructions=tuple(
                Instruction.model_validate(i) for i in data.get("instructions") or ()
            ),
            max_inline_comments=data.get("max_inline_comments"),
            **{
                name: kind(data[name])
                for name, kind in _MODEL_LIMITS.items()
                if data.get(name) is not None
            },
        )


_MODEL_LIMITS: dict[str, type] = {
    "min_confidence": float,
    "max_model_findings": int,
    "max_model_calls": int,
    "max_tool_calls": int,
    "max_input_tokens": int,
    "max_output_tokens": int,
    "review_token_budget": int,
    "model_timeout_seconds": float,
}


@dataclass(frozen=True)
class ReviewRequest:
    """What to review: a head commit against a base, from a local path or a clone URL.

    `repository` names the repository (`owner/name` on GitHub, the absolute path locally);
    `source` is where git fetches from (a local path or an https URL). `pull_number` and
    `installation_id` are set for GitHub reviews only. `config_source` says which
    repository configuration `config` includes (set when the review is prepared).
    """

    repository: str
    source: str
    head: str
    base: str
    pull_number: int | None = None
    installation_id: int | None = None
    config: ReviewConfig = field(default_factory=ReviewConfig)
    config_source: ConfigSource = field(default_factory=ConfigSource)

    @property
    def run_id(self) -> str:
        key = json.dumps([self.repository, self.pull_number, self.head, self.base])
        return hashlib.sha256(key.encode()).hexdigest()[:32]

    def to_dict(self) -> dict[str, Any]:
        data = asdict(self)
        data["config"] = self.config.to_dict()
        data["config_source"] = self.config_source.to_dict()
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
            config_source=ConfigSource.from_dict(data.get("config_source")),
        )
