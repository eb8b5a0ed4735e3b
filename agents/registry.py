"""The reviewers reviewbot knows: every module of `agents.reviewers`, by its name.

Adding an agent is adding a module there (see README, "Adding an agent"); nothing else
names one. `names()` only lists the modules, without importing them, so the webhook's
cold start (which validates `/review <agent>`) loads no agent implementation;
`get_agent` imports the one asked for. Discovery is cached; `reset()` forgets it (tests
that add an agent module).
"""

from __future__ import annotations

import functools
import importlib
import pkgutil
from typing import TYPE_CHECKING

import agents.reviewers

if TYPE_CHECKING:
    from agents.declaration import Agent


@functools.cache
def names() -> tuple[str, ...]:
    """Every agent's name, sorted, from the module names alone (nothing is imported)."""
    found = pkgutil.iter_modules(agents.reviewers.__path__)
    return tuple(sorted({m.name for m in found if not m.ispkg and not m.name.startswith("_")}))


def get_agent(name: str) -> Agent:
    """Agent `name`'s declaration: the `AGENT` of module `agents.reviewers.<name>`.

    ValueError for a name that is not an agent; TypeError for a module whose `AGENT` is
    missing or declares another name.
    """
    from agents.declaration import Agent

    if name not in names():
        raise ValueError(f"unknown agent {name!r}: choose from {', '.join(names())}")
    module = importlib.import_module(f"{agents.reviewers.__name__}.{name}")
    agent = getattr(module, "AGENT", None)
    if not isinstance(agent, Agent) or agent.name != name:
        raise TypeError(f"{module.__name__} must set AGENT = Agent(name={name!r}, ...)")
    return agent


def declarations() -> tuple[Agent, ...]:
    """Every agent's declaration, in listing order (`order`, then name). Imports them all."""
    return tuple(sorted(map(get_agent, names()), key=lambda a: (a.order, a.name)))


def default_agents(uses_model: bool) -> tuple[str, ...]:
    """The agents a review runs when none is named; model-only ones need a model."""
    return tuple(a.name for a in declarations() if a.default and (uses_model or not a.needs_model))


def rule_id_patterns() -> tuple[str, ...]:
    """The patterns of every analyser's rule ids (`Analyser.rule_ids`), of every agent."""
    return tuple(
        dict.fromkeys(a.rule_ids for agent in declarations() for a in agent.analysers if a.rule_ids)
    )


def reset() -> None:
    """Forget the discovered names (after a test adds or removes an agent module)."""
    names.cache_clear()
    importlib.invalidate_caches()
