"""Test helpers for the AI reviewers: a scripted Strands model and small run folders.

`ScriptedModel` replays a list of turns. A turn is either text (the model's final answer)
or a list of `call(...)` tool calls; a callable turn is asked for the turn each time
(a model that never stops). Every request the model receives is recorded, so a test can
read the tool results the agent really produced.
"""

from __future__ import annotations

import copy
import itertools
import json
import os
import subprocess
from collections.abc import Callable, Iterable
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from strands.models import Model

from agents.analysis import AgentInput
from review.diff import Change, ChangedFile, Diff, FileStatus, Hunk
from review.request import ReviewConfig, ReviewRequest
from review.workspace import RunDir, Workspace

_IDS = itertools.count(1)


@dataclass(frozen=True)
class Call:
    name: str
    input: dict[str, Any]


def call(name: str, **tool_input: Any) -> Call:
    return Call(name, tool_input)


Turn = str | list[Call]


class ScriptedModel(Model):
    """A Strands model that answers from a script, with fixed token usage per call."""

    def __init__(
        self,
        turns: Iterable[Turn] | Callable[[int], Turn],
        input_tokens: int = 1_000,
        output_tokens: int = 100,
    ) -> None:
        self.script = turns if callable(turns) else list(turns)
        self.input_tokens = input_tokens
        self.output_tokens = output_tokens
        self.requests: list[dict[str, Any]] = []
        self.config: dict[str, Any] = {"model_id": "scripted"}

    def update_config(self, **model_config: Any) -> None:
        self.config.update(model_config)

    def get_config(self) -> dict[str, Any]:
        return self.config

    async def structured_output(self, output_model, prompt, system_prompt=None, **kwargs):
        raise NotImplementedError("the reviewers never ask for structured output")
        yield  # pragma: no cover

    def _next(self) -> Turn:
        index = len(self.requests) - 1
        if callable(self.script):
            return self.script(index)
        return self.script[index] if index < len(self.script) else "Done."

    async def stream(self, messages, tool_specs=None, system_prompt=None, **kwargs):
        self.requests.append(
            {
                "messages": copy.deepcopy(messages),
                "system_prompt": system_prompt,
                "tools": [spec["name"] for spec in tool_specs or ()],
            }
        )
        turn = self._next()
        yield {"messageStart": {"role": "assistant"}}
        if isinstance(turn, str):
            yield {"contentBlockStart": {"start": {}}}
            yield {"contentBlockDelta": {"delta": {"text": turn}}}
            yield {"contentBlockStop": {}}
            stop = "end_turn"
        else:
            for tool_call in turn:
                tool_id = f"tool-{next(_IDS)}"
                yield {
                    "contentBlockStart": {
                        "start": {"toolUse": {"toolUseId": tool_id, "name": tool_call.name}}
                    }
                }
                yield {
                    "contentBlockDelta": {
                        "delta": {"toolUse": {"input": json.dumps(tool_call.input)}}
                    }
                }
                yield {"contentBlockStop": {}}
            stop = "tool_use"
        yield {"messageStop": {"stopReason": stop}}
        yield {
            "metadata": {
                "usage": {
                    "inputTokens": self.input_tokens,
                    "outputTokens": self.output_tokens,
                    "totalTokens": self.input_tokens + self.output_tokens,
                },
                "metrics": {"latencyMs": 1},
            }
        }

    def tool_results(self) -> list[tuple[str, str]]:
        """(status, text) of every tool result the model was sent, each once, in the order
        the calls were made (tools of one turn run in parallel and finish in any order)."""
        seen: dict[str, tuple[str, str]] = {}
        for request in self.requests:
            for message in request["messages"]:
                for block in message.get("content", ()):
                    result = block.get("toolResult")
                    if result and result["toolUseId"] not in seen:
                        text = "\n".join(c.get("text", "") for c in result.get("content", ()))
                        seen[result["toolUseId"]] = (result.get("status", ""), text)
        return [seen[key] for key in sorted(seen, key=lambda key: int(key.split("-")[1]))]


def make_run(
    tmp_path: Path,
    files: dict[str, str],
    changed: dict[str, Iterable[int]] | None = None,
    run_id: str = "run1",
    blobs: bool = False,
) -> RunDir:
    """A run folder `run_id` of the workspace under `tmp_path` whose head commit (and
    changed files) hold `files` and whose diff adds `changed` lines. By default every line
    of every file counts as added; with `blobs`, the diff knows each file's git blob id
    (as a real review's does)."""
    run = Workspace(tmp_path / "workspace").run(run_id)
    for path, text in files.items():
        target = run.src / path
        target.parent.mkdir(parents=True, exist_ok=True)
        target.write_text(text, encoding="utf-8")
    head = _commit(run.repo_dir, run.src)
    if changed is None:
        changed = {path: range(1, len(text.splitlines()) + 1) for path, text in files.items()}
    diff = Diff(
        {
            path: ChangedFile(
                path,
                FileStatus.ADDED,
                hunks=[Hunk(min(lines), max(lines) - min(lines) + 1, tuple(lines), ())],
                blob=_blob(run.repo_dir, head, path) if blobs else None,
            )
            for path, lines in ((p, sorted(set(n))) for p, n in changed.items())
        }
    )
    run.write_change(Change("0" * 40, head, "0" * 40, diff))
    run.write_request(ReviewRequest("example/repo", str(run.repo_dir), head, "0" * 40))
    return run


def _commit(repo: Path, tree: Path) -> str:
    """Commit the files under `tree` into a new bare repository `repo`; the commit's id."""
    env = {
        "PATH": os.environ.get("PATH", "/usr/bin:/bin"),
        "HOME": str(repo.parent),
        "GIT_CONFIG_GLOBAL": os.devnull,
        "GIT_AUTHOR_NAME": "t",
        "GIT_AUTHOR_EMAIL": "t@example.invalid",
        "GIT_COMMITTER_NAME": "t",
        "GIT_COMMITTER_EMAIL": "t@example.invalid",
    }

    def git(*args: str, **more: str) -> str:
        done = subprocess.run(
            ["git", *args], env={**env, **more}, cwd=tree, check=True, capture_output=True
        )
        return done.stdout.decode().strip()

    git("init", "-q", "--bare", str(repo))
    in_repo = {"GIT_DIR": str(repo), "GIT_WORK_TREE": str(tree)}
    git("add", "-A", **in_repo)
    git("commit", "-q", "-m", "head", **in_repo)
    return git("rev-parse", "HEAD", **in_repo)


def _blob(repo: Path, head: str, path: str) -> str:
    done = subprocess.run(
        ["git", f"--git-dir={repo}", "rev-parse", f"{head}:{path}"],
        check=True,
        capture_output=True,
        env={"PATH": os.environ.get("PATH", "/usr/bin:/bin"), "GIT_CONFIG_GLOBAL": os.devnull},
    )
    return done.stdout.decode().strip()


def agent_input(run: RunDir, config: ReviewConfig) -> AgentInput:
    """An agent's work on `run`: every reviewable changed file, under `config`."""
    change = run.read_change()
    return AgentInput(run, change.diff, change.diff.reviewable(), config, change.head)
