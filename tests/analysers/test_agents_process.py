"""Analysers run as hardened child processes: private copies, empty cwd, no secrets, no
network, bounded time and output, one bad file costing that file only."""

from __future__ import annotations

import json
import sys
from pathlib import Path

import pytest

from agents import registry
from agents.analysis import AgentError, AgentInput, Analysis
from agents.base import reviewable_files
from agents.command import Invocation, _jail, analyser_env, run_command
from agents.declaration import FILES, PYTHON, Analyser
from agents.parsers import ToolOutput
from agents.process import run_analyser
from review.diff import ChangedFile, Diff, FileStatus, Hunk
from review.findings import Finding, Severity
from review.lines import LineModel
from review.request import ReviewConfig
from review.workspace import Workspace

# A tool that reports, as JSON, what it sees: its cwd, env, argv, stdin and each file.
PROBE = """
import json, os, sys
files = {path: open(path, encoding="utf-8").read() for path in sys.argv[1:]}
print(json.dumps({"cwd": os.getcwd(), "env": dict(os.environ), "argv": sys.argv[1:],
                  "stdin": sys.stdin.read(), "files": files,
                  "beside": sorted(os.listdir(os.path.dirname(sys.argv[1])))}))
"""


def tool_notes(analysis: Analysis) -> list[str]:
    """The notes without the findings cache's count (`agents.cache`)."""
    return [n for n in analysis.notes if " files from the cache, " not in n]


def seen(output: ToolOutput) -> Analysis:
    """A parser that keeps what the probe printed, in a note."""
    return Analysis(notes=[output.text])


def work_on(tmp_path: Path, files: dict[str, str], added: dict[str, set[int]] | None = None,
            **config: object) -> AgentInput:  # fmt: skip
    run = Workspace(tmp_path / "ws").run("r1")
    for name, text in files.items():
        (run.src / name).parent.mkdir(parents=True, exist_ok=True)
        (run.src / name).write_text(text)
    added = added or {name: set(range(1, text.count("\n") + 2)) for name, text in files.items()}
    changed = [
        ChangedFile(name, FileStatus.ADDED, hunks=[Hunk(1, max(lines), tuple(sorted(lines)), ())])
        for name, lines in added.items()
    ]
    diff = Diff({c.path: c for c in changed})
    return AgentInput(run, diff, changed, ReviewConfig(**config))  # type: ignore[arg-type]


def probe(tmp_path: Path, files: dict[str, str], **analyser: object) -> dict:
    work = work_on(tmp_path, files)
    tool = Analyser(command=(PYTHON, "-c", PROBE, FILES), parse=seen, **analyser)  # type: ignore[arg-type]
    (note,) = tool_notes(run_analyser("probe", tool, work))
    return json.loads(note)


def test_a_tool_reads_private_copies_from_an_empty_cwd(tmp_path, monkeypatch) -> None:
    monkeypatch.setenv("GITHUB_TOKEN", "ghs_secret")
    monkeypatch.setenv("PYTHONPATH", "/evil")
    files = {"pkg/a.py": "x = 1\n", "pkg/.shellcheckrc": "disable=all\n", "-dash.py": "y = 2\n"}
    work_files = {"pkg/a.py": files["pkg/a.py"], "-dash.py": files["-dash.py"]}
    result = probe(tmp_path, work_files)
    checkout = (tmp_path / "ws" / "runs" / "r1" / "src").resolve()
    cwd = Path(result["cwd"])
    assert not cwd.is_relative_to(checkout) and not cwd.exists()  # scratch, removed after
    assert all(Path(arg).is_absolute() for arg in result["argv"])  # never read as options
    assert not any(Path(arg).is_relative_to(checkout) for arg in result["argv"])
    assert result["beside"] == ["a.py"]  # the repository's other files are not there
    assert set(result["files"].values()) == {"x = 1\n", "y = 2\n"}
    assert result["stdin"] == ""
    env = result["env"]
    assert "GITHUB_TOKEN" not in env and "PYTHONPATH" not in env
    assert Path(env["HOME"]).parent == cwd.parent and env["TMPDIR"].startswith(env["HOME"][:-4])


