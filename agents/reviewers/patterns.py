"""Security patterns reviewer: ast-grep with reviewbot's own rule pack (`agents/rules/`,
Apache-2.0) over Python, JavaScript/TypeScript, Go and Java.

The pack finds injection (command, code, SQL, template), unsafe deserialisation, SSRF,
path traversal, XSS, weak cryptography and disabled TLS verification, each only where a
run-time value reaches the sink (see `agents/rules/README.md`). ast-grep parses with
tree-sitter, so every Python version's syntax is read, whatever Python runs reviewbot.

ast-grep picks a file's language by its suffix alone, so a script known by its `#!` line
(`bin/deploy` running python or node) is given to it as a copy with the suffix of its
language (`Analyser.language_by_suffix`).

ast-grep is given our configuration with `-c` from an empty directory: a repository's
`sgconfig.yml` (its rules, or a custom language's parser library, which ast-grep would
load) is never read. A run's configuration is our `sgconfig.yml` naming only the rule
and util folders of the languages of the files it reads (`rule_pack_for`; written in the
run's scratch directory, `Analyser.config_for`): loading and compiling the rules is most
of ast-grep's time (one Python file: 0.065 s with the whole pack, 0.02 s with Python's).

ast-grep's `ast-grep-ignore` comments cannot be switched off by a flag; those the change
adds are neutralised in the copy it reads. ast-grep-cli also installs a script named
`sg`, which shadows util-linux `sg`; the command is `ast-grep`.
"""

from __future__ import annotations

import functools
import json
from collections.abc import Sequence
from pathlib import Path, PurePosixPath
from typing import Any

import yaml

from agents.analysis import AgentError, Analysis
from agents.declaration import CONFIG, FILES, Agent, Analyser
from agents.files import PYTHON_FILES, Files, suffix_of
from agents.parsers import ToolOutput
from agents.reviewers.javascript import GENERATED_JS, JS_INTERPRETERS, JS_SUFFIXES
from review.findings import Finding, Severity

RULE_PACK = Path(__file__).resolve().parents[1] / "rules" / "sgconfig.yml"

# The language of the rules and utils of each folder of the pack (`<folder>/`,
# `utils/<folder>/`), as their `language:` says: one grammar for JavaScript and TypeScript.
RULE_LANGUAGES = {"python": "python", "javascript": "tsx", "go": "go", "java": "java"}
# The folder of the rules ast-grep applies to a file, by the suffix of the name of the copy
# it reads: ast-grep's own file types and our `languageGlobs` (`.pyw` is Python, every
# JavaScript and TypeScript suffix is parsed as TSX).
RULE_FOLDERS = {
    ".py": "python",
    ".pyw": "python",
    ".go": "go",
    ".java": "java",
    **dict.fromkeys((f".{suffix}" for suffix in JS_SUFFIXES), "javascript"),
}

# Severity by the rule's category (our policy, README "Severities"), never graver than the
# rule's own severity: a sink fed a run-time value is an error (injection of a command,
# code, SQL or markup; unsafe deserialisation; disabled TLS verification; an XML parser
# told to resolve external entities, XXE; and, as the rules only fire when request data
# reaches the sink, SSRF and path traversal). Weak hashes and ciphers are warnings: no
# rule can tell a checksum or a legacy format from a security use (and
# `usedforsecurity=False` already silences the hash rules).
SEVERITIES = {
    **dict.fromkeys(
        (
            "command-injection",
            "code-injection",
            "sql-injection",
            "xss",
            "unsafe-deserialization",
            "insecure-tls",
            "ssrf",
            "path-traversal",
            "xxe",
        ),
        Severity.ERROR,
    ),
    "weak-crypto": Severity.WARNING,
}
_RULE_LEVELS = {"error": Severity.ERROR, "warning": Severity.WARNING}  # hint, info: note


def rule_pack_for(names: Sequence[str]) -> str:
    """Our `sgconfig.yml` (RULE_PACK) as YAML text naming, by absolute path, only the rule
    and util folders of the languages of the files named `names` (the copies ast-grep
    reads; RULE_FOLDERS): every folder's rules are of its own language (RULE_LANGUAGES)
    and ast-grep applies a rule only to files of that language, so each file's findings
    are those of the whole pack. A name with another suffix keeps every folder."""
    folders = {RULE_FOLDERS.get(suffix_of(name)) for name in names}
    return _rule_pack(frozenset(RULE_LANGUAGES) if None in folders else frozenset(folders))


@functools.lru_cache(maxsize=16)
def _rule_pack(folders: frozenset[str]) -> str:
    pack = yaml.safe_load(RULE_PACK.read_text(encoding="utf-8"))

    def kept(key: str) -> list[str]:
        return [str(RULE_PACK.parent / d) for d in pack[key] if PurePosixPath(d).name in folders]

    made = {**pack, "ruleDirs": kept("ruleDirs"), "utilDirs": kept("utilDirs")}
    return yaml.safe_dump(made, sort_keys=False)


def parse_ast_grep(output: ToolOutput) -> Analysis:
    """ast-grep's `--json=stream` output: one JSON object per line and match, its lines
    counted from 0. The finding's category is the rule's `metadata.category`."""
    analysis = Analysis()
    for number, text in enumerate(output.text.split("\n"), 1):
        if not text.strip():
            continue
        try:
            match = json.loads(text)
        except json.JSONDecodeError as exc:
            raise AgentError(f"{output.tool} printed a line that is not JSON ({number})") from exc
        finding = _finding(output, match) if isinstance(match, dict) else None
        if finding is not None:
            analysis.findings.append(finding)
    return analysis


def _finding(output: ToolOutput, match: dict[str, Any]) -> Finding | None:
    path = output.repo_path(str(match.get("file", "")))
    span = match.get("range") or {}
    start, end = (span.get(edge, {}).get("line") for edge in ("start", "end"))
    if path is None or not isinstance(start, int) or not isinstance(end, int):
        return None
    category = str((match.get("metadata") or {}).get("category", ""))
    policy = output.severities.get(category, Severity.WARNING)
    own = _RULE_LEVELS.get(str(match.get("severity")), Severity.NOTE)
    return Finding(
        agent=output.agent,
        rule=str(match.get("ruleId") or "ast-grep"),
        severity=min(policy, own, key=lambda s: s.rank),
        path=path,
        line=start + 1,
        end_line=end + 1 if end > start else None,
        message=str(match.get("message") or match.get("ruleId")),
        category=category,
    )


AGENT = Agent(
    name="patterns",
    description="ast-grep with reviewbot's security rule pack on Python, JS/TS, Go and Java",
    files=Files.of(
        suffixes=["py", "pyw", "go", "java", *JS_SUFFIXES],
        interpreters=[*PYTHON_FILES.interpreters, *JS_INTERPRETERS],
        exclude=GENERATED_JS,
    ),
    order=15,
    analysers=(
        Analyser(
            command=("ast-grep", "scan", "-c", CONFIG, "--json=stream", "--include-metadata")
            + ("--", FILES),
            config=RULE_PACK,
            config_for=rule_pack_for,  # only the rules of the languages of the run's files
            version=("ast-grep", "--version"),
            parse=parse_ast_grep,
            findings_exit_codes=(1,),  # 1: a rule of severity error matched
            severities=SEVERITIES,
            suppressions=(r"ast-grep-ignore",),
            rule_ids=r"(?:py|js|go|java)-[a-z0-9-]+",
            language_by_suffix=True,  # `bin/deploy` (`#!/usr/bin/env python3`) as .py
            install="pip install 'ast-grep-cli>=0.51' (a reviewbot dependency)",
        ),
    ),
)
