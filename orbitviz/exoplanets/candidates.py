"""What a transit analysis gives: the star, each candidate planet with its fitted and derived
parameters, vetting, and the light curve that shows it.

A :class:`Candidate` is one fitted transit signal; :class:`TransitResult` holds them with the
light curve, its detrended flux and the search, and answers the model light curve at any time
(the sum of every candidate's dip), which the report's plots and the 3D scene's light-curve
panel draw.
"""

from __future__ import annotations

import math
from dataclasses import dataclass, field

import numpy as np

from .lightcurve import LightCurve
from .model import transit_flux
from .search import SearchResult
from .star import R_EARTH_KM, Star

CANDIDATE_COLUMNS = (
    "name",
    "period_d",
    "t0_bjd",
    "depth_ppm",
    "duration_h",
    "rp_rs",
    "a_rs",
    "impact",
    "inclination_deg",
    "rp_earth",
    "a_au",
    "teq_k",
    "insol_earth",
    "snr",
    "n_transits",
    "single_event",
    "p_planet",
    "flags",
)
"""The report's columns, in order (JSON adds each one's ``*_err`` and more)."""


@dataclass(frozen=True)
class Candidate:
    """One transit signal, fitted. Times BJD_TDB; ``*_err`` are 1-sigma (from the fit's
    covariance, scaled by the reduced chi-square; the star's own uncertainties not included).

    For a single transit (``single_event``) ``period_d`` is the period a circular orbit needs
    for the transit's shape and the star's density (``period_err_d`` says how loosely), and
    ``aliases_d`` is empty; for two transits ``aliases_d`` lists every period the data allow.
    ``u`` are the quadratic limb-darkening coefficients used, ``exposure_d`` the integration
    time of the model. ``p_planet`` is the vetting classifier's calibrated probability that
    the signal is a planet (None before vetting), ``flags`` the vetting diagnostics in words,
    ``diagnostics`` their numbers; ``known_as`` the catalogued planet it matches (the KOI
    table's name and number), if any."""

    name: str
    period_d: float
    period_err_d: float
    t0_bjd: float
    t0_err_d: float
    rp_rs: float
    rp_rs_err: float
    a_rs: float
    a_rs_err: float
    impact: float
    impact_err: float
    depth_ppm: float
    depth_err_ppm: float
    duration_h: float
    duration_err_h: float
    inclination_deg: float
    inclination_err_deg: float
    rp_earth: float
    rp_earth_err: float
    a_au: float
    teq_k: float
    insol_earth: float
    snr: float
    sde: float
    fap: float
    n_transits: int
    epochs_bjd: tuple[float, ...]
    single_event: bool
    partial: bool = False
    aliases_d: tuple[float, ...] = ()
    u: tuple[float, float] = (0.4, 0.25)
    exposure_d: float = 0.0
    chi2_red: float = float("nan")
    p_planet: float | None = None
    flags: tuple[str, ...] = ()
    diagnostics: dict = field(default_factory=dict)
    known_as: str = ""

    def flux(self, time_bjd) -> np.ndarray:
        """This candidate's model light curve (1 out of transit) at ``time_bjd``. A single
        transit dips once: at ``t0_bjd`` only."""
        time = np.asarray(time_bjd, dtype=np.float64)
        if self.single_event:  # one dip: keep the model away from its other (unseen) epochs
            time = np.clip(
                time, self.t0_bjd - 0.45 * self.period_d, self.t0_bjd + 0.45 * self.period_d
            )
        return transit_flux(
            time,
            period_d=self.period_d,
            t0=self.t0_bjd,
            rp_rs=self.rp_rs,
            a_rs=self.a_rs,
            impact=self.impact,
            u=self.u,
            exposure_d=self.exposure_d,
        )

    def transit_times(self, start_bjd: float, stop_bjd: float) -> np.ndarray:
        """Mid-transit times within ``[start_bjd, stop_bjd]`` (only ``t0_bjd`` for a single
        transit)."""
        if self.single_event:
            inside = start_bjd <= self.t0_bjd <= stop_bjd
            return np.array([self.t0_bjd]) if inside else np.zeros(0)
        first = math.ceil((start_bjd - self.t0_bjd) / self.period_d)
        last = math.floor((stop_bjd - self.t0_bjd) / self.period_d)
        return self.t0_bjd + self.period_d * np.arange(first, last + 1)

    @property
    def rp_km(self) -> float:
        return self.rp_earth * R_EARTH_KM

    def row(self) -> dict:
        """The report's columns (:data:`CANDIDATE_COLUMNS`) for this candidate."""
        values = {name: getattr(self, name, None) for name in CANDIDATE_COLUMNS}
        values["flags"] = "; ".join(self.flags)
        return values


@dataclass
class TransitResult:
    """A transit analysis of one star: the ``star``, the ``lightcurve`` as read, the detrended
    flux ``flat`` (1 out of transit) and ``trend``, the ``candidates`` (strongest first), the
    ``search`` that found them (periodograms, thresholds, the noise floor), ``known``: what
    the data say at the periods of the star's known KOIs (the KOI table, when the star is
    there), and ``notes`` / ``warnings`` for the report."""

    star: Star
    lightcurve: LightCurve
    flat: np.ndarray
    trend: np.ndarray
    candidates: list[Candidate]
    search: SearchResult
    known: list[dict] = field(default_factory=list)
    notes: list[str] = field(default_factory=list)
    warnings: list[str] = field(default_factory=list)

    def model_flux(self, time_bjd) -> np.ndarray:
        """Every candidate's dips together (relative flux, 1 out of transit) at ``time_bjd``."""
        time = np.asarray(time_bjd, dtype=np.float64)
        flux = np.ones_like(time)
        for candidate in self.candidates:
            flux += candidate.flux(time) - 1.0
        return flux
