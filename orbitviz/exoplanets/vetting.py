"""Vetting: the classic diagnostics of a transit signal, read from its light curve, and how they
combine with the classifier's probability (:mod:`.classifier`) into ``p_planet`` and flags.

Diagnostics
-----------
:func:`diagnose` measures, on the detrended flux around one candidate (its own model as the
template, the other candidates' transits masked):

- **odd/even**: the depth of the odd transits against the even ones. An eclipsing binary
  found at half its period alternates primary and secondary eclipses; a planet does not.
- **secondary eclipse** at phase 0.5 (circular orbit): its depth and significance, and the
  most a planet could give there (geometric albedo 1 plus the thermal glow of a dayside at
  ``Teff / sqrt(a/R*) * (2/3)**0.25``, Kepler's band). Deeper than that: the companion shines
  by itself, a star.
- **another dip** elsewhere in phase (an eccentric binary's secondary): the strongest
  box-shaped dip over all phases but the transit's and 0.5, and whether it is seen in both
  halves of the data (it repeats) and is deeper than a planet's secondary can be.
- **V shape**: the share of the transit spent in ingress and egress, from the fit
  (``impact``, ``rp_rs``); 1 for a grazing transit, which has no flat bottom.
- **too deep for a planet**: an implied radius above 25 Earth radii (2.2 Jupiter radii; the
  largest inflated hot Jupiters reach about 2) or ``rp_rs`` above 0.3.
- **single transit**: one transit in the data (its period is a guess from its shape).
- **stellar density**: the density a/R* and P imply (circular orbit) against the star's;
  3 times off and 3 sigma off (with 0.15 dex for the star's own density) is flagged: an
  eccentric orbit, a wrong period, or a transit of another, blended star.
- **depths differ between transits** (chi-square over single-transit depths).
- **transit next to a data gap**: less than 80 % of a transit and its surroundings (one
  duration either side) observed; dips at the edges of gaps are often systematics (thermal
  settling after a safe mode or a downlink).

Uncertainties use the out-of-transit scatter (``flux_err`` rescaled to it) inflated by the
red noise on the transit's timescale (Pont, Zucker & Queloz 2006's beta).

How the diagnostics and the probability combine
-----------------------------------------------
Four diagnostics are **eclipsing-binary signs** (:data:`EB_SIGNS`): odd and even depths that
differ by 3 sigma or more; a secondary eclipse at phase 0.5 brighter (by 3 sigma) than any
planet can be; a dip elsewhere in phase, 6 sigma or more, in both halves of the data and
brighter than any planet's secondary (an eccentric binary); and a depth too deep for a
planet. :func:`vet` then caps ``p_planet`` at the fraction of KOIs the Kepler robovetter
flagged as stellar eclipses (``koi_fpflag_ss``: a significant secondary, odd/even
differences, a V shape or too deep) that were confirmed planets nonetheless: 14 of 2,224, so
0.006. The cap is an empirical number from the same table, never a feature: the classifier
never sees the flags. The classifier's own probability stays in
``diagnostics["p_classifier"]``, and the first flag says what happened:
``"eclipsing binary? p_planet capped at 0.006 (classifier 0.41)"``, followed by the signs.
Every other diagnostic is a caution: shown in the flags (after the signs), p_planet untouched.

So ``p_planet`` means: the probability that the signal is a planet, calibrated on the KOI
table's CONFIRMED / FALSE POSITIVE dispositions for signals with these fitted parameters on
this star (:mod:`.classifier`), capped when the light curve shows an eclipsing binary. It is
not a statistical validation: no pixel data (centroid shifts) and no follow-up are in it.

Kepler-90 d, from the KOI table's own parameters, through the Candidate path:

>>> from orbitviz.exoplanets.classifier import p_planet
>>> d, star = koi_candidate("Kepler-90 d")
>>> round(d.rp_rs, 4), round(d.a_rs, 1), d.n_transits
(0.0217, 58.3, 22)
>>> p_planet(d, star) > 0.95
True
"""

from __future__ import annotations

import math
from dataclasses import replace

import numpy as np
import pandas as pd

from ..errors import TransitError
from . import classifier
from .candidates import Candidate
from .catalogs import koi_star, koi_table
from .lightcurve import BKJD_OFFSET, robust_std
from .model import duration_d, inclination_deg, limb_darkening, occulted, transit_flux
from .star import GM_SUN_KM3_S2, R_EARTH_KM, R_SUN_KM, Star

