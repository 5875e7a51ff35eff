"""The whole transit analysis of one star: files in, fitted and vetted candidates out.

>>> from orbitviz import data
>>> files = [data.fetch(n) for n in ("kplr011442793-2009350155506_llc.fits",
...          "kplr011442793-2010009091648_llc.fits", "kplr011442793-2010174085026_llc.fits")]
>>> result = analyze(files)                                # doctest: +SKIP
"""

from __future__ import annotations

import math
import os
from collections.abc import Callable, Iterable
from dataclasses import replace

import numpy as np

from ..errors import TransitError
from .candidates import Candidate, TransitResult
from .catalogs import kepid_of, koi_planets, koi_star
from .fit import fit_signal, fit_window
from .lightcurve import BKJD_OFFSET, LightCurve
from .readers import read_lightcurves
from .search import SearchSettings, search, transit_mask
from .star import Star
from .vetting import vet

Progress = Callable[[str], None]


def resolve_star(
    lc: LightCurve,
    star: str | int | None = None,
    *,
    teff: float | None = None,
    radius: float | None = None,
    logg: float | None = None,
    mass: float | None = None,
) -> tuple[Star, int | None]:
    """The host star (options first, then the KOI table when ``star`` names one, then the
    FITS header, then guessed) and its KIC number when known (from ``star`` or the files)."""
    given = {"teff_k": teff, "radius_rsun": radius, "logg_cgs": logg, "mass_msun": mass}
    given = {k: v for k, v in given.items() if v is not None}
    catalog = None
    kepid = None
    if star is not None:
        kepid = kepid_of(star)
        catalog = koi_star(kepid)
        name = f"KIC {kepid}"
    else:
        name = lc.target
        if lc.target.startswith("KIC "):
            kepid = int(lc.target.split()[1])
    return Star.resolve(name, given=given, catalog=catalog, header=lc.header_star), kepid


def analyze(
    files: Iterable[str | os.PathLike] | LightCurve,
    *,
    star: str | int | None = None,
    teff: float | None = None,
    radius: float | None = None,
    logg: float | None = None,
    mass: float | None = None,
    time_format: str | None = None,
    settings: SearchSettings | None = None,
    vet: bool = True,
    progress: Progress | None = None,
) -> TransitResult:
    """Read ``files`` (or take a :class:`LightCurve`), find the transits, fit and vet each
    candidate. ``star`` (a KIC number or a name in the KOI table) and ``teff``, ``radius``,
    ``logg``, ``mass`` give the star's parameters (see :func:`resolve_star`)."""
    say = progress or (lambda text: None)
    lc = (
        files if isinstance(files, LightCurve) else read_lightcurves(files, time_format=time_format)
    )
    say(f"read {len(lc):,} points from {len(lc.sources)} file(s), {lc.span_d:.1f} days")
    host, kepid = resolve_star(lc, star, teff=teff, radius=radius, logg=logg, mass=mass)
    found = search(lc, host.density_solar, settings, progress=say)
    candidates = _fit_all(lc, found, host, say)
    result = TransitResult(
        star=host,
        lightcurve=lc,
        flat=found.flat,
        trend=found.trend,
        candidates=candidates,
        search=found,
        notes=list(lc.notes),
    )
    if host.guessed:
        result.warnings.append(
            f"the star's {', '.join(host.guessed)} are guessed (Sun-like): planet radii, orbits "
            "and temperatures scale with them; give --star (KOI table) or --teff/--radius/--logg"
        )
    if kepid is not None:
        _match_known(result, kepid)
    if vet:
        _vet(result, say)
    return result


