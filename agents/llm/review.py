"""The model pass of an agent with a brief: after its analyser, when the review has a model.

`model_pass` is applied by the agent runner (`agents.base.analyse`) to every agent that
declares a brief. With no model it returns the analyser's result unchanged (a model-only
reviewer reports "skipped"). With one, the analyser's findings become the model's starting
context, and the model's grounded findings and dismissals are folded into the agent's
result. A model that cannot be built or fails on the way costs only its own pass: the
analyser's findings still come out, with a note.
"""

from __future__ import annotations

import time
from collections.abc import Mapping

from agents.analysis import AgentError, AgentInput, Analysis
from agents.declaration import Agent
from agents.llm.budget import Budget, Usage
from agents.llm.config import ModelConfigError, build_model, parse_spec
from agents.llm.redact import Redactor
from agents.llm.result_cache import ModelResult, ResultCache, usage_reused
from agents.llm.sandbox import Checkout, SandboxLimits
from agents.llm.session import ReviewSession

MAX_PER_CALL_OUTPUT_TOKENS = 4_096
TIMEOUT_MARGIN_SECONDS = 15.0  # left to the agent's own timeout after the model pass


def model_pass(agent: Agent, work: AgentInput, analysis: Analysis, started: float) -> Analysis:
    """`analysis` (the analyser's, begun at `started`, a monotonic time) after the agent's
    model pass, when the review configures a model for it."""
    config = work.config
    try:
        spec = parse_spec(
            config.model_for(agent.name),
            agent=agent.name,
            max_output_tokens=min(MAX_PER_CALL_OUTPUT_TOKENS, config.max_output_tokens),
        )
    except ModelConfigError as exc:
        return _not_run(analysis, str(exc), agent.needs_model)
    if spec is None:
        if agent.needs_model:
            analysis.status = "skipped"
            analysis.notes.append(
                "needs a model: set --model or REVIEWBOT_MODEL (e.g. bedrock:<model id>)"
            )
        return analysis
    left = config.agent_timeout_seconds - (time.monotonic() - started)
    seconds = min(config.model_timeout_seconds, left - TIMEOUT_MARGIN_SECONDS)
    return model_review(agent, work, analysis, spec.text, seconds)


def model_review(
    agent: Agent,
    work: AgentInput,
    analysis: Analysis,
    spec_text: str,
    seconds: float,
    environ: Mapping[str, str] | None = None,
) -> Analysis:
    """Run the agent's model pass over `work.files` for at most `seconds` and fold its
    result into `analysis`. AgentError when a model-only agent gets no review at all."""
    if agent.brief is None:
        raise ValueError(f"agent {agent.name!r} has no brief for a model")
    config = work.config
    redact = Redactor(environ)
    spec = parse_spec(
        spec_text, agent.name, min(MAX_PER_CALL_OUTPUT_TOKENS, config.max_output_tokens)
    )
    if spec is None:
        raise ValueError("a model review needs a model")
    if seconds < 1:
        return _not_run(analysis, "no time left in the agent's timeout", agent.needs_model)
    checkout = Checkout(
        work.run.repo_dir,
        work.head,
        SandboxLimits(max_file_bytes=config.max_file_bytes),
        excluded=config.excludes,
    )
    results = ResultCache.for_request(agent, work, analysis, spec.text)
    reused = results.load(checkout)
    if reused is not None:
        return _reused(analysis, reused, spec.text)
    try:
        model = build_model(spec, environ)
    except ModelConfigError as exc:
        return _not_run(analysis, redact(str(exc)), agent.needs_model)
    except Exception as exc:  # noqa: BLE001 - a provider's own error, e.g. bad settings
        return _not_run(analysis, redact(f"{spec.provider}: {exc}")[:300], agent.needs_model)
    session = ReviewSession(
        agent=agent.name,
        brief=agent.brief,
        checkout=checkout,
        diff=work.diff,
        config=config,
        budget=Budget.for_agent(config, seconds),
        analyser_findings=[(f"A{i}", f) for i, f in enumerate(analysis.findings, 1)],
        redact=redact,
        usage=Usage(model=spec.text),
    )
    from agents.llm.runner import run_reviewer  # imports Strands: only when a model runs

    run_reviewer(session, model, work.files)
    return _fold(agent, analysis, session, results)


def _fold(
    agent: Agent, analysis: Analysis, session: ReviewSession, results: ResultCache
) -> Analysis:
    """`analysis` with the finished model pass of `session` folded in; the pass stored in
    `results` when it ran to its end."""
    findings, dismissed = session.result()
    if agent.needs_model and session.usage.error and not findings:
        raise AgentError(f"model review failed: {session.usage.error}")
    notes, usage = session.notes(), session.usage.to_dict()
    if results.key is not None and results.directory is not None:
        usage["cached"] = False
        if not (session.usage.error or session.usage.stopped):  # a whole pass, not a cut one
            stored = ModelResult(findings, [d.to_dict() for d in dismissed], notes[1:], usage)
            results.store(session.checkout, stored)
    analysis.findings = findings
    analysis.notes += notes
    analysis.usage = usage
    analysis.dismissed = [d.to_dict() for d in dismissed]
    analysis.cache_entries |= results.unwritten
    return analysis


def _reused(analysis: Analysis, stored: ModelResult, model: str) -> Analysis:
    """`analysis` with the stored model pass folded in, as if it had just run."""
    usage = usage_reused(model, stored.usage)
    analysis.findings = stored.findings
    analysis.notes += [
        f"model review with {model}: reused from the cache (the same model, prompt, change "
        f"and files read; {usage['saved_tokens']:,} tokens saved)",
        *stored.notes,
    ]
    analysis.usage = usage
    analysis.dismissed = stored.dismissed
    return analysis


def _not_run(analysis: Analysis, reason: str, model_only: bool) -> Analysis:
    """The analyser's result, saying why the model pass did not run (a model-only agent fails)."""
    if model_only:
        raise AgentError(f"model review not run: {reason}")
    analysis.notes.append(f"model review not run: {reason}")
    analysis.usage = {"model": None, "error": reason}
    return analysis
