"""States of bodies from the loaded SPKs, frame rotations, and coverage of the loaded files.

All functions take one ET or an array of ETs (time along axis 0).
"""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path

import numpy as np
import spiceypy
from spiceypy.utils.exceptions import SpiceyError

from ..errors import CoverageError, TimeFormatError, UnknownFrame
from .bodies import body_id, body_name, is_planet_id, system_barycenter_id
from .errors import spice_errors, translate
from .kernels import POOL
from .time import et_to_utc


@dataclass(frozen=True)
class Coverage:
    """Time intervals (ET) for which one file has data for one body (SPK) or frame (CK)."""

    path: Path
    ident: int
    intervals: np.ndarray  # (n, 2) ET

    def contains(self, et: float) -> bool:
        return bool(np.any((self.intervals[:, 0] <= et) & (et <= self.intervals[:, 1])))


def _coverage(kind: str, ident: int, files: list[Path] | None) -> list[Coverage]:
    """Coverage of one SPK body or CK structure id in each loaded file of that kind."""
    objects = spiceypy.spkobj if kind == "SPK" else spiceypy.ckobj
    out = []
    for path in files if files is not None else POOL.files_of_kind(kind):
        with spice_errors(f"cannot read coverage of {path}"):
            ids = objects(str(path))
            if ident not in [ids[i] for i in range(spiceypy.card(ids))]:
                continue
            if kind == "SPK":
                cell = spiceypy.spkcov(str(path), ident)
            else:
                cell = spiceypy.ckcov(str(path), ident, False, "INTERVAL", 0.0, "TDB")
            spans = [spiceypy.wnfetd(cell, i) for i in range(spiceypy.wncard(cell))]
        out.append(Coverage(Path(path), ident, np.array(spans).reshape(-1, 2)))
    return out


_LOADED_COVERAGE: dict[tuple[int, int], list[Coverage]] = {}


def spk_coverage(body: str | int, files: list[Path] | None = None) -> list[Coverage]:
    """Coverage of a body in each loaded SPK (or in the given files). The loaded files'
    answer is kept until the kernel pool changes."""
    if files is not None:
        return _coverage("SPK", body_id(body), files)
    key = (body_id(body), POOL.generation)
    if key not in _LOADED_COVERAGE:
        if len(_LOADED_COVERAGE) > 4096:
            _LOADED_COVERAGE.clear()
        _LOADED_COVERAGE[key] = _coverage("SPK", key[0], None)
    return list(_LOADED_COVERAGE[key])


def ck_coverage(ident: int, files: list[Path] | None = None) -> list[Coverage]:
    """Coverage (TDB, interval level) of a CK structure id in each loaded CK."""
    return _coverage("CK", int(ident), files)


def _utc(et: float) -> str:
    try:
        return str(et_to_utc(et, precision=0))
    except Exception:  # noqa: BLE001 -- no LSK (or any SPICE state): say ET
        return f"ET {et:.3f}"


def coverage_error(target: str | int, observer: str | int, et: float) -> CoverageError:
    """The CoverageError for ``target`` relative to ``observer`` at ``et``: what each loaded
    file covers, in UTC."""
    lines = []
    spans_of_target: list[tuple[str, float, float]] = []
    for body in (target, observer):
        if body_id(body) == 0:  # the solar-system barycenter: every SPK chain ends there
            continue
        covs = spk_coverage(body)
        if body is target:
            spans_of_target = [
                (c.path.name, float(a), float(b)) for c in covs for a, b in c.intervals
            ]
        name = f"{body_name(body)} ({body_id(body)})"
        if not covs:
            hint = ""
            code = body_id(body)
            if is_planet_id(code) and spk_coverage(system_barycenter_id(code)):
                hint = f" (its system barycenter has: use {body_name(system_barycenter_id(code))})"
            lines.append(f"{name}: no loaded SPK has data for it{hint}")
        for cov in covs:
            spans = "; ".join(f"{_utc(a)} to {_utc(b)}" for a, b in cov.intervals)
            lines.append(f"{name} in {cov.path.name}: {spans}")
    return CoverageError(
        f"no ephemeris for {body_name(target)} relative to {body_name(observer)} at "
        f"{_utc(et)} UTC (ET {et:.3f}). Loaded coverage: "
        + " | ".join(lines)
        + ". Choose a time inside the coverage or load an SPK that covers it.",
        et=float(et),
        body=body_name(target),
        coverage=spans_of_target,
    )


