"""A pull request's findings across reviews: the state the summary comment keeps, and
what a review makes of it (fixed, dismissed, carried, already said)."""

from __future__ import annotations

import base64
import hashlib
import zlib

from review.findings import Finding, Severity
from review.lifecycle import Lifecycle, Thread, dismissal, reconcile
from review.pull_state import MAX_MARKER_CHARS, Closed, PullState, Tracked
from review.report import AgentStatus, Report

OLD, NEW = "a" * 40, "b" * 40
FP = {name: name * 32 for name in "0123456789"}  # fingerprints: 32 hex characters


def finding(fp: str, rule: str = "B307", agent: str = "security", **extra: object) -> Finding:
    return Finding(
        agent=agent,
        rule=rule,
        severity=Severity.ERROR,
        path="app.py",
        line=3,
        message="eval",
        fingerprint=fp,
        **extra,  # type: ignore[arg-type]
    )


def report(*found: Finding, pre_existing=(), failed: tuple[str, ...] = ()) -> Report:
    agents = {
        name: AgentStatus("failed" if name in failed else "ok")
        for name in ("security", "style", "correctness")
    }
    return Report("o/r", "base", NEW, "mb", list(found), agents, pre_existing=list(pre_existing))


def thread(fp: str, resolved: bool = False, by: str | None = None, **extra: object) -> Thread:
    values = {"agents": ("security",), "rule": "B307", "path": "app.py", **extra}
    return Thread(f"PRRT_{fp[:4]}", fp, resolved=resolved, resolved_by=by, **values)  # type: ignore[arg-type]


def test_the_state_round_trips_through_its_hidden_marker() -> None:
    state = PullState(
        head=OLD,
        open={FP["1"]: Tracked("B307", "app.py", 3, ("security", "security-ai"))},
        fixed={FP["2"]: Closed("F401", "a b.py", commit=OLD)},
        dismissed={FP["3"]: dismissal("B602", "app.py", "mia", "thumbs_down")},
    )
    marker = state.marker()
    assert marker.startswith("<!-- reviewbot:state=") and marker.endswith(" -->")
    assert "--" not in marker[len("<!-- ") : -len(" -->")]  # nothing can close the comment
    body = f"<!-- reviewbot:summary -->\n## reviewbot review\n\ntext\n{marker}\n"
    assert PullState.from_comment(body) == state


def test_a_missing_damaged_or_foreign_marker_reads_as_no_state() -> None:
    def marker_of(raw: bytes) -> str:
        return f"<!-- reviewbot:state={base64.b64encode(zlib.compress(raw)).decode()} -->"

    bomb = marker_of(b"[" * 10_000_000)  # inflates far past the bound
    for body in (
        None,
        "no marker",
        "<!-- reviewbot:state=!!! -->",
        "<!-- reviewbot:state=AAAA -->",
        marker_of(b'{"v": 2, "head": null}'),  # a newer format
        marker_of(b"[1, 2]"),
        bomb,
    ):
        assert PullState.from_comment(body) == PullState()


def test_entries_of_the_wrong_shape_are_left_out() -> None:
    data = {
        "v": 1,
        "head": "not a sha",
        "open": {FP["1"]: ["B1", "a.py", 2, ["style"]], "xyz": ["B1", "a.py", 2, []]},
        "fixed": {FP["2"]: ["B2", "b.py", "nope"], FP["4"]: ["B2", "b.py", OLD]},
        "dismissed": {FP["3"]: ["B3", "c.py", "mia", "ignored it"]},
    }
    state = PullState.from_dict(data)
    assert state.head is None
    assert list(state.open) == [FP["1"]] and list(state.fixed) == [FP["4"]]
    assert state.dismissed == {}


def test_a_huge_state_is_trimmed_under_the_bound_oldest_fixed_first() -> None:
    def fp(n: int) -> str:  # as random as real fingerprints, which compress badly
        return hashlib.sha256(str(n).encode()).hexdigest()[:32]

    state = PullState(
        head=OLD,
        open={fp(n): Tracked(f"R{n}", f"src/{n}/module.py", n, ("style",)) for n in range(200)},
        fixed={fp(10_000 + n): Closed(f"F{n}", f"f/{n}.py", commit=OLD) for n in range(900)},
    )
    marker = state.marker()
    assert len(marker) <= MAX_MARKER_CHARS
    kept = PullState.from_comment(marker)
    assert kept.head == OLD and len(kept.open) == 200  # every open finding is still known
    assert fp(899 + 10_000) in kept.fixed and fp(10_000) not in kept.fixed  # oldest fixed go