ODD_EVEN_SIGMA = 3.0
"""Odd and even depths this many sigma apart: an eclipsing-binary sign."""
SECONDARY_SIGMA = 3.0
"""A secondary eclipse this significant is reported; this many sigma brighter than a planet
can be, it is an eclipsing-binary sign."""
OTHER_DIP_SIGMA = 6.0
"""A dip elsewhere in phase this significant (after the look-elsewhere of some hundred
trial phases) is reported."""
TOO_DEEP_RP_EARTH = 25.0
TOO_DEEP_RP_RS = 0.3
V_SHAPE_RATIO = 0.9
"""Ingress plus egress over the whole transit at or above this: V-shaped."""
DENSITY_FACTOR = 3.0
DENSITY_SIGMA = 3.0
STAR_DENSITY_DEX = 0.15
"""The uncertainty of a catalog star's mean density (log10) assumed when comparing."""
DEPTHS_P_MIN = 1e-3
"""Single-transit depths whose chi-square probability is below this differ."""
GAP_COVERAGE = 0.8
KEPLER_LONG_CADENCE_D = 29.4244 / 1440.0
KEPLER_BAND_UM = np.linspace(0.43, 0.89, 24)
"""Wavelengths (micron) averaged over for a planet's thermal glow in Kepler's band."""
EB_SIGNS = ("odd_even", "secondary", "other_dip", "too_deep")
"""The diagnostics that cap p_planet (see the module's docstring)."""


# -- helpers -----------------------------------------------------------------------------------
def planet_secondary_max_ppm(rp_rs: float, a_rs: float, teff_k: float) -> float:
    """The deepest secondary eclipse a planet can give (ppm): reflection with geometric albedo
    1 plus the thermal glow of a zero-albedo dayside that keeps its heat
    (``T = Teff * sqrt(R*/a) * (2/3)**0.25``), Planck ratio averaged over Kepler's band.

    >>> round(planet_secondary_max_ppm(0.0217, 58.3, 5970.0), 2)      # Kepler-90 d
    0.14
    >>> round(planet_secondary_max_ppm(0.0826, 7.22, 5933.0))    # Kepler-7 b (measured: 44)
    139
    """
    reflected = (rp_rs / a_rs) ** 2
    t_day = teff_k * math.sqrt(1.0 / a_rs) * (2.0 / 3.0) ** 0.25
    c2 = 14387.77  # h c / k, micron K
    with np.errstate(over="ignore"):
        ratio = np.expm1(c2 / (KEPLER_BAND_UM * teff_k)) / np.expm1(c2 / (KEPLER_BAND_UM * t_day))
    return 1e6 * (reflected + rp_rs**2 * float(np.mean(ratio)))


def red_noise_beta(time_d: np.ndarray, resid: np.ndarray, width_d: float) -> float:
    """How much more the scatter of bins of ``width_d`` days is than white noise predicts
    (Pont et al. 2006's beta, the median over half, one and two widths), at least 1."""
    betas = []
    for w in (0.5 * width_d, width_d, 2.0 * width_d):
        if not (w > 0 and len(time_d) > 10):
            continue
        index = np.floor((time_d - time_d[0]) / w).astype(np.int64)
        counts = np.bincount(index)
        sums = np.bincount(index, weights=resid)
        full = counts >= max(2, 0.5 * np.median(counts[counts > 0]))
        if full.sum() < 5:
            continue
        means, n = sums[full] / counts[full], float(np.mean(counts[full]))
        m = full.sum()
        white = np.std(resid) / math.sqrt(n) * math.sqrt(m / (m - 1.0))
        if white > 0:
            betas.append(float(np.std(means) / white))
    return max(1.0, float(np.median(betas))) if betas else 1.0


def stellar_density_from_transit(period_d: float, a_rs: float) -> float:
    """The mean density (Sun = 1) a circular orbit of ``a_rs`` stellar radii and ``period_d``
    days implies (planet's mass neglected).

    >>> round(stellar_density_from_transit(365.25636, 215.03), 2)
    1.0
    """
    seconds = period_d * 86400.0
    a_rs_sun = (GM_SUN_KM3_S2 * seconds**2 / (4.0 * math.pi**2)) ** (1.0 / 3.0) / R_SUN_KM
    return (a_rs / a_rs_sun) ** 3


