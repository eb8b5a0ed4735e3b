"""Agents declare themselves, one module each, and the registry finds them.

The proof of "adding an agent is one file": a throwaway agent module, written to a
temporary folder and made discoverable, whose analyser prints SARIF read by the shared
parser, runs through `reviewbot review` and is accepted by the webhook's `/review`.
"""

from __future__ import annotations

import ast
import json
import re
import subprocess
import sys
from collections.abc import Iterator
from pathlib import Path

import pytest
from fastapi.testclient import TestClient

import agents.reviewers
from agents import registry
from agents.declaration import Agent

sys.path.insert(0, str(Path(__file__).parents[1] / "edge"))  # webhook_support, whatever the mode

from webhook_support import FakeGitHub, RecordingStarter, comment_payload, headers_for  # noqa: E402

REPO_ROOT = Path(__file__).resolve().parents[2]
THROWAWAY = "todo_finder"
THROWAWAY_MODULE = '''
"""Flags TODO comments in text files, with a tool that prints SARIF."""

from agents.declaration import FILES, PYTHON, Agent, Analyser
from agents.files import Files
from agents.parsers import sarif

TOOL = """
import json, sys

results = [
    {
        "ruleId": "todo",
        "level": "warning",
        "message": {"text": "A TODO is left in: finish it or file an issue."},
        "locations": [
            {"physicalLocation": {"artifactLocation": {"uri": name}, "region": {"startLine": n}}}
        ],
    }
    for name in sys.argv[1:]
    for n, line in enumerate(open(name, encoding="utf-8"), 1)
    if "TODO" in line
]
run = {"tool": {"driver": {"name": "todo"}}, "results": results}
print(json.dumps({"version": "2.1.0", "runs": [run]}))
"""

AGENT = Agent(
    name="todo_finder",
    description="flags TODO comments in text files",
    files=Files.of(suffixes=["txt"]),
    default=False,
    analysers=(Analyser(command=(PYTHON, "-c", TOOL, FILES), parse=sarif),),
)
'''


