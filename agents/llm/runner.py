"""Running one AI reviewer as a Strands agent, inside its budgets. Imports Strands.

The agent runs on its own event loop in a daemon thread. Budgets are enforced by hooks
(model calls, tool calls, tokens, time) and, as a backstop, by Strands' own per-invocation
limits, a cancel signal at the deadline and, last, abandoning the thread: whichever way
the run ends, the findings already reported are in the session and are kept.
"""

from __future__ import annotations

import asyncio
import contextlib
import secrets
import threading
import time
from typing import Any

from strands import Agent
from strands.agent.conversation_manager import NullConversationManager
from strands.event_loop._retry import ModelRetryStrategy
from strands.hooks import (
    AfterModelCallEvent,
    BeforeModelCallEvent,
    BeforeToolCallEvent,
    HookProvider,
    HookRegistry,
)

from agents.llm.prompts import initial_prompt, system_prompt
from agents.llm.session import EXPLORING_TOOLS, ReviewSession
from agents.llm.tools import EXPLORING, NONCE_KEY, REPORTING, SESSION_KEY
from review.diff import ChangedFile

STOP_GRACE_SECONDS = 10.0  # after the cancel signal, before the run is cancelled
ABANDON_GRACE_SECONDS = 5.0  # then, before a run that ignores cancelling is abandoned
_LIMIT_REASONS = {
    "limit_turns": "model calls",
    "limit_total_tokens": "total tokens",
    "limit_output_tokens": "output tokens",
    "cancelled": "time",
}


class BudgetHooks(HookProvider):
    """Counts model and tool calls and ends the run gracefully at the first budget reached."""

    def __init__(self, session: ReviewSession, deadline: float) -> None:
        self.session = session
        self.deadline = deadline
        self.tools_exhausted_at: int | None = None
        self.explored = 0  # list_files, read_file and search calls

    def register_hooks(self, registry: HookRegistry, **_: Any) -> None:
        registry.add_callback(BeforeModelCallEvent, self.before_model_call)
        registry.add_callback(AfterModelCallEvent, self.after_model_call)
        registry.add_callback(BeforeToolCallEvent, self.before_tool_call)

    def before_model_call(self, event: BeforeModelCallEvent) -> None:
        session, budget = self.session, self.session.budget
        self._read_usage(event.agent)
        usage = session.usage
        projected = event.projected_input_tokens or 0
        reason = None
        if usage.model_calls >= budget.max_model_calls:
            reason = f"model calls ({budget.max_model_calls})"
        elif usage.input_tokens >= budget.max_input_tokens or (
            usage.model_calls and usage.input_tokens + projected > budget.max_input_tokens
        ):
            reason = f"input tokens ({budget.max_input_tokens:,})"
        elif usage.output_tokens >= budget.max_output_tokens:
            reason = f"output tokens ({budget.max_output_tokens:,})"
        elif usage.input_tokens + usage.output_tokens >= budget.max_total_tokens:
            reason = f"this agent's share of the review's tokens ({budget.max_total_tokens:,})"
        elif time.monotonic() >= self.deadline:
            reason = "time"
        elif self.tools_exhausted_at is not None and usage.model_calls > self.tools_exhausted_at:
            reason = f"tool calls ({budget.max_tool_calls})"
        if reason:
            session.stop(reason)
            event.cancel = f"Review stopped: budget reached ({reason})."
            return
        with session.lock:
            usage.model_calls += 1

    def after_model_call(self, event: AfterModelCallEvent) -> None:
        self._read_usage(event.agent)

    def before_tool_call(self, event: BeforeToolCallEvent) -> None:
        session, budget = self.session, self.session.budget
        name = str(event.tool_use.get("name", ""))
        with session.lock:
            session.usage.tool_calls += 1
            if name in EXPLORING_TOOLS:
                self.explored += 1
            over = name in EXPLORING_TOOLS and self.explored > budget.max_tool_calls
            if over and self.tools_exhausted_at is None:
                self.tools_exhausted_at = session.usage.model_calls
        if time.monotonic() >= self.deadline:
            session.stop("time")
            event.cancel_tool = "Review stopped: time is up."
        elif over:
            event.cancel_tool = (
                f"Budget reached: no more {name} calls ({budget.max_tool_calls} allowed). Report "
                "what you found with report_finding now, then finish."
            )

    def _read_usage(self, agent: Any) -> None:
        used = agent.event_loop_metrics.accumulated_usage
        with self.session.lock:
            self.session.usage.input_tokens = int(used.get("inputTokens", 0))
            self.session.usage.output_tokens = int(used.get("outputTokens", 0))