def test_a_finding_gone_from_the_head_is_fixed_and_its_thread_resolved() -> None:
    previous = PullState(
        head=OLD,
        open={
            FP["1"]: Tracked("B307", "app.py", 3, ("security",)),  # still there
            FP["2"]: Tracked("F401", "app.py", 1, ("style",)),  # fixed, commented inline
            FP["3"]: Tracked("F841", "app.py", 9, ("style",)),  # fixed, annotation only
        },
    )
    lifecycle = Lifecycle(previous, [thread(FP["1"]), thread(FP["2"], rule="F401")])
    done = reconcile(lifecycle, report(finding(FP["1"])), NEW)
    assert [f.fingerprint for f in done.open] == [FP["1"]]
    assert done.fixed_now == {
        FP["2"]: Closed("F401", "app.py", commit=NEW),
        FP["3"]: Closed("F841", "app.py", commit=NEW),
    }
    assert done.resolve == [f"PRRT_{FP['2'][:4]}"]
    assert done.said == {FP["1"], FP["2"], FP["3"]} and done.previous_head == OLD
    assert set(done.state.open) == {FP["1"]} and set(done.state.fixed) == {FP["2"], FP["3"]}
    assert done.state.head == NEW


def test_nothing_is_judged_fixed_by_an_agent_that_did_not_finish() -> None:
    previous = PullState(head=OLD, open={FP["2"]: Tracked("F401", "app.py", 1, ("style",))})
    lifecycle = Lifecycle(previous, [thread(FP["2"], agents=("style",))])
    done = reconcile(lifecycle, report(failed=("style",)), NEW)
    assert done.fixed_now == {} and done.resolve == []
    assert done.carried == 1 and FP["2"] in done.state.open  # judged at a later review


def test_a_remark_only_a_model_made_is_never_judged_fixed() -> None:
    previous = PullState(
        head=OLD, open={FP["5"]: Tracked("ai:logic", "app.py", 4, ("correctness",))}
    )
    lifecycle = Lifecycle(previous, [thread(FP["5"], rule="ai:logic", agents=("correctness",))])
    done = reconcile(lifecycle, report(), NEW)
    assert done.fixed_now == {} and done.resolve == [] and done.state.open == {}


def test_a_dismissed_finding_is_neither_open_nor_fixed_and_stays_dismissed() -> None:
    previous = PullState(
        head=OLD,
        open={FP["1"]: Tracked("B307", "app.py", 3, ("security",))},
        dismissed={FP["7"]: dismissal("B602", "app.py", "mia", "resolved")},
    )
    now = {FP["1"]: dismissal("B307", "app.py", "mia", "thumbs_down")}
    lifecycle = Lifecycle(previous, [thread(FP["1"])], dismissed_now=now)
    done = reconcile(lifecycle, report(finding(FP["1"]), finding(FP["7"])), NEW)
    assert done.open == [] and done.fixed_now == {} and done.resolve == []
    assert set(done.state.dismissed) == {FP["1"], FP["7"]} and done.state.open == {}


def test_a_fixed_finding_that_comes_back_reopens_the_thread_the_app_resolved() -> None:
    previous = PullState(head=OLD, fixed={FP["2"]: Closed("F401", "app.py", commit=OLD)})
    ours = thread(FP["2"], resolved=True, by=None)
    readers = thread(FP["3"], resolved=True, by="rae")  # a person's resolution stays
    done = reconcile(
        Lifecycle(previous, [ours, readers]), report(finding(FP["2"]), finding(FP["3"])), NEW
    )
    assert done.reopen == [ours.id]
    assert FP["2"] in done.commented and FP["3"] not in done.commented
    assert done.state.fixed == {}


def test_the_first_review_has_nothing_said_before() -> None:
    done = reconcile(Lifecycle(), report(finding(FP["1"]), pre_existing=[finding(FP["8"])]), NEW)
    assert done.said is None and done.previous_head is None
    assert done.pre_existing == 1 and list(done.state.open) == [FP["1"]]


def test_a_pre_existing_finding_is_not_fixed() -> None:
    """A finding the base branch now has too (merged from main) is not gone."""
    previous = PullState(head=OLD, open={FP["1"]: Tracked("B307", "app.py", 3, ("security",))})
    done = reconcile(
        Lifecycle(previous, [thread(FP["1"])]), report(pre_existing=[finding(FP["1"])]), NEW
    )
    assert done.fixed_now == {} and done.resolve == []


def test_the_lifecycle_file_round_trips() -> None:
    lifecycle = Lifecycle(
        PullState(head=OLD, open={FP["1"]: Tracked("B307", "app.py", 3, ("security",))}),
        [thread(FP["1"], resolved=True, by="mia", thumbs_down=("rae",))],
        {FP["1"]: dismissal("B307", "app.py", "mia", "resolved")},
        problem=None,
    )
    assert Lifecycle.from_dict(lifecycle.to_dict()) == lifecycle
