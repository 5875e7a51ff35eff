"""numba's compiler for orbitviz's compiled code, and where it keeps that code.

Compiled code comes in groups (the N-body engine, the transit search's BLS): a group is a
set of source files, cached on disk in orbitviz's cache folder as
``$ORBITVIZ_CACHE_DIR/numba/<group>-<hash>`` (by default ``<user cache>/orbitviz/numba/...``),
keyed by the content of all the group's source files rather than by their path: every
checkout of the same code shares one cache (a fresh clone compiles nothing a previous one did),
and a change to any file recompiles all of them (the engine's ``integrate`` inlines the forces
and the Chebyshev evaluation, which numba's own key, one file at a time, would miss). The
folder is chosen for the group's functions alone: the process's environment and numba's
settings for other code stay as they were, and a ``NUMBA_CACHE_DIR`` the user set wins. Where
numba's cache internals are not as expected, numba's default cache applies.

Housekeeping: each source change makes a new folder (the engine's is tens of MB), so when a
group makes a new one, the group's other folders are pruned: any used in the last
:data:`BUSY_S` seconds stays (another checkout, or a process still running from it), and so do
the most recently used of the rest, :data:`KEEP` with the new one. A folder is marked used when a process first loads the group.
Folders in numba's own layout that orbitviz made before it had groups (:data:`LEGACY`, when it
pointed ``NUMBA_CACHE_DIR`` here) are removed the same way once idle for :data:`BUSY_S`.

A cache folder that cannot be written (read-only, full, a file in the way) would cost a
compilation in every process (20 s of CPU for the engine here, minutes on a busy machine): the
group is then kept in a folder of this user's own in the temporary folder
(``<tmp>/orbitviz-numba-<uid>``, made mode 0700, refused if another user owns it or others can
write it: numba's cache holds pickles and machine code), with one warning; where there is none
either, the group is compiled in memory, with one warning saying so.

Loading is lean: numba's own cache, before loading a function, readies its compiler for any
code (``target_context.refresh()``: every registry of numba.np, numba.cpython and numba.typed,
which loads scipy.linalg for BLAS; 0.5 s of CPU here), although loading compiled code needs
none of it, only numba's runtime (``rtsys.initialize``). A group's functions load with the
runtime alone (the first flyby of a process: 0.13 s instead of 0.63 s for its numba part),
except ``parallel=True`` ones (their thread pool is readied by numba's full loading); a
function that must be compiled (a new source, a new signature) goes through numba's compiler,
which readies itself.
"""

from __future__ import annotations

import contextlib
import functools
import hashlib
import os
import re
import shutil
import stat
import tempfile
import time
import warnings
from collections.abc import Iterable
from pathlib import Path
from typing import Any

import numba
from numba import config
from numba.core import caching

from orbitviz._files import signals_deferred
from orbitviz.data.paths import CACHE_ENV, cache_dir

KEEP = 3
"""Folders of one group kept when a new one is made (the most recently used)."""
BUSY_S = 3600.0
"""A folder used this recently is never pruned (another checkout or a running process)."""
LEGACY = re.compile(r"(_engine|dynamics|exoplanets)_[0-9a-f]{40}")
"""numba's own cache folders (``<source folder>_<sha1 of its path>``) of the orbitviz versions
that set ``NUMBA_CACHE_DIR`` to this folder: nothing of orbitviz's uses them now."""


def _writable(folder: Path) -> bool:
    """Whether ``folder`` exists (made if need be) and takes new files."""
    try:
        folder.mkdir(parents=True, exist_ok=True)
        with tempfile.TemporaryFile(dir=folder):
            pass
    except OSError:
        return False
    return True


def _private_root() -> Path | None:
    """This user's own folder in the temporary folder, or None: made mode 0700; one found
    there must be a real folder of this user's that nobody else can write."""
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
    return root


def prune(folder: Path, keep: int = KEEP, busy_s: float = BUSY_S) -> list[Path]:
    """Remove the other folders of ``folder``'s group (``<group>-<hash>`` beside it) but those
    used in the last ``busy_s`` seconds and the ``keep`` most recently used of the rest
    (``folder`` counted), and the :data:`LEGACY` ones idle as long; returns the removed ones.
    Errors (another process removing the same folder) are ignored."""
    group = folder.name.rsplit("-", 1)[0]
    try:
        others = [
            (p.stat().st_mtime, p)
            for p in folder.parent.glob(f"{group}-*")
            if p != folder and p.is_dir() and p.name.rsplit("-", 1)[0] == group
        ]
    except OSError:
        return []
    now = time.time()
    idle = sorted((item for item in others if now - item[0] > busy_s), reverse=True)
    removed = [path for _, path in idle[max(keep - 1, 0) :]]  # ``folder`` is one of the kept
    with contextlib.suppress(OSError):
        removed += [
            p
            for p in folder.parent.iterdir()
            if LEGACY.fullmatch(p.name) and p.is_dir() and now - p.stat().st_mtime > busy_s
        ]
    for path in removed:
        shutil.rmtree(path, ignore_errors=True)
    return removed


