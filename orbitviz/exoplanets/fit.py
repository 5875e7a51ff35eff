"""Fit a limb-darkened transit model to each signal the search found, with uncertainties, and
derive what people ask: depth, duration, inclination, the planet's radius, its orbit's size,
equilibrium temperature and insolation.

The fit (``scipy.optimize.least_squares``, trust-region reflective, bounded) works on the
detrended flux around each transit (other candidates' transits left out), with the model of
:mod:`.model` integrated over the exposure. Free parameters: mid-time, period, Rp/R*, a/R*,
impact parameter and the out-of-transit level; limb darkening is fixed at Claret's coefficients
for the star. A weak prior ties a/R* and the period to the star's density (a factor 1.6,
1 sigma, in log density): shallow transits alone hardly tell a/R* from the impact parameter.

A **single transit** has no period to fit: the period is what a circular orbit needs for the
transit's shape around a star of this density (a/R* follows the period by Kepler's law), with
a lower bound that puts no other transit where data exist, and a wide uncertainty.

**Two transits** allow several periods (``aliases_d``): each is fitted, and the one that fits
best (chi-square with the density prior) is reported; the others stay listed.

Uncertainties come from the fit's covariance scaled by the reduced chi-square when it exceeds
1; derived quantities are propagated by drawing 2,000 samples from it. The star's own
uncertainties are not included.

Derived: depth (the model's flux drop at mid-transit), T14 duration, inclination, Rp (Earth
radii, from Rp/R* and the star's radius), a (au, from the period and the star's mass),
equilibrium temperature (Bond albedo 0.3 and full redistribution, as the KOI table computes
it), insolation (Earth = 1, from the star's luminosity by Stefan-Boltzmann).
"""

from __future__ import annotations

import math
from dataclasses import dataclass

import numpy as np
from scipy.optimize import least_squares

from .candidates import Candidate
from .model import duration_d, inclination_deg, limb_darkening, transit_flux
from .search import Signal, epochs_with_data
from .star import GM_SUN_KM3_S2, R_EARTH_KM, Star

AU_KM = 149_597_870.7
BOND_ALBEDO = 0.3
DENSITY_PRIOR_DEX = math.log(1.6)
"""1-sigma width of the stellar-density prior, natural log (a factor 1.6)."""
A_RS_PER_DENSITY = 4.2066
"""a/R* = 4.2066 P[d]^(2/3) rho[solar]^(1/3) (Kepler's third law, planet mass neglected)."""


def density_from_orbit(a_rs, period_d):
    """The star's mean density (Sun = 1) that a/R* and the period imply."""
    return (np.asarray(a_rs) / A_RS_PER_DENSITY) ** 3 / np.asarray(period_d) ** 2


def a_rs_for(period_d, density_solar: float):
    """a/R* of a circular orbit of ``period_d`` days around a star of density ``density_solar``."""
    return A_RS_PER_DENSITY * np.asarray(period_d) ** (2.0 / 3.0) * density_solar ** (1.0 / 3.0)


@dataclass(frozen=True)
class FitData:
    """The points one candidate is fitted to: times, detrended flux, its 1-sigma noise."""

    time: np.ndarray
    flux: np.ndarray
    sigma: np.ndarray


def fit_window(
    time: np.ndarray,
    flat: np.ndarray,
    noise: np.ndarray,
    usable: np.ndarray,
    signal: Signal,
    exclude: np.ndarray,
) -> FitData:
    """The points within 2.5 durations (at least 0.3 d) of each of ``signal``'s transits,
    without outliers and other candidates' transits (``exclude``)."""
    half = max(2.5 * signal.duration_d, signal.duration_d + 0.3)
    if signal.single:
        near = np.abs(time - signal.t0_bjd) < half
    else:
        phase = (time - signal.t0_bjd + 0.5 * signal.period_d) % signal.period_d
        near = np.abs(phase - 0.5 * signal.period_d) < half
    keep = near & usable & ~exclude & np.isfinite(flat)
    return FitData(time[keep], flat[keep], noise[keep])


def _single_period_floor(time: np.ndarray, t0: float, duration: float, cadence: float) -> float:
    """The shortest period that puts no other transit of a planet seen once at ``t0`` where
    data exist."""
    span = max(t0 - time[0], time[-1] - t0)
    lo = max(2.0 * duration, 0.5)
    for period in np.geomspace(lo, max(span, lo * 1.01), 400):
        full, part = epochs_with_data(time, period, t0, duration, cadence)
        if len(full) <= 1 and not part:
            return float(period)
    return float(span)


