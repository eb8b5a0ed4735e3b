"""`reviewbot review`'s progress on a terminal: a live line per agent, drawn with rich.

While an agent runs its line shows a spinner and the seconds so far; when it is done,
its status, seconds and what it found (and, for an AI reviewer, what its model spent).
The display is on stderr and only when stderr is a terminal: piped or redirected, the
command prints no progress at all, and stdout always carries the review alone.
"""

from __future__ import annotations

import time
from collections.abc import Callable, Sequence
from typing import Any

from rich.console import Console, Group, RenderableType
from rich.live import Live
from rich.spinner import Spinner
from rich.table import Table
from rich.text import Text

from review.agent_result import AgentResult

_MARK = {"ok": ("✓", "green"), "failed": ("✗", "red"), "skipped": ("–", "dim")}


def stderr_console() -> Console:
    """The console progress is drawn on: stderr (a terminal, or progress stays off)."""
    return Console(stderr=True)


def agent_line(result: AgentResult) -> str:
    """One finished agent in words: "security: ok in 1.2 s, 3 raw findings", with the
    model's usage (or its error) for an AI reviewer."""
    detail = result.error or f"{len(result.findings)} raw findings"
    usage = result.usage or {}
    if usage.get("error"):
        detail += f"; model review: {usage['error']}"
    elif usage.get("model"):
        detail += (
            f"; {usage.get('model')}: {usage.get('input_tokens', 0):,} tokens in, "
            f"{usage.get('output_tokens', 0):,} out, {usage.get('model_calls', 0)} calls"
        )
        if usage.get("stopped"):
            detail += f", budget reached: {usage['stopped']}"
    return f"{result.agent}: {result.status} in {result.seconds:.1f} s, {detail}"


class LiveProgress:
    """The `progress` callback of `orchestrator.local.run_review`, drawn live on
    `console`; `close()` leaves the final lines on the screen."""

    def __init__(
        self, console: Console, headline: str, clock: Callable[[], float] = time.monotonic
    ) -> None:
        self._console = console
        self._headline = headline
        self._clock = clock
        self._agents: list[str] = []
        self._done: dict[str, AgentResult] = {}
        self._spinners: dict[str, Spinner] = {}
        self._started = clock()
        self._live: Live | None = None

    def __call__(self, kind: str, data: Any) -> None:
        if kind == "started":
            self._start(list(data))
        elif kind == "agent" and isinstance(data, AgentResult):
            self._done[data.agent] = data
            if self._live is not None:
                self._live.refresh()

    def _start(self, agents: Sequence[str]) -> None:
        self._agents = list(agents)
        self._headline += f" with {', '.join(agents)}"
        self._started = self._clock()
        self._spinners = {name: Spinner("dots", style="cyan") for name in agents}
        self._live = Live(
            get_renderable=self.render,
            console=self._console,
            refresh_per_second=8,
            redirect_stdout=False,  # stdout is the review's alone
        )
        self._live.start()

    def render(self) -> RenderableType:
        """The headline and a line per agent, as they stand now."""
        table = Table.grid(padding=(0, 1))
        table.add_column(width=1)
        table.add_column()
        elapsed = self._clock() - self._started
        for name in self._agents:
            result = self._done.get(name)
            if result is None:
                table.add_row(self._spinners[name], Text(f"{name}: running, {elapsed:.0f} s"))
                continue
            mark, style = _MARK.get(result.status, ("?", "yellow"))
            table.add_row(Text(mark, style=style), Text(agent_line(result)))
        return Group(Text(self._headline), table)

    def close(self) -> None:
        """Stop drawing; the last state of every line stays."""
        if self._live is not None:
            self._live.stop()
            self._live = None