@pytest.fixture
def discoverable(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Iterator[Path]:
    """A folder whose modules are agents too, for this test only."""
    folder = tmp_path / "more_agents"
    folder.mkdir()
    monkeypatch.setattr(agents.reviewers, "__path__", [*agents.reviewers.__path__, str(folder)])
    registry.reset()
    yield folder
    monkeypatch.undo()
    for name in [m for m in sys.modules if m.startswith("agents.reviewers.")]:
        if not Path(sys.modules[name].__file__ or "").is_relative_to(REPO_ROOT):
            del sys.modules[name]
    registry.reset()


def add_agent(folder: Path, name: str, source: str) -> None:
    (folder / f"{name}.py").write_text(source, encoding="utf-8")
    registry.reset()


ANALYSER_AGENTS = (
    "security",
    "patterns",
    "style",
    "secrets",
    "workflows",
    "shell",
    "dockerfile",
    "iac",
    "javascript",
    "yaml",
)


def test_every_agent_module_declares_an_agent_of_its_own_name() -> None:
    assert registry.names() == tuple(sorted((*ANALYSER_AGENTS, "correctness")))
    for name in registry.names():
        agent = registry.get_agent(name)
        assert isinstance(agent, Agent) and agent.name == name
        assert agent.description and "\n" not in agent.description


def test_listing_order_and_defaults_come_from_the_declarations() -> None:
    listed = [a.name for a in registry.declarations()]
    assert listed == [*ANALYSER_AGENTS[:4], "correctness", *ANALYSER_AGENTS[4:]]
    assert registry.default_agents(uses_model=False) == ANALYSER_AGENTS
    assert registry.default_agents(uses_model=True) == tuple(listed)


def test_an_unknown_agent_is_refused_with_the_known_names() -> None:
    with pytest.raises(ValueError, match="unknown agent 'nope': choose from correctness, docker"):
        registry.get_agent("nope")


def test_listing_the_names_imports_no_agent() -> None:
    code = (
        "import sys; from agents import registry; registry.names(); "
        "print(sorted(m for m in sys.modules if m.split('.')[0] == 'agents'))"
    )
    done = subprocess.run(
        [sys.executable, "-c", code], cwd=REPO_ROOT, capture_output=True, text=True, check=True
    )
    assert done.stdout.strip() == "['agents', 'agents.registry', 'agents.reviewers']"


def test_a_module_must_declare_its_own_name(discoverable: Path) -> None:
    add_agent(discoverable, "misnamed", THROWAWAY_MODULE)
    assert "misnamed" in registry.names()
    with pytest.raises(TypeError, match=r"AGENT = Agent\(name='misnamed'"):
        registry.get_agent("misnamed")


def test_a_one_file_agent_runs_through_the_whole_review(discoverable: Path, make_repo, run_cli):
    add_agent(discoverable, THROWAWAY, THROWAWAY_MODULE)
    repo = make_repo(
        [
            {"README.md": "hi\n"},
            {"notes.txt": "shopping\n# TODO: buy milk\n", "app.py": "# TODO: not a .txt\n"},
        ]
    )
    assert THROWAWAY not in registry.default_agents(uses_model=True)
    done = run_cli("review", str(repo.path), "--agents", THROWAWAY, "--format", "json", "-q")
    assert done.code == 0, done.stderr
    report = json.loads(done.stdout)
    assert report["agents"][THROWAWAY]["status"] == "ok"
    (finding,) = report["findings"]
    assert (finding["agent"], finding["rule"], finding["severity"]) == (
        THROWAWAY,
        "todo",
        "warning",
    )
    assert (finding["path"], finding["line"]) == ("notes.txt", 2)
    assert finding["message"] == "A TODO is left in: finish it or file an issue."
    usage = run_cli("review", "--help").stdout
    assert f"{THROWAWAY} (flags TODO comments in text files)" in " ".join(usage.split())


def test_a_one_file_agent_can_be_asked_for_on_a_pull_request(discoverable: Path) -> None:
    from review.settings import load_settings
    from webhook.app import create_app
    from webhook.settings import WebhookSettings

    add_agent(discoverable, THROWAWAY, THROWAWAY_MODULE)
    secret = "It's a Secret to Everybody"
    settings = load_settings({"REVIEWBOT_WEBHOOK_SECRET": secret}, env_file=None)
    edge = WebhookSettings.from_settings(settings, registry.names())  # as the composition roots
    starter, github = RecordingStarter(), FakeGitHub()
    client = TestClient(create_app(edge, starter, github))

    def comment(text: str) -> str:
        body = json.dumps(comment_payload(text, "OWNER")).encode()
        return client.post("/webhook", content=body, headers=headers_for("issue_comment", body))

    assert comment(f"/review {THROWAWAY}").json()["status"] == "started"
    assert starter.triggers[0].agents == (THROWAWAY,)
    assert comment("/review todo_finderr").json()["status"] == "replied"
    assert len(starter.triggers) == 1
    assert f"`{THROWAWAY}`" in github.calls[-1][5]  # listed among the valid agents


def string_literals(path: Path) -> Iterator[tuple[int, str]]:
    """(line, text) of every string constant in a module's code, docstrings excepted."""
    tree = ast.parse(path.read_text(encoding="utf-8"))
    docstrings = {
        id(node.body[0].value)
        for node in ast.walk(tree)
        if isinstance(node, ast.Module | ast.ClassDef | ast.FunctionDef | ast.AsyncFunctionDef)
        and node.body
        and isinstance(node.body[0], ast.Expr)
        and isinstance(node.body[0].value, ast.Constant)
    }
    for node in ast.walk(tree):
        is_text = isinstance(node, ast.Constant) and isinstance(node.value, str)
        if is_text and id(node) not in docstrings:
            yield node.lineno, node.value


def test_no_code_outside_agents_names_an_agent() -> None:
    # a name inside a dotted, colon- or slash-joined word is not the agent: the `yaml`
    # agent is not ".github/reviewbot.yaml" nor "tag:yaml.org,2002:str"
    names = "|".join(registry.names())
    spelled = re.compile(rf"(?<![\w.:/-])({names})(?![\w.-])")
    found = [
        f"{path.relative_to(REPO_ROOT)}:{line}: {text!r}"
        for package in ("review", "orchestrator", "reporter", "webhook", "reviewbot")
        for path in sorted((REPO_ROOT / package).rglob("*.py"))
        for line, text in string_literals(path)
        if spelled.search(text)
    ]
    assert found == []
