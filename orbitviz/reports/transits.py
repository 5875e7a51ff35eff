"""Transit reports: one star's candidates as text, JSON, CSV, Markdown, a pandas table and a
figure (the light curve with the transits marked, the periodogram, each candidate folded with
its model).

>>> import numpy as np
>>> from orbitviz.exoplanets.candidates import TransitResult
>>> report = TransitReport(example_result())
>>> print(report.headline)
KIC 0000000: 1 transit candidate: 01 (P 3.0000 d, 1,095 ppm, 1.65 Earth radii)
>>> sorted(report.to_dict())
['candidates', 'known', 'notes', 'search', 'star', 'warnings']
"""

from __future__ import annotations

import json
import math
from dataclasses import replace
from pathlib import Path

import numpy as np
import pandas as pd

from .._text import table
from ..exoplanets.candidates import CANDIDATE_COLUMNS, Candidate, TransitResult
from ..exoplanets.lightcurve import BKJD_OFFSET, BTJD_OFFSET, LightCurve
from ..exoplanets.search import SearchResult, SearchSettings
from ..exoplanets.star import Star

COLORS = ("#e4572e", "#17bebb", "#ffc914", "#76b041", "#a05cd5", "#2e86ab", "#f49d37", "#d81159")
"""One colour per candidate, in order (the 3D scene uses the same ones)."""


def candidate_color(index: int) -> str:
    return COLORS[index % len(COLORS)]


def _num(value, digits: int = 2) -> str:
    """A number with thousands separators, or '-' when missing."""
    if value is None or (isinstance(value, float) and not math.isfinite(value)):
        return "-"
    return f"{value:,.{digits}f}"


def _pm(value, error, digits: int = 2) -> str:
    if error is None or not math.isfinite(error):
        return _num(value, digits)
    return f"{_num(value, digits)} ± {_num(error, digits)}"


def _clean(value):
    """JSON-safe: NaN and inf become null, numpy scalars plain numbers, tuples lists."""
    if isinstance(value, dict):
        return {k: _clean(v) for k, v in value.items()}
    if isinstance(value, list | tuple):
        return [_clean(v) for v in value]
    if isinstance(value, np.generic):
        value = value.item()
    if isinstance(value, float) and not math.isfinite(value):
        return None
    return value


def time_offset(result: TransitResult) -> tuple[float, str]:
    """The offset the plots subtract from BJD_TDB, and its name (the mission's own clock)."""
    mission = result.lightcurve.mission
    if "TESS" in mission:
        return BTJD_OFFSET, "BTJD = BJD_TDB - 2,457,000"
    if "Kepler" in mission or "K2" in mission:
        return BKJD_OFFSET, "BKJD = BJD_TDB - 2,454,833"
    offset = math.floor(float(result.lightcurve.time_bjd[0]))
    return float(offset), f"BJD_TDB - {offset:,}"


