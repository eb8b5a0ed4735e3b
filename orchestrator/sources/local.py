"""A change in a repository on this machine, as `reviewbot review` asks for it.

The request is complete when the workflow starts (the command line resolved the refs and
the agents), and the result stays in the run folder: the command renders it.
"""

from __future__ import annotations

from dataclasses import replace
from pathlib import Path
from typing import Any

from agents import registry
from orchestrator import steps
from orchestrator.sources import Sink
from review.request import ReviewRequest
from review.trigger import LOCAL_SOURCE
from review.workspace import RunDir, Workspace


class LocalSource:
    name = LOCAL_SOURCE

    def prepare(self, event: dict[str, Any], root: Path) -> dict[str, Any]:
        """The event's request, with the default agents when it names none."""
        request = ReviewRequest.from_dict(event["request"])
        if not request.config.agents:
            agents = registry.default_agents(request.config.uses_model)
            request = replace(request, config=replace(request.config, agents=agents))
        steps.prepare(Workspace(root).run(request.run_id), request)
        return {"request": request.to_dict()}

    def clone(self, run: RunDir, request: ReviewRequest) -> dict[str, Any]:
        return steps.clone(run, request)

    def sinks(self, event: dict[str, Any], prepared: dict[str, Any], root: Path) -> list[Sink]:
        return []


def local_event(request: ReviewRequest) -> dict[str, Any]:
    """The workflow's input for a local review."""
    return {"source": LOCAL_SOURCE, "request": request.to_dict()}