def test_the_environment_holds_nothing_of_ours(tmp_path: Path, monkeypatch) -> None:
    for name in ("GITHUB_TOKEN", "AWS_SECRET_ACCESS_KEY", "REVIEWBOT_WEBHOOK_SECRET"):
        monkeypatch.setenv(name, "secret-value")
    env = analyser_env(tmp_path)
    assert "secret-value" not in json.dumps(env)
    assert env["PATH"].split(":")[0] == str(Path(sys.executable).parent)  # bundled tools
    assert {env[k] for k in ("XDG_CONFIG_HOME", "XDG_CACHE_HOME")} <= {
        str(tmp_path / "home" / ".config"),
        str(tmp_path / "home" / ".cache"),
    }


def test_suppressions_the_change_adds_are_neutralised(tmp_path: Path) -> None:
    text = "a = 1  # nosec\nb = eval(x)  # nosec B307\nc = 2  # noqa\n"
    work = work_on(tmp_path, {"m.py": text}, added={"m.py": {2, 3}})
    tool = Analyser(
        command=(PYTHON, "-c", PROBE, FILES), parse=seen, suppressions=(r"#\s*nosec", r"noqa")
    )
    analysis = run_analyser("probe", tool, work)
    copy = json.loads(tool_notes(analysis)[-1])["files"]
    (read,) = copy.values()
    assert read.splitlines() == ["a = 1  # nosec", "b = eval(x)  # xxxxx B307", "c = 2  # xxxx"]
    assert len(read) == len(text)  # same length: columns and offsets still true
    assert analysis.notes[:2] == [
        "m.py:2: a suppression the change adds was ignored",
        "m.py:3: a suppression the change adds was ignored",
    ]


def test_a_parser_reads_the_copy_the_tool_read_and_nothing_else(tmp_path: Path) -> None:
    """`ToolOutput.read` gives the private copy (the added suppression neutralised), and
    `lines` numbers it as the tool does; paths the tool was not given read as None."""
    text = "a = 1  # nosec\rb = 2\nc = 3  # nosec\n"
    work = work_on(
        tmp_path, {"m.py": text, "other.py": "x\n", "../outside": "y\n"}, added={"m.py": {2}}
    )
    read: dict[str, object] = {}

    def keep(output: ToolOutput) -> Analysis:
        read["m.py"] = output.read("m.py")
        read["other.py"] = output.read("other.py")
        read["../outside"] = output.read("../outside")
        read["git"] = output.lines("m.py")
        read["universal"] = output.lines("m.py", LineModel.UNIVERSAL)
        return Analysis()

    tool = Analyser(command=(PYTHON, "-c", "pass", FILES), parse=keep, suppressions=(r"nosec",))
    run_analyser("probe", tool, work)
    assert read["m.py"] == b"a = 1  # nosec\rb = 2\nc = 3  # xxxxx\n"
    assert read["other.py"] is None and read["../outside"] is None  # not given to the tool
    assert read["git"] == ["a = 1  # nosec\rb = 2", "c = 3  # xxxxx"]
    assert read["universal"] == ["a = 1  # nosec", "b = 2", "c = 3  # xxxxx"]


def test_a_missing_tool_skips_its_analyser_saying_how_to_install_it(tmp_path: Path) -> None:
    work = work_on(tmp_path, {"a.py": "x = 1\n"})
    tool = Analyser(command=("no-such-tool-for-reviewbot", FILES), parse=seen, install="pip x")
    analysis = run_analyser("probe", tool, work)
    assert analysis.status == "skipped"
    assert analysis.notes == [
        "no-such-tool-for-reviewbot is not installed, so it did not run: pip x"
    ]


# A tool that crashes on any file holding "boom", hangs on "hang", else reports line 1.
FRAGILE = """
import json, sys, time
results = []
for path in sys.argv[1:]:
    text = open(path).read()
    if "boom" in text:
        sys.exit("Segmentation fault")
    if "hang" in text:
        time.sleep(600)
    results.append(path)
print(json.dumps(results))
"""


def fragile(output: ToolOutput) -> Analysis:
    return Analysis(
        findings=[
            Finding(output.agent, "R1", Severity.NOTE, output.repo_path(p) or "?", 1, "found")
            for p in output.json()
        ]
    )