def _epoch_amplitudes(epoch, dip, template, weight, beta):
    """Per-epoch least-squares amplitude of ``template`` in ``dip`` (``dip = A * template``)
    and its error: arrays over ``epoch``'s unique values, plus those values."""
    keys, index = np.unique(epoch, return_inverse=True)
    tt = np.bincount(index, weights=weight * template * template, minlength=len(keys))
    td = np.bincount(index, weights=weight * template * dip, minlength=len(keys))
    with np.errstate(divide="ignore", invalid="ignore"):
        amp = np.where(tt > 0, td / tt, np.nan)
        err = np.where(tt > 0, beta / np.sqrt(tt), np.inf)
    return keys, amp, err, tt, td


def _combined(tt, td, beta, select):
    total = float(tt[select].sum())
    if total <= 0:
        return float("nan"), float("inf")
    return float(td[select].sum()) / total, beta / math.sqrt(total)


def _local_dip(flux, offset, half_d, epoch, usable):
    """1 - flux relative to each epoch's own baseline: the mean flux between 0.75 and 2
    durations (``2 * half_d``) from the transit's middle."""
    ring = usable & (np.abs(offset) > 1.5 * half_d) & (np.abs(offset) < 4.0 * half_d)
    keys, index = np.unique(epoch, return_inverse=True)
    n = np.bincount(index, weights=ring.astype(float), minlength=len(keys))
    s = np.bincount(index, weights=np.where(ring, flux, 0.0), minlength=len(keys))
    baseline = np.where(n >= 3, s / np.maximum(n, 1), 1.0)
    return baseline[index] - flux


def _other_dip(t, flux, weight, t0, period, t14, beta) -> dict:
    """The strongest box-shaped dip, a transit's duration wide, at any phase of ``period`` but
    the transit's own and 0.5 (points in transit already left out): its phase, depth and
    error (ppm), significance, and the lesser significance of the dip in the first and the
    second half of the data (a dip that repeats is seen in both)."""
    found = dict.fromkeys(
        ("other_dip_phase", "other_dip_ppm", "other_dip_err_ppm", "other_dip_sigma"), np.nan
    )
    found["other_dip_halves_sigma"] = np.nan
    width = t14 / period
    if not (width < 0.1 and len(t) > 10):
        return found
    phase = ((t - t0) / period) % 1.0
    order = np.argsort(phase)
    ph, r, w = phase[order], 1.0 - flux[order], weight[order]
    cw = np.r_[0.0, np.cumsum(w)]
    cr = np.r_[0.0, np.cumsum(w * r)]
    centres = np.arange(width, 1.0 - width, width / 4.0)
    centres = centres[np.abs(centres - 0.5) > width]
    lo = np.searchsorted(ph, centres - 0.5 * width)
    hi = np.searchsorted(ph, centres + 0.5 * width)
    total = cw[hi] - cw[lo]
    ok = total > 0
    if not ok.any():
        return found
    amp = (cr[hi] - cr[lo])[ok] / total[ok]
    err = beta / np.sqrt(total[ok])
    best = int(np.argmax(amp / err))
    centre = float(centres[ok][best])
    box = np.abs((phase - centre + 0.5) % 1.0 - 0.5) < 0.5 * width
    halves = []
    for half in (t < np.median(t), t >= np.median(t)):
        wb = weight[box & half]
        total_half = float(wb.sum())
        amp_half = float(np.sum(wb * (1.0 - flux[box & half]))) / total_half if total_half else 0
        halves.append(amp_half * math.sqrt(total_half) / beta if total_half else 0.0)
    found.update(
        other_dip_phase=centre,
        other_dip_ppm=1e6 * float(amp[best]),
        other_dip_err_ppm=1e6 * float(err[best]),
        other_dip_sigma=float(amp[best] / err[best]),
        other_dip_halves_sigma=float(min(halves)),
    )
    return found


