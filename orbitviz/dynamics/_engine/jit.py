"""numba's compiler for the engine, and where it keeps the compiled code.

The engine (every file of this package) is one :class:`~orbitviz.data.compiled.CompiledGroup`:
compiled once and cached on disk in ``$ORBITVIZ_CACHE_DIR/numba/engine-<hash>`` (by default
``<user cache>/orbitviz/numba/...``), keyed by the content of all the engine's source files,
loaded lean, old folders pruned, an unwritable cache handled with one warning: see
:mod:`orbitviz.data.compiled`.
"""

from __future__ import annotations

from pathlib import Path

from orbitviz.data import compiled

ENGINE_DIR = Path(__file__).resolve().parent
ENGINE = compiled.group("engine", sorted(ENGINE_DIR.glob("*.py")), "N-body engine")
SOURCE_HASH = ENGINE.source_hash
CACHE_FOLDER = ENGINE.folder
"""Where the engine's compiled code is kept; None: nowhere (compiled in each process)."""
CACHE_DIR = CACHE_FOLDER or ENGINE.wanted
"""The engine's cache folder as asked (``CACHE_FOLDER`` where one is writable)."""

njit = ENGINE.njit

__all__ = ["CACHE_DIR", "CACHE_FOLDER", "njit"]
