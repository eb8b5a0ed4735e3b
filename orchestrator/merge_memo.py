"""The merge of a review again over the same inputs: the report before, with each agent's
account of this run.

The merge step (`orchestrator.steps.merge`) reads the request (request.json: the
repository's configuration as applied), the change (diff.json: every changed file's
versions and hunks, the clone's notes), each agent's findings file, and the checked-out
files the change names, whose content the change's blob ids fix. What it reports, sets
aside as pre-existing, filters out and refuses depends on nothing else but our code.
Only each agent's own account (its status, time, notes, findings cache counts) can differ
between two runs that found the same: a review again on the same commits (`/review`)
answers every agent from the findings cache and so notes hits where the first run noted
misses.

So a merge keeps its report under the key of those inputs (`key`): the SHA-256 of our
code's sources (the `agents` and `review` packages, this module and the merge step's),
request.json's and diff.json's bytes, and, agent by agent in the configured order, the
findings and refusals its file holds (or that it could not be read). The report is kept as
a hard link in the run folder, `merged/<key>.json`: no data written, no inode allocated.
A merge whose key is kept takes that report and rebuilds only its agents' statuses from
their findings files (`with_agents`): 1,200 findings are neither validated, placed,
fingerprinted nor deduplicated again. Only the last report is kept. Where the file system
has no hard links (an S3 Files mount, `review.hardlinks.NO_LINKS`) nothing is kept and
every merge runs in full.
"""

from __future__ import annotations

import contextlib
import hashlib
import os
from collections.abc import Mapping
from dataclasses import dataclass
from typing import Any

from agents.cache import code_digest, file_digest
from review import json_codec
from review.agent_result import AgentResult
from review.hardlinks import replace_with_link
from review.report import AgentStatus
from review.workspace import RunDir

FORMAT = 1  # bumped when what a key covers changes
FOLDER = "merged"  # in the run folder: the kept report, named by its key


@dataclass(frozen=True)
class Unreadable:
    """An agent's findings file that could not be read or parsed: why."""

    reason: str


AgentData = Any  # a findings file's parsed JSON, or Unreadable


def key(run: RunDir, agents: Mapping[str, AgentData]) -> str:
    """The key of a merge of `agents`' findings files (name -> parsed JSON or Unreadable,
    in the configured order) over the run's request and change (see the module
    docstring); OSError when request.json or diff.json cannot be read."""
    digest = hashlib.sha256(f"merge format {FORMAT}\0{code_digest()}\0".encode())
    for ours in (__file__, os.path.join(os.path.dirname(__file__), "steps.py")):
        digest.update(f"{file_digest(ours)}\0".encode())
    for path in (run.request_file, run.diff_file):
        data = path.read_bytes()
        digest.update(f"{len(data)}\0".encode() + data)
    for name, data in agents.items():
        if isinstance(data, Unreadable):
            found = f"unreadable: {data.reason}".encode("utf-8", "surrogatepass")
        elif not isinstance(data, dict):
            found = b"not an object"
        else:  # what the merge takes from the file besides the agent's own account
            found = json_codec.dumps([data.get("findings"), data.get("rejected")])
        digest.update(f"{name}\0{len(found)}\0".encode() + found + b"\0")
    return digest.hexdigest()


def recall(run: RunDir, merge_key: str) -> dict[str, Any] | None:
    """The report kept under `merge_key` (parsed JSON), or None when there is none or it
    is not a report of this shape."""
    try:
        with open(_path(run, merge_key), "rb") as handle:
            report = json_codec.loads(handle.read())
    except (OSError, ValueError):
        return None
    if not isinstance(report, dict) or not isinstance(report.get("agents"), dict):
        return None
    return report


def with_agents(
    report: dict[str, Any], results: Mapping[str, AgentResult]
) -> dict[str, Any] | None:
    """The kept `report` with each agent's status made from its result now (`results`: the
    findings files without their findings, which are the same), and the findings it
    contributed as before; None when the report does not name exactly these agents."""
    before = report["agents"]
    if list(before) != list(results):
        return None
    agents = {}
    for name, result in results.items():
        contributed = before[name].get("findings") if isinstance(before[name], dict) else None
        if not isinstance(contributed, int):
            return None
        agents[name] = AgentStatus.of(result, findings=contributed).to_dict()
    return {**report, "agents": agents}


def remember(run: RunDir, merge_key: str) -> None:
    """Keep the run's report under `merge_key`, the only one kept: a hard link, or nothing
    where links cannot be made (or the run folder cannot be written)."""
    target = _path(run, merge_key)
    try:
        replace_with_link(run.report_file, target)
    except OSError:
        return
    for entry in os.scandir(os.path.dirname(target)):
        if entry.name != os.path.basename(target):
            with contextlib.suppress(OSError):
                os.unlink(entry.path)


def _path(run: RunDir, merge_key: str) -> str:
    return os.path.join(run.path, FOLDER, f"{merge_key}.json")
