"""The transit light curve of a planet on a circular orbit, limb-darkened by the quadratic law
and integrated over each exposure.

The occulted flux of a disk of radius ``rp_rs`` (stellar radii) at sky separation ``z`` comes
from exoplanet-core's analytic solution (Agol, Luger & Foreman-Mackey 2020; MIT licence),
checked in ``tests/test_exoplanets_model.py`` against an independent numerical integration over
the stellar disk. Limb-darkening coefficients come from Claret's tables for the star's Teff
and log g (``limb_darkening.csv``).

>>> import numpy as np
>>> flux = transit_flux(np.array([0.0, 0.2]), period_d=10.0, t0=0.0, rp_rs=0.1, a_rs=20.0,
...                     impact=0.0, u=(0.0, 0.0))
>>> round(1.0 - float(flux[0]), 6), float(flux[1])      # uniform disk: depth = rp_rs^2
(0.01, 1.0)
"""

from __future__ import annotations

import csv
import functools
import math
from importlib import resources

import numpy as np

SUPERSAMPLE = 11
"""Points per exposure for a long-cadence light curve (Kipping 2010: enough for 29.4 min)."""


@functools.cache
def _table() -> dict[str, np.ndarray]:
    rows: dict[str, list] = {}
    text = resources.files(__package__).joinpath("limb_darkening.csv").read_text()
    reader = csv.DictReader(line for line in text.splitlines() if not line.startswith("#"))
    for row in reader:
        rows.setdefault(row["band"], []).append(
            (float(row["logg"]), float(row["teff_k"]), float(row["u1"]), float(row["u2"]))
        )
    return {band: np.array(values) for band, values in rows.items()}


def limb_darkening(teff_k: float, logg_cgs: float, band: str = "Kepler") -> tuple[float, float]:
    """Quadratic coefficients (u1, u2) for a star: Claret's values at the nearest log g
    (within 0.5) interpolated linearly in Teff; Teff and log g are limited to the table's range
    (3000-10000 K, 3.5-5.0).

    >>> limb_darkening(5970.0, 4.317)
    (0.4728, 0.1885)
    """
    table = _table()["TESS" if band.upper().startswith("TESS") else "Kepler"]
    loggs = np.unique(table[:, 0])
    logg = float(loggs[np.argmin(np.abs(loggs - logg_cgs))])
    rows = table[table[:, 0] == logg]
    rows = rows[np.argsort(rows[:, 1])]
    teff = min(max(float(teff_k), rows[0, 1]), rows[-1, 1])
    u1 = float(np.interp(teff, rows[:, 1], rows[:, 2]))
    u2 = float(np.interp(teff, rows[:, 1], rows[:, 3]))
    return round(u1, 4), round(u2, 4)


def occulted(z: np.ndarray, rp_rs: float, u: tuple[float, float]) -> np.ndarray:
    """Relative flux (1 out of transit) with the planet's centre at sky separation ``z``
    (stellar radii) from the star's."""
    from exoplanet_core import quad_limbdark_light_curve

    z = np.ascontiguousarray(z, dtype=np.float64)
    flux = np.ones_like(z)
    near = z < 1.0 + rp_rs
    if near.any():
        flux[near] = 1.0 + quad_limbdark_light_curve(
            u[0], u[1], z[near], np.full(near.sum(), rp_rs)
        )
    return flux


def sky_separation(time, period_d: float, t0: float, a_rs: float, impact: float) -> np.ndarray:
    """Sky separation (stellar radii) of a planet on a circular orbit at ``time`` (days);
    ``inf`` while the planet is behind the star."""
    phase = 2.0 * np.pi * (np.asarray(time, dtype=np.float64) - t0) / period_d
    cos_i = min(1.0, impact / a_rs)
    x = a_rs * np.sin(phase)
    y = a_rs * cos_i * np.cos(phase)
    return np.where(np.cos(phase) > 0, np.hypot(x, y), np.inf)


def transit_flux(
    time,
    *,
    period_d: float,
    t0: float,
    rp_rs: float,
    a_rs: float,
    impact: float,
    u: tuple[float, float],
    exposure_d: float = 0.0,
    supersample: int = SUPERSAMPLE,
) -> np.ndarray:
    """Relative flux of one planet's transits at ``time`` (days, BJD_TDB), averaged over
    exposures of ``exposure_d`` days (0: instantaneous)."""
    time = np.asarray(time, dtype=np.float64)
    if exposure_d > 0 and supersample > 1:
        offsets = (np.arange(supersample) + 0.5) / supersample - 0.5
        fine = time[:, None] + exposure_d * offsets[None, :]
        z = sky_separation(fine.ravel(), period_d, t0, a_rs, impact)
        return occulted(z, rp_rs, u).reshape(fine.shape).mean(axis=1)
    return occulted(sky_separation(time, period_d, t0, a_rs, impact), rp_rs, u)


def duration_d(period_d: float, rp_rs: float, a_rs: float, impact: float) -> float:
    """Total duration T14, first to fourth contact (days); 0 when the planet misses the star."""
    cos_i = impact / a_rs
    sin_i = math.sqrt(max(0.0, 1.0 - cos_i**2))
    chord = (1.0 + rp_rs) ** 2 - impact**2
    if chord <= 0:
        return 0.0
    return period_d / math.pi * math.asin(min(1.0, math.sqrt(chord) / (a_rs * sin_i)))


def inclination_deg(a_rs: float, impact: float) -> float:
    """Orbital inclination (degrees; 90 = edge-on) from a/R* and the impact parameter."""
    return math.degrees(math.acos(min(1.0, impact / a_rs)))