class _Problem:
    """One least-squares problem: parameters -> normalised residuals (with the density prior)."""

    def __init__(
        self,
        data: FitData,
        star: Star,
        u,
        exposure_d: float,
        *,
        single: bool,
        period_fixed: float | None = None,
    ):
        self.data, self.star, self.u, self.exposure = data, star, u, exposure_d
        self.single, self.period_fixed = single, period_fixed
        self.log_density = math.log(star.density_solar)

    def unpack(self, p: np.ndarray) -> dict:
        if self.single:
            t0, rp, b, level = p
            period = self.period_fixed
            a_rs = float(a_rs_for(period, self.star.density_solar))
        elif self.period_fixed is not None:
            t0, rp, a_rs, b, level = p
            period = self.period_fixed
        else:
            t0, period, rp, a_rs, b, level = p
        # the model is even in b: b is free on both sides of 0 (a bound at 0 would stop the
        # solver there, where the gradient in b vanishes), and |b| is reported
        return {
            "t0": t0,
            "period": period,
            "rp_rs": rp,
            "a_rs": a_rs,
            "impact": abs(b),
            "level": level,
        }

    def model(self, p: np.ndarray, time=None) -> np.ndarray:
        v = self.unpack(p)
        time = self.data.time if time is None else time
        return v["level"] * transit_flux(
            time,
            period_d=v["period"],
            t0=v["t0"],
            rp_rs=v["rp_rs"],
            a_rs=v["a_rs"],
            impact=v["impact"],
            u=self.u,
            exposure_d=self.exposure,
        )

    def residuals(self, p: np.ndarray) -> np.ndarray:
        r = (self.data.flux - self.model(p)) / self.data.sigma
        if self.single:
            return r
        v = self.unpack(p)
        prior = math.log(float(density_from_orbit(v["a_rs"], v["period"]))) - self.log_density
        return np.append(r, prior / DENSITY_PRIOR_DEX)


def _solve(problem: _Problem, start: np.ndarray, lower: np.ndarray, upper: np.ndarray):
    start = np.clip(
        start, lower + 1e-9 * np.abs(lower) + 1e-12, upper - 1e-9 * np.abs(upper) - 1e-12
    )
    scale = np.maximum(np.abs(start), 1e-3)
    result = least_squares(
        problem.residuals,
        start,
        bounds=(lower, upper),
        x_scale=scale,
        method="trf",
        xtol=1e-10,
        ftol=1e-10,
        max_nfev=400,
    )
    n_data = len(problem.data.time)
    chi2 = float(np.sum(result.fun**2))
    dof = max(1, n_data - len(start))
    jac = result.jac
    try:
        cov = np.linalg.pinv(jac.T @ jac)
    except np.linalg.LinAlgError:
        cov = np.full((len(start), len(start)), np.nan)
    cov *= max(1.0, chi2 / dof)
    return result.x, cov, chi2, chi2 / dof


def fit_signal(
    signal: Signal,
    data: FitData,
    star: Star,
    *,
    all_time: np.ndarray,
    cadence_d: float,
    band: str = "Kepler",
    name: str = "",
    seed: int = 0,
) -> Candidate:
    """The fitted :class:`~orbitviz.exoplanets.candidates.Candidate` of one search ``signal``
    (see the module)."""
    u = limb_darkening(star.teff_k, star.logg_cgs, band)
    exposure = cadence_d
    rp0 = math.sqrt(max(signal.depth, 1e-6))
    if signal.single:
        problem, x, cov, chi2_red, period_err, shape = _fit_single(
            signal, data, star, u, exposure, all_time, cadence_d
        )
        best_alias = None
    else:
        periods = signal.aliases_d or (signal.period_d,)
        best = None
        for period in periods:
            problem = _Problem(
                data,
                star,
                u,
                exposure,
                single=False,
                period_fixed=period if len(periods) > 1 else None,
            )
            a0 = float(a_rs_for(period, star.density_solar))
            t0 = _nearest_epoch(signal, period)
            if problem.period_fixed is None:
                start = np.array([t0, period, rp0, a0, 0.3, 1.0])
                lower = np.array(
                    [t0 - 0.5 * signal.duration_d, period * 0.999, 1e-3, 1.2, -1.2, 0.99]
                )
                upper = np.array(
                    [t0 + 0.5 * signal.duration_d, period * 1.001, 0.6, 2000.0, 1.2, 1.01]
                )
            else:
                start = np.array([t0, rp0, a0, 0.3, 1.0])
                lower = np.array([t0 - 0.5 * signal.duration_d, 1e-3, 1.2, -1.2, 0.99])
                upper = np.array([t0 + 0.5 * signal.duration_d, 0.6, 2000.0, 1.2, 1.01])
            x, cov, chi2, chi2_red = _solve(problem, start, lower, upper)
            # geometric transit probability favours short periods: prior ~ P^(-2/3)
            score = chi2 + (4.0 / 3.0) * math.log(period)
            if best is None or score < best[3]:
                best = (problem, x, cov, score, chi2_red, period)
        assert best is not None  # periods holds at least one
        problem, x, cov, _, chi2_red, best_alias = best
        if problem.period_fixed is not None:  # the chosen alias, its period now free
            t0, rp, a_rs, b, level = x
            free = _Problem(data, star, u, exposure, single=False)
            start = np.array([t0, best_alias, rp, a_rs, b, level])
            lower = np.array(
                [t0 - 0.5 * signal.duration_d, best_alias * 0.999, 1e-3, 1.2, -1.2, 0.99]
            )
            upper = np.array(
                [t0 + 0.5 * signal.duration_d, best_alias * 1.001, 0.6, 2000.0, 1.2, 1.01]
            )
            problem = free
            x, cov, _, chi2_red = _solve(free, start, lower, upper)
        period_err = shape = None
    return _candidate(
        problem,
        x,
        cov,
        chi2_red,
        signal,
        star,
        u,
        exposure,
        name,
        seed,
        best_alias,
        data,
        period_err,
        shape,
    )


