"""Every module of every package imports: a broken dependency shows here, not in production.

For example hishel 2 removed what githubkit 0.16 imports, which breaks `import githubkit`
and with it the webhook; pyproject pins hishel below 2 for that reason.
"""

from __future__ import annotations

import importlib
import pkgutil

import pytest

PACKAGES = ("review", "orchestrator", "agents", "reporter", "webhook", "reviewbot")


def all_modules() -> list[str]:
    names = []
    for package in PACKAGES:
        module = importlib.import_module(package)
        names.append(package)
        names += [info.name for info in pkgutil.walk_packages(module.__path__, f"{package}.")]
    return sorted(names)


@pytest.fixture(autouse=True)
def webhook_environment(monkeypatch: pytest.MonkeyPatch) -> None:
    """What the webhook modules may read at import time."""
    monkeypatch.setenv("REVIEWBOT_WEBHOOK_SECRET", "import-test-secret")


def test_every_package_has_modules() -> None:
    modules = all_modules()
    for package in PACKAGES:
        assert any(name.startswith(f"{package}.") for name in modules), package


@pytest.mark.parametrize("name", all_modules())
def test_module_imports(name: str) -> None:
    importlib.import_module(name)


def test_githubkit_imports_with_the_installed_hishel() -> None:
    import githubkit
    from githubkit import GitHub

    assert GitHub is githubkit.GitHub