def test_a_file_that_breaks_the_tool_costs_that_file_only(tmp_path: Path) -> None:
    files = {f"f{n}.py": "ok\n" for n in range(7)} | {"f3.py": "boom\n", "f5.py": "hang\n"}
    work = work_on(tmp_path, files, agent_timeout_seconds=12)
    tool = Analyser(command=(PYTHON, "-c", FRAGILE, FILES), parse=fragile)
    analysis = run_analyser("probe", tool, work)
    assert sorted(f.path for f in analysis.findings) == [
        "f0.py",
        "f1.py",
        "f2.py",
        "f4.py",
        "f6.py",
    ]
    broken = sorted(n.split(":")[0] for n in analysis.notes if "not analysed" in n)
    assert broken == ["f3.py", "f5.py"]
    assert any("Segmentation fault" in n for n in analysis.notes)


def test_a_tool_broken_on_every_file_fails_the_agent(tmp_path: Path) -> None:
    work = work_on(tmp_path, {"a.py": "boom\n", "b.py": "boom\n"})
    tool = Analyser(command=(PYTHON, "-c", FRAGILE, FILES), parse=fragile)
    with pytest.raises(AgentError, match="Segmentation fault"):
        run_analyser("probe", tool, work)


def test_new_only_keeps_what_the_change_introduced(tmp_path: Path) -> None:
    lister = (
        "import json, sys\n"
        "print(json.dumps([[p, l] for p in sys.argv[1:] for l in open(p).read().split()]))"
    )

    def words(output: ToolOutput) -> Analysis:
        return Analysis(
            findings=[
                Finding(output.agent, "W", Severity.NOTE, output.repo_path(p) or "?", 1, word)
                for p, word in output.json()
            ]
        )

    work = work_on(tmp_path, {"main.tf": "old1 old2 new1\n", "added.tf": "fresh\n"})
    work.diff.files["main.tf"].status = FileStatus.MODIFIED
    (work.run.base_src).mkdir(parents=True)
    (work.run.base_src / "main.tf").write_text("old2 old1\n")  # only main.tf existed before
    tool = Analyser(command=(PYTHON, "-c", lister, FILES), parse=words, new_only=True, name="probe")
    analysis = run_analyser("probe", tool, work)
    assert sorted((f.path, f.message) for f in analysis.findings) == [
        ("added.tf", "fresh"),
        ("main.tf", "new1"),
    ]
    assert "2 probe findings were already there before the change, not reported" in analysis.notes


def test_output_and_time_are_bounded(tmp_path: Path, monkeypatch) -> None:
    import agents.command as process

    call = Invocation(tmp_path, analyser_env(tmp_path), [], tmp_path / "files")
    (tmp_path / "files").mkdir()
    chatty = Analyser(command=(PYTHON, "-c", "print('x' * 5000)", FILES), parse=seen)
    monkeypatch.setattr(process, "MAX_OUTPUT_BYTES", 1000)
    with pytest.raises(AgentError, match="printed more than"):
        run_command([sys.executable, "-c", "print('x' * 5000)"], call, 30, chatty)
    sleeper = Analyser(command=(PYTHON, "-c", "", FILES), parse=seen, name="sleeper")
    spawner = "import subprocess, time; subprocess.Popen(['sleep', '60']); time.sleep(60)"
    with pytest.raises(AgentError, match="sleeper timed out after 0 s"):  # killed, children too
        run_command([sys.executable, "-c", spawner], call, 0.3, sleeper)


def test_reported_paths_outside_the_copies_map_to_nothing(tmp_path: Path) -> None:
    call = Invocation(tmp_path / "cwd", {}, [], tmp_path / "files")
    assert call.repo_path(str(tmp_path / "files" / "pkg" / "a b.py")) == "pkg/a b.py"
    for reported in ("../outside.py", "pkg/../../x.py", "/etc/passwd", ".", ""):
        assert call.repo_path(reported) is None
    assert call.repo_path(str(tmp_path / "files")) is None  # the root itself is no copy
    assert call.repo_path(str(tmp_path / "files" / "pkg" / "a b.py")) == "pkg/a b.py"  # again
    (tmp_path / "real").mkdir()
    (tmp_path / "link").symlink_to(tmp_path / "real")
    beside = Invocation(tmp_path / "link", {}, [], tmp_path / "link", relative=True)
    assert beside.repo_path("./pkg//b.py") == "pkg/b.py"  # relative to cwd, normalised
    assert beside.repo_path(str(tmp_path / "real" / "c.py")) == "c.py"  # links resolved


