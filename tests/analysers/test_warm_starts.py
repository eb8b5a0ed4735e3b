"""A `python -m` analyser that declares warm imports runs forked from a warm start server
(`agents.warm`): what the tool sees is what a cold start gives it, a time-out kills the
run, and a server that fails gives way to a cold start."""

from __future__ import annotations

import dataclasses
import json
import sys
from pathlib import Path

import pytest

import agents.command as command
from agents.analysis import Analysis
from agents.command import _jail
from agents.declaration import FILES, PYTHON, Analyser
from agents.parsers import ToolOutput
from agents.process import run_analyser
from agents.warm import Pool, Server
from tests.analysers.test_agents_process import tool_notes, work_on

# a tool, as a module run with `python -m probe_tool`, that reports what it sees
PROBE = """
import json, os, socket, sys, time
if os.environ.get("PROBE_SLEEP"):
    time.sleep(float(os.environ["PROBE_SLEEP"]))
try:
    socket.create_connection(("1.1.1.1", 53), timeout=2)
    network = "connected"
except OSError as exc:
    network = exc.errno
files = {path: open(path, encoding="utf-8").read() for path in sys.argv[1:]}
print(json.dumps({"cwd": os.getcwd(), "env": dict(os.environ), "argv": sys.argv,
                  "stdin": sys.stdin.read(), "files": files, "network": network,
                  "leader": os.getsid(0) == os.getpid(), "path0": sys.path[0],
                  "imported": "probe_tool.heavy" in sys.modules, "pid": os.getpid(),
                  "prepared": getattr(sys.modules.get("probe_tool.heavy"), "PREPARED", 0)}))
sys.exit(int(os.environ.get("PROBE_EXIT", "0")))
"""


def seen(output: ToolOutput) -> Analysis:
    return Analysis(notes=[output.text])


@pytest.fixture
def tool(tmp_path: Path, monkeypatch) -> Path:
    """The probe installed as module `probe_tool` (with a `heavy` module to warm)."""
    site = tmp_path / "site"
    (site / "probe_tool").mkdir(parents=True)
    (site / "probe_tool" / "__init__.py").write_text("")
    (site / "probe_tool" / "heavy.py").write_text(
        "PREPARED = 0\n\ndef prepare():\n    global PREPARED\n    PREPARED += 1\n"
    )
    (site / "probe_tool" / "__main__.py").write_text(PROBE)
    monkeypatch.setattr(command, "_WARM", Pool(command._WARM.start))
    yield site
    command._WARM.close_all()


def analyser(site: Path, warm: bool, **env: str) -> Analyser:
    return Analyser(
        command=(PYTHON, "-m", "probe_tool", FILES),
        parse=seen,
        env={"PYTHONPATH": str(site), **env},
        warm=("probe_tool.heavy",) if warm else (),
    )


def sees(tmp_path: Path, tool: Analyser, name: str = "w") -> dict:
    work = work_on(tmp_path / name, {"pkg/a.py": "x = 1\n"})
    (note,) = tool_notes(run_analyser("probe", tool, work))
    return json.loads(note)


def test_a_warm_run_sees_what_a_cold_one_does_and_reuses_its_server(
    tmp_path: Path, tool: Path
) -> None:
    cold = sees(tmp_path, analyser(tool, warm=False), "c")
    warm = sees(tmp_path, analyser(tool, warm=True), "w1")
    again = sees(tmp_path, analyser(tool, warm=True), "w2")
    assert warm["imported"] and not cold["imported"]  # the server had imported it
    for key in ("stdin", "network", "leader", "path0"):
        assert warm[key] == cold[key], key
    assert warm["leader"]  # a session of its own: killed as a group
    assert Path(warm["argv"][0]).name == Path(cold["argv"][0]).name == "__main__.py"
    assert [Path(a).name for a in warm["argv"][1:]] == ["a.py"]
    assert list(warm["files"].values()) == ["x = 1\n"]
    skip = {"HOME", "TMPDIR", "XDG_CONFIG_HOME", "XDG_CACHE_HOME", "XDG_DATA_HOME"}
    skip |= {"XDG_STATE_HOME", "PWD"}
    assert {k: v for k, v in warm["env"].items() if k not in skip} == {
        k: v for k, v in cold["env"].items() if k not in skip
    }
    assert Path(warm["env"]["HOME"]).parent == Path(warm["cwd"]).parent  # the run's scratch
    assert warm["pid"] != again["pid"]  # a child per run, of one server
    (servers,) = command._WARM.idle.values()
    assert len(servers) == 1


