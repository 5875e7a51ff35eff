"""Heliocentric conic orbital elements, with their uncertainties and where they came from.

The shared currency with :mod:`orbitviz.dynamics` is the SPICE ``conics`` vector::

    [rp_km, ecc, inc_rad, lnode_rad, argp_rad, m0_rad, t0_et, mu_km3s2]

in frame ECLIPJ2000, ``t0_et`` in TDB seconds past J2000 (JD_TDB 2451545.0). For a hyperbolic
orbit ``m0_rad`` is the hyperbolic mean anomaly ``e sinh F - F`` (as in SPICE ``conics``).

Example
-------
>>> from orbitviz.smallbodies import OrbitalElements, jd_tdb_to_et
>>> wp = OrbitalElements("2021 WP", q_au=0.93205, e=0.1566, i_deg=3.808, node_deg=58.203,
...                      peri_deg=306.74, M_deg=91.92, epoch_et=jd_tdb_to_et(2459600.5))
>>> round(wp.to_conics()[0])   # perihelion distance in km
139432695
"""

from __future__ import annotations

import dataclasses
import math
from collections.abc import Mapping
from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Any

import numpy as np

from orbitviz.errors import ElementsError, InconsistentElements
from orbitviz.units import (  # noqa: F401 - re-exported for orbitviz.smallbodies
    AU_KM,
    EPOCH_JD_RANGE,
    J2000_JD,
    MAX_ABS_MEAN_ANOMALY_DEG,
    et_to_jd_tdb,
    jd_tdb_to_et,
    mjd_tdb_to_et,
)
from orbitviz.units import DAY_S as SECONDS_PER_DAY

if TYPE_CHECKING:  # covariance.py builds on this module's conversions
    from orbitviz.smallbodies.covariance import OrbitCovariance

GM_SUN_DE440_KM3S2 = 132712440041.279419
"""Sun GM from DE440 (Park et al. 2021), km^3/s^2: our default central body."""

GM_SUN_DE431_KM3S2 = 132712440041.939400
"""Sun GM from DE430/DE431 (Folkner et al. 2014). JPL SBDB solutions made with DE431 use it:
their mean motion ``n`` and ``a`` imply exactly this value."""

SUN_GM_BY_EPHEMERIS = {
    "DE430": GM_SUN_DE431_KM3S2,
    "DE431": GM_SUN_DE431_KM3S2,
    "DE440": GM_SUN_DE440_KM3S2,
    "DE441": GM_SUN_DE440_KM3S2,
}

ELEMENT_FIELDS = ("q_au", "e", "i_deg", "node_deg", "peri_deg", "M_deg")
"""The six elements, in the order of the conics vector."""


# --------------------------------------------------------------------------------------------
# anomalies, vectorised
# --------------------------------------------------------------------------------------------


def mean_motion_rad_s(q_au, e, gm_km3s2=GM_SUN_DE440_KM3S2):
    """Mean motion n = sqrt(GM / |a|^3) in rad/s (hyperbolic: the 'hyperbolic mean motion')."""
    a_km = np.abs(np.asarray(q_au, dtype=float) * AU_KM / (1.0 - np.asarray(e, dtype=float)))
    return np.sqrt(np.asarray(gm_km3s2, dtype=float) / a_km**3)


def mean_anomaly_from_tp_deg(q_au, e, tp_et, epoch_et, gm_km3s2=GM_SUN_DE440_KM3S2):
    """Mean anomaly at ``epoch_et`` from the time of perihelion ``tp_et``: M = n (epoch - tp).

    For e < 1 the result is wrapped into [0, 360); for e > 1 it is the hyperbolic mean anomaly,
    negative before perihelion. e == 1 (parabolic) has no finite n: ElementsError.
    """
    e_arr = np.asarray(e, dtype=float)
    if np.any(e_arr == 1.0):
        raise ElementsError(
            "a parabolic orbit (e == 1) has no mean motion; parabolic orbits are "
            "not supported yet: use the time of perihelion with e slightly != 1"
        )
    n = mean_motion_rad_s(q_au, e_arr, gm_km3s2)
    m_deg = np.degrees(n * (np.asarray(epoch_et, dtype=float) - np.asarray(tp_et, dtype=float)))
    m_deg = np.where(e_arr < 1.0, np.mod(m_deg, 360.0), m_deg)
    return float(m_deg) if m_deg.ndim == 0 else m_deg


