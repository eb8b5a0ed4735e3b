"""The Lambda handlers end to end on the durable SDK's local runner.

The review function's handler runs as a durable execution and reaches each agent through
`context.invoke`, exactly as on AWS where the agents are separate functions; here the agent
functions are `reviewbot.lambda_handlers.build_agent`'s handler, registered with the runner
under their names. On AWS an agent function mounts the workspace read-only: it returns its
result, and the orchestrator writes the findings file from it.
"""

from __future__ import annotations

import hashlib
import json
import subprocess
from pathlib import Path
from typing import Any

import pytest
from aws_durable_execution_sdk_python.execution import InvocationStatus
from aws_durable_execution_sdk_python.lambda_service import OperationType
from aws_durable_execution_sdk_python_testing.runner import DurableFunctionTestRunner

from agents.registry import default_agents
from orchestrator.sources.local import local_event
from review.agent_result import RETURNED_LIMIT, AgentResult, to_returned
from review.findings import Finding, Severity
from review.request import ReviewRequest
from review.settings import ConfigError, load_settings
from review.workspace import RunDir, Workspace, read_json
from reviewbot.lambda_handlers import build_agent, build_review

DEFAULT_AGENTS = default_agents(uses_model=False)
# the agents a change of one Python file concerns: the others are never invoked (the
# clone step writes their skipped results, `agents.base.write_idle_results`)
PYTHON_AGENTS = ("security", "patterns", "style", "secrets")
# As the stack passes them: qualified names of the agent functions' `live` alias.
AGENT_FUNCTIONS = {name: f"reviewbot-{name}:live" for name in DEFAULT_AGENTS}


def git(repo: Path, *args: str) -> str:
    done = subprocess.run(
        ["git", "-c", "user.name=t", "-c", "user.email=t@example.com", *args],
        cwd=repo,
        check=True,
        capture_output=True,
        text=True,
    )
    return done.stdout.strip()


@pytest.fixture
def pull_request(tmp_path: Path) -> ReviewRequest:
    """A repository whose head commit adds a file that evals its input."""
    repo = tmp_path / "repo"
    repo.mkdir()
    git(repo, "init", "--quiet", "-b", "main")
    (repo / "README.md").write_text("demo\n")
    git(repo, "add", ".")
    git(repo, "commit", "--quiet", "-m", "base")
    base = git(repo, "rev-parse", "HEAD")
    (repo / "calc.py").write_text("def calc():\n    return eval(input())\n")
    git(repo, "add", ".")
    git(repo, "commit", "--quiet", "-m", "head")
    head = git(repo, "rev-parse", "HEAD")
    return ReviewRequest(repository=str(repo), source=str(repo), head=head, base=base)


@pytest.fixture
def stack_settings(tmp_path: Path):
    """The settings a cold start of the stack's functions reads (no App: a local event)."""
    return load_settings(
        {
            "REVIEWBOT_WORKSPACE": str(tmp_path / "workspace"),
            "REVIEWBOT_AGENT_FUNCTIONS": json.dumps(AGENT_FUNCTIONS),
        }
    )


def test_orchestrator_invokes_each_agent_function_and_writes_the_report(
    stack_settings, pull_request: ReviewRequest, tmp_path: Path
) -> None:
    agent_handler = build_agent(stack_settings)
    with DurableFunctionTestRunner(
        handler=build_review(stack_settings), poll_interval=0.05
    ) as runner:
        for name in DEFAULT_AGENTS:
            runner.register_function(f"reviewbot-{name}", agent_handler)
        result = runner.run(
            input=json.dumps(local_event(pull_request)),
            execution_name=pull_request.run_id,
            execution_timeout=300,
        )

    assert result.status is InvocationStatus.SUCCEEDED, result.error
    operations = result.get_all_operations()
    invokes = {
        op.name: op for op in operations if op.operation_type is OperationType.CHAINED_INVOKE
    }
    assert set(invokes) == {f"agent-{name}" for name in PYTHON_AGENTS}
    for invoke in invokes.values():  # each agent's whole result, within the bound
        assert len(str(invoke.result).encode()) <= RETURNED_LIMIT
        assert json.loads(str(invoke.result))["encoding"] in {"json", "zlib+base64"}
    # ... from which the orchestrator wrote each findings file, in a step of its own.
    steps = {op.name for op in operations if op.operation_type is OperationType.STEP}
    assert {f"findings-{name}" for name in PYTHON_AGENTS} <= steps

    run = Workspace(tmp_path / "workspace").run(pull_request.run_id)
    report = read_json(run.report_file)
    rules = {(f["path"], f["rule"]) for f in report["findings"]}
    assert ("calc.py", "py-code-injection") in rules  # and bandit's B307, merged
    assert {p.stem for p in run.findings_dir.glob("*.json")} == set(DEFAULT_AGENTS)