class TransitReport:
    """The report of :func:`orbitviz.transits`: ``result`` (the
    :class:`~orbitviz.exoplanets.candidates.TransitResult`), ``headline`` (the answer in one
    line), ``to_table()``, ``to_json()``, ``to_csv()``, ``to_markdown()``, ``to_frame()``,
    ``figure()`` and ``plot(path)`` (PNG, PDF or SVG)."""

    def __init__(self, result: TransitResult):
        self.result = result

    # -- the answer -------------------------------------------------------------------------
    @property
    def star(self):
        return self.result.star

    @property
    def candidates(self) -> list[Candidate]:
        return self.result.candidates

    def _label(self, c: Candidate) -> str:
        return f"{c.name} = {c.known_as.split(' (')[0]}" if c.known_as else c.name

    @property
    def headline(self) -> str:
        name = self.star.name or "the star"
        if not self.candidates:
            return (
                f"{name}: no transit found above the thresholds (SNR >= "
                f"{self.result.search.settings.snr_min}, noise floor SNR "
                f"{self.result.search.noise_floor_snr:.1f})"
            )
        parts = []
        for c in self.candidates:
            what = "single transit" if c.single_event else f"P {c.period_d:.4f} d"
            parts.append(
                f"{self._label(c)} ({what}, {c.depth_ppm:,.0f} ppm, {c.rp_earth:.2f} Earth radii)"
            )
        n = len(self.candidates)
        return f"{name}: {n} transit candidate{'s' if n > 1 else ''}: " + "; ".join(parts)

    # -- data -------------------------------------------------------------------------------
    def candidate_dict(self, c: Candidate) -> dict:
        out = c.row()
        out.update(
            {
                "known_as": c.known_as or None,
                "period_err_d": c.period_err_d,
                "t0_err_d": c.t0_err_d,
                "rp_rs_err": c.rp_rs_err,
                "a_rs_err": c.a_rs_err,
                "impact_err": c.impact_err,
                "depth_err_ppm": c.depth_err_ppm,
                "duration_err_h": c.duration_err_h,
                "inclination_err_deg": c.inclination_err_deg,
                "rp_earth_err": c.rp_earth_err,
                "sde": c.sde,
                "fap": c.fap,
                "partial": c.partial,
                "aliases_d": list(c.aliases_d),
                "epochs_bjd": list(c.epochs_bjd),
                "limb_darkening": list(c.u),
                "chi2_red": c.chi2_red,
                "flags": list(c.flags),
                "diagnostics": c.diagnostics,
            }
        )
        return out

    def to_dict(self) -> dict:
        search = self.result.search
        s = search.settings
        lc = self.result.lightcurve
        return _clean(
            {
                "star": self.star.to_dict(),
                "candidates": [self.candidate_dict(c) for c in self.candidates],
                "known": self.result.known,
                "search": {
                    "files": list(lc.sources),
                    "mission": lc.mission,
                    "flux": lc.flux_column,
                    "points": len(lc),
                    "span_d": lc.span_d,
                    "noise_ppm": search.noise_ppm,
                    "noise_floor_snr": search.noise_floor_snr,
                    "snr_min": s.snr_min,
                    "sde_min": s.sde_min,
                    "single_snr_min": s.single_snr_min,
                    "period_min_d": s.period_min_d,
                    "period_max_d": float(search.periodograms[0].periods_d[-1])
                    if search.periodograms
                    else None,
                    "detrend_window_d": s.window_d,
                    "trials": search.n_trials,
                },
                "notes": self.result.notes,
                "warnings": self.result.warnings,
            }
        )

    def to_json(self, indent: int | None = 2) -> str:
        return json.dumps(self.to_dict(), indent=indent)

    def to_frame(self) -> pd.DataFrame:
        """One row per candidate, the report's columns (:data:`CANDIDATE_COLUMNS`)."""
        rows = [c.row() for c in self.candidates]
        frame = pd.DataFrame(rows, columns=list(CANDIDATE_COLUMNS))
        frame.insert(1, "known_as", [c.known_as for c in self.candidates])
        return frame

    def to_csv(self) -> str:
        return self.to_frame().to_csv(index=False, float_format="%.6g")

    # -- text -------------------------------------------------------------------------------
    def _star_lines(self) -> list[str]:
        st = self.star
        src = st.sources
        return [
            f"Teff {st.teff_k:,.0f} K ({src['teff_k']}), radius {st.radius_rsun:.3f} R_sun "
            f"({src['radius_rsun']}), log g {st.logg_cgs:.3f} ({src['logg_cgs']}), mass "
            f"{st.mass_msun:.3f} M_sun ({src['mass_msun']})"
        ]

    def _rows(self) -> list[list[str]]:
        rows = []
        for c in self.candidates:
            period = (
                f"~{_num(c.period_d, 0)} ± {_num(c.period_err_d, 0)} (single)"
                if c.single_event
                else _pm(c.period_d, c.period_err_d, 4)
            )
            p = "-" if c.p_planet is None else f"{c.p_planet:.2f}"
            rows.append(
                [
                    self._label(c),
                    period,
                    _pm(c.t0_bjd, c.t0_err_d, 4),
                    _pm(c.depth_ppm, c.depth_err_ppm, 0),
                    _pm(c.duration_h, c.duration_err_h, 2),
                    _pm(c.rp_earth, c.rp_earth_err, 2),
                    _num(c.a_au, 3),
                    _num(c.teq_k, 0),
                    _num(c.snr, 1),
                    str(c.n_transits),
                    p,
                ]
            )
        return rows

    HEADER = (
        "candidate",
        "period (d)",
        "T0 (BJD_TDB)",
        "depth (ppm)",
        "duration (h)",
        "Rp (Earth)",
        "a (au)",
        "Teq (K)",
        "SNR",
        "transits",
        "p_planet",
    )

    def _details(self) -> list[str]:
        lines = []
        for c in self.candidates:
            bits = [
                f"Rp/R* {_pm(c.rp_rs, c.rp_rs_err, 4)}",
                f"a/R* {_pm(c.a_rs, c.a_rs_err, 1)}",
                f"impact {_pm(c.impact, c.impact_err, 2)}",
                f"inclination {_pm(c.inclination_deg, c.inclination_err_deg, 2)} deg",
                f"insolation {_num(c.insol_earth, 2)} x Earth's",
            ]
            lines.append(f"{self._label(c)}: " + ", ".join(bits))
            if c.aliases_d:
                alias = ", ".join(f"{p:.4f}" for p in c.aliases_d)
                lines.append(
                    f"    two transits: the period is one of {alias} d (the data rule out the "
                    f"others); {c.period_d:.4f} d fits best"
                )
            if c.single_event:
                lines.append(
                    "    one transit: its period comes from the transit's shape and the star's "
                    "density (circular orbit), hence the wide error"
                )
            for flag in c.flags:
                lines.append(f"    vetting: {flag}")
        return lines

    def _known_lines(self) -> list[str]:
        lines = []
        for k in self.result.known:
            if k["found"]:
                lines.append(f"{k['name']}: found (candidate {k['candidate']})")
            else:
                snr = k.get("snr_at_period")
                at = (
                    "outside the periods searched"
                    if snr is None
                    else f"SNR {snr:.1f} at its period"
                )
                lines.append(
                    f"{k['name']}: not found ({k['period_d']:.4f} d, {k['depth_ppm']:,.0f} ppm; "
                    f"{at}, {k['points_in_transit']} points in its transits here)"
                )
        return lines

    def _search_line(self) -> str:
        d = self.to_dict()["search"]
        return (
            f"{d['points']:,} points over {d['span_d']:,.1f} d ({d['mission']} {d['flux']}); "
            f"noise {d['noise_ppm']:,.0f} ppm per point; periods {d['period_min_d']}-"
            f"{_num(d['period_max_d'], 1)} d; thresholds: SNR >= {d['snr_min']} and SDE >= "
            f"{d['sde_min']} with three transits or more, SNR >= {d['single_snr_min']} with "
            f"fewer; noise floor (inverted light curve) SNR {d['noise_floor_snr']:.1f}"
        )

    def to_table(self) -> str:
        out = [self.headline, ""]
        out += [f"WARNING: {w}" for w in self.result.warnings]
        out += [f"Star {self.star.name}: " + line for line in self._star_lines()]
        out += ["", table(self._rows(), list(self.HEADER)) if self.candidates else "", ""]
        out += self._details()
        if self.result.known:
            out += ["", "Known planets of this star (KOI table):"] + [
                "  " + line for line in self._known_lines()
            ]
        out += ["", "Search: " + self._search_line()]
        out += [f"Note: {n}" for n in self.result.notes]
        return "\n".join(line.rstrip() for line in out).rstrip() + "\n"

    def to_markdown(self) -> str:
        out = [f"# Transits of {self.star.name or 'the star'}", "", self.headline, ""]
        out += [f"> **Warning:** {w}" for w in self.result.warnings]
        out += ["**Star:** " + line for line in self._star_lines()] + [""]
        if self.candidates:
            out.append("| " + " | ".join(self.HEADER) + " |")
            out.append("|" + "---|" * len(self.HEADER))
            out += ["| " + " | ".join(row) + " |" for row in self._rows()]
            out.append("")
        out += [f"- {line.strip()}" for line in self._details()]
        if self.result.known:
            out += ["", "## Known planets (KOI table)", ""]
            out += [f"- {line}" for line in self._known_lines()]
        out += ["", "## Search", "", self._search_line()]
        out += [f"- {n}" for n in self.result.notes]
        return "\n".join(out).rstrip() + "\n"

    # -- figures ----------------------------------------------------------------------------
    def figure(self):
        """The light curve with every transit marked, the first periodogram, and each
        candidate folded with its model (a matplotlib Figure)."""
        return transit_figure(self.result)

    def plot(self, path: str | Path) -> Path:
        """Write :meth:`figure` to ``path`` (.png, .pdf or .svg), atomically."""
        from .figures import save_figure

        return save_figure(self.figure(), path)

    def with_candidates(self, candidates: list[Candidate]) -> TransitReport:
        return TransitReport(replace(self.result, candidates=list(candidates)))