def _check_frame(frame: str) -> None:
    if spiceypy.namfrm(frame) == 0:
        raise UnknownFrame(
            f"unknown reference frame {frame!r}: use a built-in frame (J2000, ECLIPJ2000, "
            "IAU_EARTH, ...) or load the frame kernel (FK) that defines it"
        )


def states(
    target: str | int,
    et: float | np.ndarray,
    observer: str | int = "SUN",
    frame: str = "ECLIPJ2000",
    abcorr: str = "NONE",
) -> np.ndarray:
    """State(s) [x, y, z, vx, vy, vz] (km, km/s) of ``target`` relative to ``observer``.

    ``et`` scalar -> shape (6,); array of n -> (n, 6). ``abcorr`` is SPICE's aberration
    correction ("NONE", "LT", "LT+S", "CN+S", ...).

    >>> from orbitviz.spice import KernelSet
    >>> with KernelSet("default"):
    ...     states("EARTH", [0.0, 86400.0], observer="SUN").shape
    (2, 6)
    """
    return _query(spiceypy.spkez, target, et, observer, frame, abcorr)


def positions(
    target: str | int,
    et: float | np.ndarray,
    observer: str | int = "SUN",
    frame: str = "ECLIPJ2000",
    abcorr: str = "NONE",
) -> np.ndarray:
    """Position(s) (km) of ``target`` relative to ``observer``: (3,) or (n, 3)."""
    return _query(spiceypy.spkezp, target, et, observer, frame, abcorr)


def _ets(et) -> np.ndarray:
    """``et`` as a 1-D float array of finite TDB seconds, or TimeFormatError saying why."""
    try:
        ets = np.asarray(et, dtype=float)
    except (TypeError, ValueError):
        raise TimeFormatError(
            f"et must be TDB seconds past J2000 (a number or a 1-D array), got "
            f"{type(et).__name__} {str(et)[:40]!r}; convert UTC text with orbitviz.spice.to_et"
        ) from None
    if ets.ndim > 1:
        raise TimeFormatError(
            f"et must be a number or a 1-D array (time along axis 0), got shape {ets.shape}; "
            "flatten it (et.ravel()) and reshape the result"
        )
    ets = np.atleast_1d(ets)
    bad = ~np.isfinite(ets)
    if bad.any():
        k = int(np.flatnonzero(bad)[0])
        raise TimeFormatError(
            f"et must be finite: {int(bad.sum())} of {ets.size} values are not, first et[{k}] "
            f"= {ets[k]}; drop or fill them before asking"
        )
    return ets


def _query(func, target, et, observer, frame, abcorr) -> np.ndarray:
    tcode, ocode = body_id(target), body_id(observer)
    _check_frame(frame)
    scalar = np.ndim(et) == 0
    ets = _ets(et)
    out = np.empty((ets.size, 6 if func is spiceypy.spkez else 3))
    for i, t in enumerate(ets):
        try:
            out[i] = func(tcode, float(t), frame, abcorr, ocode)[0]
        except SpiceyError as exc:
            if spiceypy.failed():
                spiceypy.reset()
            if getattr(exc, "short", "") == "SPICE(SPKINSUFFDATA)":
                raise coverage_error(target, observer, float(t)) from None
            raise translate(exc, f"{body_name(target)} relative to {body_name(observer)}") from None
    return out[0] if scalar else out


def rotation(from_frame: str, to_frame: str, et: float | np.ndarray) -> np.ndarray:
    """Rotation matrix/matrices (3x3, or (n,3,3)) taking vectors from one frame to another."""
    _check_frame(from_frame)
    _check_frame(to_frame)
    scalar = np.ndim(et) == 0
    ets = np.atleast_1d(np.asarray(et, dtype=float))
    out = np.empty((ets.size, 3, 3))
    with spice_errors(f"cannot rotate {from_frame} -> {to_frame}"):
        for i, t in enumerate(ets):
            out[i] = spiceypy.pxform(from_frame, to_frame, float(t))
    return out[0] if scalar else out
