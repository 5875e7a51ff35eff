"""numba's compiler for the engine, and where it keeps the compiled code.

The engine is compiled once and cached on disk, in orbitviz's user cache folder
(``<user cache>/orbitviz/numba/engine-<hash>``), keyed by the content of all the engine's
source files rather than by their path: every checkout of the same code shares one cache (a
fresh clone compiles nothing a previous one did), and a change to any file recompiles all of
them (``integrate`` inlines the forces and the Chebyshev evaluation, which numba's own key,
one file at a time, would miss). The folder is chosen for the engine's functions alone: the
process's environment and numba's settings for other code stay as they were, and a
``NUMBA_CACHE_DIR`` the user set wins. Where numba's cache internals are not as expected,
numba's default cache applies.
"""

from __future__ import annotations

import hashlib
from pathlib import Path
from typing import Any

from numba import config, njit
from numba.core import caching
from platformdirs import user_cache_dir

ENGINE_DIR = Path(__file__).resolve().parent
SOURCE_HASH = hashlib.sha256(
    b"".join(path.read_bytes() for path in sorted(ENGINE_DIR.glob("*.py")))
).hexdigest()[:16]
CACHE_DIR = Path(user_cache_dir("orbitviz")) / "numba" / f"engine-{SOURCE_HASH}"

# numba's internals (a numba that moved them gets its default cache): newer numba names it
# CacheImpl, older _CacheImpl (0.60)
_CacheImpl: Any = getattr(caching, "CacheImpl", None) or getattr(caching, "_CacheImpl", None)
_CacheLocator: Any = getattr(caching, "_CacheLocator", None)

if _CacheImpl is not None and _CacheLocator is not None:

    class EngineCacheLocator(_CacheLocator):
        """numba's cache locator for the files of this package: :data:`CACHE_DIR`."""

        def __init__(self, py_func, py_file):
            self._lineno = py_func.__code__.co_firstlineno

        def get_cache_path(self) -> str:
            return str(CACHE_DIR)

        def get_source_stamp(self) -> str:
            return SOURCE_HASH

        def get_disambiguator(self) -> str:
            return str(self._lineno)

        @classmethod
        def from_function(cls, py_func, py_file):
            if config.CACHE_DIR or Path(py_file).resolve().parent != ENGINE_DIR:
                return None  # the user's NUMBA_CACHE_DIR, or not the engine: numba decides
            self = cls(py_func, py_file)
            try:
                self.ensure_cache_path()
            except OSError:  # a read-only cache folder: numba's default places
                return None
            return self

    if not any(c.__name__ == "EngineCacheLocator" for c in _CacheImpl._locator_classes):
        _CacheImpl._locator_classes.insert(0, EngineCacheLocator)

__all__ = ["CACHE_DIR", "njit"]