# -- the diagnostics ---------------------------------------------------------------------------
def diagnose(
    time_bjd, flat, flux_err, candidate: Candidate, star: Star, *, others_mask=None
) -> tuple[dict, tuple[str, ...]]:
    """The diagnostics of ``candidate`` in the detrended light curve (``time_bjd``, ``flat``
    normalised to 1, ``flux_err`` or None): ``(numbers, flags)``. ``others_mask`` (N,) is true
    where other signals' transits are (left out). Flags are phrases for a report, the
    eclipsing-binary signs (``numbers["eb_signs"]`` names them) first."""
    t = np.asarray(time_bjd, dtype=np.float64)
    f = np.asarray(flat, dtype=np.float64)
    e = np.full_like(f, np.nan) if flux_err is None else np.asarray(flux_err, dtype=np.float64)
    others = np.zeros(len(t), bool) if others_mask is None else np.asarray(others_mask, bool)
    if not (t.ndim == 1 and f.shape == t.shape == e.shape == others.shape):
        raise TransitError(
            f"vetting {candidate.name}: time_bjd, flat, flux_err and others_mask must be 1-D "
            f"arrays of one length (got {t.shape}, {f.shape}, {e.shape}, {others.shape})"
        )
    order = np.argsort(t, kind="stable")
    t, f, e, others = t[order], f[order], e[order], others[order]
    period = float(candidate.period_d)
    periodic = not candidate.single_event and math.isfinite(period) and period > 0
    t14 = candidate.duration_h / 24.0
    if not (math.isfinite(t14) and t14 > 0):
        t14 = duration_d(period, candidate.rp_rs, candidate.a_rs, candidate.impact)
    if not (math.isfinite(t14) and t14 > 0):
        raise TransitError(
            f"vetting {candidate.name}: its duration ({candidate.duration_h!r} h) and its fit "
            "(rp_rs, a_rs, impact) give no transit; fit the candidate before vetting it"
        )
    half = 0.5 * t14
    finite = np.isfinite(t) & np.isfinite(f)
    usable = finite & ~others
    if periodic:
        epoch = np.round((t - candidate.t0_bjd) / period)
        offset = t - candidate.t0_bjd - epoch * period
    else:
        epoch = np.zeros_like(t)
        offset = t - candidate.t0_bjd
    oot = usable & (np.abs(offset) > t14)
    if oot.sum() < 20:
        raise TransitError(
            f"vetting {candidate.name}: only {int(oot.sum())} points outside its transits; "
            "give the light curve around the transits, not just the transits"
        )
    noise = robust_std(f[oot])
    err_scale = np.nanmedian(e[oot]) if np.isfinite(e[oot]).any() else np.nan
    if math.isfinite(err_scale) and err_scale > 0:
        sigma = np.where(np.isfinite(e) & (e > 0), e * (noise / err_scale), noise)
    else:
        sigma = np.full_like(f, noise)
    weight = np.where(usable, 1.0 / sigma**2, 0.0)
    beta = red_noise_beta(t[oot], f[oot] - np.median(f[oot]), t14)
    numbers: dict = {"noise_ppm": 1e6 * noise, "red_noise_beta": beta}
    cautions: list[tuple[str, str]] = []
    signs: list[tuple[str, str]] = []

    # coverage: transits with data, and those next to gaps (every finite point counts here)
    cadence = float(np.median(np.diff(t[finite]))) if finite.sum() > 1 else t14
    if periodic:
        first = math.floor((t[finite][0] - candidate.t0_bjd) / period)
        last = math.ceil((t[finite][-1] - candidate.t0_bjd) / period)
        mid_epochs = np.arange(first, last + 1, dtype=np.float64)
    else:
        mid_epochs = np.zeros(1)
    mids = candidate.t0_bjd + (period * mid_epochs if periodic else np.zeros(1))
    tf = t[finite]
    in_transit = np.searchsorted(tf, mids + half) - np.searchsorted(tf, mids - half)
    around = np.searchsorted(tf, mids + t14) - np.searchsorted(tf, mids - t14)
    transit_cover = in_transit * cadence / t14
    window_cover = around * cadence / (2.0 * t14)
    observed = mids[transit_cover >= 0.5]
    numbers["n_transits_observed"] = len(observed)
    numbers["transits_bjd"] = [round(float(m), 5) for m in observed]
    edge = (in_transit > 0) & (window_cover < GAP_COVERAGE)
    numbers["next_to_gap_bjd"] = [round(float(m), 5) for m in mids[edge]]
    if edge.any():
        listed = ", ".join(f"{m:.2f}" for m in mids[edge][:3]) + (", ..." if edge.sum() > 3 else "")
        cautions.append(
            (
                "gap",
                f"{int(edge.sum())} of {int((in_transit > 0).sum())} transits next to a data "
                f"gap (BJD {listed}; at worst {100 * window_cover[edge].min():.0f}% of a "
                "transit and its surroundings observed)",
            )
        )

    # the candidate's own transits: template 1 at the middle of a transit
    model = 1.0 - candidate.flux(t)
    centre = 1.0 - float(candidate.flux(np.array([candidate.t0_bjd]))[0])
    template = model / centre if centre > 0 else model
    dip = _local_dip(f, offset, half, epoch, usable)
    keys, amp, err, tt, td = _epoch_amplitudes(
        epoch, np.where(usable, dip, 0.0), template, weight, beta
    )
    depth, depth_err = _combined(tt, td, beta, np.ones(len(keys), bool))
    numbers["depth_measured_ppm"] = 1e6 * depth
    numbers["depth_measured_err_ppm"] = 1e6 * depth_err
    seen = np.isfinite(amp) & np.isin(keys, mid_epochs[transit_cover >= 0.5])

    # odd / even
    numbers.update(depth_odd_ppm=np.nan, depth_even_ppm=np.nan, odd_even_sigma=np.nan)
    if periodic:
        odd = (keys % 2 == 1) & seen
        even = (keys % 2 == 0) & seen
        if odd.any() and even.any():
            a_odd, e_odd = _combined(tt, td, beta, odd)
            a_even, e_even = _combined(tt, td, beta, even)
            sig = abs(a_odd - a_even) / math.hypot(e_odd, e_even)
            numbers.update(
                depth_odd_ppm=1e6 * a_odd,
                depth_odd_err_ppm=1e6 * e_odd,
                depth_even_ppm=1e6 * a_even,
                depth_even_err_ppm=1e6 * e_even,
                odd_even_sigma=sig,
            )
            if sig >= ODD_EVEN_SIGMA:
                signs.append(
                    (
                        "odd_even",
                        f"odd/even depths differ by {sig:.1f} sigma ({1e6 * a_odd:,.0f} "
                        f"against {1e6 * a_even:,.0f} ppm)",
                    )
                )

    # single-transit depths agree?
    numbers["depths_chi2"], numbers["depths_p"] = np.nan, np.nan
    if seen.sum() >= 2:
        from scipy.stats import chi2

        a, s = amp[seen], err[seen]
        mean = np.sum(a / s**2) / np.sum(1 / s**2)
        value = float(np.sum(((a - mean) / s) ** 2))
        p = float(chi2.sf(value, seen.sum() - 1))
        numbers["depths_chi2"], numbers["depths_p"] = value, p
        if p < DEPTHS_P_MIN:
            cautions.append(
                (
                    "depths",
                    f"depths differ between transits (chi2 {value:.0f} for {int(seen.sum())} "
                    "transits)",
                )
            )

    # secondary eclipse at phase 0.5 (circular orbit), against what a planet can give
    numbers.update(secondary_depth_ppm=np.nan, secondary_sigma=np.nan)
    numbers["secondary_max_planet_ppm"] = planet_secondary_max_ppm(
        candidate.rp_rs, candidate.a_rs, star.teff_k
    )
    if periodic:
        t_sec = t - 0.5 * period
        occultation = 1.0 - transit_flux(
            t_sec,
            period_d=period,
            t0=candidate.t0_bjd,
            rp_rs=candidate.rp_rs,
            a_rs=candidate.a_rs,
            impact=candidate.impact,
            u=(0.0, 0.0),
            exposure_d=candidate.exposure_d,
        )
        full = 1.0 - float(occulted(np.array([candidate.impact]), candidate.rp_rs, (0.0, 0.0))[0])
        template2 = occultation / full if full > 0 else occultation
        epoch2 = np.round((t_sec - candidate.t0_bjd) / period)
        offset2 = t_sec - candidate.t0_bjd - epoch2 * period
        usable2 = usable & (np.abs(offset) > t14)
        dip2 = _local_dip(f, offset2, half, epoch2, usable2)
        w2 = np.where(usable2, weight, 0.0)
        _, _, _, tt2, td2 = _epoch_amplitudes(
            epoch2, np.where(usable2, dip2, 0.0), template2, w2, beta
        )
        a2, e2 = _combined(tt2, td2, beta, np.ones(len(tt2), bool))
        if math.isfinite(a2):
            sig2 = a2 / e2
            limit = numbers["secondary_max_planet_ppm"]
            numbers.update(
                secondary_depth_ppm=1e6 * a2,
                secondary_err_ppm=1e6 * e2,
                secondary_sigma=sig2,
                secondary_albedo=a2 / (candidate.rp_rs / candidate.a_rs) ** 2,
            )
            if sig2 >= SECONDARY_SIGMA:
                text = f"secondary eclipse {1e6 * a2:,.0f} ppm at {sig2:.1f} sigma"
                if (1e6 * a2 - limit) / (1e6 * e2) >= SECONDARY_SIGMA:
                    signs.append(("secondary", f"{text} (a planet gives at most {limit:,.0f} ppm)"))
                else:
                    cautions.append(("secondary_planet", f"{text} (as a planet can give)"))

        # the strongest box-shaped dip elsewhere in phase (an eccentric binary's secondary)
        keep = usable & (np.abs(offset) > t14)
        dip3 = _other_dip(t[keep], f[keep], weight[keep], candidate.t0_bjd, period, t14, beta)
        numbers.update(dip3)
        sig3 = dip3["other_dip_sigma"]
        if sig3 >= OTHER_DIP_SIGMA:
            limit = numbers["secondary_max_planet_ppm"]
            text = (
                f"another dip at phase {dip3['other_dip_phase']:.2f} "
                f"({dip3['other_dip_ppm']:,.0f} ppm at {sig3:.1f} sigma"
            )
            too_bright = (dip3["other_dip_ppm"] - limit) / dip3["other_dip_err_ppm"]
            if too_bright >= SECONDARY_SIGMA and dip3["other_dip_halves_sigma"] >= SECONDARY_SIGMA:
                signs.append(
                    (
                        "other_dip",
                        f"{text}, in both halves of the data; a planet gives at most "
                        f"{limit:,.0f} ppm): an eccentric eclipsing binary",
                    )
                )
            else:
                cautions.append(("other_dip", f"{text}): an eccentric binary, or another planet"))

    # shape: the share of ingress and egress (1: grazing, no flat bottom)
    t14_fit = duration_d(period, candidate.rp_rs, candidate.a_rs, candidate.impact)
    t23_fit = duration_d(period, -candidate.rp_rs, candidate.a_rs, candidate.impact)
    ratio = (t14_fit - t23_fit) / t14_fit if t14_fit > 0 else float("nan")
    grazing = candidate.impact + candidate.rp_rs > 1.0
    numbers.update(ingress_egress_ratio=ratio, grazing=bool(grazing))
    if ratio >= V_SHAPE_RATIO:
        how = "grazing" if grazing else "ingress and egress"
        cautions.append(
            (
                "v_shape",
                f"V-shaped ({how}: b = {candidate.impact:.2f}, Rp/R* = {candidate.rp_rs:.3f})",
            )
        )

    # too deep for a planet
    numbers.update(rp_earth=candidate.rp_earth, rp_rs=candidate.rp_rs)
    if candidate.rp_earth > TOO_DEEP_RP_EARTH or candidate.rp_rs > TOO_DEEP_RP_RS:
        signs.append(
            (
                "too_deep",
                f"too deep for a planet (R = {candidate.rp_earth:.0f} Earth radii, "
                f"Rp/R* = {candidate.rp_rs:.2f})",
            )
        )

    # single transit
    single = candidate.single_event or len(observed) == 1
    numbers["single_transit"] = bool(single)
    if single:
        cautions.append(("single", "single transit"))

    # stellar density (periodic only: a single transit's period comes from the density)
    numbers.update(density_transit_solar=np.nan, density_ratio=np.nan, density_sigma=np.nan)
    if periodic and not candidate.single_event:
        rho = stellar_density_from_transit(period, candidate.a_rs)
        ratio_rho = rho / star.density_solar
        rel = candidate.a_rs_err / candidate.a_rs if candidate.a_rs > 0 else np.inf
        rel = rel if math.isfinite(rel) else 0.0
        sigma_dex = math.hypot(3.0 * rel / math.log(10.0), STAR_DENSITY_DEX)
        dex = math.log10(ratio_rho)
        numbers.update(
            density_transit_solar=rho,
            density_star_solar=star.density_solar,
            density_ratio=ratio_rho,
            density_sigma=abs(dex) / sigma_dex,
        )
        if abs(dex) >= math.log10(DENSITY_FACTOR) and abs(dex) / sigma_dex >= DENSITY_SIGMA:
            cautions.append(
                (
                    "density",
                    f"the transit implies a stellar density {ratio_rho:.2g} times the star's "
                    f"({abs(dex) / sigma_dex:.1f} sigma): an eccentric orbit, a wrong period, "
                    "or another star",
                )
            )

    numbers["eb_signs"] = tuple(kind for kind, _ in signs)
    numbers["cautions"] = tuple(kind for kind, _ in cautions)
    return numbers, tuple(text for _, text in signs + cautions)