def _fit_all(lc: LightCurve, found, host: Star, say: Progress) -> list[Candidate]:
    """Fit every signal: first each on its own with the others' transits left out, then
    again, where another candidate's transit falls in its window (Kepler-90 c across g's
    transit), on the flux divided by the others' fitted models, every point kept."""
    noise = np.full(len(lc), found.noise_ppm * 1e-6)
    band = "TESS" if "TESS" in lc.mission else "Kepler"
    nothing = np.zeros(len(lc), dtype=bool)

    def fit(i: int, flux: np.ndarray, exclude: np.ndarray) -> Candidate | None:
        signal = found.signals[i]
        data = fit_window(lc.time_bjd, flux, noise, found.usable, signal, exclude)
        if len(data.time) < 10:
            return None
        return fit_signal(
            signal,
            data,
            host,
            all_time=lc.time_bjd,
            cadence_d=lc.cadence_d,
            band=band,
            name=f"{i + 1:02d}",
        )

    masks = [transit_mask(lc.time_bjd, s) for s in found.signals]
    fitted: dict[int, Candidate] = {}
    for i in range(len(found.signals)):
        say(f"fitting candidate {i + 1} of {len(found.signals)}")
        others = np.any([m for j, m in enumerate(masks) if j != i] or [nothing], axis=0)
        candidate = fit(i, found.flat, others)
        if candidate is not None:
            fitted[i] = candidate
    refitted = []
    for i, candidate in fitted.items():
        others = np.prod(
            [c.flux(lc.time_bjd) for j, c in fitted.items() if j != i] or [1.0 + nothing], axis=0
        )
        window = fit_window(lc.time_bjd, found.flat, noise, found.usable, found.signals[i], nothing)
        if np.any(np.interp(window.time, lc.time_bjd, others) < 1.0 - 1e-6):
            say(f"fitting candidate {i + 1} again beside the transits that overlap it")
            candidate = fit(i, found.flat / others, nothing) or candidate
        refitted.append(candidate)
    return refitted


def _vet(result: TransitResult, say: Progress) -> None:
    """Vetting: each candidate's diagnostics and the classifier's probability."""
    say("vetting (the classifier trains once, in seconds, then loads from the cache)")
    lc = result.lightcurve
    result.candidates[:] = vet(
        lc.time_bjd, result.flat, lc.flux_err, result.candidates, result.star
    )


def _match_known(result: TransitResult, kepid: int) -> None:
    """Name candidates after the KOIs they match (same period or an allowed alias within 1 %,
    or a single transit at one of a KOI's predicted times), and say what the data show at
    the period of each KOI not found."""
    start, stop = result.lightcurve.time_bjd[0], result.lightcurve.time_bjd[-1]
    matched = {}
    for _, koi in koi_planets(kepid).iterrows():
        label = koi["kepler_name"] if isinstance(koi["kepler_name"], str) else koi["kepoi_name"]
        label = f"{label} ({koi['kepoi_name']})" if label != koi["kepoi_name"] else label
        period, t0 = float(koi["koi_period"]), float(koi["koi_time0bk"]) + BKJD_OFFSET
        width = max(0.5, float(koi["koi_duration"]) / 24.0)  # linear ephemerides: hours off
        koi_transits = len(
            [t for t in t0 + period * np.arange(-2000, 2000) if start - 1 <= t <= stop + 1]
        )
        for k, cand in enumerate(result.candidates):
            if k in matched or not 0.5 <= cand.depth_ppm / float(koi["koi_depth"]) <= 2.0:
                continue
            if cand.single_event and koi_transits > 3:
                continue  # a planet that transits often is not a single transit here
            if cand.single_event:
                phase = (cand.t0_bjd - t0 + 0.5 * period) % period - 0.5 * period
                hit = abs(phase) < width
            else:
                periods = cand.aliases_d or (cand.period_d,)
                hit = any(abs(p / period - 1.0) < 0.01 for p in periods)
            if hit:
                matched[k] = label
                break
        else:
            snr = result.search.snr_at(period)
            n_expected = len(
                np.flatnonzero(
                    np.abs((result.lightcurve.time_bjd - t0 + 0.5 * period) % period - 0.5 * period)
                    < 0.5 * float(koi["koi_duration"]) / 24.0
                )
            )
            result.known.append(
                {
                    "name": label,
                    "period_d": period,
                    "depth_ppm": float(koi["koi_depth"]),
                    "disposition": koi["koi_disposition"],
                    "found": False,
                    "snr_at_period": None if math.isnan(snr) else round(snr, 2),
                    "points_in_transit": int(n_expected),
                }
            )
            continue
        result.known.append(
            {
                "name": label,
                "period_d": period,
                "depth_ppm": float(koi["koi_depth"]),
                "disposition": koi["koi_disposition"],
                "found": True,
                "candidate": result.candidates[k].name,
            }
        )
    for k, label in matched.items():
        result.candidates[k] = replace(result.candidates[k], known_as=label)
    del start, stop
    if not result.candidates and not result.known:
        raise TransitError("nothing to report")  # pragma: no cover - unreachable guard
