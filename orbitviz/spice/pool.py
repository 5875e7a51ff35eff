"""CSPICE's kernel pool (the variables text kernels assign) as a value: snapshot and restore.

CSPICE loads a text kernel assignment by assignment: when line 40 has a syntax error, the
assignments of lines 1-39 stay in the pool (a ``BODY399_GM = ( 1.0 )`` before the bad line
would then be used by the next flyby). :func:`unchanged_on_error` makes a load all-or-nothing;
:func:`read_text_kernel` lets CSPICE itself parse a file (its exact syntax, its own messages)
without leaving a trace.

>>> import spiceypy
>>> with unchanged_on_error():
...     spiceypy.pdpool("ORBITVIZ_DOCTEST", [1.0])
>>> bool(spiceypy.expool("ORBITVIZ_DOCTEST"))
True
>>> try:
...     with unchanged_on_error():
...         spiceypy.pdpool("ORBITVIZ_DOCTEST", [2.0])
...         raise RuntimeError("a failed load")
... except RuntimeError:
...     pass
>>> spiceypy.gdpool("ORBITVIZ_DOCTEST", 0, 1).tolist()
[1.0]
>>> spiceypy.dvpool("ORBITVIZ_DOCTEST")
"""

from __future__ import annotations

import contextlib
from collections.abc import Iterator
from pathlib import Path

import numpy as np
import spiceypy

# CSPICE stores strings of at most 80 characters; a name has at most 32.
_STRING_ROOM = 128
_BATCH = 1000

Value = tuple[str, tuple]  # ("N", floats) or ("C", strings)
Snapshot = dict[str, Value]


def names() -> list[str]:
    """Every variable name in the pool."""
    out: list[str] = []
    while True:
        with spiceypy.no_found_check():
            got, found = spiceypy.gnpool("*", len(out), _BATCH, 64)
        if not found or not got:
            return out
        out += list(got)
        if len(got) < _BATCH:
            return out


def value(name: str) -> Value | None:
    """The type ("N" or "C") and the values of one variable (None when it is not in the pool)."""
    with spiceypy.no_found_check():
        n, kind, found = spiceypy.dtpool(name)
    if not found:
        return None
    if kind == "N":
        return "N", tuple(float(v) for v in np.atleast_1d(spiceypy.gdpool(name, 0, n)))
    return "C", tuple(spiceypy.gcpool(name, 0, n, _STRING_ROOM))


def snapshot() -> Snapshot:
    """Every variable of the pool and its values (a few ms for a thousand variables)."""
    return {name: v for name in names() if (v := value(name)) is not None}


def restore(before: Snapshot) -> None:
    """Make the pool equal ``before``: new variables deleted, changed ones put back."""
    for name in names():
        if name not in before:
            spiceypy.dvpool(name)
    for name, old in before.items():
        now = value(name)
        if now == old:
            continue
        if now is not None and now[0] != old[0]:
            spiceypy.dvpool(name)
        if old[0] == "N":
            spiceypy.pdpool(name, list(old[1]))
        else:
            spiceypy.pcpool(name, list(old[1]))


def _reset_errors() -> None:
    if spiceypy.failed():
        spiceypy.reset()


@contextlib.contextmanager
def unchanged_on_error() -> Iterator[None]:
    """Run a load; if it raises, the pool is left exactly as it was before (then re-raise)."""
    before = snapshot()
    try:
        yield
    except BaseException:
        _reset_errors()
        restore(before)
        raise


def read_text_kernel(path: str | Path) -> dict[str, Value]:
    """Every assignment of a text kernel as CSPICE reads it (``+=`` applied, strings whole),
    leaving the pool as it was. CSPICE's parse errors are raised as spiceypy exceptions."""
    before = snapshot()
    try:
        spiceypy.clpool()
        spiceypy.ldpool(str(path))
        return snapshot()
    finally:
        _reset_errors()
        spiceypy.clpool()
        restore(before)
