"""Units and constants used across orbitviz (distances in km, times in s unless named otherwise).

Conventions
-----------
- ``AU_KM`` = 149,597,870.7 km exactly: the astronomical unit as fixed by IAU 2012 Resolution B2.
- ``LD_KM`` = 384,399 km: one *lunar distance*, defined here as the semi-major axis of the Moon's
  geocentric orbit (the value in the "Lunar distance" article's infobox, 3.84399e8 m ~ 0.002569 au;
  JPL CNEOS close-approach tables quote LD ~ 0.00257 au, which agrees at the 1e-3 level they print).
  Other sources use 384,400 km (rounded) or 384,402 km (older LLR mean): the spread is <1e-5
  relative, far below anything a flyby report prints.
- ``DAY_S`` = 86,400 s (the Julian day used by TDB/ET and by SBDB's au/d^2 units).
- ``C_KMS`` = 299,792.458 km/s (exact, SI).

Example
-------
>>> from orbitviz.units import km_to_ld, au_to_km
>>> round(float(km_to_ld(38012.0)), 4)
0.0989
>>> float(au_to_km(1.0))
149597870.7
"""

from __future__ import annotations

import datetime
from decimal import Decimal, InvalidOperation
from typing import TYPE_CHECKING, TypeAlias, Union

import numpy as np

from orbitviz.errors import ElementsError

if TYPE_CHECKING:
    from astropy.time import Time as AstropyTime

TimeLike: TypeAlias = Union[str, datetime.date, np.datetime64, "AstropyTime", float]
"""A time going into orbitviz: every parameter that takes one (``start``, ``stop``, ``time``,
``time_range``) takes any of these, converted by :func:`orbitviz.spice.to_et`:

- a UTC string in any form SPICE reads (``"2021-11-19T03:33"``, ``"2021 NOV 19 03:33 UTC"``,
  ``"2021-11-19T03:33:00Z"``); append ``TDB`` for TDB (``"2000-01-01T12:00 TDB"``,
  ``"JD 2459600.5 TDB"``);
- a :class:`datetime.datetime` (naive means UTC) or :class:`datetime.date`;
- a :class:`numpy.datetime64` (UTC);
- an :class:`astropy.time.Time` (any scale: converted through UTC, as SPICE counts leap
  seconds);
- a number: ET, TDB seconds past J2000, the time scale of every parameter named ``*_et``.

Where times (plural) go, arrays and lists of these do."""

AU_KM: float = 149_597_870.7
"""Astronomical unit in km (IAU 2012 B2, exact)."""

LD_KM: float = 384_399.0
"""Lunar distance in km: semi-major axis of the Moon's geocentric orbit (see module docstring)."""

DAY_S: float = 86_400.0
"""Julian day in seconds."""

YEAR_D: float = 365.25
"""Julian year in days."""

C_KMS: float = 299_792.458
"""Speed of light in km/s (exact)."""

AU_PER_DAY2_IN_KMS2: float = AU_KM / DAY_S**2
"""1 au/d^2 expressed in km/s^2 (SBDB gives non-gravitational A1, A2, A3 in au/d^2)."""


def km_to_au(dist_km):
    """Kilometres to astronomical units (array-friendly)."""
    return np.asarray(dist_km, dtype=float) / AU_KM


def au_to_km(dist_au):
    """Astronomical units to kilometres (array-friendly)."""
    return np.asarray(dist_au, dtype=float) * AU_KM


def km_to_ld(dist_km):
    """Kilometres to lunar distances (LD = 384,399 km, see module docstring)."""
    return np.asarray(dist_km, dtype=float) / LD_KM


def ld_to_km(dist_ld):
    """Lunar distances to kilometres."""
    return np.asarray(dist_ld, dtype=float) * LD_KM


def au_to_ld(dist_au):
    """Astronomical units to lunar distances."""
    return np.asarray(dist_au, dtype=float) * (AU_KM / LD_KM)


def ld_to_au(dist_ld):
    """Lunar distances to astronomical units."""
    return np.asarray(dist_ld, dtype=float) * (LD_KM / AU_KM)


def kms_to_aud(v_kms):
    """km/s to au/day."""
    return np.asarray(v_kms, dtype=float) * (DAY_S / AU_KM)


def aud_to_kms(v_aud):
    """au/day to km/s."""
    return np.asarray(v_aud, dtype=float) * (AU_KM / DAY_S)


def days_to_s(t_d):
    """Days to seconds."""
    return np.asarray(t_d, dtype=float) * DAY_S


def s_to_days(t_s):
    """Seconds to days."""
    return np.asarray(t_s, dtype=float) / DAY_S


J2000_JD: float = 2451545.0
"""Julian date (TDB) of J2000, where ET = 0."""

MJD_OFFSET: float = 2400000.5
"""JD - MJD."""


def jd_tdb_to_et(jd_tdb):
    """Julian date(s) in TDB (SBDB's ``epoch`` and ``tp``) -> ET (TDB seconds past J2000).

    Subtracting J2000 first keeps ~1e-5 s precision for modern dates; a string is subtracted
    in decimal arithmetic, so a 19-digit SBDB ``tp`` like ``"2454894.912519503203"`` keeps its
    microseconds.

    >>> jd_tdb_to_et(2451545.0), jd_tdb_to_et("2459600.5")
    (0.0, 695995200.0)
    """
    if isinstance(jd_tdb, str):
        try:
            days = Decimal(jd_tdb.strip()) - Decimal(repr(J2000_JD))
        except InvalidOperation:
            raise ElementsError(f"{jd_tdb!r} is not a Julian date") from None
        return float(days * Decimal(86400))
    result = (np.asarray(jd_tdb, dtype=float) - J2000_JD) * DAY_S
    return float(result) if result.ndim == 0 else result


def et_to_jd_tdb(et):
    """ET (TDB seconds past J2000) -> Julian date(s) in TDB."""
    result = np.asarray(et, dtype=float) / DAY_S + J2000_JD
    return float(result) if result.ndim == 0 else result


def mjd_tdb_to_et(mjd_tdb):
    """Modified Julian date(s) in TDB (or TT: the difference is < 2 ms) -> ET.

    >>> mjd_tdb_to_et(59600.0) == jd_tdb_to_et(2459600.5)
    True
    """
    result = (np.asarray(mjd_tdb, dtype=float) - (J2000_JD - MJD_OFFSET)) * DAY_S
    return float(result) if result.ndim == 0 else result


EPOCH_JD_RANGE = (-3100015.5, 8000016.5)
"""Epochs (JD TDB) we accept: the span of DE441, the longest JPL planetary ephemeris (years
-13200 to 17191). Beyond it no perturber and no time conversion is meaningful."""

MAX_ABS_MEAN_ANOMALY_DEG = 1e7
"""|M| above this is a unit or field mix-up (a real source wraps M into [0, 360), and a
hyperbolic M of 1e7 deg puts the body ~1e5 |a| from the Sun); at 1e20 deg the float spacing
is already 1e4 deg."""
