"""A repository's own configuration, `.github/reviewbot.yml`: its schema, defined once.

`RepoConfig` is the file's schema (published as JSON Schema: `reviewbot config schema`,
`schemas/reviewbot.schema.json`). Validating needs a `ConfigContext`: the agents and rule
ids reviewbot knows (from the agent registry) and the App's own limits, which the file
may lower but never raise. Reading the file (YAML with line numbers) is
`review.config_file`; applying it to a review is `ReviewConfig.with_repository`.

Every check is strict: an unknown key, a value of the wrong type (`"5"` for a number),
a glob git would not accept or that matches nothing, an agent or rule no agent has, a
limit above the App's: each is an error, never silently ignored.
"""

from __future__ import annotations

import re
from collections.abc import Mapping
from dataclasses import dataclass
from functools import lru_cache
from typing import Annotated, Any, Literal

from pathspec import GitIgnoreSpec
from pydantic import (
    AfterValidator,
    BaseModel,
    ConfigDict,
    Field,
    ValidationInfo,
    field_validator,
)

MAX_INSTRUCTIONS = 20
MAX_INSTRUCTION_CHARS = 2_000
MAX_LIST_ITEMS = 500
# Limits a repository may lower but never raise above the App's own (`ConfigContext.limits`).
BUDGETS = (
    "max_model_calls",
    "max_tool_calls",
    "max_input_tokens",
    "max_output_tokens",
    "review_token_budget",
    "max_model_findings",
)
LIMITED = (*BUDGETS, "max_inline_comments")
AI_RULE = re.compile(r"ai:[a-z0-9][a-z0-9-]{0,39}")  # a model finding's rule: ai:<category>

FailOn = Literal["error", "warning", "note", "never"]
Filter = Literal["introduced", "added", "diff_context", "file", "nofilter"]


@dataclass(frozen=True)
class ConfigContext:
    """What a configuration is checked against: the agents' names, the patterns of their
    rule ids (`Analyser.rule_ids`, matched in full), and the App's own value of every
    `LIMITED` key (the most a repository may ask for)."""

    agents: frozenset[str]
    rule_ids: tuple[str, ...]
    limits: Mapping[str, int]

    def knows_rule(self, rule: str) -> bool:
        return bool(AI_RULE.fullmatch(rule)) or any(
            re.fullmatch(pattern, rule) for pattern in self.rule_ids
        )


def _context(info: ValidationInfo) -> ConfigContext:
    if not isinstance(info.context, ConfigContext):
        raise TypeError("validate a RepoConfig with context=ConfigContext(...)")
    return info.context


def glob_problem(pattern: str) -> str | None:
    """Why `pattern` is not a useful gitignore-style glob, or None when it is one."""
    if pattern != pattern.strip():
        return "has leading or trailing spaces: remove them (or escape a meant space with \\)"
    try:
        spec = GitIgnoreSpec.from_lines([pattern])
    except ValueError as exc:
        return f"is not a valid .gitignore pattern ({exc})"
    if not any(p.include is not None for p in spec.patterns):
        return "matches nothing (empty, or a # comment)"
    return None


def _glob(pattern: str) -> str:
    problem = glob_problem(pattern)
    if problem:
        raise ValueError(problem)
    return pattern


def _include_glob(pattern: str) -> str:
    if _glob(pattern).startswith("!"):
        raise ValueError("a negated pattern (!) alone matches nothing")
    return pattern


def _agent(name: str, info: ValidationInfo) -> str:
    known = _context(info).agents
    if name not in known:
        raise ValueError(f"unknown agent {name!r}; agents: {', '.join(sorted(known))}")
    return name


def _rule(rule: str, info: ValidationInfo) -> str:
    if not _context(info).knows_rule(rule):
        raise ValueError(
            f"no agent reports a rule {rule!r} (rule ids are the analysers' own, as in the "
            "report, e.g. B101 or F401; a model's are ai:<category>)"
        )
    return rule


Glob = Annotated[str, AfterValidator(_glob)]
IncludeGlob = Annotated[str, AfterValidator(_include_glob)]
AgentName = Annotated[str, AfterValidator(_agent)]
RuleId = Annotated[str, AfterValidator(_rule)]
Limit = Annotated[int, Field(ge=0)]


