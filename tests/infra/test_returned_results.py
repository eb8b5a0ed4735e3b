"""An agent function's result, returned through the durable invoke: bounded, never lossy
without saying so.

A durable execution checkpoints every operation's result, 256 KiB at most ("Maximum
checkpoint payload" in the Lambda durable functions limits; the SDK's
CHECKPOINT_SIZE_LIMIT_BYTES), so `to_returned` keeps an agent's result under
RETURNED_LIMIT whatever the agent found, and `from_returned` reads what came back as
untrusted input.
"""

from __future__ import annotations

import base64
import hashlib
import json
import re
import zlib

import pytest
from aws_durable_execution_sdk_python.constants import CHECKPOINT_SIZE_LIMIT_BYTES
from hypothesis import given, settings
from hypothesis import strategies as st

from review.agent_result import (
    COMPRESSED,
    MAX_INFLATED_BYTES,
    PLAIN,
    RETURNED_LIMIT,
    AgentResult,
    from_returned,
    to_returned,
)
from review.findings import Finding, Severity
from review.workspace import Workspace

DROPPED = re.compile(r"^(\d+) of (\d+) findings left out: .* the (\d+) gravest are kept$")


def finding(index: int, severity: Severity = Severity.WARNING, text: str = "") -> Finding:
    return Finding(
        agent="style",
        rule=f"R{index % 40}",
        severity=severity,
        path=f"pkg/module_{index % 300}.py",
        line=index % 9000 + 1,
        message=f"problem {index}: {text or 'something to fix'}",
    )


def size(returned: dict) -> int:
    return len(json.dumps(returned).encode())


def noisy(count: int) -> list[Finding]:
    """`count` findings of every severity, with text that compresses poorly."""
    severities = list(Severity)
    return [
        finding(i, severities[i * 7 % 3], hashlib.sha256(str(i).encode()).hexdigest() * 3)
        for i in range(count)
    ]


def test_the_limit_leaves_room_under_the_checkpoint_limit() -> None:
    assert RETURNED_LIMIT + 16 * 1024 <= CHECKPOINT_SIZE_LIMIT_BYTES


def test_a_small_result_comes_back_as_it_is() -> None:
    result = AgentResult(agent="style", findings=[finding(1)], notes=["a note"], seconds=1.5)
    returned = to_returned(result)
    assert returned == {"encoding": PLAIN, "result": result.to_dict()}
    assert from_returned("style", returned).to_dict() == result.to_dict()


def test_a_large_result_is_compressed_whole() -> None:
    result = AgentResult(agent="style", findings=[finding(i) for i in range(3000)])
    assert len(json.dumps(result.to_dict())) > RETURNED_LIMIT
    returned = to_returned(result)
    assert returned["encoding"] == COMPRESSED
    assert size(returned) <= RETURNED_LIMIT
    assert from_returned("style", returned).to_dict() == result.to_dict()


def test_a_huge_result_keeps_the_gravest_findings_and_says_how_many_it_left_out() -> None:
    result = AgentResult(agent="style", findings=noisy(20_000), notes=["ran"])
    returned = to_returned(result)
    assert size(returned) <= RETURNED_LIMIT
    back = from_returned("style", returned)

    (dropped, total, kept) = map(int, DROPPED.match(back.notes[-1]).groups())  # type: ignore[union-attr]
    assert (total, kept, dropped) == (20_000, len(back.findings), total - len(back.findings))
    assert 0 < kept < total
    assert back.notes[:-1] == ["ran"]
    # The kept ones are the gravest: none left out is graver than one kept.
    kept_keys = {(f.path, f.line, f.message) for f in back.findings}
    left_out = [f for f in result.findings if (f.path, f.line, f.message) not in kept_keys]
    assert len(left_out) == dropped
    assert min(f.severity.rank for f in back.findings) >= max(f.severity.rank for f in left_out)
    # ... in the agent's own order.
    order = [f.message for f in result.findings if (f.path, f.line, f.message) in kept_keys]
    assert [f.message for f in back.findings] == order


