"""What each rule an agent reports means: descriptions, help and links, for SARIF rules.

The metadata comes from each analyser's own rule catalogue (bandit's plugin docstrings and
documentation URLs, `ruff rule`, detect-secrets' plugins, actionlint's kinds, oxlint's
`--rules`, `checkov -l`, yamllint's rule modules, our ast-grep rule pack), gathered once
per tool version by `python -m agents.rule_catalogue` into `catalogue.json` beside this
module, which is committed. Rendering a report reads that file (once per process) and
runs no tool. A rule the catalogue does not know (a newer tool, a model's `ai:` rule) is
still described: a link from the agent's URL templates (shellcheck's wiki, hadolint's
wiki, zizmor's audit docs) and the text of its first finding.
"""

from __future__ import annotations

import json
import re
from dataclasses import dataclass
from functools import cache
from pathlib import Path
from typing import Any

CATALOGUE = Path(__file__).resolve().parent / "catalogue.json"


@dataclass(frozen=True)
class RuleHelp:
    """One rule, in SARIF's terms: `name` (a readable identifier), `short` and `full`
    descriptions (plain text), `help_text` and `help_markdown`, `help_uri` ("" when there
    is none), `tags` (GitHub code scanning shows them), and whether it is a `security`
    rule (code scanning then ranks its alerts by `security-severity`)."""

    name: str
    short: str
    full: str
    help_text: str
    help_markdown: str
    help_uri: str
    tags: tuple[str, ...]
    security: bool


@cache
def catalogue() -> dict[str, Any]:
    """The committed catalogue: {"tools": {tool: version}, "agents": {agent: {"tags",
    "is_security", "links"}}, "rules": {agent: {rule id: entry}}} (see `agents.rule_catalogue`)."""
    return json.loads(CATALOGUE.read_text(encoding="utf-8"))


def rule_help(agent: str, rule: str, example: str) -> RuleHelp:
    """The metadata of `rule` as `agent` reports it; `example` (a finding's message) is
    the description when the catalogue has none."""
    data = catalogue()
    defaults = data["agents"].get(agent, {})
    entry = data["rules"].get(agent, {}).get(rule)
    tags = tuple(dict.fromkeys([*defaults.get("tags", []), *(entry or {}).get("tags", [])]))
    if entry is not None:
        uri = entry.get("uri", "")
        return RuleHelp(
            name=entry.get("name", rule),
            short=entry["short"],
            full=entry.get("full", entry["short"]),
            help_text=_with_link(entry.get("full", entry["short"]), uri),
            help_markdown=entry.get("markdown") or _with_link(entry["short"], uri, markdown=True),
            help_uri=uri,
            tags=tags,
            security=bool(defaults.get("is_security") or entry.get("is_security")),
        )
    uri, link_tags, link_security = _link(defaults.get("links", []), rule)
    text = example.strip() or rule
    return RuleHelp(
        name=rule,
        short=_first_sentence(text),
        full=text,
        help_text=_with_link(text, uri),
        help_markdown=_with_link(text, uri, markdown=True),
        help_uri=uri,
        tags=tuple(dict.fromkeys([*tags, *link_tags])),
        security=bool(defaults.get("is_security") or link_security),
    )


def _link(links: list[list[Any]], rule: str) -> tuple[str, list[str], bool]:
    """The URL of the first link whose pattern matches the whole rule id (filled with its
    groups), that link's tags and security flag; ("", [], False) when none matches."""
    for pattern, template, tags, security in links:
        match = re.fullmatch(pattern, rule)
        if match:
            return template.format(*match.groups()), tags, security
    return "", [], False


def _first_sentence(text: str, limit: int = 200) -> str:
    text = " ".join(text.split())
    match = re.match(r"(.+?[.!?])(?:\s|$)", text)
    sentence = match.group(1) if match else text
    return sentence if len(sentence) <= limit else sentence[: limit - 1] + "…"


def _with_link(text: str, uri: str, *, markdown: bool = False) -> str:
    if not uri:
        return text
    return f"{text}\n\n{f'[Documentation]({uri})' if markdown else uri}"
