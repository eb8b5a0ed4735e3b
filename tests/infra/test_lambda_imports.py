"""Each Lambda entry point loads only what its function needs.

The webhook must answer GitHub within 10 s from a cold start, so it must not drag in the
workflow, the agents' implementations or their model SDKs; no function on Lambda needs the
local runner or the local HTTP server. Each check runs in a fresh interpreter, so other
tests' imports don't count.
"""

from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path

import pytest

REPO_ROOT = Path(__file__).resolve().parents[2]
LOCAL_ONLY = ("aws_durable_execution_sdk_python_testing", "uvicorn", "dotenv")

PROBE = """
import importlib, json, sys
module = importlib.import_module("reviewbot.lambda_handlers")
getattr(module, sys.argv[1])  # the runtime resolves the handler during init
print(json.dumps(sorted(sys.modules)))
"""


def loaded_modules(handler: str) -> set[str]:
    env = {
        **{k: v for k, v in os.environ.items() if not k.startswith("REVIEWBOT_")},
        "REVIEWBOT_WEBHOOK_SECRET": "test-secret",
        "REVIEWBOT_REVIEW_FUNCTION": "reviewbot-orchestrator",
        "AWS_DEFAULT_REGION": "us-east-1",
        "AWS_EC2_METADATA_DISABLED": "true",
    }
    done = subprocess.run(
        [sys.executable, "-c", PROBE, handler],
        cwd=REPO_ROOT,
        env=env,
        capture_output=True,
        text=True,
        check=False,
        timeout=120,
    )
    assert done.returncode == 0, done.stderr
    return set(json.loads(done.stdout.splitlines()[-1]))


def offending(modules: set[str], packages: tuple[str, ...]) -> list[str]:
    return sorted(
        m for m in modules if m in packages or any(m.startswith(f"{p}.") for p in packages)
    )


def test_the_webhook_loads_no_workflow_agent_or_local_code() -> None:
    modules = loaded_modules("webhook")
    forbidden = ("orchestrator", "reporter", "strands", "githubkit", *LOCAL_ONLY)
    assert offending(modules, forbidden) == []
    # It validates `/review <agent>` by the agents' names alone: no declaration, no runner.
    assert sorted(m for m in modules if m.split(".")[0] == "agents") == [
        "agents",
        "agents.registry",
        "agents.reviewers",
    ]


@pytest.mark.parametrize("handler", ["review", "agent"])
def test_the_workflow_functions_load_no_local_runner_or_web_edge(handler: str) -> None:
    modules = loaded_modules(handler)
    forbidden = ("webhook", "fastapi", "mangum", *LOCAL_ONLY)
    assert offending(modules, forbidden) == []
    if handler == "agent":  # an analyser's function needs no GitHub client nor the workflow
        assert offending(modules, ("githubkit", "orchestrator", "reporter")) == []


def test_a_local_review_loads_no_github_client() -> None:
    """`reviewbot review` runs the workflow's local path: no GitHub client (githubkit and
    its HTTP stack cost about 0.1 s of every run's start) until a pull request's sink or
    source needs one."""
    probe = "import json, sys; import orchestrator.local; print(json.dumps(sorted(sys.modules)))"
    done = subprocess.run(
        [sys.executable, "-c", probe], cwd=REPO_ROOT, capture_output=True, text=True, timeout=120
    )
    assert done.returncode == 0, done.stderr
    modules = set(json.loads(done.stdout.splitlines()[-1]))
    assert "orchestrator.workflow" in modules
    assert offending(modules, ("githubkit", "httpx", "strands")) == []
