"""What one agent found: the `findings/<agent>.json` file of a run folder, as plain data.

The file is untrusted (an analyser bug, or a model steered by the repository, can put
anything in it), so reading it validates every field: a finding that cannot be trusted
is kept out and named in `rejected`, a file that is missing or of the wrong shape reads
as a failed agent, never as an exception.

An agent that runs as a Lambda function of its own cannot write the file (it mounts the
workspace read-only): it returns its result (`to_returned`) and the workflow writes the
file from it (`from_returned`). The returned value is checkpointed by the durable
execution, so it is bounded: compressed when large, and past the bound only the gravest
findings are kept, with a note saying how many were left out and why.
"""

from __future__ import annotations

import base64
import binascii
import json
import re
import zlib
from dataclasses import dataclass, field, replace
from typing import Any

from review.findings import Finding, InvalidFinding

MAX_DISMISSED = 100
MAX_REJECTED = 200
# A durable execution checkpoints each operation's result, 256 KiB at most ("Maximum
# checkpoint payload", Lambda durable functions limits; the SDK's CHECKPOINT_SIZE_LIMIT_BYTES).
# A returned result is kept to this many bytes of JSON, leaving room for the SDK's envelope.
RETURNED_LIMIT = 200 * 1024
# What a compressed result may inflate to: an agent trims its findings rather than send more,
# and the workflow refuses more (a small zlib stream can inflate to gigabytes).
MAX_INFLATED_BYTES = 16 * 1024 * 1024
# When findings are left out, the rest of the result is trimmed to these bounds too.
MAX_RETURNED_NOTES = 60
MAX_NOTE_CHARS = 1_000
MAX_ERROR_CHARS = 4_000
MAX_ENTRIES = 5_000  # findings cache entries returned by one agent
_KEY = re.compile(r"[0-9a-f]{64}")
PLAIN = "json"
COMPRESSED = "zlib+base64"
_USAGE_KEYS = (
    "model",
    "input_tokens",
    "output_tokens",
    "model_calls",
    "tool_calls",
    "seconds",
    "stopped",
    "error",
    "cached",  # answered from the AI result cache (agents.llm.result_cache)
    "saved_tokens",  # what the cached pass had spent
)


@dataclass
class AgentResult:
    """One agent's findings and what happened: `status` is "ok", "failed" or "skipped".

    AI reviewers add `usage` (what the model pass spent) and `dismissed` (analyser
    findings the model judged false positives, with its reason: kept, not posted).
    """

    agent: str
    status: str = "ok"
    findings: list[Finding] = field(default_factory=list)
    notes: list[str] = field(default_factory=list)
    seconds: float = 0.0
    error: str | None = None
    usage: dict[str, Any] | None = None
    dismissed: list[dict[str, Any]] = field(default_factory=list)
    # findings a reader refused, by the reader; written only when the workflow rewrites a
    # result an agent function returned, so that the report still names them
    rejected: list[str] = field(default_factory=list)
    cache: dict[str, int] | None = None  # findings cache: {"hits": files, "misses": files}
    # findings cache entries (key -> entry) an agent function could not write itself (its
    # mount is read-only): returned for the workflow to write, never in a findings file
    cache_entries: dict[str, Any] = field(default_factory=dict)

    def to_dict(self) -> dict[str, Any]:
        data: dict[str, Any] = {
            "agent": self.agent,
            "status": self.status,
            "error": self.error,
            "findings": [f.to_dict() for f in self.findings],
            "notes": list(self.notes),
            "seconds": round(self.seconds, 3),
        }
        if self.usage is not None:
            data["usage"] = dict(self.usage)
        if self.dismissed:
            data["dismissed"] = [dict(d) for d in self.dismissed]
        if self.rejected:
            data["rejected"] = list(self.rejected)
        if self.cache is not None:
            data["cache"] = dict(self.cache)
        if self.cache_entries:
            data["cache_entries"] = dict(self.cache_entries)
        return data

    @classmethod
    def from_dict(cls, agent: str, data: object) -> AgentResult:
        """Agent `agent`'s result from untrusted JSON; bad findings land in `rejected`."""
        if not isinstance(data, dict) or not isinstance(data.get("findings", []), list):
            return cls.failed(agent, "findings file of the wrong shape")
        findings: list[Finding] = []
        rejected: list[str] = []
        for raw in data.get("findings", ()):
            try:
                findings.append(Finding.from_dict({**raw, "agent": agent}))
            except (InvalidFinding, TypeError, AttributeError) as exc:
                rejected.append(f"{agent}: {exc}")
        seconds, notes, error = data.get("seconds"), data.get("notes"), data.get("error")
        dismissed, earlier = data.get("dismissed"), data.get("rejected")
        if isinstance(earlier, list):
            rejected[:0] = [str(r)[:MAX_NOTE_CHARS] for r in earlier[:MAX_REJECTED]]
        return cls(
            agent=agent,
            status=str(data.get("status", "failed")),
            findings=findings,
            notes=[str(n) for n in notes] if isinstance(notes, list) else [],
            seconds=float(seconds) if isinstance(seconds, int | float) else 0.0,
            error=None if error is None else str(error),
            usage=usage_of(data.get("usage")),
            dismissed=[d for d in dismissed if isinstance(d, dict)][:MAX_DISMISSED]
            if isinstance(dismissed, list)
            else [],
            rejected=rejected,
            cache=cache_of(data.get("cache")),
            cache_entries=_entries_of(data.get("cache_entries")),
        )

    @classmethod
    def failed(cls, agent: str, error: str) -> AgentResult:
        return cls(agent=agent, status="failed", error=error)

    def summary(self) -> dict[str, Any]:
        """The small summary that goes back to the workflow's checkpoint."""
        return {
            "agent": self.agent,
            "status": self.status,
            "findings": len(self.findings),
            "seconds": self.seconds,
            "error": self.error,
        }


