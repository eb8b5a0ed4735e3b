"""The repository's configuration as the AI reviewers meet it: its `instructions` reach
the prompt for the files they match only, inside the data markers, and files it
`exclude`s are neither shown nor readable."""

from __future__ import annotations

import json
import re

import pytest
from llm_support import ScriptedModel, call

CONFIG = ".github/reviewbot.yml"
SETTINGS = """\
exclude: ["generated/"]
instructions:
  - path: "api/**"
    text: Every handler must check the caller's permission before touching the database.
  - path: "*.sql"
    text: Migrations must be reversible.
"""
BASE = {CONFIG: SETTINGS, "README.md": "demo\n"}
HEAD = {
    "api/users.py": "def delete_user(db, user_id):\n    db.delete(user_id)\n",
    "web/page.py": "def render(title):\n    return f'<h1>{title}</h1>'\n",
    "generated/client.py": "API_KEY = 'not for the model'\n",
}
API = "Every handler must check the caller's permission before touching the database."


@pytest.fixture(scope="module")
def repo(repo_factory):
    return repo_factory([BASE, HEAD], name="configured")


def file_blocks(prompt: str) -> dict[str, str]:
    """Each data block of the prompt that shows a changed file, by the file's path."""
    blocks = re.findall(r"<<<DATA (\w+)\n(.*?)\nDATA \1>>>", prompt, re.S)
    return {body.split(" ", 2)[1]: body for _, body in blocks if body.startswith("=== ")}


def test_instructions_reach_the_prompt_for_matching_files_only(run_cli, repo, scripts) -> None:
    model = ScriptedModel(
        [
            [call("read_file", path="generated/client.py"), call("search", text="for the model")],
            "Nothing to report.",
        ]
    )
    spec = scripts.add("m", model)
    done = run_cli(
        "review", str(repo.path), "--agents", "correctness", "--model", spec,
        "--format", "json", "--fail-on", "never", "-q",
    )  # fmt: skip
    assert done.code == 0, done.stderr
    prompt = model.requests[0]["messages"][0]["content"][0]["text"]
    blocks = file_blocks(prompt)
    assert sorted(blocks) == ["api/users.py", "web/page.py"]  # generated/ is excluded
    assert blocks["api/users.py"].endswith(
        f"--- review preferences for this file, from the repository's configuration ---\n- {API}"
    )
    assert "review preferences" not in blocks["web/page.py"]
    assert API in prompt and prompt.count(API) == 1
    assert "Migrations must be reversible" not in prompt  # no .sql file in the change
    assert (
        "review preferences that the repository's maintainers set"
        in (model.requests[0]["system_prompt"])
    )
    # the model can neither read nor search the excluded file
    (status, text), (_, searched) = model.tool_results()
    assert status == "error"
    assert "generated/client.py: excluded from review by the repository's configuration" in text
    assert "no matches in the repository" in searched
    assert "not for the model" not in json.dumps(model.requests)
    report = json.loads(done.stdout)
    assert report["config"]["excluded_files"] == 1