def transit_figure(result: TransitResult):
    """See :meth:`TransitReport.figure`."""
    from matplotlib.backends.backend_agg import FigureCanvasAgg
    from matplotlib.figure import Figure

    candidates = result.candidates
    n_fold = max(1, len(candidates))
    cols = min(4, n_fold)
    rows = math.ceil(n_fold / cols)
    fig = Figure(figsize=(12.0, 6.0 + 2.6 * rows), dpi=110)
    FigureCanvasAgg(fig)
    grid = fig.add_gridspec(2 + rows, cols, height_ratios=[1.3, 1.0] + [1.1] * rows)
    offset, offset_name = time_offset(result)
    lc = result.lightcurve
    t = lc.time_bjd - offset

    ax = fig.add_subplot(grid[0, :])
    usable = result.search.usable
    ax.plot(
        t[usable],
        (result.flat[usable] - 1.0) * 1e6,
        ".",
        ms=1.5,
        color="0.55",
        gid="lightcurve",
        rasterized=True,
    )
    fine = _model_times(result)
    model = (result.model_flux(fine) - 1.0) * 1e6
    gap = np.zeros(len(fine), dtype=bool)
    for start, stop in _gaps(lc.time_bjd):
        gap |= (fine > start) & (fine < stop)
    ax.plot(fine - offset, np.where(gap, np.nan, model), "-", lw=0.9, color="k", gid="model")
    low = float(np.nanpercentile((result.flat[usable] - 1.0) * 1e6, 0.2))
    deepest = min([low] + [-c.depth_ppm for c in candidates])
    top = float(np.nanpercentile((result.flat[usable] - 1.0) * 1e6, 99.8))
    for i, c in enumerate(candidates):
        times = c.transit_times(lc.time_bjd[0], lc.time_bjd[-1]) - offset
        ax.plot(
            times,
            np.full(len(times), top * 1.15),
            "v",
            color=candidate_color(i),
            ms=7,
            gid=f"transit:{c.name}",
            label=_short(c),
        )
    ax.set_ylim(deepest * 1.12, top * 1.4)
    ax.set_xlabel(f"time ({offset_name}, days)")
    ax.set_ylabel("detrended flux (ppm)")
    ax.set_title(
        f"{result.star.name or 'light curve'}: {len(candidates)} candidate(s)", fontsize=11
    )
    if candidates:
        ax.legend(loc="lower left", fontsize=8, ncol=min(4, len(candidates)), framealpha=0.85)

    ax = fig.add_subplot(grid[1, :])
    if result.search.periodograms:
        # the first periodogram that found a periodic signal: single transits already
        # masked there, so the periods of the planets stand out
        shown = [
            (i, p)
            for i, p in enumerate(result.search.periodograms)
            if p.found is not None and p.found.kind == "periodic"
        ] or [(0, result.search.periodograms[0])]
        number, first = shown[0]
        ax.plot(first.periods_d, first.snr, "-", lw=0.6, color="0.3", gid="periodogram")
        ax.axhline(result.search.settings.snr_min, color="0.5", ls="--", lw=0.8, gid="threshold")
        for i, c in enumerate(candidates):
            if not c.single_event:
                for p in c.aliases_d or (c.period_d,):
                    ax.axvline(
                        p, color=candidate_color(i), lw=1.0, alpha=0.8, gid=f"period:{c.name}"
                    )
        ax.set_xscale("log")
        ax.set_xlabel("period (days)")
        ax.set_ylabel("BLS SNR")
        ax.set_title(
            f"periodogram (search {number + 1}: earlier finds masked; found periods marked)",
            fontsize=10,
        )

    for i, c in enumerate(candidates):
        ax = fig.add_subplot(grid[2 + i // cols, i % cols])
        _fold(ax, result, c, candidate_color(i))
    fig.tight_layout()
    return fig


def _gaps(time: np.ndarray, longer_than_d: float = 0.5) -> list[tuple[float, float]]:
    """(start, stop) of the gaps in ``time`` longer than ``longer_than_d`` days."""
    steps = np.diff(time)
    where = np.flatnonzero(steps > longer_than_d)
    return [(float(time[i]), float(time[i + 1])) for i in where]


def _short(c: Candidate) -> str:
    what = "single" if c.single_event else f"{c.period_d:.3f} d"
    label = c.known_as.split(" (")[0] if c.known_as else c.name
    return f"{label}: {what}"


def _model_times(result: TransitResult) -> np.ndarray:
    """Times dense enough to draw every transit's shape (2-minute steps inside transits)."""
    lc = result.lightcurve
    times = [lc.time_bjd]
    for c in result.candidates:
        for mid in c.transit_times(lc.time_bjd[0] - 1, lc.time_bjd[-1] + 1):
            half = 0.75 * c.duration_h / 24.0
            times.append(np.arange(mid - half, mid + half, 2.0 / 1440.0))
    return np.unique(np.concatenate(times))


def _fold(ax, result: TransitResult, c: Candidate, color: str) -> None:
    lc = result.lightcurve
    others = np.ones(len(lc))
    for other in result.candidates:
        if other is not c:
            others *= other.flux(lc.time_bjd)
    flux = result.flat / others
    if c.single_event:
        hours = (lc.time_bjd - c.t0_bjd) * 24.0
    else:
        hours = ((lc.time_bjd - c.t0_bjd + 0.5 * c.period_d) % c.period_d - 0.5 * c.period_d) * 24
    span = max(1.5 * c.duration_h, 3.0)
    near = (np.abs(hours) < span) & result.search.usable
    ax.plot(hours[near], (flux[near] - 1.0) * 1e6, ".", ms=2, color="0.6", gid=f"fold:{c.name}")
    if near.sum() > 40:
        edges = np.linspace(-span, span, 41)
        idx = np.digitize(hours[near], edges)
        binned = [np.mean(flux[near][idx == k]) for k in range(1, len(edges))]
        mids = 0.5 * (edges[1:] + edges[:-1])
        ax.plot(mids, (np.array(binned) - 1.0) * 1e6, "o", ms=3, color="k", gid=f"binned:{c.name}")
    model_h = np.linspace(-span, span, 600)
    model = c.flux(c.t0_bjd + model_h / 24.0)
    ax.plot(model_h, (model - 1.0) * 1e6, "-", color=color, lw=1.6, gid=f"fold-model:{c.name}")
    what = "single transit" if c.single_event else f"P {c.period_d:.4f} d"
    ax.set_title(
        f"{c.known_as.split(' (')[0] if c.known_as else c.name}: {what}\n"
        f"{c.depth_ppm:,.0f} ppm, {c.duration_h:.1f} h, {c.rp_earth:.2f} R_earth",
        fontsize=9,
    )
    ax.set_xlabel("hours from mid-transit", fontsize=8)
    ax.set_ylabel("ppm", fontsize=8)
    ax.tick_params(labelsize=7)


def example_result() -> TransitResult:
    """A small synthetic result (one 3-day planet in white noise) for examples and tests."""
    star = Star.resolve("KIC 0000000", given={"teff_k": 5800, "logg_cgs": 4.44, "radius_rsun": 1.0})
    time = np.arange(2455000.0, 2455030.0, 0.0204)
    c = Candidate(
        name="01",
        period_d=3.0,
        period_err_d=1e-4,
        t0_bjd=2455001.0,
        t0_err_d=1e-3,
        rp_rs=0.03,
        rp_rs_err=1e-3,
        a_rs=8.9,
        a_rs_err=0.5,
        impact=0.2,
        impact_err=0.1,
        depth_ppm=0.0,
        depth_err_ppm=20.0,
        duration_h=2.9,
        duration_err_h=0.1,
        inclination_deg=88.7,
        inclination_err_deg=0.5,
        rp_earth=1.65,
        rp_earth_err=0.05,
        a_au=0.041,
        teq_k=1240.0,
        insol_earth=590.0,
        snr=25.0,
        sde=20.0,
        fap=1e-20,
        n_transits=10,
        epochs_bjd=(),
        single_event=False,
        u=(0.47, 0.19),
        exposure_d=0.0204,
    )
    c = replace(c, depth_ppm=float(1.0 - c.flux(np.array([c.t0_bjd]))[0]) * 1e6)
    flux = c.flux(time) + np.random.default_rng(0).normal(0, 2e-4, len(time))
    lc = LightCurve(
        time,
        flux,
        np.full(len(time), 2e-4),
        np.zeros(len(time), np.int32),
        0.0204,
        ("synthetic",),
        "Kepler",
        "flux",
        "KIC 0000000",
    )
    search = SearchResult(
        lc,
        [],
        [],
        flux,
        np.ones(len(time)),
        np.zeros(len(time), bool),
        np.ones(len(time), bool),
        200.0,
        6.0,
        SearchSettings(),
        1e6,
    )
    return TransitResult(star, lc, flux, np.ones(len(time)), [c], search)
