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

Loading is lean: numba's own cache, before loading a function, readies its compiler for any
code (``target_context.refresh()``: every registry of numba.np, numba.cpython and numba.typed,
which loads scipy.linalg for BLAS; 0.5 s of CPU here), although loading compiled code needs
none of it, only numba's runtime (``rtsys.initialize``). The engine's functions load with the
runtime alone (the first flyby of a process: 0.13 s instead of 0.63 s for its numba part);
a function that must be compiled (a new source, a new signature) goes through numba's
compiler, which readies itself.
"""

from __future__ import annotations

import contextlib
import hashlib
from pathlib import Path
from typing import Any

import numba
from numba import config
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

_FunctionCache: Any = getattr(caching, "FunctionCache", None)
_rtsys: Any = None
with contextlib.suppress(ImportError):  # numba's runtime, which compiled code that allocates
    from numba.core.runtime import rtsys as _rtsys  # arrays needs (a numba that moved it: its
    # own, full loading)

LeanCache: Any = None
if (
    _FunctionCache is not None
    and _rtsys is not None
    and hasattr(_FunctionCache, "_load_overload")
    and hasattr(_FunctionCache, "_guard_against_spurious_io_errors")
):

    class LeanCache(_FunctionCache):  # type: ignore[no-redef]
        """numba's cache of one function, loading it with numba's runtime alone."""

        def load_overload(self, sig, target_context):
            _rtsys.initialize(target_context)
            with self._guard_against_spurious_io_errors():
                return self._load_overload(sig, target_context)


def njit(*args, **options):
    """``numba.njit``; with ``cache=True`` the function is cached in :data:`CACHE_DIR` and
    loaded lean (see the module's doc)."""
    decorate = numba.njit(*args, **options)

    def wrap(function):
        dispatcher = decorate(function)
        if options.get("cache") and LeanCache is not None and not config.CACHE_DIR:
            dispatcher._cache = LeanCache(dispatcher.py_func)
        return dispatcher

    return wrap


__all__ = ["CACHE_DIR", "njit"]
