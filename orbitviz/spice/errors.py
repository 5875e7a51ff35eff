"""Turning CSPICE's errors into orbitviz's, and leaving CSPICE's error state clean."""

from __future__ import annotations

import contextlib
from collections.abc import Iterator

import spiceypy
from spiceypy.utils.exceptions import NotFoundError, SpiceyError

from ..errors import (
    CoverageError,
    KernelError,
    KernelNotFound,
    NotAKernel,
    SpiceError,
    TimeFormatError,
    UnknownBody,
    UnknownFrame,
)

# CSPICE short error codes -> our classes. Anything else becomes SpiceError.
_BY_SHORT = {
    "SPICE(NOSUCHFILE)": KernelNotFound,
    "SPICE(FILENOTFOUND)": KernelNotFound,
    "SPICE(SPKINSUFFDATA)": CoverageError,
    "SPICE(CKINSUFFDATA)": CoverageError,
    "SPICE(NOFRAMECONNECT)": CoverageError,
    "SPICE(FRAMEDATANOTFOUND)": UnknownFrame,
    "SPICE(UNKNOWNFRAME)": UnknownFrame,
    "SPICE(IDCODENOTFOUND)": UnknownBody,
    "SPICE(NOTRANSLATION)": UnknownBody,
    "SPICE(BADTIMESTRING)": TimeFormatError,
    "SPICE(UNPARSEDTIME)": TimeFormatError,
    "SPICE(TIMECONFLICT)": TimeFormatError,
    "SPICE(MISSINGTIMEINFO)": KernelError,
    "SPICE(NOLEAPSECONDS)": KernelError,
    "SPICE(KERNELVARNOTFOUND)": KernelError,
    "SPICE(BADFILEFORMAT)": KernelError,
    "SPICE(INVALIDARCHTYPE)": KernelError,
    "SPICE(FILEREADFAILED)": KernelError,
    "SPICE(DAFFTFLAGMISMATCH)": KernelError,
}


# what to do, for CSPICE errors whose text does not say it
_DAMAGED = (
    "the file looks truncated or damaged (an interrupted download?); delete it and fetch it again"
)
_HINTS = {
    "SPICE(DASFILEREADFAILED)": _DAMAGED,
    "SPICE(DAFFILEREADFAILED)": _DAMAGED,
    "SPICE(FILEREADFAILED)": _DAMAGED,
    "SPICE(DAFBEGGTEND)": _DAMAGED,
    "SPICE(BADRECORDCOUNT)": _DAMAGED,
}


def describe(exc: SpiceyError) -> str:
    """CSPICE's long message, on one line, without the traceback noise."""
    short = getattr(exc, "short", "") or ""
    long = " ".join((getattr(exc, "long", "") or str(exc)).split())
    return f"{long} [{short}]" if short else long


def translate(exc: SpiceyError, context: str = "") -> Exception:
    """The orbitviz exception for a spiceypy exception (``context`` says what we were doing)."""
    cls = _BY_SHORT.get(getattr(exc, "short", ""), SpiceError)
    if isinstance(exc, NotFoundError):
        cls = SpiceError
    prefix = f"{context}: " if context else ""
    short = getattr(exc, "short", "")
    if short in _HINTS:  # what to do first, CSPICE's words after
        return NotAKernel(f"{prefix}{_HINTS[short]} (CSPICE: {describe(exc)})")
    return cls(prefix + describe(exc))


@contextlib.contextmanager
def spice_errors(context: str = "") -> Iterator[None]:
    """Run SPICE calls; on error reset CSPICE's error state and raise an orbitviz error."""
    try:
        yield
    except SpiceyError as exc:
        if spiceypy.failed():
            spiceypy.reset()
        raise translate(exc, context) from None