def _fit_single(signal, data, star, u, exposure, all_time, cadence_d):
    """A single transit: the fit at each trial period (a/R* tied to it by the star's density),
    weighted by exp(-chi2 / 2) and a prior ~ P^(-2/3) per log P (the geometric transit
    probability); the period reported is the weighted median, its error half the 16-84 %
    range, the other parameters those of the fit at that period."""
    floor = _single_period_floor(all_time, signal.t0_bjd, signal.duration_d, cadence_d)
    rp0 = math.sqrt(max(signal.depth, 1e-6))

    def profile(periods):
        out = []
        for period in periods:
            problem = _Problem(data, star, u, exposure, single=True, period_fixed=float(period))
            start = np.array([signal.t0_bjd, rp0, 0.3, 1.0])
            out.append((problem, *_solve(problem, start, *_single_bounds(signal))))
        return out

    coarse = np.geomspace(floor, floor * 30.0, 16)
    fits = profile(coarse)
    k = int(np.argmin([f[3] for f in fits]))
    fine = np.geomspace(coarse[max(k - 1, 0)], coarse[min(k + 1, len(coarse) - 1)], 24)
    fits = profile(fine)  # the likelihood is narrow: the coarse grid only brackets it
    periods = fine
    chi2 = np.array([f[3] for f in fits])
    log_w = -0.5 * (chi2 - chi2.min()) - (2.0 / 3.0) * np.log(periods)
    weight = np.exp(log_w - log_w.max())
    cdf = np.cumsum(weight) / weight.sum()
    log_p = np.log(periods)
    median = float(np.exp(np.interp(0.5, cdf, log_p)))
    lo, hi = np.exp(np.interp([0.16, 0.84], cdf, log_p))
    k = int(np.argmin(np.abs(periods - median)))
    problem = _Problem(data, star, u, exposure, single=True, period_fixed=median)
    x, cov, _, chi2_red = _solve(problem, fits[k][1], *_single_bounds(signal))
    # the star's density is known to a factor ~1.6 (the prior of periodic fits); the period of
    # a transit of given shape scales as density^(-1/2): add that in quadrature
    shape = 0.5 * (hi - lo) / median
    relative = math.hypot(shape, 0.5 * DENSITY_PRIOR_DEX)
    return problem, x, cov, chi2_red, float(relative * median), shape


def _single_bounds(signal):
    lower = np.array([signal.t0_bjd - signal.duration_d, 1e-3, -1.2, 0.99])
    upper = np.array([signal.t0_bjd + signal.duration_d, 0.6, 1.2, 1.01])
    return lower, upper


def _nearest_epoch(signal: Signal, period: float) -> float:
    """The mid-time of ``signal``'s first seen transit (an epoch of any of its aliases)."""
    return float(signal.epochs_bjd[0]) if signal.epochs_bjd else signal.t0_bjd


