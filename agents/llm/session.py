"""One AI reviewer's run: its sandbox, its budgets, and the findings it reports, grounded.

The session is the per-run data the tools reach through the agent's invocation state;
it is shared by tool calls that run in parallel threads, so it takes a lock. Grounding
happens when a finding is reported, so the model is told at once when its line does not
exist or its quote does not match, and happens against the checkout, never the model's
word: a model finding is kept only if the line exists in the head version, the quoted code
is on it, and the line is part of what the review covers.
"""

from __future__ import annotations

import re
import threading
import time
from dataclasses import dataclass, field, replace
from typing import Any

from agents.declaration import Brief
from agents.llm.budget import Budget, Usage
from agents.llm.redact import Redactor
from agents.llm.sandbox import Checkout, ToolRefused
from review.diff import Diff, FilterMode
from review.findings import MAX_MESSAGE_CHARS, Finding, Severity
from review.request import ReviewConfig

MAX_TOOL_OUTPUT_CHARS = 400_000  # per agent run, everything the tools return
MAX_REPORTS_PER_CAP = 4  # report_finding calls allowed per finding the cap lets through
_SEVERITY = {
    "error": Severity.ERROR,
    "critical": Severity.ERROR,
    "high": Severity.ERROR,
    "warning": Severity.WARNING,
    "medium": Severity.WARNING,
    "note": Severity.NOTE,
    "low": Severity.NOTE,
    "info": Severity.NOTE,
}
_SLUG = re.compile(r"[^a-z0-9]+")
EXPLORING_TOOLS = frozenset({"list_files", "read_file", "search"})


@dataclass
class Dismissal:
    finding: Finding
    reason: str
    confidence: float

    def to_dict(self) -> dict[str, Any]:
        return {
            **self.finding.to_dict(),
            "reason": self.reason,
            "dismiss_confidence": self.confidence,
        }