def test_a_result_too_large_even_without_findings_says_everything_was_left_out() -> None:
    huge = "é" * 50_000  # escapes to six bytes a character in JSON
    result = AgentResult(
        agent="security",
        status="failed",
        error=huge,
        findings=noisy(100),
        notes=[huge] * 100,
        dismissed=[{"reason": huge}] * 100,
        usage={"model": huge, "input_tokens": 7},
    )
    returned = to_returned(result)
    assert size(returned) <= RETURNED_LIMIT
    back = from_returned("security", returned)
    assert (back.status, back.findings, back.dismissed) == ("failed", [], [])
    assert back.error and back.error.startswith("é")
    assert back.usage == {"model": back.usage["model"], "input_tokens": 7}  # type: ignore[index]
    (note,) = back.notes
    assert note.startswith("all 100 findings, the notes and the dismissed findings left out")


@settings(max_examples=40, deadline=None)
@given(
    count=st.integers(0, 400),
    text=st.text(max_size=400),
    notes=st.lists(st.text(max_size=3000), max_size=8),
    limit=st.integers(4096, 40_000),
)
def test_every_result_fits_and_every_left_out_finding_is_counted(
    count: int, text: str, notes: list[str], limit: int
) -> None:
    result = AgentResult(
        agent="style", findings=[finding(i, text=text) for i in range(count)], notes=notes
    )
    returned = to_returned(result, limit)
    assert size(returned) <= limit
    back = from_returned("style", returned)
    kept = len(back.findings)
    counted = [m.groups() for n in back.notes if (m := DROPPED.match(n))]
    if counted:  # trimmed: the note counts what was left out
        assert counted == [(str(count - kept), str(count), str(kept))]
    elif back.notes and back.notes[-1].startswith(f"all {count} findings"):
        assert kept == 0  # the last resort says it left everything out
    else:  # whole (as the findings file's reader normalises it: messages stripped...)
        assert back.to_dict() == AgentResult.from_dict("style", result.to_dict()).to_dict()


def test_a_limit_below_four_kib_is_refused() -> None:
    with pytest.raises(ValueError, match="4096"):
        to_returned(AgentResult(agent="style"), 4095)


def packed(raw: bytes) -> dict[str, str]:
    return {"encoding": COMPRESSED, "data": base64.b64encode(zlib.compress(raw)).decode()}


@pytest.mark.parametrize(
    ("returned", "error"),
    [
        (None, "returned no result"),
        ({"agent": "style", "status": "ok"}, "unknown encoding None"),
        ({"encoding": "gzip", "data": ""}, "unknown encoding 'gzip'"),
        ({"encoding": COMPRESSED, "data": "not base64!"}, "cannot be read"),
        (
            {"encoding": COMPRESSED, "data": base64.b64encode(b"not zlib").decode()},
            "cannot be read",
        ),
        (packed(b"[" * 100_000 + b"]" * 100_000), "cannot be read"),
        (packed(b" " * (MAX_INFLATED_BYTES + 1)), "inflates past"),
        ({"encoding": COMPRESSED, "data": packed(b"{}")["data"][:8]}, "truncated"),
        ({"encoding": PLAIN, "result": ["not", "an", "object"]}, "wrong shape"),
    ],
)
def test_an_unreadable_returned_result_reads_as_a_failed_agent(
    returned: object, error: str
) -> None:
    result = from_returned("style", returned)
    assert result.status == "failed"
    assert error in (result.error or "")


def test_the_invoked_agent_names_the_findings_whatever_the_result_says() -> None:
    result = AgentResult(agent="security", findings=[finding(1)])
    back = from_returned("style", to_returned(result))
    assert back.agent == "style"
    assert {f.agent for f in back.findings} == {"style"}


def test_refused_findings_stay_named_through_the_findings_file(tmp_path) -> None:
    good = finding(1).to_dict()
    returned = {
        "encoding": PLAIN,
        "result": {"status": "ok", "findings": [good, {**good, "line": -3}]},
    }
    result = from_returned("style", returned)
    assert len(result.findings) == 1 and len(result.rejected) == 1
    run = Workspace(tmp_path).run("run-1")
    run.write_agent_result(result)
    assert run.read_agent_result("style").rejected == result.rejected