def run_reviewer(
    session: ReviewSession,
    model: Any,
    files: list[ChangedFile],
    retry: bool = True,
) -> None:
    """Run the reviewer to its end or its budget; results and usage land in `session`."""
    budget = session.budget
    nonce = secrets.token_hex(8)
    deadline = session.started + budget.seconds
    hooks = BudgetHooks(session, deadline)
    agent = Agent(
        model=model,
        tools=[*EXPLORING, *REPORTING],
        system_prompt=system_prompt(
            session.brief, nonce, budget.max_model_calls, budget.max_tool_calls
        ),
        callback_handler=None,
        conversation_manager=NullConversationManager(),
        hooks=[hooks],
        retry_strategy=ModelRetryStrategy(max_attempts=3, initial_delay=2, max_delay=20)
        if retry
        else None,
        name=f"reviewbot-{session.agent}",
        record_direct_tool_call=False,
    )
    prompt = initial_prompt(
        files, _lines_of(session, files), session.analyser_findings, nonce,
        session.config.instructions_for,
    )  # fmt: skip
    state = {SESSION_KEY: session, NONCE_KEY: nonce}
    outcome = _invoke_in_thread(agent, prompt, state, session, deadline)
    session.close()  # a tool call still under way in an abandoned run records nothing
    if outcome.get("abandoned") or outcome.get("timeout"):
        session.stop("time")
    elif "error" in outcome:
        session.usage.error = _describe(outcome["error"], session)
    else:
        reason = _LIMIT_REASONS.get(str(getattr(outcome.get("result"), "stop_reason", "")))
        if reason:
            session.stop("time" if reason == "time" else f"{reason} (Strands limit)")
    with contextlib.suppress(Exception):  # best effort once a run was abandoned
        hooks._read_usage(agent)
    session.usage.seconds = time.monotonic() - session.started


def _lines_of(session: ReviewSession, files: list[ChangedFile]) -> dict[str, list[str] | None]:
    """Each changed file's lines at the head (None: not a readable text file)."""
    lines_of: dict[str, list[str] | None] = {}
    for changed in files:
        try:
            lines_of[changed.path] = session.checkout.text_lines(changed.path)[1]
        except ValueError:
            lines_of[changed.path] = None
    return lines_of


def _invoke_in_thread(
    agent: Agent, prompt: str, state: dict[str, Any], session: ReviewSession, deadline: float
) -> dict[str, Any]:
    """Invoke `agent` on its own event loop in a daemon thread, cancelled at `deadline`
    and abandoned after the grace periods; the outcome: `result`, `error`, `timeout` or
    `abandoned`."""
    limits = {"turns": session.budget.max_model_calls + 2}  # a backstop: the hooks stop first
    cancel = threading.Event()
    outcome: dict[str, Any] = {}

    async def invoke() -> Any:
        remaining = max(0.1, deadline - time.monotonic())
        timer = asyncio.get_running_loop().call_later(remaining, cancel.set)
        try:
            return await asyncio.wait_for(
                agent.invoke_async(
                    prompt, invocation_state=state, limits=limits, cancel_signal=cancel
                ),
                remaining + STOP_GRACE_SECONDS,
            )
        finally:
            timer.cancel()

    def work() -> None:
        try:
            outcome["result"] = asyncio.run(invoke())
        except TimeoutError:
            outcome["timeout"] = True
        except Exception as exc:  # noqa: BLE001 - reported in the caller's thread
            outcome["error"] = exc

    worker = threading.Thread(target=work, name=f"model-{session.agent}", daemon=True)
    worker.start()
    worker.join(max(0.1, deadline - time.monotonic()) + STOP_GRACE_SECONDS + ABANDON_GRACE_SECONDS)
    if worker.is_alive():
        outcome["abandoned"] = True
    return outcome


def _describe(exc: BaseException, session: ReviewSession) -> str:
    if type(exc).__name__ == "EventLoopException" and exc.__cause__ is not None:
        exc = exc.__cause__  # Strands wraps the provider's own error
    text = str(exc).strip().splitlines()[0] if str(exc).strip() else ""
    return session.redact(f"{type(exc).__name__}: {text}"[:300])
