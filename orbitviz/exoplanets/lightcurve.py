"""A light curve: times in BJD_TDB, normalised flux, its errors, and where each point came from.

Times are Barycentric Julian Dates in the TDB scale (what Kepler's BKJD and TESS's BTJD count
from their offsets); :func:`bjd_to_et` turns them into the scene clock's ET (TDB seconds past
J2000), so a light curve and a 3D scene share one clock.

>>> import numpy as np
>>> lc = LightCurve.from_arrays([2455100.0, 2455100.02, 2455100.04], [1.0, 0.9995, 1.0])
>>> lc.span_d, len(lc)
(0.04, 3)
>>> float(bjd_to_et(2451545.0))                    # J2000 TDB
0.0
>>> round(float(bkjd_to_bjd(260.224172)), 6)        # Kepler's BKJD = BJD - 2454833
2455093.224172
"""

from __future__ import annotations

import itertools
from collections.abc import Sequence
from dataclasses import dataclass, field, replace

import numpy as np

from ..errors import LightCurveError

J2000_JD = 2451545.0
"""JD of J2000.0 (TDB): ET 0."""

BKJD_OFFSET = 2454833.0
"""Kepler and K2 times (BKJD) are BJD_TDB - 2454833 (the FITS header's BJDREFI + BJDREFF)."""

BTJD_OFFSET = 2457000.0
"""TESS times (BTJD) are BJD_TDB - 2457000."""

TIME_FORMATS = {"bjd": 0.0, "bkjd": BKJD_OFFSET, "btjd": BTJD_OFFSET}
"""Table time formats and what to add to reach BJD_TDB."""


def bjd_to_et(bjd) -> np.ndarray:
    """BJD_TDB (days) -> ET, TDB seconds past J2000 (the scene clock)."""
    return (np.asarray(bjd, dtype=np.float64) - J2000_JD) * 86400.0


def et_to_bjd(et) -> np.ndarray:
    """ET (TDB seconds past J2000) -> BJD_TDB (days)."""
    return np.asarray(et, dtype=np.float64) / 86400.0 + J2000_JD


def bkjd_to_bjd(bkjd) -> np.ndarray:
    """Kepler/K2 BKJD -> BJD_TDB."""
    return np.asarray(bkjd, dtype=np.float64) + BKJD_OFFSET


@dataclass(frozen=True)
class LightCurve:
    """Photometry of one star: ``time_bjd`` (N,) increasing BJD_TDB, ``flux`` (N,) normalised to
    a median of 1 in each segment, ``flux_err`` (N,), ``segment`` (N,) the index of the file
    (quarter, sector) each point came from, named in ``sources``.

    ``cadence_d`` is the exposure length (a transit model is integrated over it),
    ``mission`` (Kepler, K2, TESS or table), ``flux_column`` the column read,
    ``target`` the star's name, ``header_star`` the star's parameters found in the files
    (``teff_k``, ``logg_cgs``, ``radius_rsun``: empty when none), ``notes`` what a user should
    know about how it was read (a fallback to SAP flux, points dropped by quality flags)."""

    time_bjd: np.ndarray
    flux: np.ndarray
    flux_err: np.ndarray
    segment: np.ndarray
    cadence_d: float
    sources: tuple[str, ...] = ()
    mission: str = "table"
    flux_column: str = "flux"
    target: str = ""
    header_star: dict = field(default_factory=dict)
    notes: tuple[str, ...] = ()

    def __post_init__(self) -> None:
        n = len(self.time_bjd)
        for name in ("flux", "flux_err", "segment"):
            if len(getattr(self, name)) != n:
                raise LightCurveError(
                    f"light curve of {self.target or 'a star'}: {name} has "
                    f"{len(getattr(self, name))} values for {n} times"
                )

    @classmethod
    def from_arrays(
        cls,
        time_bjd,
        flux,
        flux_err=None,
        *,
        cadence_d: float | None = None,
        target: str = "",
        source: str = "arrays",
    ) -> LightCurve:
        """A light curve from arrays (BJD_TDB days, flux in any unit: it is normalised to a
        median of 1). Without ``flux_err`` each point gets the robust point-to-point scatter."""
        time = np.asarray(time_bjd, dtype=np.float64).ravel()
        raw = np.asarray(flux, dtype=np.float64).ravel()
        if len(time) != len(raw):
            raise LightCurveError(
                f"{source}: {len(time)} times for {len(raw)} flux values", path=None
            )
        err = (
            np.full_like(raw, np.nan)
            if flux_err is None
            else np.asarray(flux_err, dtype=np.float64).ravel()
        )
        keep = np.isfinite(time) & np.isfinite(raw)
        return normalised(
            time[keep],
            raw[keep],
            err[keep],
            source=source,
            target=target,
            cadence_d=cadence_d,
        )

    def __len__(self) -> int:
        return len(self.time_bjd)

    @property
    def time_et(self) -> np.ndarray:
        """The times as ET (TDB seconds past J2000), the scene clock's unit."""
        return bjd_to_et(self.time_bjd)

    @property
    def span_d(self) -> float:
        """Days from the first point to the last."""
        return round(float(self.time_bjd[-1] - self.time_bjd[0]), 9) if len(self) else 0.0

    def segment_bounds(self) -> list[tuple[int, int]]:
        """``[(start, stop), ...]`` index ranges of the segments, in time order."""
        if not len(self):
            return []
        cuts = np.flatnonzero(np.diff(self.segment) != 0) + 1
        edges = [0, *cuts.tolist(), len(self)]
        return list(itertools.pairwise(edges))

    def select(self, keep: np.ndarray) -> LightCurve:
        """The points where ``keep`` (N,) is true."""
        keep = np.asarray(keep, dtype=bool)
        return replace(
            self,
            time_bjd=self.time_bjd[keep],
            flux=self.flux[keep],
            flux_err=self.flux_err[keep],
            segment=self.segment[keep],
        )

    def with_flux(self, flux: np.ndarray) -> LightCurve:
        """The same light curve with other flux values (a detrended copy, a model)."""
        return replace(self, flux=np.asarray(flux, dtype=np.float64))


