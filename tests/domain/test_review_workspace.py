"""Reading the untrusted checkout: confined paths, never through a symbolic link."""

from __future__ import annotations

import os
from pathlib import Path

import pytest

from review.settings import load_settings
from review.workspace import PathEscape, Workspace, confine, read_regular_file


@pytest.fixture
def tree(tmp_path: Path) -> Path:
    """A checkout with regular files and every kind of link, plus a secret outside it."""
    outside = tmp_path / "outside"
    outside.mkdir()
    (outside / "secret.py").write_text("x = eval(input())\n")
    root = tmp_path / "src"
    (root / "pkg").mkdir(parents=True)
    (root / "pkg" / "mod.py").write_text("print('inside')\n")
    (root / "top.py").write_text("top\n")
    (root / ".git").mkdir()
    (root / ".git" / "config").write_text("[core]\n")
    os.symlink(outside / "secret.py", root / "abs_out.py")
    os.symlink("../outside/secret.py", root / "rel_out.py")
    os.symlink("top.py", root / "in_link.py")
    os.symlink(outside, root / "dir_out")
    os.symlink("pkg", root / "dir_in")
    os.symlink("missing.py", root / "dangling.py")
    os.symlink("/nonexistent/far/away.py", root / "dangling_out.py")
    return root


def test_regular_files_are_read(tree: Path) -> None:
    assert read_regular_file(tree, "top.py", 100) == b"top\n"
    assert read_regular_file(tree, "pkg/mod.py", 100) == b"print('inside')\n"
    assert read_regular_file(tree, "pkg/../top.py", 100) == b"top\n"
    assert read_regular_file(tree, "top.py", 2) == b"to"  # at most `limit` bytes


@pytest.mark.parametrize(
    "relative",
    [
        "../outside/secret.py",
        "pkg/../../outside/secret.py",
        "abs_out.py",
        "rel_out.py",
        "dir_out/secret.py",
        "dangling_out.py",
        "..",
    ],
)
def test_paths_leaving_the_checkout_are_refused(tree: Path, relative: str) -> None:
    with pytest.raises(PathEscape):
        confine(tree, relative)
    with pytest.raises(PathEscape):
        read_regular_file(tree, relative, 1000)


@pytest.mark.parametrize(
    "relative",
    [
        "/etc/passwd",
        str(Path("/") / "tmp" / "x.py"),
        ".git/config",
        "pkg/../.git/config",
        "sub/.git/HEAD",
        "",
        "a\x00b.py",
    ],
)
def test_absolute_git_and_malformed_paths_are_refused(tree: Path, relative: str) -> None:
    with pytest.raises(PathEscape):
        confine(tree, relative)
    with pytest.raises(PathEscape):
        read_regular_file(tree, relative, 1000)


@pytest.mark.parametrize("relative", ["in_link.py", "dir_in/mod.py", "dangling.py"])
def test_links_inside_the_checkout_are_not_read_through(tree: Path, relative: str) -> None:
    confine(tree, relative)  # inside the checkout: not an escape...
    assert read_regular_file(tree, relative, 1000) is None  # ...but never followed


def test_things_that_are_not_regular_files_read_as_none(tree: Path) -> None:
    os.mkfifo(tree / "fifo")  # opening it blocking would hang the reader
    assert read_regular_file(tree, "fifo", 100) is None
    assert read_regular_file(tree, "pkg", 100) is None
    assert read_regular_file(tree, "nothing.py", 100) is None


def test_confine_resolves_inside_paths(tree: Path) -> None:
    assert confine(tree, "pkg/mod.py") == (tree / "pkg" / "mod.py").resolve()
    assert confine(tree, "dir_in/mod.py") == (tree / "pkg" / "mod.py").resolve()


def test_source_path_and_run_ids_are_checked(tmp_path: Path) -> None:
    workspace = Workspace(tmp_path)
    run = workspace.run("abc-123_x")
    with pytest.raises(PathEscape):
        run.source_path("../request.json")
    for bad in ("../x", "a/b", "", "x" * 65):
        with pytest.raises(ValueError):
            workspace.run(bad)
    for bad in ("../x", "Security", "a b"):
        with pytest.raises(ValueError):
            run.findings_file(bad)


def test_workspace_root_comes_from_the_settings(tmp_path: Path) -> None:
    assert load_settings({"REVIEWBOT_WORKSPACE": str(tmp_path)}).workspace_root() == tmp_path
    on_lambda = load_settings({"AWS_LAMBDA_FUNCTION_NAME": "f"})
    assert on_lambda.workspace_root() == Path("/mnt/workspace")
    local = load_settings({}).workspace_root()
    assert local.name == "workspace" and "reviewbot" in local.parts
    assert load_settings().workspace_root() == Path(os.environ["REVIEWBOT_WORKSPACE"])  # conftest


def test_read_regular_file_reads_empty_files_and_stops_at_the_limit(tmp_path: Path) -> None:
    (tmp_path / "empty.py").write_bytes(b"")
    (tmp_path / "big.py").write_bytes(b"x" * 70_000)
    assert read_regular_file(tmp_path, "empty.py", 100) == b""
    assert read_regular_file(tmp_path, "big.py", 65_537) == b"x" * 65_537
    assert read_regular_file(tmp_path, "big.py", 1_000_000) == b"x" * 70_000
    for inside_git in (".git/config", "a/.git/config", "a//.git/x", "a/./.git/x"):
        with pytest.raises(PathEscape, match="inside .git"):
            read_regular_file(tmp_path, inside_git, 10)