@pytest.mark.skipif(not _jail(), reason="this system lets no process make a network namespace")
def test_an_analyser_has_no_network(tmp_path: Path) -> None:
    dial = (
        "import socket\n"
        "try:\n    socket.create_connection(('1.1.1.1', 53), timeout=3); print('connected')\n"
        "except OSError as exc:\n    print(type(exc).__name__, exc.errno)"
    )
    work = work_on(tmp_path, {"a.py": "x\n"})
    tool = Analyser(command=(PYTHON, "-c", dial, FILES), parse=seen)
    (note,) = tool_notes(run_analyser("probe", tool, work))
    assert "connected" not in note and "101" in note  # ENETUNREACH: no interface at all


def test_reviewable_files_skip_links_escapes_and_large_files(tmp_path: Path) -> None:
    run = Workspace(tmp_path / "ws").run("r1")
    src = run.src
    src.mkdir(parents=True)
    (src / "ok.py").write_text("x = 1\n")
    (src / "big.py").write_text("x = 1\n" * 100)
    (src / "link.py").symlink_to(src / "ok.py")
    (tmp_path / "outside.py").write_text("eval(input())\n")
    (src / "out.py").symlink_to(tmp_path / "outside.py")
    names = ["ok.py", "big.py", "link.py", "out.py", "gone.py", "notes.md"]
    diff = Diff({name: ChangedFile(name, FileStatus.ADDED) for name in names})
    kept, notes = reviewable_files(
        run, diff, registry.get_agent("style"), ReviewConfig(max_file_bytes=100)
    )
    assert [f.path for f in kept] == ["ok.py"]
    assert notes == [
        "big.py: skipped, 600 bytes is over the 100-byte limit",
        "link.py: skipped, symbolic link",
        "out.py: skipped, symbolic link",
    ]


def test_a_file_under_a_linked_directory_is_never_read(tmp_path: Path) -> None:
    """The checks before reading are one `lstat` a file; the read itself is confined, so a
    directory link on the way (which the clone step never writes) reads as nothing."""
    work = work_on(tmp_path, {"ok.py": "x = 1\n"})
    (tmp_path / "elsewhere").mkdir()
    (tmp_path / "elsewhere" / "inner.py").write_text("SECRET = 1\n")
    (work.run.src / "linked").symlink_to(tmp_path / "elsewhere")
    inner = ChangedFile("linked/inner.py", FileStatus.ADDED, hunks=[Hunk(1, 1, (1,), ())])
    work = AgentInput(work.run, work.diff, [*work.files, inner], work.config)
    tool = Analyser(command=(PYTHON, "-c", PROBE, FILES), parse=seen)
    (note,) = tool_notes(run_analyser("probe", tool, work))
    assert list(json.loads(note)["files"]) == [str(Path(json.loads(note)["argv"][0]))]
    assert "SECRET" not in note


def test_over_the_file_cap_the_most_valuable_files_are_read(tmp_path: Path) -> None:
    run = Workspace(tmp_path / "ws").run("r2")
    run.src.mkdir(parents=True)
    sizes = {
        "src/app.py": 3,
        "src/big.py": 40,
        "src/tiny.py": 1,
        "tests/test_app.py": 50,
        "vendor/lib.py": 90,
        "api_pb2.py": 99,
        "pkg/conftest.py": 60,
    }
    changed = []
    for name, added in sizes.items():
        (run.src / name).parent.mkdir(parents=True, exist_ok=True)
        (run.src / name).write_text("x = 1\n" * added)
        hunk = Hunk(1, added, tuple(range(1, added + 1)), ())
        changed.append(ChangedFile(name, FileStatus.ADDED, hunks=[hunk]))
    diff = Diff({c.path: c for c in changed})
    kept, notes = reviewable_files(
        run, diff, registry.get_agent("security"), ReviewConfig(max_files=4)
    )
    # source first; then tests, the most changed first; generated and vendored last
    kept_paths = [f.path for f in kept]
    assert kept_paths == ["pkg/conftest.py", "src/app.py", "src/big.py", "src/tiny.py"]
    assert notes == [
        f"{path}: skipped, over the limit of 4 files"
        for path in ("tests/test_app.py", "api_pb2.py", "vendor/lib.py")
    ]
