"""reviewbot's own configuration files for its analysers (`Analyser.config`).

Every tool is told to use one of these explicitly: a reviewed repository's configuration
(`.hadolint.yaml`, `.yamllint`, `.checkov.yaml`, `.oxlintrc.json`, `.github/actionlint.yaml`)
is never read, so it can neither switch a check off nor point the tool at code to run.
"""

from __future__ import annotations

from pathlib import Path

CONFIGS = Path(__file__).resolve().parent


def config(name: str) -> Path:
    """The absolute path of our configuration file `name` (e.g. "hadolint.yaml")."""
    path = CONFIGS / name
    if not path.is_file():
        raise FileNotFoundError(f"reviewbot's analyser configuration {name} is missing")
    return path
