"""numba's compiler for the engine, and where it keeps the compiled code.

The engine is compiled once and cached on disk, in orbitviz's cache folder
(``$ORBITVIZ_CACHE_DIR/numba/engine-<hash>``, by default ``<user cache>/orbitviz/numba/...``),
keyed by the content of all the engine's
source files rather than by their path: every checkout of the same code shares one cache (a
fresh clone compiles nothing a previous one did), and a change to any file recompiles all of
them (``integrate`` inlines the forces and the Chebyshev evaluation, which numba's own key,
one file at a time, would miss). The folder is chosen for the engine's functions alone: the
process's environment and numba's settings for other code stay as they were, and a
``NUMBA_CACHE_DIR`` the user set wins. Where numba's cache internals are not as expected,
numba's default cache applies.

A cache folder that cannot be written (read-only, full, a file in the way) would cost a
compilation of the engine in every process (20 s of CPU here, minutes on a busy machine): the
engine is then kept in a folder of this user's own in the temporary folder
(``<tmp>/orbitviz-numba-<uid>``, made mode 0700, refused if another user owns it or others
can write it: numba's cache holds pickles and machine code), with one warning; where there
is none either, the engine is compiled in memory, with one warning saying so.

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
import os
import stat
import tempfile
import warnings
from pathlib import Path
from typing import Any

import numba
from numba import config
from numba.core import caching

from orbitviz.data.paths import CACHE_ENV, cache_dir

ENGINE_DIR = Path(__file__).resolve().parent
SOURCE_HASH = hashlib.sha256(
    b"".join(path.read_bytes() for path in sorted(ENGINE_DIR.glob("*.py")))
).hexdigest()[:16]


def _writable(folder: Path) -> bool:
    """Whether ``folder`` exists (made if need be) and takes new files."""
    try:
        folder.mkdir(parents=True, exist_ok=True)
        with tempfile.TemporaryFile(dir=folder):
            pass
    except OSError:
        return False
    return True


def _private_folder() -> Path | None:
    """This user's own folder for the engine in the temporary folder, or None: made mode
    0700; one found there must be a real folder of this user's that nobody else can write."""
    root = Path(tempfile.gettempdir()) / f"orbitviz-numba-{os.getuid()}"
    try:
        with contextlib.suppress(FileExistsError):
            root.mkdir(mode=0o700)
        info = root.lstat()
    except OSError:
        return None
    if (
        not stat.S_ISDIR(info.st_mode)
        or info.st_uid != os.getuid()
        or info.st_mode & (stat.S_IWGRP | stat.S_IWOTH)
    ):
        return None
    folder = root / f"engine-{SOURCE_HASH}"
    return folder if _writable(folder) else None


def _cache_folder() -> Path | None:
    """The engine's cache folder: in orbitviz's cache, or else (warned once) this user's
    private folder in the temporary folder; None (warned) where neither can be written, and
    None (quietly) where the user's ``NUMBA_CACHE_DIR`` decides."""
    if getattr(config, "CACHE_DIR", ""):  # the user's NUMBA_CACHE_DIR
        return None
    wanted = cache_dir() / "numba" / f"engine-{SOURCE_HASH}"
    if _writable(wanted):
        return wanted
    fallback = _private_folder()
    where = (
        f"orbitviz's cache folder {wanted.parent} cannot be written (set {CACHE_ENV} to one "
        "that can)"
    )
    if fallback is not None:
        warnings.warn(f"{where}: the compiled N-body engine is kept in {fallback}", stacklevel=2)
        return fallback
    warnings.warn(
        f"{where}, nor a private folder in {tempfile.gettempdir()}: the N-body engine is "
        "compiled in memory for this process (about 20 s of CPU)",
        stacklevel=2,
    )
    return None


CACHE_FOLDER = _cache_folder()
"""Where the engine's compiled code is kept; None: nowhere (compiled in each process)."""
CACHE_DIR = CACHE_FOLDER or cache_dir() / "numba" / f"engine-{SOURCE_HASH}"
"""The engine's cache folder as asked (``CACHE_FOLDER`` where one is writable)."""

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
            return str(CACHE_FOLDER)

        def get_source_stamp(self) -> str:
            return SOURCE_HASH

        def get_disambiguator(self) -> str:
            return str(self._lineno)

        @classmethod
        def from_function(cls, py_func, py_file):
            if (
                config.CACHE_DIR
                or CACHE_FOLDER is None
                or Path(py_file).resolve().parent != ENGINE_DIR
            ):
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
    """``numba.njit``; with ``cache=True`` the function is cached in :data:`CACHE_FOLDER` and
    loaded lean (see the module's doc); compiled in memory where there is no such folder and
    no ``NUMBA_CACHE_DIR``."""
    if CACHE_FOLDER is None and not config.CACHE_DIR:
        options.pop("cache", None)  # numba's own places would be tried, and fail at import
    decorate = numba.njit(*args, **options)

    def wrap(function):
        dispatcher = decorate(function)
        if options.get("cache") and LeanCache is not None and not config.CACHE_DIR:
            dispatcher._cache = LeanCache(dispatcher.py_func)
        return dispatcher

    return wrap


__all__ = ["CACHE_DIR", "CACHE_FOLDER", "njit"]