@dataclass
class ReviewSession:
    """Everything one AI reviewer's tools work on: `agent` names the findings, `brief` is
    what the model is told to look for."""

    agent: str
    brief: Brief
    checkout: Checkout
    diff: Diff
    config: ReviewConfig
    budget: Budget
    analyser_findings: list[tuple[str, Finding]]
    redact: Redactor
    usage: Usage
    started: float = field(default_factory=time.monotonic)
    model_findings: list[Finding] = field(default_factory=list)
    merged: dict[str, Finding] = field(default_factory=dict)  # analyser id -> merged finding
    dismissed: dict[str, Dismissal] = field(default_factory=dict)
    dropped: list[str] = field(default_factory=list)
    below_threshold: int = 0
    over_cap: int = 0
    reports: int = 0
    tool_output_chars: int = 0
    closed: bool = False
    lock: threading.Lock = field(default_factory=threading.Lock)

    # -- budgets -------------------------------------------------------------------------

    def stop(self, reason: str) -> None:
        with self.lock:
            self.usage.stopped = self.usage.stopped or reason

    def output(self, text: str) -> str:
        """Charge a tool's answer to the run's output budget."""
        with self.lock:
            if self.closed:
                raise ToolRefused("the review is over")
            if self.tool_output_chars + len(text) > MAX_TOOL_OUTPUT_CHARS:
                self.usage.stopped = self.usage.stopped or (
                    f"tool output ({MAX_TOOL_OUTPUT_CHARS:,} characters)"
                )
                raise ToolRefused(
                    "the tool output budget of this review is used up: report your findings "
                    "with report_finding now, then finish"
                )
            self.tool_output_chars += len(text)
        return text

    # -- findings ------------------------------------------------------------------------

    def report(
        self,
        path: str,
        line: int,
        severity: str,
        category: str,
        message: str,
        quote: str,
        confidence: float,
        end_line: int | None = None,
        suggestion: str | None = None,
        related_finding: str | None = None,
    ) -> str:
        """Ground and record one reported finding; the answer tells the model what happened."""
        with self.lock:
            if self.closed:
                raise ToolRefused("the review is over")
            self.reports += 1
            if self.reports > self.budget.max_findings * MAX_REPORTS_PER_CAP:
                self.over_cap += 1
                raise ToolRefused("too many reports: stop reporting and finish")
        try:
            finding, analyser_id = self._ground(
                path, line, end_line, severity, category, message, quote, suggestion,
                confidence, related_finding,
            )  # fmt: skip
        except ToolRefused as exc:
            with self.lock:
                self.dropped.append(self.redact(str(exc))[:300])
            raise
        with self.lock:
            if finding.confidence is not None and finding.confidence < self.config.min_confidence:
                self.below_threshold += 1
                return "recorded"
            if self._already_reported(finding, analyser_id):
                return f"already reported: {finding.path}:{finding.line} [{finding.category}]"
            if analyser_id is not None:  # not a new finding: the cap does not apply
                self.merged[analyser_id] = combine(self._current(analyser_id), finding)
                return f"recorded, merged with {analyser_id}"
            if len(self.model_findings) >= self.budget.max_findings:
                self.over_cap += 1
                raise ToolRefused(
                    f"the cap of {self.budget.max_findings} findings is reached: stop reporting "
                    "and finish"
                )
            self.model_findings.append(finding)
            return f"recorded: {finding.path}:{finding.line} [{finding.category}]"

    def dismiss(self, finding_id: str, reason: str, confidence: float) -> str:
        """Mark an analyser finding a false positive (never an error-severity one)."""
        ident = str(finding_id or "").strip().upper()
        found = dict(self.analyser_findings).get(ident)
        if found is None:
            raise ToolRefused(f"no analyser finding {finding_id!r}: use an id like A1")
        if found.severity is Severity.ERROR:
            raise ToolRefused(
                f"{ident} is an error: errors are never dismissed by a reviewer model; "
                "a person decides"
            )
        reason = _text(self.redact(str(reason or "")), 500)
        if not reason:
            raise ToolRefused("give the reason the finding is a false positive")
        score = _confidence(confidence)
        with self.lock:
            if self.closed:
                raise ToolRefused("the review is over")
            if score < self.config.min_confidence:
                self.below_threshold += 1
                return "recorded"
            self.dismissed[ident] = Dismissal(found, reason, score)
            self.merged.pop(ident, None)
        return f"{ident} dismissed"

    def _ground(
        self,
        path: str,
        line: object,
        end_line: object,
        severity: str,
        category: str,
        message: str,
        quote: str,
        suggestion: str | None,
        confidence: object,
        related: str | None,
    ) -> tuple[Finding, str | None]:
        relative, lines = self.checkout.text_lines(path)
        first = _line_number(line)
        if first is None or first > len(lines):
            raise ToolRefused(
                f"dropped: {relative} has {len(lines)} lines, there is no line {line!r}"
            )
        last = _line_number(end_line) if end_line not in (None, "", 0) else None
        if last is not None and (last < first or last > len(lines)):
            raise ToolRefused(
                f"dropped: end_line {end_line!r} is not between {first} and {len(lines)}"
            )
        if not _quote_matches(quote, lines[first - 1 : (last or first)]):
            shown = _text(lines[first - 1], 200)
            raise ToolRefused(
                f"dropped: the quote does not match {relative}:{first}, which reads: {shown}"
            )
        if not self.diff.accepts(relative, first, last, self.config.filter_mode):
            raise ToolRefused(
                f"dropped: {relative}:{first} is not {_covered(self.config.filter_mode)}; "
                "report only problems on the lines this change adds"
            )
        level = _SEVERITY.get(str(severity or "").strip().lower())
        if level is None:
            raise ToolRefused(f"dropped: severity {severity!r} is not one of error, warning, note")
        text = _text(self.redact(str(message or "")), 2_000)
        if not text:
            raise ToolRefused("dropped: the message is empty")
        slug = _SLUG.sub("-", self.redact(str(category or "")).lower()).strip("-")[:40]
        slug = slug or "general"
        fix = None if suggestion in (None, "") else self.redact(str(suggestion))[:8_000]
        finding = Finding(
            agent=self.agent,
            rule=f"ai:{slug}",
            severity=level,
            path=relative,
            line=first,
            end_line=last if last != first else None,
            message=text,
            suggestion=fix,
            category=slug,
            confidence=_confidence(confidence),
        )
        return finding, self._related(finding, related)

    def _related(self, finding: Finding, related: str | None) -> str | None:
        """The analyser finding this one is about: named by the model, or same line and problem."""
        candidates = [
            (ident, f)
            for ident, f in self.analyser_findings
            if ident not in self.dismissed
            and f.path == finding.path
            and f.line <= finding.line <= f.last_line
        ]
        wanted = str(related or "").strip().upper()
        for ident, f in candidates:
            if ident == wanted or f.problem in (finding.category, finding.rule):
                return ident
        return None

    def _current(self, ident: str) -> Finding:
        return self.merged.get(ident) or dict(self.analyser_findings)[ident]

    def _already_reported(self, finding: Finding, analyser_id: str | None) -> bool:
        if analyser_id is not None:
            return analyser_id in self.merged
        return any(
            (f.path, f.line, f.category) == (finding.path, finding.line, finding.category)
            for f in self.model_findings
        )

    # -- the result ----------------------------------------------------------------------

    def close(self) -> None:
        with self.lock:
            self.closed = True

    def result(self) -> tuple[list[Finding], list[Dismissal]]:
        """The agent's findings: the analysers' (merged, less dismissed), then the model's."""
        with self.lock:
            kept = [
                self.merged.get(ident, finding)
                for ident, finding in self.analyser_findings
                if ident not in self.dismissed
            ]
            # tools of one turn run in parallel: order the model's findings by place
            found = sorted(self.model_findings, key=lambda f: (f.path, f.line, f.category))
            return kept + found, list(self.dismissed.values())

    def notes(self) -> list[str]:
        notes = [self.usage.describe()]
        if self.usage.stopped:
            notes.append(f"budget reached: {self.usage.stopped}")
        if self.usage.error:
            notes.append(f"model review stopped early: {self.usage.error}")
        if self.dropped:
            notes.append(
                f"{len(self.dropped)} model findings dropped as ungrounded, e.g. {self.dropped[0]}"
            )
        if self.below_threshold:
            notes.append(
                f"{self.below_threshold} model findings or dismissals below the confidence "
                f"threshold {self.config.min_confidence:g} not posted"
            )
        if self.over_cap:
            notes.append(f"model findings over the cap of {self.budget.max_findings} not posted")
        for ident, dismissal in self.dismissed.items():
            f = dismissal.finding
            notes.append(
                f"dismissed as a false positive ({ident}): {f.rule} at {f.path}:{f.line}: "
                f"{dismissal.reason}"
            )
        return notes


