"""One line model, git's: LF ends a line, nothing else does; other tools' numbers are mapped."""

from __future__ import annotations

import subprocess
from pathlib import Path

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from review.lines import LineModel, display, line_starts, split_lines, to_git_line

PIECES = [b"a", b"x = 1", b"\n", b"\r", b"\r\n", b"\x0c", "\u2028".encode(), b"\x00", b" ", b"\x0b"]


def test_only_lf_ends_a_line() -> None:
    data = b"one\x0ctwo\x0bthree\xc2\x85four\xe2\x80\xa8five\xe2\x80\xa9six\x1cseven\n"
    assert split_lines(data) == ["one\x0ctwo\x0bthree\x85four\u2028five\u2029six\x1cseven"]
    assert len(data.decode().splitlines()) == 7  # what str.splitlines() would have said


def test_cr_is_content_and_the_last_line_needs_no_lf() -> None:
    assert split_lines(b"a\r\nb\rc\nd") == ["a\r", "b\rc", "d"]
    assert [display(line) for line in split_lines(b"a\r\nb\r\n")] == ["a", "b"]
    assert (
        split_lines(b"") == [] and split_lines(b"\n") == [""] and split_lines(b"a\n\n") == ["a", ""]
    )


def test_a_lone_cr_in_python_is_mapped_onto_gits_line() -> None:
    data = b"import subprocess\rsubprocess.call(cmd, shell=True)\n"
    python = line_starts(data, LineModel.UNIVERSAL)
    git = line_starts(data)
    assert len(python) == 2 and len(git) == 1
    assert to_git_line(2, python, git) == 1  # bandit's line 2 is git's line 1
    assert to_git_line(3, python, git) is None  # no such line: not silently moved


def test_form_feed_lines_count_alike_in_both_models() -> None:
    data = b"a = 1\n\n\x0c\n\ndef f(cmd):\n    return run(cmd)\n"
    python, git = line_starts(data, LineModel.UNIVERSAL), line_starts(data)
    assert python == git
    assert split_lines(data)[6 - 1] == "    return run(cmd)"


def test_yamls_line_breaks_are_mapped_onto_gits_lines() -> None:
    data = 'x: "a\u2028b\u0085c\u2029d"\na: 1\ra: 2\n'.encode()
    yaml, git = line_starts(data, LineModel.YAML), line_starts(data)
    assert len(yaml) == 6 and len(git) == 2
    assert [to_git_line(n, yaml, git) for n in range(1, 7)] == [1, 1, 1, 1, 2, 2]
    assert to_git_line(7, yaml, git) is None


@pytest.fixture(scope="module")
def blame_repo(tmp_path_factory: pytest.TempPathFactory) -> Path:
    repo = tmp_path_factory.mktemp("blame")
    subprocess.run(["git", "init", "-q", str(repo)], check=True)
    return repo


def git_lines(repo: Path, data: bytes) -> list[str]:
    """The lines `git blame --line-porcelain` gives for `data`, committed as a file."""
    (repo / "f").write_bytes(data)
    ident = ["-c", "user.name=t", "-c", "user.email=t@example.invalid"]
    subprocess.run(["git", "-C", str(repo), "add", "f"], check=True)
    subprocess.run(
        ["git", "-C", str(repo), *ident, "commit", "-q", "--allow-empty", "-m", "x"], check=True
    )
    out = subprocess.run(
        ["git", "-C", str(repo), "blame", "--line-porcelain", "--", "f"],
        check=True,
        capture_output=True,
    ).stdout
    return [line[1:].decode("utf-8", "replace") for line in out.split(b"\n") if line[:1] == b"\t"]


@settings(
    max_examples=60, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture]
)
@given(st.lists(st.sampled_from(PIECES), min_size=1, max_size=30).map(b"".join))
def test_the_line_model_agrees_with_git_blame(blame_repo: Path, data: bytes) -> None:
    assert split_lines(data) == git_lines(blame_repo, data)
    starts = line_starts(data)
    assert len(starts) == len(split_lines(data))
    for number in range(1, len(starts) + 1):  # a git line maps onto itself
        assert to_git_line(number, starts, starts) == number
