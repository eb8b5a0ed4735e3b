"""The suite's git ignores the developer's global configuration (tests/conftest.py)."""

from __future__ import annotations

import subprocess
from pathlib import Path

import pytest


def test_a_global_gitconfig_is_not_read(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    # A home whose ~/.gitconfig would lend an identity and sign every commit.
    (tmp_path / ".gitconfig").write_text(
        "[user]\n\temail = someone@example.invalid\n[commit]\n\tgpgsign = true\n"
    )
    monkeypatch.setenv("HOME", str(tmp_path))
    monkeypatch.delenv("XDG_CONFIG_HOME", raising=False)
    for key in ("user.email", "commit.gpgsign"):
        done = subprocess.run(
            ["git", "config", "--get", key], cwd=tmp_path, capture_output=True, text=True
        )
        assert (done.returncode, done.stdout) == (1, ""), key