def conics_from_arrays(
    q_au, e, i_deg, node_deg, peri_deg, M_deg, epoch_et, gm_km3s2=GM_SUN_DE440_KM3S2
) -> np.ndarray:
    """Stack element arrays (broadcastable) into conics vectors of shape (..., 8)."""
    arrays = np.broadcast_arrays(
        np.asarray(q_au, dtype=float) * AU_KM,
        np.asarray(e, dtype=float),
        np.radians(i_deg),
        np.radians(node_deg),
        np.radians(peri_deg),
        np.radians(M_deg),
        np.asarray(epoch_et, dtype=float),
        np.asarray(gm_km3s2, dtype=float),
    )
    return np.stack(arrays, axis=-1)


def round_to_sigma(value: float, sigma: float) -> float:
    """Round ``value`` to the decimal place of the first significant digit of ``sigma``.

    >>> round_to_sigma(0.1911953048308701, 5.3461e-9)
    0.191195305
    >>> round_to_sigma(204.4460289189818, 2.1065e-5)
    204.44603
    """
    if not (sigma > 0 and math.isfinite(sigma)):
        return value
    decimals = -math.floor(math.log10(sigma))
    return round(value, decimals)


# --------------------------------------------------------------------------------------------
# limits: what no source of real elements gives
# --------------------------------------------------------------------------------------------


def check_semimajor_axis(a_au: float, e: float, q_au: float | None, where: str) -> float:
    """The perihelion distance implied by ``a_au`` and ``e``, after checking they agree with
    each other (a > 0 for e < 1, a < 0 for e > 1) and with ``q_au`` when that is also given
    (relative 1e-6). Returns q; raises :class:`InconsistentElements` with the numbers."""
    a_au, e = float(a_au), float(e)
    if not (math.isfinite(a_au) and math.isfinite(e)):
        raise InconsistentElements(
            f"orbital elements of {where}: a = {a_au} au, e = {e} must be finite",
            field="a_au",
            value=a_au,
        )
    if e < 1.0 and a_au <= 0:
        raise InconsistentElements(
            f"orbital elements of {where}: a = {a_au} au with e = {e} < 1; an ellipse has "
            "a > 0 (a < 0 belongs to a hyperbola, e > 1): check the sign of a or e",
            field="a_au",
            value=a_au,
        )
    if e > 1.0 and a_au >= 0:
        raise InconsistentElements(
            f"orbital elements of {where}: a = {a_au} au with e = {e} > 1; a hyperbola has "
            "a < 0 (conic convention, q = a (1 - e)): check the sign of a or e",
            field="a_au",
            value=a_au,
        )
    implied = a_au * (1.0 - e)
    if q_au is not None and abs(implied - float(q_au)) > 1e-6 * abs(float(q_au)):
        raise InconsistentElements(
            f"orbital elements of {where}: a = {a_au} au and e = {e} give q = a (1 - e) = "
            f"{implied:.10g} au, but q = {q_au} au is given (differ by "
            f"{abs(implied - float(q_au)) / abs(float(q_au)):.2e} relative); give one of a, q",
            field="q_au",
            value=q_au,
        )
    return implied


# --------------------------------------------------------------------------------------------
# the type
# --------------------------------------------------------------------------------------------