# -- diagnostics and probability together ------------------------------------------------------
def transit_window(time_bjd, candidate: Candidate, widen: float = 2.0) -> np.ndarray:
    """True within ``widen`` durations (centred) of each of ``candidate``'s transits."""
    t = np.asarray(time_bjd, dtype=np.float64)
    half = 0.5 * widen * candidate.duration_h / 24.0
    if candidate.single_event or not (candidate.period_d > 0):
        return np.abs(t - candidate.t0_bjd) < half
    offset = (t - candidate.t0_bjd + 0.5 * candidate.period_d) % candidate.period_d
    return np.abs(offset - 0.5 * candidate.period_d) < half


def vet(time_bjd, flat, flux_err, candidates, star: Star, *, mask=None, vetting_model=None) -> list:
    """``candidates`` with ``p_planet``, ``flags`` and ``diagnostics`` filled in: each one's
    diagnostics (the others' transits masked), the classifier's probability, capped when an
    eclipsing-binary sign is found (see the module's docstring). ``mask`` (N,): points left
    out of every candidate's diagnostics (transits of known planets that are not among the
    candidates, flares); they do not count as gaps. ``vetting_model``: a
    :class:`~orbitviz.exoplanets.classifier.VettingModel` (default: the cached one)."""
    candidates = list(candidates)
    trained = vetting_model or classifier.model()
    cap = float(trained.metrics["eb_sign_planet_rate"])
    windows = [transit_window(time_bjd, c) for c in candidates]
    vetted = []
    n = len(np.asarray(time_bjd))
    for i, candidate in enumerate(candidates):
        others = np.zeros(n, bool) if mask is None else np.array(mask, dtype=bool)
        for j, window in enumerate(windows):
            if j != i:
                others |= window
        try:
            numbers, flags = diagnose(time_bjd, flat, flux_err, candidate, star, others_mask=others)
        except TransitError as exc:  # one candidate's bad fit must not stop the others
            numbers = {"eb_signs": (), "cautions": ("not_diagnosed",)}
            flags = (f"no light-curve diagnostics: {exc}",)
        try:
            p = trained.p_planet(candidate, star)
        except TransitError as exc:
            p, flags = None, (f"not vetted by the classifier: {exc}", *flags)
        numbers["p_classifier"] = p
        numbers["p_cap"] = cap
        if p is not None and numbers["eb_signs"]:
            capped = min(p, cap)
            flags = (f"eclipsing binary? p_planet capped at {cap:.3f} (classifier {p:.2f})", *flags)
            p = capped
        vetted.append(
            replace(
                candidate,
                p_planet=p,
                flags=(*candidate.flags, *flags),
                diagnostics={**candidate.diagnostics, **numbers},
            )
        )
    return shared_periods(vetted, cap)