def combine(analyser: Finding, model: Finding) -> Finding:
    """An analyser finding the model confirmed: the graver severity, the better-worded message.

    The analyser's rule and category stay (so the fingerprint does not move); the model is
    credited in `also_reported_by` as `<agent>-ai`.
    """
    best = max((analyser, model), key=lambda f: (f.severity.rank, len(f.message)))
    fix = analyser if analyser.suggestion is not None else model  # "" deletes: it counts
    credit = f"{model.agent}-ai"
    return replace(
        analyser,
        severity=best.severity,
        message=best.message[:MAX_MESSAGE_CHARS],
        suggestion=fix.suggestion,
        suggestion_lines=fix.fix_lines if fix.suggestion is not None else None,
        confidence=model.confidence,
        also_reported_by=tuple(sorted({*analyser.also_reported_by, credit})),
    )


def _quote_matches(quote: object, flagged: list[str]) -> bool:
    """Whether `quote` is the code on the flagged lines (whitespace-insensitive)."""
    wanted = " ".join(str(quote or "").split())
    if not wanted:
        return False
    first = " ".join(flagged[0].split()) if flagged else ""
    if wanted == first:
        return True
    joined = " ".join(" ".join(line.split()) for line in flagged)
    # A fragment must be long enough to point at the line, not just occur on it.
    return wanted in joined and len(wanted) >= min(12, len(first))


def _line_number(value: object) -> int | None:
    if isinstance(value, bool):
        return None
    try:
        number = int(value)  # type: ignore[call-overload]
    except (TypeError, ValueError):
        return None
    return number if number > 0 else None


def _confidence(value: object) -> float:
    try:
        score = float(value)  # type: ignore[arg-type]
    except (TypeError, ValueError):
        return 0.0
    if score != score:  # NaN
        return 0.0
    if 1.0 < score <= 100.0:  # a percentage
        score /= 100.0
    return min(1.0, max(0.0, score))


def _covered(mode: FilterMode) -> str:
    return {
        FilterMode.INTRODUCED: "an added or modified line of the change",
        FilterMode.ADDED: "an added or modified line of the change",
        FilterMode.DIFF_CONTEXT: "in a hunk of the change",
        FilterMode.FILE: "in a changed file",
        FilterMode.NOFILTER: "reviewable",
    }[mode]


def _text(text: str, limit: int) -> str:
    text = text.strip()
    return text if len(text) <= limit else text[: limit - 1] + "…"