@dataclass(frozen=True)
class OrbitalElements:
    """Osculating heliocentric conic elements of one small body at one epoch.

    Angles are in degrees in ECLIPJ2000; ``epoch_et`` is TDB seconds past J2000.
    ``M_deg`` is the mean anomaly at the epoch (hyperbolic mean anomaly when e > 1). To build
    elements from a time of perihelion instead, use :meth:`from_perihelion_time`.

    ``sigmas`` maps field names (``"q_au"``, ``"e"``, ``"i_deg"``, ``"node_deg"``,
    ``"peri_deg"``, ``"M_deg"``, and optionally ``"a_au"``, ``"tp_et"`` in s) to 1-sigma
    uncertainties in the same unit. ``nongrav`` holds non-gravitational parameters as given by
    the source, e.g. ``{"A1": ..., "A2": ..., "A3": ...}`` in au/d^2 (plus model constants
    such as ``"ALN"``, ``"NK"``, ``"NM"``, ``"R0"``, ``"DT"`` when the source states them).
    ``source`` says where the numbers came from, in words. ``covariance`` is the solution's
    :class:`~orbitviz.smallbodies.covariance.OrbitCovariance` when the source gives one (SBDB
    API answers); its non-gravitational labels are checked against the elements here, its
    nominal orbit where it is mapped (:func:`orbitviz.dynamics.uncertainty.check_nominal`).

    Parabolic orbits (e == 1 exactly) are refused for now (ElementsError).
    """

    designation: str
    q_au: float
    e: float
    i_deg: float
    node_deg: float
    peri_deg: float
    M_deg: float
    epoch_et: float
    name: str | None = None
    gm_km3s2: float = GM_SUN_DE440_KM3S2
    frame: str = "ECLIPJ2000"
    sigmas: Mapping[str, float] = field(default_factory=dict, hash=False)
    nongrav: Mapping[str, float] = field(default_factory=dict, hash=False)
    source: str = "user input"
    covariance: OrbitCovariance | None = field(default=None, hash=False, compare=False, repr=False)

    def __post_init__(self) -> None:
        where = f"{self.designation or '?'} ({self.source})"
        if not self.designation or not str(self.designation).strip():
            raise ElementsError(f"orbital elements from {self.source}: missing field 'designation'")
        for name in (*ELEMENT_FIELDS, "epoch_et", "gm_km3s2"):
            value = getattr(self, name)
            if value is None:
                raise ElementsError(f"orbital elements of {where}: missing field {name!r}")
            try:
                value = float(value)
            except (TypeError, ValueError):
                raise ElementsError(
                    f"orbital elements of {where}: field {name!r} = {value!r} is not a number"
                ) from None
            if not math.isfinite(value):
                raise ElementsError(f"orbital elements of {where}: field {name!r} is {value}")
            object.__setattr__(self, name, value)
        if self.e < 0:
            raise ElementsError(f"orbital elements of {where}: field 'e' = {self.e} is negative")
        if self.e == 1.0:
            raise ElementsError(
                f"orbital elements of {where}: field 'e' is exactly 1 (parabolic); parabolic "
                "orbits are not supported yet"
            )
        if self.q_au <= 0:
            raise ElementsError(
                f"orbital elements of {where}: field 'q_au' = {self.q_au} must be > 0"
            )
        if not 0.0 <= self.i_deg <= 180.0:
            raise ElementsError(
                f"orbital elements of {where}: field 'i_deg' = {self.i_deg} is outside [0, 180]"
            )
        if self.gm_km3s2 <= 0:
            raise ElementsError(f"orbital elements of {where}: field 'gm_km3s2' must be > 0")
        if abs(self.M_deg) > MAX_ABS_MEAN_ANOMALY_DEG:
            todo = "wrap it into [0, 360)" if self.e < 1 else "check the field and its unit"
            raise InconsistentElements(
                f"orbital elements of {where}: mean anomaly M = {self.M_deg:g} deg is absurd "
                f"(|M| > {MAX_ABS_MEAN_ANOMALY_DEG:g} deg): {todo}",
                field="M_deg",
                value=self.M_deg,
            )
        jd = et_to_jd_tdb(self.epoch_et)
        if not EPOCH_JD_RANGE[0] <= jd <= EPOCH_JD_RANGE[1]:
            raise InconsistentElements(
                f"orbital elements of {where}: epoch JD {jd:.6g} TDB is outside JD "
                f"{EPOCH_JD_RANGE[0]} .. {EPOCH_JD_RANGE[1]} (DE441, years -13200 to 17191): "
                "check the epoch's unit (JD, MJD, ET seconds)",
                field="epoch_et",
                value=self.epoch_et,
            )
        object.__setattr__(self, "sigmas", dict(self.sigmas or {}))
        object.__setattr__(self, "nongrav", dict(self.nongrav or {}))
        if self.covariance is not None:
            self.covariance.check_elements(self)

    # ---- construction -----------------------------------------------------------------------

    @classmethod
    def from_perihelion_time(
        cls,
        designation: str,
        *,
        q_au: float,
        e: float,
        i_deg: float,
        node_deg: float,
        peri_deg: float,
        tp_et: float,
        epoch_et: float,
        gm_km3s2: float = GM_SUN_DE440_KM3S2,
        **kwargs,
    ) -> OrbitalElements:
        """Elements given a time of perihelion passage ``tp_et`` (TDB s) instead of M.

        M at ``epoch_et`` is n (epoch - tp) with n = sqrt(GM/|a|^3): the elliptic mean anomaly
        for e < 1, the hyperbolic one for e > 1. e == 1 -> ElementsError.
        """
        source = kwargs.get("source", "user input")
        for label, value in (("q_au", q_au), ("e", e), ("tp_et", tp_et), ("epoch_et", epoch_et)):
            if value is None or not math.isfinite(float(value)):
                raise ElementsError(
                    f"orbital elements of {designation} ({source}): field {label!r} is {value}"
                )
        if float(q_au) <= 0:
            raise ElementsError(
                f"orbital elements of {designation} ({source}): field 'q_au' = {q_au} must be > 0"
            )
        if float(e) == 1.0:
            raise ElementsError(
                f"orbital elements of {designation} ({source}): field 'e' is exactly 1 "
                "(parabolic); parabolic orbits are not supported yet"
            )
        m_deg = mean_anomaly_from_tp_deg(q_au, e, tp_et, epoch_et, gm_km3s2)
        return cls(
            designation,
            q_au=q_au,
            e=e,
            i_deg=i_deg,
            node_deg=node_deg,
            peri_deg=peri_deg,
            M_deg=m_deg,
            epoch_et=epoch_et,
            gm_km3s2=gm_km3s2,
            **kwargs,
        )

    # ---- derived quantities -------------------------------------------------------------------

    @property
    def is_hyperbolic(self) -> bool:
        return self.e > 1.0

    @property
    def a_au(self) -> float:
        """Semi-major axis q / (1 - e) in au: negative for hyperbolic orbits (conic convention)."""
        return self.q_au / (1.0 - self.e)

    @property
    def mean_motion_rad_s(self) -> float:
        """n = sqrt(GM / |a|^3) in rad/s (the hyperbolic mean motion when e > 1)."""
        return float(mean_motion_rad_s(self.q_au, self.e, self.gm_km3s2))

    @property
    def mean_motion_deg_per_day(self) -> float:
        return math.degrees(self.mean_motion_rad_s) * SECONDS_PER_DAY

    @property
    def period_s(self) -> float | None:
        """Orbital period in seconds, None for hyperbolic orbits."""
        return None if self.e >= 1.0 else 2.0 * math.pi / self.mean_motion_rad_s

    @property
    def period_days(self) -> float | None:
        """Orbital period in days, None for hyperbolic orbits."""
        period = self.period_s
        return None if period is None else period / SECONDS_PER_DAY

    @property
    def tp_et(self) -> float:
        """Time of perihelion passage (TDB s) implied by M: the latest one at or before the epoch
        for an ellipse (0 <= M < 360), the only one for a hyperbola."""
        m_rad = math.radians(self.M_deg % 360.0 if self.e < 1.0 else self.M_deg)
        return self.epoch_et - m_rad / self.mean_motion_rad_s

    @property
    def epoch_jd_tdb(self) -> float:
        return et_to_jd_tdb(self.epoch_et)

    # ---- conversions --------------------------------------------------------------------------

    def to_conics(self) -> np.ndarray:
        """The SPICE ``conics`` vector (8,): rp_km, ecc, inc, lnode, argp, m0 (rad), t0_et, mu."""
        return conics_from_arrays(
            self.q_au,
            self.e,
            self.i_deg,
            self.node_deg,
            self.peri_deg,
            self.M_deg,
            self.epoch_et,
            self.gm_km3s2,
        )

    def as_dict(self) -> dict:
        """The five shape/orientation elements plus M and epoch, for JSON reports."""
        return {
            "designation": self.designation,
            "q_au": self.q_au,
            "e": self.e,
            "i_deg": self.i_deg,
            "node_deg": self.node_deg,
            "peri_deg": self.peri_deg,
            "M_deg": self.M_deg,
            "epoch_et": self.epoch_et,
            "source": self.source,
        }

    def rounded_to_sigma(self) -> OrbitalElements:
        """A copy with each element rounded at the first significant digit of its sigma.

        Elements without a sigma keep all their digits. This is what the *Space Science with
        Python* notebooks do before using SBDB elements (e.g. 2021 WP: q 0.93205 au).
        """
        changes: dict[str, Any] = {
            name: round_to_sigma(getattr(self, name), self.sigmas[name])
            for name in ELEMENT_FIELDS
            if name in self.sigmas
        }
        # the covariance belongs to the unrounded solution: the sigmas stay, the matrix goes
        return dataclasses.replace(
            self, **changes, source=f"{self.source}, rounded to sigma", covariance=None
        )

    def __str__(self) -> str:
        label = self.name or self.designation
        return (
            f"{label}: q={self.q_au:.8g} au e={self.e:.8g} i={self.i_deg:.6g} "
            f"node={self.node_deg:.6g} peri={self.peri_deg:.6g} M={self.M_deg:.6g} deg "
            f"at JD {self.epoch_jd_tdb:.6f} TDB [{self.source}]"
        )
