"""What one AI reviewer may spend, and what it did spend.

Budgets come from the review's configuration; the per-review totals (tokens, findings) are
split evenly between the review's AI reviewers, which run in parallel.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from agents import registry
from agents.llm.config import NO_MODEL
from review.request import ReviewConfig


@dataclass
class Budget:
    """What one agent may spend; a run stops gracefully at the first limit it reaches."""

    max_model_calls: int
    max_tool_calls: int
    max_input_tokens: int
    max_output_tokens: int
    max_total_tokens: int
    seconds: float
    max_findings: int

    @classmethod
    def for_agent(cls, config: ReviewConfig, seconds: float) -> Budget:
        """The agent's budget, with the per-review totals split evenly between AI reviewers."""
        shares = max(1, len(ai_reviewers(config)))
        return cls(
            max_model_calls=max(1, config.max_model_calls),
            max_tool_calls=max(0, config.max_tool_calls),
            max_input_tokens=max(1, config.max_input_tokens),
            max_output_tokens=max(1, config.max_output_tokens),
            max_total_tokens=max(1, config.review_token_budget // shares),
            seconds=max(1.0, seconds),
            max_findings=max(1, config.max_model_findings // shares),
        )


def ai_reviewers(config: ReviewConfig) -> list[str]:
    """The agents of this review that run a model pass: they have a brief and a model."""
    return [
        name
        for name in config.agents
        if name in registry.names()
        and registry.get_agent(name).brief is not None
        and (config.model_for(name) or NO_MODEL).strip().lower() != NO_MODEL
    ]


@dataclass
class Usage:
    model: str
    input_tokens: int = 0
    output_tokens: int = 0
    model_calls: int = 0
    tool_calls: int = 0
    seconds: float = 0.0
    stopped: str | None = None  # the budget that ended the run, if one did
    error: str | None = None

    def to_dict(self) -> dict[str, Any]:
        return {
            "model": self.model,
            "input_tokens": self.input_tokens,
            "output_tokens": self.output_tokens,
            "model_calls": self.model_calls,
            "tool_calls": self.tool_calls,
            "seconds": round(self.seconds, 3),
            "stopped": self.stopped,
            "error": self.error,
        }

    def describe(self) -> str:
        return (
            f"model review with {self.model}: {self.input_tokens:,} tokens in, "
            f"{self.output_tokens:,} out, {self.model_calls} model calls, "
            f"{self.tool_calls} tool calls, {self.seconds:.1f} s"
        )
