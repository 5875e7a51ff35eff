"""Package attributes that import their module on first use (PEP 562), so that commands and
``import orbitviz`` start fast."""

from __future__ import annotations

import importlib
from collections.abc import Callable


def lazy_getattr(package: str, names: dict[str, str], namespace: dict) -> Callable[[str], object]:
    """A module ``__getattr__`` serving ``names`` (attribute -> module) and caching them in
    the package's ``namespace``."""

    def __getattr__(name: str):
        if name in names:
            value = getattr(importlib.import_module(names[name]), name)
            namespace[name] = value
            return value
        raise AttributeError(f"module {package!r} has no attribute {name!r}")

    return __getattr__