def test_a_declared_set_up_function_is_called_once_in_the_server(
    tmp_path: Path, tool: Path
) -> None:
    prepared = dataclasses.replace(
        analyser(tool, warm=True), warm=("probe_tool.heavy", "probe_tool.heavy:prepare")
    )
    runs = [sees(tmp_path, prepared, f"p{n}") for n in range(2)]
    assert [run["prepared"] for run in runs] == [1, 1]  # once, before the forks
    assert runs[0]["pid"] != runs[1]["pid"]
    assert sees(tmp_path, analyser(tool, warm=False), "cold")["prepared"] == 0


@pytest.mark.skipif(not _jail(), reason="this system lets no process make a network namespace")
def test_a_warm_run_has_no_network(tmp_path: Path, tool: Path) -> None:
    assert sees(tmp_path, analyser(tool, warm=True))["network"] == 101  # ENETUNREACH


def test_a_warm_run_that_times_out_is_killed_and_the_next_one_runs(
    tmp_path: Path, tool: Path
) -> None:
    slow = analyser(tool, warm=True, PROBE_SLEEP="30")
    work = work_on(tmp_path / "slow", {"a.py": "x\n"}, agent_timeout_seconds=0.5)
    result = run_analyser("probe", slow, work)
    assert any("timed out" in note for note in result.notes)
    assert not command._WARM.idle  # that server was closed
    assert sees(tmp_path, analyser(tool, warm=True))["files"]


def test_an_exit_code_comes_back_as_from_a_cold_start(tmp_path: Path, tool: Path) -> None:
    failing = analyser(tool, warm=True, PROBE_EXIT="3")
    work = work_on(tmp_path / "x", {"a.py": "x\n"})
    notes = run_analyser("probe", failing, work).notes
    assert any("exited with 3" in note for note in notes), notes


def test_a_server_that_fails_gives_way_to_a_cold_start(
    tmp_path: Path, tool: Path, monkeypatch
) -> None:
    started: list[Server] = []

    def broken(warm_command) -> Server:  # a server that exits at once
        server = command.start_server(
            type(warm_command)((sys.executable, "-c", "pass")),
            command.analyser_env,
        )
        started.append(server)
        return server

    monkeypatch.setattr(command, "_WARM", Pool(broken))
    result = sees(tmp_path, analyser(tool, warm=True))
    assert started and not result["imported"]  # run cold, with the same result
    assert list(result["files"].values()) == ["x = 1\n"]


def test_only_a_python_module_tool_declares_a_warm_start() -> None:
    with pytest.raises(ValueError, match="warm start"):
        Analyser(command=("shellcheck", FILES), parse=seen, warm=("x",))


def test_a_server_whose_caller_dies_leaves_no_scratch_directory(tmp_path: Path, tool: Path) -> None:
    """Killed outright (SIGKILL, SIGTERM), the caller closes nothing: the server sees its
    standard input close, and removes its scratch directory itself as it leaves."""
    sees(tmp_path, analyser(tool, warm=True))
    ((server,),) = command._WARM.idle.values()
    assert server.scratch.is_dir()
    command._WARM.idle.clear()
    assert server.process.stdin is not None
    server.process.stdin.close()  # all a dead caller does
    assert server.process.wait(timeout=10) == 0
    assert not server.scratch.exists()
