"""The AI reviewers' result cache: the same request to the same model is not paid for twice.

A model pass is stored, once it ran to its end (no error, no time or budget stop), under the
SHA-256 of its request:

- `FORMAT` and the prompt version: the bytes of the modules that decide what the model is
  told and how its answers are grounded (`PROMPT_MODULES`);
- the model spec, the agent and its brief;
- the review configuration that reaches the model or its grounding: the filter mode, the
  budgets (less time), the confidence threshold, the size limit, the excluded globs and
  the repository's instructions for each file;
- the change: every changed file's path, status, hunks and git blob ids, base and head
  (the commits themselves are not part of it, so a rebase or a force-push of the same
  content is the same request);
- the analyser findings the model starts from.

The model also reads files the change does not touch. An entry records every path its
tools looked at and what the path was at the head: a file's blob id, a folder's digest of
everything under it (a folder it listed or searched) or absent. A stored result is used only when
each of those paths is still the same object at the new head, so a follow-up push that
edits a file the model read runs the model again.

Entries live with the analysers' findings cache (`agents.cache`), each written as a pack
of its one entry, indexed at `runs/.findings-cache/<repository>/<key[:2]>/<key>.json`
(`agents.cache_packs`), with the same atomic writes, the same return path for an agent
function that cannot write, and the same least-recently-used sweep.
"""

from __future__ import annotations

import hashlib
import json
from dataclasses import asdict, dataclass, field
from functools import cache
from pathlib import Path
from typing import Any

from agents.analysis import AgentInput, Analysis
from agents.cache import FORMAT, FindingsCache
from agents.declaration import Agent
from agents.llm.budget import Budget
from agents.llm.sandbox import Checkout
from review.findings import Finding, InvalidFinding

KIND = "model-review"
PROMPT_MODULES = ("prompts", "tools", "session", "sandbox", "runner")


@dataclass
class ModelResult:
    """A model pass as stored: its findings and dismissals, its notes, what it spent."""

    findings: list[Finding]
    dismissed: list[dict[str, Any]]
    notes: list[str]
    usage: dict[str, Any]


@dataclass
class ResultCache:
    """Model results under `directory` (None: no cache) for one agent's request `key`."""

    directory: Path | None
    key: str | None
    unwritten: dict[str, dict[str, Any]] = field(default_factory=dict)

    @classmethod
    def for_request(cls, agent: Agent, work: AgentInput, analysis: Analysis, model: str):
        """The cache of `agent`'s model pass over `work` with `model` after `analysis`; its
        key is None when the request cannot be known by content (a file without a blob id)."""
        directory = work.run.findings_cache_dir if work.config.cache else None
        return cls(directory, request_key(agent, work, analysis, model))

    def load(self, checkout: Checkout) -> ModelResult | None:
        """The stored result, if every path it read is the same object at `checkout`'s head."""
        entry = self._store().read_raw(self.key) if self.key else None
        if entry is None or entry.get("kind") != KIND:
            return None
        try:
            reads = {str(p): (None if o is None else str(o)) for p, o in entry["reads"].items()}
            result = ModelResult(
                findings=[Finding.from_dict(f) for f in entry["findings"]],
                dismissed=[dict(d) for d in entry["dismissed"]],
                notes=[str(n) for n in entry["notes"]],
                usage=dict(entry["usage"]),
            )
        except (KeyError, TypeError, ValueError, AttributeError, InvalidFinding):
            return None
        if checkout.versions(list(reads)) != reads:
            return None
        return result

    def store(self, checkout: Checkout, result: ModelResult) -> None:
        """Store `result` with what each path its tools named is at the head."""
        if self.directory is None or self.key is None:
            return
        looked = sorted(checkout.looked_at)
        entry = {
            "format": FORMAT,
            "kind": KIND,
            "reads": checkout.versions(looked),
            "findings": [f.to_dict() for f in result.findings],
            "dismissed": result.dismissed,
            "notes": result.notes,
            "usage": result.usage,
        }
        store = self._store()
        store.write_raw(self.key, entry)
        self.unwritten |= store.unwritten

    def _store(self) -> FindingsCache:
        return FindingsCache(self.directory, identity=KIND)


def request_key(agent: Agent, work: AgentInput, analysis: Analysis, model: str) -> str | None:
    """The SHA-256 (hex) of everything but the repository's other files that decides the
    model pass (see the module docstring); None when a changed file has no blob id."""
    if any(f.blob is None and f.reviewable for f in work.diff.files.values()):
        return None
    config = work.config
    budget = asdict(Budget.for_agent(config, 1.0))
    budget.pop("seconds")
    request = {
        "format": FORMAT,
        "prompt": prompt_version(),
        "model": model,
        "agent": agent.name,
        "brief": asdict(agent.brief) if agent.brief else None,
        "config": {
            "filter": config.filter_mode.value,
            "budget": budget,
            "min_confidence": config.min_confidence,
            "max_file_bytes": config.max_file_bytes,
            "exclude": list(config.exclude),
            "instructions": {f.path: config.instructions_for(f.path) for f in work.files},
        },
        "files": [f.path for f in work.files],
        "diff": work.diff.to_dict(),
        "analyser_findings": [f.to_dict() for f in analysis.findings],
    }
    text = json.dumps(request, sort_keys=True, separators=(",", ":"), default=str)
    return hashlib.sha256(text.encode("utf-8", "surrogateescape")).hexdigest()


@cache
def prompt_version() -> str:
    """The SHA-256 of the modules of `PROMPT_MODULES` (read once per process)."""
    digest = hashlib.sha256()
    folder = Path(__file__).parent
    for name in PROMPT_MODULES:
        data = (folder / f"{name}.py").read_bytes()
        digest.update(len(data).to_bytes(8, "big"))
        digest.update(data)
    return digest.hexdigest()


def usage_reused(model: str, stored: dict[str, Any]) -> dict[str, Any]:
    """The usage of a pass answered from the cache: nothing spent, and what was saved."""
    saved = sum(int(stored.get(k) or 0) for k in ("input_tokens", "output_tokens"))
    return {
        "model": model,
        "input_tokens": 0,
        "output_tokens": 0,
        "model_calls": 0,
        "tool_calls": 0,
        "seconds": 0.0,
        "stopped": None,
        "error": None,
        "cached": True,
        "saved_tokens": saved,
    }
