"""Checks of the API's arguments at the edge, with the command line's limits: the functions
people call from a script or a notebook refuse what the CLI refuses, with an
:class:`~orbitviz.errors.OrbitvizError` subclass that names the argument (never a TypeError
from deep inside, a MemoryError, or a float silently truncated).

>>> whole("clones", 500, low=2, high=100_000)
500
>>> whole("clones", 2.5, low=2)
Traceback (most recent call last):
...
orbitviz.errors.InvalidArgument: clones = 2.5: give a whole number >= 2
>>> names("overlays", "time", ("title", "time", "scale"))
('time',)
>>> image_size("size", (640, 360))
(640, 360)
"""

from __future__ import annotations

import math
import numbers
import os
from collections.abc import Iterable
from pathlib import Path

from orbitviz.errors import InvalidArgument, OrbitvizError

MIN_SIDE_PX, MAX_SIDE_PX = 16, 8192
"""Image sides (pixels) orbitviz renders: below, nothing is legible; above, one RGBA frame
would take 256 MiB and more than most GPUs draw."""


def whole(
    name: str,
    value,
    *,
    low: int,
    high: int | None = None,
    error: type[OrbitvizError] = InvalidArgument,
) -> int:
    """``value`` as an int when it is a whole number (not a bool, not 2.5, not "3") in
    ``[low, high]``; else ``error`` naming ``name``."""
    where = f">= {low}" if high is None else f"{low}..{high:,}"
    if isinstance(value, bool) or not isinstance(value, numbers.Integral):
        raise _error(error, f"{name} = {value!r}: give a whole number {where}", name, value)
    number = int(value)
    if number < low or (high is not None and number > high):
        raise _error(error, f"{name} = {value!r} is out of range: give {where}", name, value)
    return number


def names(
    name: str,
    value: str | Iterable[str],
    choices: Iterable[str],
    *,
    error: type[OrbitvizError] = InvalidArgument,
) -> tuple[str, ...]:
    """One name or several, each one of ``choices`` (a string is one name: ``"time"`` is not
    the four overlays t, i, m, e)."""
    given = (value,) if isinstance(value, str) else tuple(value)
    allowed = tuple(choices)
    unknown = [v for v in given if not isinstance(v, str) or v not in allowed]
    if unknown:
        listed = ", ".join(repr(v) for v in unknown)
        raise _error(
            error,
            f"{name}: unknown {listed}; choose from {', '.join(allowed)}",
            name,
            value,
        )
    return given


def number(
    name: str,
    value,
    *,
    low: float | None = None,
    high: float | None = None,
    low_open: bool = False,
    error: type[OrbitvizError] = InvalidArgument,
) -> float:
    """``value`` as a finite float (not a bool, not a string) in its range; else ``error``."""
    if isinstance(value, bool) or not isinstance(value, numbers.Real):
        raise _error(error, f"{name} = {value!r}: give a number", name, value)
    x = float(value)
    too_low = low is not None and (x < low or (low_open and x == low))
    if not math.isfinite(x) or too_low or (high is not None and x > high):
        where = " and ".join(
            part
            for part in (
                None if low is None else f"{'>' if low_open else '>='} {low:g}",
                None if high is None else f"<= {high:g}",
            )
            if part
        )
        raise _error(
            error,
            f"{name} = {value!r}: give a finite number{' ' + where if where else ''}",
            name,
            value,
        )
    return x


def path(name: str, value, *, error: type[OrbitvizError] = InvalidArgument) -> Path:
    """``value`` as a Path when it is a non-empty ``str`` or ``os.PathLike``; else ``error``."""
    if not isinstance(value, (str, os.PathLike)) or not str(os.fspath(value)).strip():
        raise _error(error, f"{name} = {value!r}: give a file path", name, value)
    return Path(value)


def image_size(
    name: str, value, *, error: type[OrbitvizError] = InvalidArgument
) -> tuple[int, int]:
    """``(width, height)`` in pixels, each side a whole number in
    ``[MIN_SIDE_PX, MAX_SIDE_PX]``."""
    try:
        width, height = value
    except (TypeError, ValueError):
        raise _error(
            error, f"{name} = {value!r}: give (width, height) in pixels", name, value
        ) from None
    return (
        whole(f"{name} width", width, low=MIN_SIDE_PX, high=MAX_SIDE_PX, error=error),
        whole(f"{name} height", height, low=MIN_SIDE_PX, high=MAX_SIDE_PX, error=error),
    )


def _error(error: type[OrbitvizError], message: str, name: str, value) -> OrbitvizError:
    if issubclass(error, InvalidArgument):
        return error(message, argument=name, value=repr(value))
    return error(message)