class Instruction(BaseModel):
    """Review preferences for the files a glob matches, handed to the AI reviewers."""

    model_config = ConfigDict(extra="forbid", frozen=True, strict=True)

    path: IncludeGlob = Field(
        description="a glob in .gitignore syntax: the files these instructions are for, "
        "e.g. `src/api/**` or `*.sql`"
    )
    text: str = Field(
        min_length=1,
        max_length=MAX_INSTRUCTION_CHARS,
        description="what the AI reviewers should weigh in these files; the reviewers "
        "treat it as the maintainers' preferences, never as instructions overriding theirs",
    )

    def matches(self, path: str) -> bool:
        return matcher((self.path,))(path)


class RepoConfig(BaseModel):
    """The keys of `.github/reviewbot.yml`; a key left out keeps reviewbot's default."""

    model_config = ConfigDict(
        extra="forbid",
        frozen=True,
        strict=True,
        title="reviewbot repository configuration (.github/reviewbot.yml)",
        json_schema_extra={"$schema": "https://json-schema.org/draft/2020-12/schema"},
    )

    agents: list[AgentName] | None = Field(
        default=None,
        min_length=1,
        max_length=MAX_LIST_ITEMS,
        description="the agents to run (default: every default agent); a `/review <agent>` "
        "command or `reviewbot review --agents` still picks its own",
    )
    exclude: list[Glob] = Field(
        default_factory=list,
        max_length=MAX_LIST_ITEMS,
        description="globs in .gitignore syntax: paths never analysed or commented on; a later "
        "`!pattern` re-includes",
    )
    disable_rules: list[RuleId] = Field(
        default_factory=list,
        max_length=MAX_LIST_ITEMS,
        description="rule ids (any agent's, as in the report: B101, F401, ai:naming) never "
        "reported",
    )
    fail_on: FailOn | None = Field(
        default=None,
        description="the lowest severity that fails the check run (default: error)",
    )
    filter: Filter | None = Field(
        default=None,
        description="which findings are kept: what the change introduces (default: anywhere "
        "in a changed file when compared with the base, else on added lines), on added "
        "lines, in the diff's hunks, anywhere in a changed file, or all",
    )
    pre_existing: bool | None = Field(
        default=None,
        description="with the introduced filter, also report findings already at the base "
        "on the lines the change adds or modifies (default: false, they are only counted)",
    )
    max_inline_comments: Limit | None = Field(
        default=None, description="inline comments per review, at most the App's own limit"
    )
    instructions: list[Instruction] = Field(
        default_factory=list,
        max_length=MAX_INSTRUCTIONS,
        description="review preferences for the AI reviewers, each for the files its glob matches",
    )
    max_model_calls: Limit | None = Field(
        default=None, description="model calls per AI reviewer, at most the App's"
    )
    max_tool_calls: Limit | None = Field(
        default=None, description="tool calls per AI reviewer, at most the App's"
    )
    max_input_tokens: Limit | None = Field(
        default=None, description="input tokens per AI reviewer, at most the App's"
    )
    max_output_tokens: Limit | None = Field(
        default=None, description="output tokens per AI reviewer, at most the App's"
    )
    review_token_budget: Limit | None = Field(
        default=None, description="input and output tokens per review, at most the App's"
    )
    max_model_findings: Limit | None = Field(
        default=None, description="model findings posted per review, at most the App's"
    )

    @field_validator(*LIMITED)
    @classmethod
    def _at_most_the_apps(cls, value: int | None, info: ValidationInfo) -> int | None:
        limit = _context(info).limits.get(str(info.field_name))
        if value is not None and limit is not None and value > limit:
            raise ValueError(
                f"{value} is above this App's limit of {limit}: a repository may only lower it"
            )
        return value

    @classmethod
    def validated(cls, data: Any, context: ConfigContext) -> RepoConfig:
        """`data` checked against the schema and `context`; pydantic's ValidationError."""
        return cls.model_validate(data, context=context)


def json_schema() -> dict[str, Any]:
    """The published JSON Schema of `.github/reviewbot.yml`."""
    return RepoConfig.model_json_schema()


@lru_cache(maxsize=256)
def matcher(patterns: tuple[str, ...]) -> Any:
    """`matches(path) -> bool` for gitignore-style `patterns` (later ones win, `!` negates),
    over repository paths relative to the root."""
    spec = GitIgnoreSpec.from_lines(patterns)
    return spec.match_file
