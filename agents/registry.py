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