def _entries_of(data: object) -> dict[str, Any]:
    """Findings cache entries by key: 64 lowercase hex digits each, at most MAX_ENTRIES
    (the cache checks an entry's content when it reads it)."""
    if not isinstance(data, dict):
        return {}
    return {
        k: v
        for k, v in list(data.items())[:MAX_ENTRIES]
        if isinstance(k, str) and _KEY.fullmatch(k) and isinstance(v, dict)
    }


def cache_of(data: object) -> dict[str, int] | None:
    """A findings cache record, `{"hits": n, "misses": n}`, or None."""
    if not isinstance(data, dict):
        return None
    counts = {k: data.get(k) for k in ("hits", "misses")}
    if not all(isinstance(v, int) and not isinstance(v, bool) and v >= 0 for v in counts.values()):
        return None
    return counts  # type: ignore[return-value]


def usage_of(data: object) -> dict[str, Any] | None:
    """A usage record, keeping only known keys of plain types."""
    if not isinstance(data, dict):
        return None
    plain = str | int | float | None
    return {k: v for k, v in data.items() if k in _USAGE_KEYS and isinstance(v, plain)}


def to_returned(result: AgentResult, limit: int = RETURNED_LIMIT) -> dict[str, Any]:
    """`result` as an agent function returns it: at most `limit` bytes of JSON.

    Shapes, the first that fits: `{"encoding": "json", "result": <to_dict>}`;
    `{"encoding": "zlib+base64", "data": <base64 of the zlib-compressed JSON>}`; the same
    with only the gravest findings that fit (errors, then warnings, then notes; the agent's
    order among equals), the other lists trimmed, and a note saying how many findings were
    left out and why; as a last resort, no findings, notes or dismissals at all and a note
    saying so. Findings cache entries go first when the result does not fit: they only
    save a later review some work. `limit` must be at least 4 KiB (ValueError otherwise).
    """
    if limit < 4096:
        raise ValueError(f"a returned result needs at least 4096 bytes, got {limit}")
    data = result.to_dict()
    for attempt in (data, {k: v for k, v in data.items() if k != "cache_entries"}):
        plain = {"encoding": PLAIN, "result": attempt}
        if _size(plain) <= limit:
            return plain
        packed = _compressed(attempt, limit)
        if packed is not None:
            return packed
    return _trimmed(replace(result, cache_entries={}), data["findings"], limit)


def from_returned(agent: str, returned: object) -> AgentResult:
    """What agent `agent`'s function returned (untrusted), read as `AgentResult.from_dict`.

    A value of the wrong shape, data that is not base64 or zlib, or data inflating past
    MAX_INFLATED_BYTES reads as a failed agent, never as an exception.
    """
    if not isinstance(returned, dict):
        return AgentResult.failed(agent, "the agent function returned no result")
    encoding = returned.get("encoding")
    if encoding == PLAIN:
        return AgentResult.from_dict(agent, returned.get("result"))
    if encoding != COMPRESSED or not isinstance(returned.get("data"), str):
        return AgentResult.failed(
            agent, f"the agent function returned an unknown encoding {encoding!r}"
        )
    try:
        packed = base64.b64decode(returned["data"], validate=True)
        inflater = zlib.decompressobj()
        raw = inflater.decompress(packed, MAX_INFLATED_BYTES)
        if inflater.unconsumed_tail or not inflater.eof:
            return AgentResult.failed(
                agent,
                f"the returned result is truncated or inflates past {MAX_INFLATED_BYTES} bytes",
            )
        data = json.loads(raw)
    except (binascii.Error, zlib.error, ValueError, RecursionError) as exc:
        return AgentResult.failed(agent, f"the returned result cannot be read ({exc})")
    return AgentResult.from_dict(agent, data)