def shared_periods(candidates: list[Candidate], cap: float) -> list[Candidate]:
    """Two candidates on one period, the second half an orbit (0.3-0.7 in phase: eccentric
    orbits move it) after the first, are one eclipsing binary's primary and secondary
    eclipses, not two planets: both get that eclipsing-binary sign and their ``p_planet``
    capped at ``cap`` (planets on one orbit would collide)."""
    out = list(candidates)
    for i, a in enumerate(candidates):
        for j, b in enumerate(candidates):
            if j <= i or a.single_event or b.single_event:
                continue
            if abs(a.period_d / b.period_d - 1.0) > 2e-3:
                continue
            phase = ((b.t0_bjd - a.t0_bjd) / a.period_d) % 1.0
            if not 0.3 <= phase <= 0.7:
                continue
            deep, shallow = (i, j) if a.depth_ppm >= b.depth_ppm else (j, i)
            pair = {deep: candidates[shallow].name, shallow: candidates[deep].name}
            for k, other in pair.items():
                c = out[k]
                role = "secondary" if k == shallow else "primary"
                flag = (
                    f"eclipsing binary: the {role} eclipse of the period candidate {other} "
                    f"also shows (phase {phase:.2f} apart); p_planet capped at {cap:.3f}"
                )
                signs = tuple(c.diagnostics.get("eb_signs", ())) + ("shared_period",)
                p = None if c.p_planet is None else min(c.p_planet, cap)
                out[k] = replace(
                    c,
                    p_planet=p,
                    flags=(flag, *c.flags),
                    diagnostics={**c.diagnostics, "eb_signs": signs},
                )
    return out


