"""`reviewbot review`'s live progress: a line per agent on a terminal (issue 16)."""

from __future__ import annotations

import io
import json
import os
import pty
import re
import select
import subprocess
import sys
import time
from pathlib import Path

from rich.console import Console

from review.agent_result import AgentResult
from review.findings import Finding, Severity
from reviewbot.progress_view import LiveProgress, agent_line

REVIEWBOT = str(Path(sys.executable).with_name("reviewbot"))


def test_a_running_agent_spins_with_its_seconds_and_a_done_one_says_what_it_found() -> None:
    now = [100.0]
    screen = io.StringIO()
    console = Console(file=screen, force_terminal=True, width=120, color_system=None)
    view = LiveProgress(console, "reviewing abc against def", clock=lambda: now[0])
    view("started", ["security", "style"])
    now[0] += 3
    finding = Finding("style", "F401", Severity.WARNING, "a.py", 1, "unused", fingerprint="f")
    view("agent", AgentResult("style", "ok", [finding], seconds=2.46))
    shown = Console(file=io.StringIO(), width=120, color_system=None)
    with shown.capture() as captured:
        shown.print(view.render())
    text = captured.get()
    assert "reviewing abc against def with security, style" in text
    assert re.search(r"\S security: running, 3 s", text)
    assert "✓ style: ok in 2.5 s, 1 raw findings" in text
    view.close()
    assert "style: ok in 2.5 s" in screen.getvalue()


def test_agent_line_names_a_failure_and_a_models_spending() -> None:
    failed = AgentResult("secrets", "failed", seconds=0.04, error="detect-secrets crashed")
    assert agent_line(failed) == "secrets: failed in 0.0 s, detect-secrets crashed"
    usage = {"model": "bedrock:x", "input_tokens": 12345, "output_tokens": 67, "model_calls": 3,
             "stopped": "max_model_calls"}  # fmt: skip
    ai = AgentResult("ai-security", "ok", seconds=9.0, usage=usage)
    assert agent_line(ai) == (
        "ai-security: ok in 9.0 s, 0 raw findings; bedrock:x: 12,345 tokens in, 67 out, "
        "3 calls, budget reached: max_model_calls"
    )


def read_all(fd: int, process: subprocess.Popen, seconds: float) -> bytes:
    """Everything written to the pty until the process ends."""
    data = b""
    deadline = time.monotonic() + seconds
    while time.monotonic() < deadline:
        ready, _, _ = select.select([fd], [], [], 0.2)
        if ready:
            try:
                chunk = os.read(fd, 65536)
            except OSError:  # the other end closed
                break
            if not chunk:
                break
            data += chunk
        elif process.poll() is not None:
            break
    return data


def test_the_installed_command_draws_progress_on_a_terminal_only(make_repo) -> None:
    repo = make_repo([{"a.py": "a = 1\n"}, {"a.py": "import subprocess\n"}])
    argv = [REVIEWBOT, "review", ".", "--agents", "security,style", "--format", "json"]
    env = {**os.environ, "TERM": "xterm", "COLUMNS": "160"}
    controller, terminal = pty.openpty()
    process = subprocess.Popen(
        argv, cwd=repo.path, env=env, stdin=subprocess.DEVNULL, stdout=subprocess.PIPE,
        stderr=terminal,
    )  # fmt: skip
    os.close(terminal)
    try:
        drawn = read_all(controller, process, 300).decode("utf-8", "replace")
        out = process.stdout.read()
        assert process.wait(60) == 0
    finally:
        os.close(controller)
        if process.poll() is None:
            process.kill()
    assert json.loads(out)["agents"]["security"]["status"] == "ok"  # stdout: the review
    assert "with security, style" in drawn
    assert re.search(r"✓\S* security: ok in \d+\.\d s, 1 raw findings", drawn), drawn
    assert re.search(r"✓\S* style: ok in", drawn), drawn
    assert "\x1b[" in drawn  # redrawn in place

    piped = subprocess.run(argv, cwd=repo.path, env=env, capture_output=True, text=True)
    assert piped.returncode == 0 and piped.stderr == ""
    assert json.loads(piped.stdout)["agents"]["style"]["status"] == "ok"
