"""The stack template, parsed once per session, before and after the SAM transform."""

from __future__ import annotations

from typing import Any

import pytest
from template_support import load_template, translate


@pytest.fixture(scope="session")
def template() -> dict[str, Any]:
    return load_template()


@pytest.fixture(scope="session")
def translated(template: dict[str, Any]) -> dict[str, Any]:
    return translate(template)