class CompiledGroup:
    """Source files compiled together and cached in one folder named by their content."""

    def __init__(self, name: str, sources: Iterable[Path], what: str):
        self.name = name
        self.what = what
        self.sources = frozenset(Path(p).resolve() for p in sources)
        self.source_hash = hashlib.sha256(
            b"".join(p.read_bytes() for p in sorted(self.sources))
        ).hexdigest()[:16]
        self.wanted = cache_dir() / "numba" / f"{name}-{self.source_hash}"
        self.folder = self._cache_folder()

    def _cache_folder(self) -> Path | None:
        """The group's cache folder: in orbitviz's cache, or else (warned once) this user's
        private folder in the temporary folder; None (warned) where neither can be written,
        and None (quietly) where the user's ``NUMBA_CACHE_DIR`` decides."""
        if getattr(config, "CACHE_DIR", ""):  # the user's NUMBA_CACHE_DIR
            return None
        new = not self.wanted.exists()
        if _writable(self.wanted):
            if new:
                prune(self.wanted)
            else:
                with contextlib.suppress(OSError):
                    os.utime(self.wanted)  # used now: not pruned while in use
            return self.wanted
        root = _private_root()
        fallback = None if root is None else root / self.wanted.name
        if fallback is not None and not _writable(fallback):
            fallback = None
        where = (
            f"orbitviz's cache folder {self.wanted.parent} cannot be written (set {CACHE_ENV} "
            "to one that can)"
        )
        if fallback is not None:
            warnings.warn(f"{where}: the compiled {self.what} is kept in {fallback}", stacklevel=3)
            return fallback
        warnings.warn(
            f"{where}, nor a private folder in {tempfile.gettempdir()}: the {self.what} is "
            "compiled in memory for this process",
            stacklevel=3,
        )
        return None

    def njit(self, *args, **options):
        """``numba.njit``; with ``cache=True`` the function is cached in :attr:`folder` and
        (unless ``parallel=True``) loaded lean; compiled in memory where there is no such
        folder and no ``NUMBA_CACHE_DIR``."""
        if self.folder is None and not config.CACHE_DIR:
            options.pop("cache", None)  # numba's own places would be tried, and fail at import
        decorate = numba.njit(*args, **options)
        lean = options.get("cache") and not options.get("parallel") and LeanCache is not None

        def wrap(function):
            dispatcher = decorate(function)
            if lean and not config.CACHE_DIR:
                dispatcher._cache = LeanCache(dispatcher.py_func)
            dispatcher.compile = _signals_after(dispatcher.compile)
            return dispatcher

        return wrap


def _signals_after(compile_):
    """numba's ``Dispatcher.compile`` (a first call's compilation, or its load from the cache)
    with Ctrl-C, SIGTERM and SIGHUP held until it ends, then delivered.

    Raised inside the compiler, the signal's exception lands in one of llvmlite's ctypes
    callbacks, which prints it and goes on: the process ignored the Ctrl-C and finished
    with rc 0 (``orbitviz flyby Apophis --uncertainty mc`` with a cold cache, Ctrl-C 2 s in).
    Held, it stops the process as anywhere else, once the compilation is done (seconds at
    most, and only for code not yet cached)."""

    @functools.wraps(compile_)
    def compile(sig):
        with signals_deferred():
            return compile_(sig)

    return compile


_GROUPS: dict[Path, CompiledGroup] = {}


def group(name: str, sources: Iterable[Path], what: str) -> CompiledGroup:
    """The :class:`CompiledGroup` of these sources (made once per process)."""
    paths = [Path(p).resolve() for p in sources]
    for path in paths:
        if path in _GROUPS:
            return _GROUPS[path]
    made = CompiledGroup(name, paths, what)
    for path in made.sources:
        _GROUPS[path] = made
    return made


# numba's internals (a numba that moved them gets its default cache): newer numba names it
# CacheImpl, older _CacheImpl (0.60)
_CacheImpl: Any = getattr(caching, "CacheImpl", None) or getattr(caching, "_CacheImpl", None)
_CacheLocator: Any = getattr(caching, "_CacheLocator", None)

if _CacheImpl is not None and _CacheLocator is not None:

    class GroupCacheLocator(_CacheLocator):
        """numba's cache locator for the files of a :class:`CompiledGroup`: its folder."""

        def __init__(self, py_func, owner: CompiledGroup):
            self._lineno = py_func.__code__.co_firstlineno
            self._owner = owner

        def get_cache_path(self) -> str:
            return str(self._owner.folder)

        def get_source_stamp(self) -> str:
            return self._owner.source_hash

        def get_disambiguator(self) -> str:
            return str(self._lineno)

        @classmethod
        def from_function(cls, py_func, py_file):
            owner = _GROUPS.get(Path(py_file).resolve())
            if config.CACHE_DIR or owner is None or owner.folder is None:
                return None  # the user's NUMBA_CACHE_DIR, or not ours: numba decides
            self = cls(py_func, owner)
            try:
                self.ensure_cache_path()
            except OSError:  # a read-only cache folder: numba's default places
                return None
            return self

    if not any(c.__name__ == "GroupCacheLocator" for c in _CacheImpl._locator_classes):
        _CacheImpl._locator_classes.insert(0, GroupCacheLocator)

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


__all__ = ["BUSY_S", "KEEP", "LEGACY", "CompiledGroup", "group", "prune"]
