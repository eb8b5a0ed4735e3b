"""Output formats of `reviewbot review`, one module each.

A format is a module of this package holding `FORMAT`, a `Format`: a name for
`--format`, a one-line description, and `render`, a function of the finished `Report`
to text. `formats()` discovers them, so a new format is one module.
"""

from __future__ import annotations

import importlib
import pkgutil
from collections.abc import Callable
from dataclasses import dataclass
from functools import cache

from review.report import Report


@dataclass(frozen=True)
class Format:
    name: str
    description: str
    render: Callable[[Report], str]


@cache
def formats() -> dict[str, Format]:
    """Every `FORMAT` of this package, by name; `text` first (the default)."""
    found: dict[str, Format] = {}
    for info in pkgutil.iter_modules(__path__, f"{__name__}."):
        declared = getattr(importlib.import_module(info.name), "FORMAT", None)
        if isinstance(declared, Format):
            found[declared.name] = declared
    return dict(sorted(found.items(), key=lambda item: (item[0] != "text", item[0])))
