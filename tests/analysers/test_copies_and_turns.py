"""The copies an analyser reads are links to the checkout's files when their bytes are the
same (no data written, no inode allocated), written otherwise; analysers running in one
process do their Python work in turns, never waiting on one another for good."""

from __future__ import annotations

import os
import threading
import time
from pathlib import Path

from agents import turns
from agents.scratch import read_copies, write_copies
from agents.turns import outside_turn, turn


def checkout(tmp_path: Path, files: dict[str, bytes]) -> Path:
    root = tmp_path / "src"
    for name, data in files.items():
        (root / name).parent.mkdir(parents=True, exist_ok=True)
        (root / name).write_bytes(data)
    return root


def test_a_copy_as_it_is_links_the_checkout_file_and_a_rewritten_one_is_written(
    tmp_path: Path,
) -> None:
    root = checkout(
        tmp_path,
        {"pkg/a.py": b"import os\n", "pkg/b.py": b"eval(x)  # nosec\n", "c.py": b"x" * 50},
    )
    copies = read_copies(
        root, ["pkg/a.py", "pkg/b.py", "c.py"], 40, {"pkg/b.py": frozenset({1})}, ["nosec"]
    )
    assert copies.verbatim == {"pkg/a.py"}  # b: neutralised; c: cut at the limit
    dest = tmp_path / "files"
    dest.mkdir()
    sources = {p: root / p for p in copies.verbatim}
    write_copies(dest, copies.files, {"pkg/a.py": "renamed-0.py"}, sources)
    linked = dest / "renamed-0.py"
    assert linked.read_bytes() == b"import os\n"
    assert os.stat(linked).st_ino == os.stat(root / "pkg/a.py").st_ino
    assert (dest / "pkg/b.py").read_bytes() == b"eval(x)  # xxxxx\n"
    assert os.stat(dest / "pkg/b.py").st_ino != os.stat(root / "pkg/b.py").st_ino
    assert (dest / "c.py").read_bytes() == b"x" * 40


def test_a_link_to_a_link_is_never_made(tmp_path: Path) -> None:
    root = checkout(tmp_path, {"secret.txt": b"top secret\n"})
    (root / "a.py").symlink_to(root / "secret.txt")
    dest = tmp_path / "files"
    dest.mkdir()
    write_copies(dest, {"a.py": b"x = 1\n"}, {}, {"a.py": root / "a.py"})
    copy = dest / "a.py"
    assert not copy.is_symlink()
    assert copy.read_bytes() == b"x = 1\n"  # written: the link is not followed nor copied


def test_copies_are_written_where_links_cannot_be_made(tmp_path: Path, monkeypatch) -> None:
    root = checkout(tmp_path, {"a.py": b"a = 1\n", "b.py": b"b = 2\n"})
    tried: list[str] = []

    def no_links(source: Path, target: Path, **kwargs: object) -> None:
        tried.append(str(target))
        raise OSError(18, "Invalid cross-device link")

    monkeypatch.setattr(os, "link", no_links)
    dest = tmp_path / "files"
    dest.mkdir()
    write_copies(
        dest, {"a.py": b"a = 1\n", "b.py": b"b = 2\n"}, {}, {p: root / p for p in ("a.py", "b.py")}
    )
    assert (dest / "a.py").read_bytes() == b"a = 1\n"
    assert (dest / "b.py").read_bytes() == b"b = 2\n"
    assert len(tried) == 1  # the first failure: the rest are written without trying


def test_one_thread_has_the_turn_at_a_time_and_gives_it_up_while_its_tool_runs() -> None:
    inside, most, order = [0], [0], []
    lock = threading.Lock()

    def analyser(name: str) -> None:
        with turn(time.monotonic() + 10):
            with lock:
                inside[0] += 1
                most[0] = max(most[0], inside[0])
            time.sleep(0.02)
            with lock:
                inside[0] -= 1
            with outside_turn(time.monotonic() + 10):
                order.append(f"{name} tool")
                time.sleep(0.05)  # the others take their turns meanwhile
            order.append(f"{name} parse")

    threads = [threading.Thread(target=analyser, args=(n,)) for n in "abc"]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    assert most[0] == 1
    tools = [i for i, step in enumerate(order) if step.endswith("tool")]
    assert len(tools) == 3 and tools[1] < order.index(f"{order[tools[0]][0]} parse")


