"""The model pass of an agent: after its analyser, when the review has a model configured.

`with_model_review(name, analyse)` wraps an agent's analyser. With no model it is the
analyser, unchanged (a model-only reviewer reports "skipped"). With one, the analyser's
findings become the model's starting context, and the model's grounded findings and
dismissals are folded into the agent's result. A model that cannot be built or fails on
the way costs only its own pass: the analyser's findings still come out, with a note.
"""

from __future__ import annotations

import time
from collections.abc import Callable, Mapping

from agents.base import AgentError, Analysis
from agents.llm.budget import Budget, Usage
from agents.llm.config import ModelConfigError, build_model, parse_spec
from agents.llm.prompts import REVIEWERS
from agents.llm.redact import Redactor
from agents.llm.sandbox import Checkout, SandboxLimits
from agents.llm.session import ReviewSession
from review.diff import ChangedFile
from review.request import ReviewConfig
from review.workspace import RunDir

Analyse = Callable[[RunDir, list[ChangedFile], ReviewConfig], Analysis]
MAX_PER_CALL_OUTPUT_TOKENS = 4_096
TIMEOUT_MARGIN_SECONDS = 15.0  # left to the agent's own timeout after the model pass


def with_model_review(name: str, analyse: Analyse | None = None) -> Analyse:
    """The agent's analyse function, followed by its model pass when a model is configured."""
    reviewer = REVIEWERS[name]

    def run(run_dir: RunDir, files: list[ChangedFile], config: ReviewConfig) -> Analysis:
        started = time.monotonic()
        analysis = analyse(run_dir, files, config) if analyse else Analysis()
        try:
            spec = parse_spec(
                config.model_for(name),
                agent=name,
                max_output_tokens=min(MAX_PER_CALL_OUTPUT_TOKENS, config.max_output_tokens),
            )
        except ModelConfigError as exc:
            return _not_run(analysis, str(exc), reviewer.model_only)
        if spec is None:
            if reviewer.model_only:
                analysis.status = "skipped"
                analysis.notes.append(
                    "needs a model: set --model or REVIEWBOT_MODEL (e.g. bedrock:<model id>)"
                )
            return analysis
        left = config.agent_timeout_seconds - (time.monotonic() - started)
        seconds = min(config.model_timeout_seconds, left - TIMEOUT_MARGIN_SECONDS)
        return model_review(name, run_dir, files, config, analysis, spec.text, seconds)

    return run


def model_review(
    name: str,
    run_dir: RunDir,
    files: list[ChangedFile],
    config: ReviewConfig,
    analysis: Analysis,
    spec_text: str,
    seconds: float,
    environ: Mapping[str, str] | None = None,
) -> Analysis:
    """Run agent `name`'s model pass over `files` and fold its result into `analysis`."""
    reviewer = REVIEWERS[name]
    redact = Redactor(environ)
    spec = parse_spec(spec_text, name, min(MAX_PER_CALL_OUTPUT_TOKENS, config.max_output_tokens))
    if spec is None:
        raise ValueError("a model review needs a model")
    if seconds < 1:
        return _not_run(analysis, "no time left in the agent's timeout", reviewer.model_only)
    try:
        model = build_model(spec, environ)
    except ModelConfigError as exc:
        return _not_run(analysis, redact(str(exc)), reviewer.model_only)
    except Exception as exc:  # noqa: BLE001 - a provider's own error, e.g. bad settings
        return _not_run(analysis, redact(f"{spec.provider}: {exc}")[:300], reviewer.model_only)
    session = ReviewSession(
        reviewer=reviewer,
        checkout=Checkout(run_dir.src, SandboxLimits(max_file_bytes=config.max_file_bytes)),
        diff=run_dir.read_change().diff,
        config=config,
        budget=Budget.for_agent(config, seconds),
        analyser_findings=[(f"A{i}", f) for i, f in enumerate(analysis.findings, 1)],
        redact=redact,
        usage=Usage(model=spec.text),
    )
    from agents.llm.runner import run_reviewer  # imports Strands: only when a model runs

    run_reviewer(session, model, files)
    findings, dismissed = session.result()
    if reviewer.model_only and session.usage.error and not findings:
        raise AgentError(f"model review failed: {session.usage.error}")
    analysis.findings = findings
    analysis.notes += session.notes()
    analysis.usage = session.usage.to_dict()
    analysis.dismissed = [d.to_dict() for d in dismissed]
    return analysis


def _not_run(analysis: Analysis, reason: str, model_only: bool) -> Analysis:
    """The analyser's result, saying why the model pass did not run (a model-only agent fails)."""
    if model_only:
        raise AgentError(f"model review not run: {reason}")
    analysis.notes.append(f"model review not run: {reason}")
    analysis.usage = {"model": None, "error": reason}
    return analysis