# -- a KOI as a candidate ----------------------------------------------------------------------
def a_rs_from_duration(period_d: float, duration_h: float, impact: float, rp_rs: float) -> float:
    """The a/R* of a circular orbit with this total duration T14, impact parameter and
    ``rp_rs`` (the inverse of :func:`~orbitviz.exoplanets.model.duration_d`); NaN when the
    planet would miss the star.

    >>> from orbitviz.exoplanets.model import duration_d
    >>> round(a_rs_from_duration(10.0, 24 * duration_d(10.0, 0.05, 20.0, 0.4), 0.4, 0.05), 6)
    20.0
    """
    chord = (1.0 + rp_rs) ** 2 - impact**2
    s = math.sin(math.pi * duration_h / 24.0 / period_d)
    if not (chord > 0 and s > 0):
        return float("nan")
    return math.sqrt(impact**2 + chord / s**2)


def koi_candidate(
    name: str, *, exposure_d: float = KEPLER_LONG_CADENCE_D
) -> tuple[Candidate, Star]:
    """A KOI of the KOI table (``"K00351.03"`` or ``"Kepler-90 d"``) as a :class:`Candidate`
    with its host :class:`Star` (parameters from the table): period, T0, depth, duration,
    impact, radius, SNR as the table gives them; ``rp_rs`` from the planet's and the star's
    radius; ``a_rs`` from the duration, impact and ``rp_rs`` (circular orbit), as a fit would
    give it; ``n_transits`` the number Kepler's four years hold
    (:func:`~orbitviz.exoplanets.classifier.kepler_transits`: the table's SNR is from all of
    them)."""
    table = koi_table()
    rows = table[(table["kepoi_name"] == name) | (table["kepler_name"] == name)]
    if rows.empty:
        raise TransitError(
            f"{name!r} is not a KOI of the KOI table: give its KOI name (K00351.03) or its "
            "Kepler name (Kepler-90 d)"
        )
    row = rows.iloc[0]
    kepid = int(row["kepid"])
    star = Star.resolve(f"KIC {kepid}", catalog=koi_star(kepid))

    def value(column: str) -> float:
        v = row[column]
        return float(v) if pd.notna(v) else float("nan")

    def err(column: str) -> float:
        return 0.5 * (abs(value(f"{column}_err1")) + abs(value(f"{column}_err2")))

    period, impact, duration_h = value("koi_period"), value("koi_impact"), value("koi_duration")
    rp_earth = value("koi_prad")
    rp_rs = rp_earth * R_EARTH_KM / star.radius_km
    a_rs = a_rs_from_duration(period, duration_h, impact, rp_rs)
    if not math.isfinite(a_rs):
        a_rs, a_rs_err = star.a_rs(period), float("nan")
    else:  # the impact's and the duration's errors, propagated (one-sided near grazing)
        db, dt = err("koi_impact"), err("koi_duration")
        shifts = (
            (impact + db, duration_h),
            (max(0.0, impact - db), duration_h),
            (impact, duration_h + dt),
            (impact, max(1e-3, duration_h - dt)),
        )
        moved = [abs(a_rs_from_duration(period, d, b, rp_rs) - a_rs) for b, d in shifts]
        by_impact = [m for m in moved[:2] if math.isfinite(m)]
        by_duration = [m for m in moved[2:] if math.isfinite(m)]
        a_rs_err = math.hypot(
            float(np.mean(by_impact)) if by_impact else 0.0,
            float(np.mean(by_duration)) if by_duration else 0.0,
        )
    n_transits = round(float(classifier.kepler_transits(period)))
    return (
        Candidate(
            name=str(row["kepler_name"])
            if pd.notna(row["kepler_name"])
            else str(row["kepoi_name"]),
            period_d=period,
            period_err_d=err("koi_period"),
            t0_bjd=value("koi_time0bk") + BKJD_OFFSET,
            t0_err_d=err("koi_time0bk"),
            rp_rs=rp_rs,
            rp_rs_err=rp_rs * err("koi_prad") / rp_earth,
            a_rs=a_rs,
            a_rs_err=a_rs_err,
            impact=impact,
            impact_err=err("koi_impact"),
            depth_ppm=value("koi_depth"),
            depth_err_ppm=err("koi_depth"),
            duration_h=duration_h,
            duration_err_h=err("koi_duration"),
            inclination_deg=inclination_deg(a_rs, impact),
            inclination_err_deg=float("nan"),
            rp_earth=rp_earth,
            rp_earth_err=err("koi_prad"),
            a_au=a_rs * star.radius_km / 149_597_870.7,
            teq_k=value("koi_teq"),
            insol_earth=value("koi_insol"),
            snr=value("koi_model_snr"),
            sde=float("nan"),
            fap=float("nan"),
            n_transits=n_transits,
            epochs_bjd=(),
            single_event=False,
            u=limb_darkening(star.teff_k, star.logg_cgs),
            exposure_d=exposure_d,
        ),
        star,
    )