def test_a_turn_never_held_back_lets_the_others_go_on_at_their_deadline() -> None:
    stuck = threading.Event()

    def abandoned() -> None:  # a thread left behind at a time-out, holding its turn
        with turn(time.monotonic() + 10):
            stuck.set()
            time.sleep(3)

    threading.Thread(target=abandoned, daemon=True).start()
    stuck.wait(5)
    started = time.monotonic()
    ran = []
    with turn(started + 0.2):
        ran.append(True)
    assert ran and 0.15 < time.monotonic() - started < 2


def test_waiting_threads_get_their_turn_slowest_tool_first(monkeypatch) -> None:

    monkeypatch.setattr(turns, "_last_seconds", {})
    free_by = time.monotonic() + 10  # a thread of another test may still hold a turn
    while turns._holder[0] is not None and time.monotonic() < free_by:
        time.sleep(0.05)
    turns.took("quick", 0.1)
    turns.took("slow", 2.0)
    order: list[str] = []
    first_in = threading.Event()
    go = threading.Event()

    def holder() -> None:
        with turn(time.monotonic() + 10):
            first_in.set()
            go.wait(5)

    def analyser(name: str) -> None:
        with turn(time.monotonic() + 10, turns.expected(name)):
            order.append(name)

    threading.Thread(target=holder).start()
    first_in.wait(5)
    waiting = [threading.Thread(target=analyser, args=(n,)) for n in ("quick", "new", "slow")]
    for thread in waiting:
        thread.start()
        time.sleep(0.05)  # arrival order: quick, new (never ran), slow
    go.set()
    for thread in waiting:
        thread.join(5)
    assert order == ["slow", "quick", "new"]


def test_work_after_a_tool_waits_behind_work_that_starts_one(monkeypatch) -> None:
    """A slow tool's output is read after a quick tool is started: tools run side by side
    sooner (`AFTER_TOOL`)."""
    monkeypatch.setattr(turns, "_last_seconds", {"slow": 2.0, "quick": 0.1})
    free_by = time.monotonic() + 10
    while turns._holder[0] is not None and time.monotonic() < free_by:
        time.sleep(0.05)
    order: list[str] = []
    in_tool, waiting, go = threading.Event(), threading.Event(), threading.Event()

    def slow() -> None:
        with turn(time.monotonic() + 10, turns.expected("slow")):
            order.append("slow starts its tool")
            with outside_turn(time.monotonic() + 10):
                in_tool.set()
                waiting.wait(5)  # the quick one is waiting for the turn by now
                go.wait(5)
            order.append("slow reads its output")

    def quick() -> None:
        with turn(time.monotonic() + 10, turns.expected("quick")):
            order.append("quick starts its tool")

    def blocker() -> None:  # holds the turn while both line up
        with turn(time.monotonic() + 10):
            waiting.set()
            go.set()
            time.sleep(0.2)

    first = threading.Thread(target=slow)
    first.start()
    in_tool.wait(5)
    hold = threading.Thread(target=blocker)
    hold.start()
    waiting.wait(5)
    second = threading.Thread(target=quick)
    second.start()
    for thread in (first, hold, second):
        thread.join(5)
    assert order == ["slow starts its tool", "quick starts its tool", "slow reads its output"]


def test_a_turn_held_for_long_is_waited_for_a_moment_not_until_the_deadline(
    monkeypatch,
) -> None:
    """A long hold (an abandoned thread, a long YAML composition: one review's hostile
    files) must not use up the time of the other agents, of this review or another."""
    monkeypatch.setattr(turns, "MAX_WAIT_SECONDS", 0.2)
    held, release = threading.Event(), threading.Event()

    def holder() -> None:
        with turn(time.monotonic() + 60):
            held.set()
            release.wait(10)

    thread = threading.Thread(target=holder, daemon=True)
    thread.start()
    held.wait(5)
    try:
        started = time.monotonic()
        with turn(started + 60):  # a deadline far off: an agent's whole time limit
            waited = time.monotonic() - started
            with outside_turn(time.monotonic() + 60):
                pass
        waited_again = time.monotonic() - started - waited
    finally:
        release.set()
        thread.join(5)
    assert 0.15 < waited < 5  # not the 60 s the deadline allowed
    assert waited_again < 5