def robust_std(values: np.ndarray) -> float:
    """The standard deviation of Gaussian noise estimated from the median absolute deviation
    (1.4826 MAD): outliers and transits barely move it."""
    values = np.asarray(values, dtype=np.float64)
    values = values[np.isfinite(values)]
    if not len(values):
        return float("nan")
    return float(1.4826 * np.median(np.abs(values - np.median(values))))


def point_scatter(flux: np.ndarray) -> float:
    """The white noise of one point, from the differences of neighbours (robust):
    slow trends and transits barely move it."""
    diffs = np.diff(np.asarray(flux, dtype=np.float64))
    return robust_std(diffs) / np.sqrt(2.0)


def normalised(
    time: np.ndarray,
    raw: np.ndarray,
    err: np.ndarray,
    *,
    source: str,
    target: str = "",
    cadence_d: float | None = None,
    segment: int = 0,
    path=None,
    **meta,
) -> LightCurve:
    """One segment's finite points as a :class:`LightCurve`, flux divided by its median;
    checks what makes a light curve unusable (no points, times not increasing)."""
    if not len(time):
        raise LightCurveError(
            f"{source}: no point has both a finite time and a finite flux; check the file's "
            "flux column (or give another one)",
            path=path or source,
            reason="no finite flux",
        )
    steps = np.diff(time)
    if np.any(steps <= 0):
        bad = int(np.flatnonzero(steps <= 0)[0]) + 1
        raise LightCurveError(
            f"{source}: times are not increasing (point {bad}: BJD {time[bad]:.6f} after "
            f"{time[bad - 1]:.6f}); sort the rows by time and drop repeated times",
            path=path or source,
            reason="times not increasing",
        )
    median = float(np.median(raw))
    if not median > 0:
        raise LightCurveError(
            f"{source}: the median flux is {median:g}; give fluxes (electrons/s or relative), "
            "not magnitudes or differences",
            path=path or source,
            reason="flux not positive",
        )
    flux = raw / median
    flux_err = err / median
    missing = ~(np.isfinite(flux_err) & (flux_err > 0))
    if missing.any():
        flux_err = np.where(missing, point_scatter(flux) if len(flux) > 2 else 1e-3, flux_err)
    if cadence_d is None:
        cadence_d = float(np.median(steps)) if len(steps) else 0.0
    return LightCurve(
        time_bjd=time,
        flux=flux,
        flux_err=flux_err,
        segment=np.full(len(time), segment, dtype=np.int32),
        cadence_d=float(cadence_d),
        sources=(source,),
        target=target,
        **meta,
    )


def stitch(curves: Sequence[LightCurve]) -> LightCurve:
    """One light curve from many (quarters, sectors), in time order, each keeping its own
    normalisation; files that overlap in time are refused (the same quarter twice)."""
    if not curves:
        raise LightCurveError("no light curve to stitch: give at least one file")
    curves = sorted(curves, key=lambda lc: float(lc.time_bjd[0]))
    for before, after in itertools.pairwise(curves):
        if after.time_bjd[0] <= before.time_bjd[-1]:
            raise LightCurveError(
                f"{after.sources[0]} overlaps {before.sources[0]} in time "
                f"(BJD {after.time_bjd[0]:.5f} <= {before.time_bjd[-1]:.5f}): give each "
                "quarter or sector once",
                path=after.sources[0],
                reason="files overlap in time",
            )
    targets = sorted({lc.target for lc in curves if lc.target})
    if len(targets) > 1:
        raise LightCurveError(
            f"these files are of different stars ({', '.join(targets)}): give the files of "
            "one star at a time (a folder of many stars: orbitviz transit --batch)",
            reason="different stars",
        )
    missions = sorted({lc.mission for lc in curves})
    header_star: dict = {}
    for lc in curves:
        header_star = header_star or lc.header_star
    offsets = np.cumsum([0] + [len(lc.sources) for lc in curves[:-1]])
    return LightCurve(
        time_bjd=np.concatenate([lc.time_bjd for lc in curves]),
        flux=np.concatenate([lc.flux for lc in curves]),
        flux_err=np.concatenate([lc.flux_err for lc in curves]),
        segment=np.concatenate([lc.segment + off for lc, off in zip(curves, offsets)]),
        cadence_d=float(np.median([lc.cadence_d for lc in curves])),
        sources=tuple(s for lc in curves for s in lc.sources),
        mission="+".join(missions),
        flux_column="+".join(sorted({lc.flux_column for lc in curves})),
        target=targets[0] if targets else "",
        header_star=header_star,
        notes=tuple(n for lc in curves for n in lc.notes),
    )
