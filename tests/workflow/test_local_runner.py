"""The local runner's settings of the durable SDK."""

from __future__ import annotations

from pathlib import Path

from aws_durable_execution_sdk_python import state as durable_state

from orchestrator.local import open_runner


def test_the_local_runner_notices_an_ended_invocation_without_the_sdks_poll_gap(
    tmp_path: Path, monkeypatch
) -> None:
    """The SDK's checkpoint batcher polls its stop signal every 0.1 s, a wait at the end of
    every local review (benchmarks/cost_bench.py shows it): the local runner polls sooner.
    Fails when an SDK upgrade renames the setting, so the gap is looked at again."""
    monkeypatch.setattr(durable_state, "_STOP_SIGNAL_POLL_SECONDS", 0.1)
    with open_runner(tmp_path, lambda event, context: None):
        assert durable_state._STOP_SIGNAL_POLL_SECONDS <= 0.01


def test_the_local_runner_sends_a_blocked_callers_checkpoint_without_waiting_for_more(
    tmp_path: Path, monkeypatch
) -> None:
    """Once a batch holds a checkpoint whose caller is blocked, the SDK waits 1 ms for more
    to share the request: about fifteen waits a review, for a request that locally is a
    call into the store. Fails when an SDK upgrade renames the setting."""
    monkeypatch.setattr(durable_state, "_BLOCKED_CALLER_WAIT_SECONDS", 0.001)
    with open_runner(tmp_path, lambda event, context: None):
        assert durable_state._BLOCKED_CALLER_WAIT_SECONDS == 0
