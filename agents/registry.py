"""The reviewers reviewbot knows, by name."""

from __future__ import annotations

from agents import correctness, secrets, security, style
from agents.base import Agent

AGENTS: dict[str, Agent] = {
    a.name: a for a in (security.AGENT, style.AGENT, secrets.AGENT, correctness.AGENT)
}


def get_agent(name: str) -> Agent:
    try:
        return AGENTS[name]
    except KeyError:
        known = ", ".join(sorted(AGENTS))
        raise ValueError(f"unknown agent {name!r}: choose from {known}") from None


def names() -> tuple[str, ...]:
    """Every agent's name, in the order reports list them."""
    return tuple(AGENTS)


def default_agents(uses_model: bool) -> tuple[str, ...]:
    """The agents a review runs when none is named; model-only ones need a model."""
    return tuple(a.name for a in AGENTS.values() if a.default and (uses_model or not a.needs_model))
