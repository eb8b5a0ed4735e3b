"""The reviewers' read-only view of the head commit: confined, link-proof, bounded."""

from __future__ import annotations

import os
import subprocess
from pathlib import Path

import pytest

from agents.llm.sandbox import Checkout, SandboxLimits, ToolRefused

SECRET = "TOP-SECRET-OUTSIDE-THE-CHECKOUT"


def git(repo: Path, *args: str) -> str:
    env = {
        "PATH": os.environ.get("PATH", "/usr/bin:/bin"),
        "HOME": str(repo),
        "GIT_CONFIG_GLOBAL": "/dev/null",
    }
    ident = ["-c", "user.name=t", "-c", "user.email=t@example.invalid"]
    done = subprocess.run(
        ["git", *ident, *args], cwd=repo, env=env, capture_output=True, check=True
    )
    return done.stdout.decode().strip()


@pytest.fixture
def tree(tmp_path: Path) -> tuple[Checkout, Path]:
    """A commit with code, links (in and out), a submodule, a huge and a binary file; its
    repository's own .git holds a token-looking remote URL."""
    outside = tmp_path / "outside"
    outside.mkdir()
    (outside / "secret.txt").write_text(SECRET + "\n")
    src = tmp_path / "src"
    (src / "pkg").mkdir(parents=True)
    git(src, "init", "-q")
    git(src, "remote", "add", "origin", "https://token@example.invalid/repo.git")
    (src / "app.py").write_text("".join(f"line {n}\n" for n in range(1, 1001)))
    (src / "pkg" / "util.py").write_text("def helper():\n    return 'needle here'\n")
    (src / "huge.txt").write_text("x" * 2_000)
    (src / "blob.bin").write_bytes(b"\x00\x01needle\x02" * 10)
    os.symlink(outside / "secret.txt", src / "escape.txt")  # a file link out
    os.symlink(outside, src / "escape_dir")  # a folder link out
    os.symlink("app.py", src / "inside_link.py")  # a link that stays inside
    os.symlink("/dev/zero", src / "zero")
    git(src, "add", "-A")
    git(src, "update-index", "--add", "--cacheinfo", f"160000,{'1' * 40},vendor/sub")
    git(src, "commit", "-q", "-m", "tree")
    limits = SandboxLimits(max_file_bytes=1_500, max_lines_per_read=50, max_chars_per_call=4_000)
    return Checkout(src / ".git", git(src, "rev-parse", "HEAD"), limits), outside


def refused(call, *args) -> str:
    with pytest.raises(ToolRefused) as caught:
        call(*args)
    return str(caught.value)


def blocked_link(message: str) -> bool:
    return "symbolic link" in message or "leads outside" in message


def test_read_shows_numbered_lines_of_a_range(tree) -> None:
    checkout, _ = tree
    checkout.limits = SandboxLimits(max_file_bytes=100_000)
    text = checkout.read("app.py", 10, 12)
    assert text.splitlines() == [
        "app.py (1000 lines), lines 10-12:",
        "10 | line 10",
        "11 | line 11",
        "12 | line 12",
    ]


@pytest.mark.parametrize(
    "path",
    [
        "../outside/secret.txt",
        "pkg/../../outside/secret.txt",
        "./../src/app.py",
        "/etc/passwd",
        "/proc/self/environ",
        "//etc/passwd",
        "\\etc\\passwd",
        "C:/Windows/win.ini",
        "..",
    ],
)
def test_traversal_and_absolute_paths_are_refused(tree, path: str) -> None:
    checkout, _ = tree
    message = refused(checkout.read, path)
    assert "refused" in message or "outside" in message


@pytest.mark.parametrize("path", [".git/config", "./.git/config", ".GIT/config", "pkg/.git/x"])
def test_git_data_is_refused(tree, path: str) -> None:
    checkout, _ = tree
    assert ".git" in refused(checkout.read, path)