def _size(value: object) -> int:
    """Bytes of `value` as JSON; ASCII-escaped, an upper bound of its UTF-8 form."""
    return len(json.dumps(value))


def _compressed(data: dict[str, Any], limit: int) -> dict[str, Any] | None:
    """`data` compressed, or None when it inflates past the bound or does not fit `limit`."""
    return _packed(json.dumps(data, separators=(",", ":")).encode(), limit)


def _packed(raw: bytes, limit: int) -> dict[str, Any] | None:
    if len(raw) > MAX_INFLATED_BYTES:
        return None
    packed = {"encoding": COMPRESSED, "data": base64.b64encode(zlib.compress(raw)).decode()}
    return packed if _size(packed) <= limit else None


def _trimmed(result: AgentResult, dicts: list[dict[str, Any]], limit: int) -> dict[str, Any]:
    """The gravest findings that fit `limit`, found by bisection, with a note on the rest.

    `dicts` are the findings as `to_dict` gave them; each is serialised once, and a probe
    joins the ones it keeps.
    """
    total = len(result.findings)
    by_gravity = sorted(range(total), key=lambda i: -result.findings[i].severity.rank)
    findings = [json.dumps(d, separators=(",", ":")) for d in dicts]
    lean = replace(
        result,
        findings=[],
        notes=[_clip(n, MAX_NOTE_CHARS) for n in result.notes[:MAX_RETURNED_NOTES]],
        dismissed=result.dismissed[:MAX_DISMISSED],
        rejected=[_clip(r, MAX_NOTE_CHARS) for r in result.rejected[:MAX_REJECTED]],
        error=None if result.error is None else _clip(result.error, MAX_ERROR_CHARS),
        usage=_clipped_usage(result.usage, MAX_NOTE_CHARS),
    ).to_dict()
    del lean["findings"]

    def keeping(count: int) -> dict[str, Any] | None:
        note = (
            f"{total - count} of {total} findings left out: the agent's result was over the "
            f"{limit}-byte limit of a result returned through the workflow; the {count} "
            "gravest are kept"
        )
        rest = json.dumps({**lean, "notes": [*lean["notes"], note]}, separators=(",", ":"))
        kept = ",".join(findings[i] for i in sorted(by_gravity[:count]))
        return _packed(f'{{"findings":[{kept}],{rest[1:]}'.encode(), limit)

    best = keeping(0)
    if best is None:
        return {"encoding": PLAIN, "result": _bare(result, total, limit).to_dict()}
    low, high = 0, total  # keeping(low) fits; find the largest count that does
    inflated = 0
    for count, index in enumerate(by_gravity):  # no probe past what may be inflated
        inflated += len(findings[index]) + 1
        if inflated > MAX_INFLATED_BYTES:
            high = count
            break
    while low < high:
        middle = (low + high + 1) // 2
        candidate = keeping(middle)
        if candidate is None:
            high = middle - 1
        else:
            low, best = middle, candidate
    return best


def _bare(result: AgentResult, total: int, limit: int) -> AgentResult:
    """The last resort: what happened, and a note that everything else was left out.

    Well under 4 KiB of JSON whatever the result held: every string in it is clipped.
    """
    return AgentResult(
        agent=_clip(result.agent, 100),
        status=_clip(result.status, 100),
        error=None if result.error is None else _clip(result.error, 1_000),
        usage=_clipped_usage(result.usage, 200),
        seconds=result.seconds,
        notes=[
            f"all {total} findings, the notes and the dismissed findings left out: the "
            f"agent's result was over the {limit}-byte limit of a result returned "
            "through the workflow even without its findings"
        ],
    )


def _clip(text: str, size: int) -> str:
    """`text` cut so that it takes at most `size` bytes as JSON (escapes included)."""
    while _size(text) - 2 > size:
        text = text[: max(0, min(size, len(text) * 3 // 4))]
    return text


def _clipped_usage(usage: dict[str, Any] | None, size: int) -> dict[str, Any] | None:
    if usage is None:
        return None
    return {k: _clip(v, size) if isinstance(v, str) else v for k, v in usage.items()}
