"""A pull request's findings across reviews: open, fixed, dismissed, pre-existing.

Plain data and pure functions. What a review read on GitHub before publishing (the
state its summary comment kept, the App's review threads, who dismissed what) is the run
folder's `lifecycle.json` (`Lifecycle`); `reconcile` turns it and the review's report
into what to publish: the findings still open, the threads to resolve (fixed) or to
reopen (back again), which findings were already said at the last reviewed head (an
incremental review comments only on the others), and the state to keep for the next
review. The I/O is in `reporter.github.threads` and the publishers.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

from review.findings import Finding, marker_fingerprint
from review.pull_state import HOW, Closed, PullState, Tracked
from review.report import Report


@dataclass(frozen=True)
class Thread:
    """One review thread the App started (GitHub's `PullRequestReviewThread`).

    `fingerprint`, `rule` and `agents` come from the App's own first comment; a thread
    whose first comment is not the App's is never a `Thread`. `resolved_by` is the person
    who resolved it, None when it is open or was resolved by an App (GitHub's
    `resolvedBy` is a `User`, so it is null for the App's own resolutions);
    `thumbs_down` are the people who reacted 👎 to the App's comment.
    """

    id: str
    fingerprint: str
    path: str
    rule: str
    agents: tuple[str, ...]
    resolved: bool
    resolved_by: str | None = None
    thumbs_down: tuple[str, ...] = ()

    def to_dict(self) -> dict[str, Any]:
        return {**self.__dict__, "agents": list(self.agents), "thumbs_down": list(self.thumbs_down)}

    @classmethod
    def from_dict(cls, data: dict[str, Any]) -> Thread:
        return cls(
            id=str(data["id"]),
            fingerprint=str(data["fingerprint"]),
            path=str(data.get("path") or ""),
            rule=str(data.get("rule") or ""),
            agents=tuple(str(a) for a in data.get("agents") or ()),
            resolved=bool(data.get("resolved")),
            resolved_by=data.get("resolved_by") or None,
            thumbs_down=tuple(str(u) for u in data.get("thumbs_down") or ()),
        )


@dataclass
class Lifecycle:
    """What a review read on GitHub before publishing (the run folder's `lifecycle.json`):
    the state the summary comment kept, the App's review threads, the findings people
    with write access dismissed since, and why the threads could not be read, if so."""

    previous: PullState = field(default_factory=PullState)
    threads: list[Thread] = field(default_factory=list)
    dismissed_now: dict[str, Closed] = field(default_factory=dict)
    problem: str | None = None

    def to_dict(self) -> dict[str, Any]:
        return {
            "previous": self.previous.to_dict(),
            "threads": [t.to_dict() for t in self.threads],
            "dismissed_now": {
                k: [c.rule, c.path, c.by, c.how] for k, c in self.dismissed_now.items()
            },
            "problem": self.problem,
        }

    @classmethod
    def from_dict(cls, data: dict[str, Any]) -> Lifecycle:
        dismissed = PullState.from_dict(
            {"v": 1, "dismissed": data.get("dismissed_now") or {}}
        ).dismissed
        return cls(
            previous=PullState.from_dict(data.get("previous")),
            threads=[Thread.from_dict(t) for t in data.get("threads") or ()],
            dismissed_now=dismissed,
            problem=data.get("problem"),
        )


@dataclass
class Reconciled:
    """What a review publishes about the pull request's findings.

    `open`: the review's findings minus the dismissed ones. `said`: the fingerprints open
    at the last reviewed head (None when no review came before). `commented`: those with
    an open thread of the App's. `carried`: earlier findings this review could not
    re-check (their agent failed or did not run), kept open in `state`.
    """

    state: PullState
    open: list[Finding]
    fixed_now: dict[str, Closed]
    resolve: list[str]
    reopen: list[str]
    said: frozenset[str] | None
    commented: frozenset[str]
    carried: int
    pre_existing: int
    previous_head: str | None = None


def reconcile(lifecycle: Lifecycle, report: Report, head: str) -> Reconciled:
    """The pull request's findings after the review of `head` (see `Reconciled`).

    A finding open at the last reviewed head, or with an open thread of the App's, is
    fixed when this review no longer reports it (nor sets it aside as pre-existing) and
    every agent credited with it ran and finished here; a finding only a model reported
    is never judged fixed (a model not repeating a remark is no fix). A dismissed finding
    stays dismissed for the pull request.
    """
    previous = lifecycle.previous
    dismissed = {**previous.dismissed, **lifecycle.dismissed_now}
    findings = sorted(report.findings, key=lambda f: -f.severity.rank)
    open_findings = [f for f in findings if marker_fingerprint(f) not in dismissed]
    present = {marker_fingerprint(f) for f in (*report.findings, *report.pre_existing)}
    finished = {name for name, status in report.agents.items() if status.status == "ok"}

    def judged(rule: str, agents: tuple[str, ...]) -> bool:
        credited = {a.removesuffix("-ai") for a in agents}
        return not rule.startswith("ai:") and bool(credited) and credited <= finished

    gone = {*previous.open, *(t.fingerprint for t in lifecycle.threads)}
    gone -= present | set(dismissed)
    fixed_now: dict[str, Closed] = {}
    for fp, tracked in previous.open.items():
        if fp in gone and judged(tracked.rule, tracked.agents):
            fixed_now[fp] = Closed(tracked.rule, tracked.path, commit=head)
    resolve: list[str] = []
    for thread in lifecycle.threads:
        fp = thread.fingerprint
        if thread.resolved or fp not in gone:
            continue
        if fp in fixed_now or (fp not in previous.open and judged(thread.rule, thread.agents)):
            fixed_now.setdefault(fp, Closed(thread.rule, thread.path, commit=head))
            resolve.append(thread.id)
    open_now = {marker_fingerprint(f) for f in open_findings}
    reopen = [
        t.id
        for t in lifecycle.threads
        if t.resolved and t.resolved_by is None and t.fingerprint in open_now
        and t.fingerprint in previous.fixed
    ]  # fmt: skip
    reopened = {t.fingerprint for t in lifecycle.threads if t.id in reopen}
    carried = {
        fp: tracked
        for fp, tracked in previous.open.items()
        if fp in gone and fp not in fixed_now and not tracked.model_only
    }
    state = PullState(
        head=head,
        open={
            **{marker_fingerprint(f): _tracked(f) for f in open_findings},
            **carried,
        },
        fixed={
            **{k: v for k, v in previous.fixed.items() if k not in present and k not in dismissed},
            **fixed_now,
        },
        dismissed=dismissed,
    )
    commented = {t.fingerprint for t in lifecycle.threads if not t.resolved} | reopened
    return Reconciled(
        state=state,
        open=open_findings,
        fixed_now=fixed_now,
        resolve=resolve,
        reopen=reopen,
        said=frozenset(previous.open) if previous.head else None,
        commented=frozenset(commented),
        carried=len(carried),
        pre_existing=len(report.pre_existing),
        previous_head=previous.head,
    )


def _tracked(finding: Finding) -> Tracked:
    return Tracked(
        finding.rule, finding.path, finding.line, (finding.agent, *finding.also_reported_by)
    )


def dismissal(rule: str, path: str, by: str, how: str) -> Closed:
    """A finding a person dismissed: `how` is one of `HOW`."""
    if how not in HOW:
        raise ValueError(f"unknown way to dismiss: {how!r}")
    return Closed(rule, path, by=by, how=how)