@pytest.mark.parametrize(
    "path", ["escape.txt", "escape_dir/secret.txt", "escape_dir", "inside_link.py", "zero"]
)
def test_symbolic_links_are_never_followed(tree, path: str) -> None:
    checkout, _ = tree
    message = refused(checkout.read, path)
    assert blocked_link(message)
    assert SECRET not in message


def test_a_submodule_is_never_fetched(tree) -> None:
    checkout, _ = tree
    assert "submodule, which is never fetched" in refused(checkout.read, "vendor/sub")
    assert "submodule" in refused(checkout.read, "vendor/sub/inner.py")


def test_huge_and_binary_files_are_refused(tree) -> None:
    checkout, _ = tree
    assert "over the 1500-byte limit" in refused(checkout.read, "huge.txt")
    assert "binary" in refused(checkout.read, "blob.bin")


def test_missing_file_and_folder_are_told_apart(tree) -> None:
    checkout, _ = tree
    assert "no such file" in refused(checkout.read, "nope.py")
    assert "directory" in refused(checkout.read, "pkg")


def test_one_read_is_capped_in_lines_and_says_how_to_go_on(tree) -> None:
    checkout, _ = tree
    checkout.limits = SandboxLimits(max_file_bytes=100_000, max_lines_per_read=50)
    text = checkout.read("app.py")
    assert text.splitlines()[-2] == "50 | line 50"
    assert "start_line=51" in text.splitlines()[-1]


def test_one_read_is_capped_in_characters(tree) -> None:
    checkout, _ = tree
    checkout.limits = SandboxLimits(max_file_bytes=100_000, max_chars_per_call=300)
    text = checkout.read("app.py", 1, 400)
    assert len(text) <= 400
    assert "start_line=" in text


def test_reading_past_the_end_is_refused_with_the_length(tree) -> None:
    checkout, _ = tree
    checkout.limits = SandboxLimits(max_file_bytes=100_000)
    assert "has 1000 lines" in refused(checkout.read, "app.py", 5000)


def test_listing_shows_links_without_following_them_and_hides_git(tree) -> None:
    checkout, _ = tree
    listing = checkout.list(".", 3)
    assert "escape_dir (symbolic link, not followed)" in listing
    assert "escape.txt (symbolic link, not followed)" in listing
    assert "pkg/util.py" in listing
    assert "vendor/sub (submodule, not fetched)" in listing
    assert ".git" not in listing
    assert "secret.txt" not in listing
    assert blocked_link(refused(checkout.list, "escape_dir"))


def test_listing_is_capped(tree) -> None:
    checkout, _ = tree
    checkout.limits = SandboxLimits(max_list_entries=3)
    assert "cut at 3 entries" in checkout.list(".")


def test_search_finds_plain_text_in_regular_files_only(tree) -> None:
    checkout, _ = tree
    checkout.limits = SandboxLimits(max_file_bytes=100_000)
    found = checkout.search("NEEDLE")
    assert "pkg/util.py:2: return 'needle here'" in found
    assert "blob.bin" not in found  # binary
    assert checkout.search(SECRET[:20]).startswith("no matches")  # behind a link
    assert checkout.search("token@example").startswith("no matches")  # in .git
    assert checkout.search("needle", case_sensitive=True).count("util.py") == 1
    assert checkout.search("needle", glob="*.txt").startswith("no matches")
    assert "util.py" in checkout.search("needle", path="pkg", glob="*.py")


def test_search_text_is_bounded_and_results_are_capped(tree) -> None:
    checkout, _ = tree
    checkout.limits = SandboxLimits(max_file_bytes=100_000, max_search_results=5)
    assert "first 5 matches only" in checkout.search("line")
    assert "2 to 200" in refused(checkout.search, "x")
    assert "2 to 200" in refused(checkout.search, "y" * 201)
    assert blocked_link(refused(checkout.search, "secret", "escape_dir"))
    assert "refused" in refused(checkout.search, "root", "/etc")
