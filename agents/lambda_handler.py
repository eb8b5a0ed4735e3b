"""Lambda entry point of an agent function: run one agent on a run folder of the workspace.

The orchestrator invokes it with {"run_id": ..., "agent": ...}; the findings stay in the
workspace (S3 Files at /mnt/workspace) and only a small summary goes back.
"""

from __future__ import annotations

from typing import Any

from agents.base import run_agent, summarise
from agents.registry import get_agent
from review.request import ReviewRequest
from review.workspace import Workspace, default_root, read_json


def handler(event: dict[str, Any], _context: Any) -> dict[str, Any]:
    run = Workspace(default_root()).run(str(event["run_id"]))
    request = ReviewRequest.from_dict(read_json(run.request_file))
    agent = get_agent(str(event["agent"]))
    return summarise(run_agent(agent, run, request.config))