def tree(path: Path) -> dict[str, str]:
    """Every file under `path` with a hash of its content."""
    return {
        str(p.relative_to(path)): hashlib.sha256(p.read_bytes()).hexdigest()
        for p in sorted(path.rglob("*"))
        if p.is_file()
    }


def prepared_run(settings, request: ReviewRequest) -> RunDir:
    """A run folder as the orchestrator leaves it before the agents: request, diff, checkout."""
    from orchestrator.sources.local import LocalSource

    source = LocalSource()
    root = settings.workspace_root()
    prepared = source.prepare(local_event(request), root)
    request = ReviewRequest.from_dict(prepared["request"])
    run = Workspace(root).run(request.run_id)
    source.clone(run, request)
    return run


@pytest.mark.parametrize("agent", DEFAULT_AGENTS)
def test_an_agent_function_writes_nothing_to_the_workspace(
    stack_settings, pull_request: ReviewRequest, agent: str
) -> None:
    """On AWS its mount is read-only; here every file of the run folder stays as it was."""
    run = prepared_run(stack_settings, pull_request)
    before = tree(run.path)
    returned = build_agent(stack_settings)({"run_id": run.run_id, "agent": agent}, None)
    assert tree(run.path) == before
    # only the results of the agents the change does not concern, the clone step's
    assert run.findings_file(agent).exists() == (agent not in PYTHON_AGENTS)
    assert returned["encoding"] in {"json", "zlib+base64"}


def test_a_huge_agent_result_reaches_the_report_bounded_and_counted(
    stack_settings, pull_request: ReviewRequest, tmp_path: Path
) -> None:
    """An agent that finds far too much returns the gravest findings and says what it left out."""
    found = [
        Finding(
            agent="style",
            rule=f"R{i % 40}",
            severity=Severity.ERROR if i % 1000 == 0 else Severity.NOTE,
            path="calc.py",
            line=1 + i % 2,
            message=hashlib.sha256(str(i).encode()).hexdigest() * 4,
        )
        for i in range(30_000)
    ]

    def flooding_agent(event: dict[str, Any], _context: Any) -> dict[str, Any]:
        return to_returned(AgentResult(agent=event["agent"], findings=found))

    agent_handler = build_agent(stack_settings)
    with DurableFunctionTestRunner(
        handler=build_review(stack_settings), poll_interval=0.05
    ) as runner:
        for name in DEFAULT_AGENTS:
            runner.register_function(
                f"reviewbot-{name}", flooding_agent if name == "style" else agent_handler
            )
        result = runner.run(
            input=json.dumps(local_event(pull_request)),
            execution_name=pull_request.run_id,
            execution_timeout=300,
        )

    assert result.status is InvocationStatus.SUCCEEDED, result.error
    (style,) = [op for op in result.get_all_operations() if op.name == "agent-style"]
    assert len(str(style.result).encode()) <= RETURNED_LIMIT  # type: ignore[attr-defined]
    run = Workspace(tmp_path / "workspace").run(pull_request.run_id)
    written = run.read_agent_result("style")
    assert 30 <= len(written.findings) < 30_000
    assert sum(f.severity is Severity.ERROR for f in written.findings) == 30  # all errors kept
    dropped = 30_000 - len(written.findings)
    assert written.notes[-1].startswith(f"{dropped} of 30000 findings left out")


def test_agent_functions_come_from_the_settings_once() -> None:
    settings = load_settings({"REVIEWBOT_AGENT_FUNCTIONS": json.dumps(AGENT_FUNCTIONS)})
    assert settings.agent_functions == AGENT_FUNCTIONS
    assert load_settings({}).agent_functions == {}


@pytest.mark.parametrize("raw", ["{", "[]", '{"security": ""}', '{"security": 3}'])
def test_a_bad_agent_function_map_fails_the_cold_start(raw: str) -> None:
    with pytest.raises(ConfigError, match="REVIEWBOT_AGENT_FUNCTIONS"):
        load_settings({"REVIEWBOT_AGENT_FUNCTIONS": raw})


def test_the_review_function_refuses_an_event_of_an_unknown_source(stack_settings) -> None:
    with DurableFunctionTestRunner(
        handler=build_review(stack_settings), poll_interval=0.05
    ) as runner:
        result = runner.run(
            input=json.dumps({"source": "pull_request", "trigger": {}}),
            execution_name="unknown-source",
            execution_timeout=60,
        )
    assert result.status is InvocationStatus.FAILED
    assert "unknown review source 'pull_request' (known: local)" in result.error.message