def _candidate(
    problem,
    x,
    cov,
    chi2_red,
    signal,
    star,
    u,
    exposure,
    name,
    seed,
    alias,
    data,
    period_err=None,
    shape=None,
):
    rng = np.random.default_rng(seed)
    good = bool(np.all(np.isfinite(cov)))
    if good:  # symmetric, negative round-off eigenvalues dropped
        values, vectors = np.linalg.eigh(0.5 * (cov + cov.T))
        cov = (vectors * np.maximum(values, 0.0)) @ vectors.T
    draws = (
        rng.multivariate_normal(x, cov, size=2000, method="eigh") if good else np.tile(x, (2, 1))
    )
    v = problem.unpack(x)
    samples = []
    for d in draws:  # the physical region: |b| and |k| (the model is even in both), a transit
        s = problem.unpack(d)
        s["impact"], s["rp_rs"] = abs(s["impact"]), abs(s["rp_rs"])
        if s["impact"] < 1.0 + s["rp_rs"] and s["a_rs"] > 1.0 + s["rp_rs"]:
            samples.append(s)

    def spread(fn) -> float:
        """Half the 16-84 % range of ``fn`` over the draws (a 1-sigma for a Gaussian)."""
        values = np.array([fn(s) for s in samples], dtype=np.float64)
        values = values[np.isfinite(values)]
        if len(values) < 20 or not good:
            return float("nan")
        lo, hi = np.percentile(values, [16, 84])
        return float(0.5 * (hi - lo))

    def depth(s) -> float:
        flux = transit_flux(
            np.array([s["t0"]]),
            period_d=s["period"],
            t0=s["t0"],
            rp_rs=abs(s["rp_rs"]),
            a_rs=s["a_rs"],
            impact=abs(s["impact"]),
            u=u,
        )
        return float(1.0 - flux[0]) * 1e6

    def dur(s) -> float:
        return duration_d(s["period"], abs(s["rp_rs"]), s["a_rs"], abs(s["impact"])) * 24.0

    def incl(s) -> float:
        return inclination_deg(s["a_rs"], abs(s["impact"]))

    period = float(v["period"])
    a_km = (GM_SUN_KM3_S2 * star.mass_msun * (period * 86400.0) ** 2 / (4 * math.pi**2)) ** (1 / 3)
    a_au = a_km / AU_KM
    teq = star.teff_k * math.sqrt(star.radius_km / (2.0 * a_km)) * (1 - BOND_ALBEDO) ** 0.25
    insol = star.luminosity_lsun / a_au**2
    depth_ppm = depth(v)
    in_transit = (
        np.abs(_phase_offset(data.time, v["t0"], period, signal.single)) < 0.5 * dur(v) / 24.0
    )
    noise = float(np.median(data.sigma))
    snr = depth_ppm * 1e-6 / noise * math.sqrt(max(1, int(in_transit.sum())))
    if period_err is None:
        period_err = spread(lambda s: s["period"])
    return Candidate(
        name=name,
        period_d=period,
        period_err_d=period_err,
        t0_bjd=float(v["t0"]),
        t0_err_d=spread(lambda s: s["t0"]),
        rp_rs=float(v["rp_rs"]),
        rp_rs_err=spread(lambda s: s["rp_rs"]),
        a_rs=float(v["a_rs"]),
        # a single transit's shape fixes a/R* about as well as the period (a ~ P^(2/3))
        a_rs_err=spread(lambda s: s["a_rs"]) if shape is None else (2 / 3) * shape * v["a_rs"],
        impact=float(v["impact"]),
        impact_err=spread(lambda s: s["impact"]),
        depth_ppm=depth_ppm,
        depth_err_ppm=spread(depth),
        duration_h=dur(v),
        duration_err_h=spread(dur),
        inclination_deg=incl(v),
        inclination_err_deg=spread(incl),
        rp_earth=float(v["rp_rs"]) * star.radius_km / R_EARTH_KM,
        rp_earth_err=spread(lambda s: s["rp_rs"]) * star.radius_km / R_EARTH_KM,
        a_au=a_au,
        teq_k=teq,
        insol_earth=insol,
        snr=snr,
        sde=signal.sde,
        fap=signal.fap,
        n_transits=signal.n_transits,
        epochs_bjd=signal.epochs_bjd,
        single_event=signal.single,
        partial=signal.partial,
        aliases_d=signal.aliases_d,
        u=u,
        exposure_d=exposure,
        chi2_red=float(chi2_red),
        diagnostics={"alias_chosen_d": alias} if alias is not None and signal.aliases_d else {},
    )


def _phase_offset(time, t0, period, single):
    if single:
        return time - t0
    return (time - t0 + 0.5 * period) % period - 0.5 * period
