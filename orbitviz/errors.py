"""The exceptions orbitviz raises.

Every error a user can cause derives from :class:`OrbitvizError`, and each message says
*what* went wrong, *where* (file, body, time) and *what to do* about it.
"""

from __future__ import annotations


class OrbitvizError(Exception):
    """Base class of every error orbitviz raises on purpose."""


class DataError(OrbitvizError):
    """A named data file could not be provided (unknown name, download failed, ...)."""


class UnknownDataName(DataError, KeyError):
    """A data name is in no manifest."""

    def __str__(self) -> str:  # KeyError would otherwise repr() the message
        return str(self.args[0]) if self.args else ""


class ChecksumError(DataError):
    """A file's sha256 differs from the manifest's."""


class DownloadError(DataError):
    """A download failed (no network, server error, ...)."""


class KernelError(OrbitvizError):
    """A SPICE kernel is missing, unreadable or not a kernel at all."""


class KernelNotFound(KernelError, FileNotFoundError):
    """A kernel file (or a file named by a meta-kernel) does not exist."""


class NotAKernel(KernelError):
    """A file is not a SPICE kernel (an HTML page, a truncated file, ...)."""


class SpiceError(OrbitvizError):
    """Any other error reported by CSPICE, with its long message."""


class KernelSyntaxError(KernelError, SpiceError):
    """A text kernel or meta-kernel that CSPICE cannot read. Nothing of it is loaded: the kernel
    pool holds exactly what it held before. ``path``, ``line`` (None when CSPICE names none)
    and ``detail`` (CSPICE's complaint) are attributes."""

    def __init__(self, path, line: int | None, detail: str) -> None:
        self.path, self.line, self.detail = path, line, detail
        where = f" (line {line})" if line is not None else ""
        super().__init__(
            f"cannot load kernel {path}: {detail}. Nothing of it was loaded; fix the file"
            f"{where} and load it again"
        )


class UnknownBody(OrbitvizError, ValueError):
    """A body name or NAIF id that SPICE does not know."""


class UnknownFrame(OrbitvizError, ValueError):
    """A reference frame that SPICE does not know (or cannot reach)."""


class CoverageError(OrbitvizError):
    """A time outside the data loaded for a body (SPK, CK or PCK coverage) or a scene.

    Where known: ``et`` (the time asked, TDB seconds past J2000), ``body`` and ``coverage``, a
    list of ``(file name, start_et, stop_et)`` of what the loaded files hold for it."""

    def __init__(self, message: str, *, et=None, body=None, coverage=()):
        super().__init__(message)
        self.et, self.body, self.coverage = et, body, list(coverage)


class TimeFormatError(OrbitvizError, ValueError):
    """A time that cannot be parsed or converted."""


class NoLeapSecond(TimeFormatError):
    """A UTC time with second 60 on a day that ended without a leap second. ``text`` (the time
    as given), ``day`` (that UTC day) and ``kernels`` (the leap-seconds kernels consulted)."""

    def __init__(self, text: str, day: str, kernels: list[str]) -> None:
        self.text, self.day, self.kernels = text, day, kernels
        source = ", ".join(kernels) or "the loaded leap-seconds kernel"
        super().__init__(
            f"time {text!r}: {day} ended without a leap second (by {source}), so it has no "
            "second 23:59:60; write 23:59:59 or the next day's 00:00:00"
        )


class ShapeFormatError(OrbitvizError, ValueError):
    """A shape-model file that cannot be read (wrong format, broken content)."""


class ElementsError(OrbitvizError, ValueError):
    """Orbital elements that are missing, inconsistent or outside a method's domain."""


class CatalogError(ElementsError):
    """A catalog file that cannot be read (missing, unreadable, empty, malformed, not UTF-8,
    content not matching its suffix). ``path`` is the file, ``reason`` the fact in words."""

    def __init__(self, message: str, *, path=None, reason: str = ""):
        super().__init__(message)
        self.path, self.reason = path, reason


class CovarianceError(ElementsError):
    """An orbit covariance that cannot be used: labels not matching the elements, a matrix that
    is not symmetric positive definite, no epoch, no sigmas. ``reason`` says which, in words."""

    def __init__(self, message: str, *, reason: str = "", labels=()):
        super().__init__(message)
        self.reason, self.labels = reason, tuple(labels)


class InconsistentElements(ElementsError):
    """Elements that contradict themselves or are absurd (``a < 0`` with ``e < 1``,
    ``a != q / (1 - e)``, ``|M|`` or the epoch far outside any use). ``field`` names the
    element, ``value`` its value."""

    def __init__(self, message: str, *, field: str = "", value=None):
        super().__init__(message)
        self.field, self.value = field, value


class InvalidArgument(OrbitvizError, ValueError):
    """An API argument of the wrong shape, type or value (points that are not (n, 3), NaN
    coordinates, a step <= 0, an unknown keyword). ``argument`` names it, ``value`` is a short
    description of what was given."""

    def __init__(self, message: str, *, argument: str = "", value=None):
        super().__init__(message)
        self.argument, self.value = argument, value


class EventError(OrbitvizError, ValueError):
    """Bad arguments to an event search (empty window, step <= 0, f not vectorised...)."""


class ScreeningError(OrbitvizError, ValueError):
    """Bad screening arguments (threshold, window, scheduler, catalog)."""


class ValidationError(OrbitvizError, ValueError):
    """A saved JPL answer to validate against that cannot be used (missing file, not a
    close-approach API answer, no row left to compare). ``path`` names the file."""

    def __init__(self, message: str, path=None):
        super().__init__(message)
        self.path = path


class SceneError(OrbitvizError, ValueError):
    """A scene model that cannot be made as asked: a colour, an opacity or a size out of range,
    a layer name already taken, arrays of mismatched shapes, an unknown easing or colouring."""


class UnknownLayer(SceneError, KeyError):
    """No layer of that name in the scene (the message names those it has)."""

    def __str__(self) -> str:  # KeyError would otherwise repr() the message
        return str(self.args[0]) if self.args else ""


class CameraPathError(OrbitvizError, ValueError):
    """A camera path that cannot be built (bad keyframe file, unknown follow target, ...)."""


class OutputError(OrbitvizError, ValueError):
    """An output that cannot be written: unknown suffix, missing or read-only folder, a folder
    where a file is wanted. ``path`` is the output, ``reason`` the fact in words. Raised before
    any work is done."""

    def __init__(self, message: str, *, path=None, reason: str = ""):
        super().__init__(message)
        self.path, self.reason = path, reason


class RenderError(OrbitvizError):
    """A frame or a video could not be produced."""


class TimeMapError(RenderError, ValueError):
    """A video time map that cannot be built (a slow phase outside the span, a slowdown that is
    not a positive number, ...)."""


class NoGLBackend(RenderError):
    """No OpenGL context can be created without a display (EGL, OSMesa and Xvfb all failed)."""


class LightCurveError(OrbitvizError, ValueError):
    """A light curve that cannot be used: a missing or unreadable file, no flux column, no
    finite flux, times not increasing, an unknown time system, files that overlap in time.
    ``path`` names the file (None for arrays given in Python), ``reason`` the fact in words."""

    def __init__(self, message: str, *, path=None, reason: str = ""):
        super().__init__(message)
        self.path, self.reason = path, reason


class TransitError(OrbitvizError, ValueError):
    """A transit search, fit or vetting that cannot run as asked (an unknown star, a period
    range outside the data, star parameters out of physical range, ...)."""
