"""Flyby reports: one analysis as a dict/JSON, a pandas table, CSV, Markdown and a PNG plot.

>>> from orbitviz.dynamics.flyby import analyze_flyby
>>> from orbitviz.smallbodies import resolve_target
>>> from orbitviz.spice import KernelSet, to_et
>>> elements, window = resolve_target("2021 WP")
>>> with KernelSet("default"):
...     result = analyze_flyby(elements, "EARTH", to_et(window.start_utc), to_et(window.stop_utc))
...     report = FlybyReport.from_result(result)
>>> for line in report.to_markdown().splitlines()[:3]:
...     print(line)
# Flyby of 2021 WP past Earth
<BLANKLINE>
**2021 WP passes Earth at 155,843.8 km (0.4054 LD, 24.43 Earth radii) on 2021-11-21 13:59:54 UTC, 5.15 km/s relative; inside the SOI for 4 d 10:03:59**
>>> fig = report.figure()                     # a matplotlib Figure, e.g. to show in a notebook
>>> [line.get_gid() for line in fig.axes[0].lines]
['distance', 'compared distance', 'SOI radius', '1 LD', 'SOI entry', 'SOI exit', 'closest approach']
>>> import pathlib, tempfile
>>> with tempfile.TemporaryDirectory() as folder:
...     png = report.plot(pathlib.Path(folder) / "flyby.png")
...     png.name, png.stat().st_size > 20_000
('flyby.png', True)
"""

from __future__ import annotations

import json
import textwrap
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import numpy as np
import pandas as pd

from .._text import duration, number
from ..dynamics.flyby import FlybyResult, elements_dict
from ..spice import et_to_datetime64, et_to_tdb, et_to_utc, utc_label
from ..units import AU_KM, LD_KM
from .bplane import plot_bplane

LD_CONVENTION = f"1 LD = {LD_KM:,.0f} km (semi-major axis of the Moon's geocentric orbit)"


def _utc(et: float | None) -> str | None:
    return None if et is None else str(et_to_utc(et, precision=3)) + "Z"


def _tdb(et: float | None) -> str | None:
    return None if et is None else et_to_tdb(et, precision=3)


def _first(arr: np.ndarray) -> float | None:
    return float(arr[0]) if np.size(arr) else None


COMPARED_TITLE = {
    "patched": "patched conics (the notebooks' method)",
    "conic": "two-body conic (the body ignored)",
    "nbody": "N-body integration (the answer)",
}


def compared_title(o: FlybyResult) -> str:
    """The other method's title by what it really computed: patched conics that never enter
    the SOI are a plain heliocentric two-body conic."""
    if o.method == "patched" and not o.entered_soi:
        return "two-body conic (patched conics never enter the SOI here: a heliocentric conic)"
    return COMPARED_TITLE[o.method]


def headline(r: FlybyResult) -> str:
    """The report's first line: what happened (impact, atmospheric entry, closest approach
    inside the SOI, or never inside it), with the numbers that say it."""
    body = r.body.title()
    c = r.closest
    if r.impact is not None and r.impact.reaches_surface:
        return f"{r.target}: {r.impact.headline()}"
    radii = f", {number(c.dist_km / r.body_radius_km, 4)} {body} radii" if r.body_radius_km else ""
    where = (
        f"{number(c.dist_km)} km ({number(c.dist_km / LD_KM, 4)} LD{radii}) on {utc_label(c.et)}, "
        f"{c.v_rel_kms:.2f} km/s relative"
    )
    if r.impact is not None:
        first = f"{r.target}: {r.impact.headline()}; closest approach {where}"
    elif r.entered_soi:
        inside = (
            f"; inside the SOI for {duration(r.exits_et[0] - r.entries_et[0])}"
            if r.exits_et.size and r.exits_et[0] > r.entries_et[0]
            else "; inside the SOI at the window's end"
        )
        first = f"{r.target} passes {body} at {where}{inside}"
    else:
        span = f"{utc_label(r.start_et)[:10]} to {utc_label(r.stop_et)[:10]}"
        first = (
            f"{r.target} never enters {body}'s sphere of influence ({number(r.soi_radius_km)} "
            f"km) from {span}: closest {number(c.dist_km)} km ({number(c.dist_km / AU_KM, 4)} au) "
            f"on {utc_label(c.et)}"
        )
    if r.closest_at_window_edge:
        first += (
            " -- on the window's edge: the distance is still falling there, the real minimum "
            "lies outside the window (widen --start/--stop)"
        )
    return first


def _comparison(r: FlybyResult) -> dict | None:
    """The other method's headline numbers and how far the two-body answer is from the
    N-body one (``two_body_minus_nbody``: s, km, km/s)."""
    if r.compared is None or r.comparison is None:
        return None
    o = r.compared
    diff = {k: v for k, v in r.comparison.items() if k not in ("two_body", "against")}
    return {
        "method": o.method,
        "title": compared_title(o),
        "closest_approach_at_window_edge": o.closest_at_window_edge,
        "entered_soi": o.entered_soi,
        "method_detail": o.method_detail,
        "soi_entry_utc": _utc(_first(o.entries_et)),
        "soi_exit_utc": _utc(_first(o.exits_et)),
        "closest_approach_utc": _utc(o.closest.et),
        "closest_distance_km": o.closest.dist_km,
        "closest_distance_ld": o.closest.dist_km / LD_KM,
        "v_rel_kms": o.closest.v_rel_kms,
        "two_body": r.comparison["two_body"],
        "two_body_minus_nbody": diff,
    }


@dataclass
class FlybyReport:
    """A flyby analysis ready to read: ``summary`` (flat, JSON-able) and the full result, and
    the kernels loaded besides the ``default`` set (scenes of the report sample the same)."""

    result: FlybyResult
    summary: dict
    kernels: tuple = ()
    uncertainty: object | None = None
    """The :class:`orbitviz.dynamics.uncertainty.EncounterUncertainty` (None when there is none)."""

    @classmethod
    def from_result(cls, result: FlybyResult, kernels: tuple = (), uncertainty=None) -> FlybyReport:
        """``uncertainty``: an EncounterUncertainty, or a string saying why there is none."""
        r = result
        entry, exit_ = _first(r.entries_et), _first(r.exits_et)
        closest = r.closest
        radius = r.body_radius_km
        summary: dict[str, Any] = {
            "headline": headline(r),
            "target": r.target,
            "impact": r.impact.to_dict() if r.impact is not None else None,
            "elements_source": r.elements_source,
            "body": r.body,
            "method": r.method,
            "method_detail": r.method_detail,
            "window_start_utc": _utc(r.start_et),
            "window_stop_utc": _utc(r.stop_et),
            "soi_radius_km": r.soi_radius_km,
            "entered_soi": r.entered_soi,
            "soi_entry_utc": _utc(entry),
            "soi_exit_utc": _utc(exit_),
            "soi_dwell_h": (exit_ - entry) / 3600.0
            if entry is not None and exit_ is not None
            else None,
            "soi_entries_utc": [_utc(t) for t in r.entries_et],
            "soi_exits_utc": [_utc(t) for t in r.exits_et],
            "closest_approach_utc": _utc(closest.et),
            "closest_approach_tdb": _tdb(closest.et),
            "closest_approach_at_window_edge": r.closest_at_window_edge,
            "closest_distance_km": closest.dist_km,
            "closest_distance_ld": closest.dist_km / LD_KM,
            "closest_distance_au": closest.dist_km / AU_KM,
            "closest_distance_body_radii": closest.dist_km / radius if radius else None,
            "body_radius_km": radius,
            "v_rel_kms": closest.v_rel_kms,
            "v_inf_kms": r.hyperbola.v_inf_kms if r.hyperbola else None,
            "hyperbola_at_entry": None
            if r.hyperbola is None or not r.entered_soi
            else {
                "utc": _utc(r.hyperbola.et),
                "periapsis_km": r.hyperbola.periapsis_km,
                "e": r.hyperbola.e,
                "periapsis_utc": _utc(r.hyperbola.periapsis_et),
            },
            "approaches": [
                {
                    "utc": _utc(a.et),
                    "distance_km": a.dist_km,
                    "distance_ld": a.dist_km / LD_KM,
                    "v_rel_kms": a.v_rel_kms,
                }
                for a in r.approaches
            ],
            "elements_before": elements_dict(r.elements_before),
            "elements_after": elements_dict(r.elements_after),
            "comparison": _comparison(r),
            "warnings": list(r.warnings),
            "ld_convention": LD_CONVENTION,
            "notes": list(r.notes),
        }
        unc = uncertainty if uncertainty is not None and not isinstance(uncertainty, str) else None
        if unc is not None:
            summary["uncertainty"] = unc.to_dict()
            summary["warnings"] += [f"uncertainty: {w}" for w in unc.warnings]
            summary["notes"] += [f"uncertainty: {n}" for n in unc.notes]
        else:
            summary["uncertainty"] = {"status": uncertainty or "not computed"}
        return cls(result, summary, tuple(kernels), unc)

    # --- text formats -------------------------------------------------------------------------

    def to_dict(self) -> dict:
        return dict(self.summary)

    def to_json(self, indent: int | None = 2) -> str:
        return json.dumps(self.summary, indent=indent, allow_nan=False, default=float)

    def to_frame(self) -> pd.DataFrame:
        """One row per quantity: ``quantity``, ``value``, ``unit``. Rows that mean nothing for
        this pass are left out (no SOI rows when it never enters the SOI, no orbit after an
        impact); durations are text, ``d h:mm:ss``."""
        s = self.summary
        body = s["body"].title()
        rows: list[tuple] = [
            ("target", s["target"], ""),
            ("body", s["body"], ""),
            ("method", s["method"], ""),
            ("elements from", s["elements_source"], ""),
        ]
        imp = s["impact"]
        if imp:
            for p in imp["points"]:
                level = "surface" if p["altitude_km"] == 0 else f"{number(p['altitude_km'])} km up"
                what = "IMPACT" if p["altitude_km"] == 0 else "ATMOSPHERIC ENTRY"
                rows += [
                    (f"{what} ({level})", p["utc"], ""),
                    (f"{what}: latitude", p["lat_deg"], "deg"),
                    (f"{what}: longitude", p["lon_deg"], "deg"),
                    (f"{what}: speed (body-centred)", p["speed_kms"], "km/s"),
                    (f"{what}: speed over the ground", p["ground_speed_kms"], "km/s"),
                    (f"{what}: radiant azimuth", p["azimuth_deg"], "deg"),
                    (f"{what}: radiant elevation", p["elevation_deg"], "deg"),
                ]
            rows.append(("latitudes and longitudes", imp["frame"] or "unknown", ""))
        rows.append(("SOI radius", s["soi_radius_km"], "km"))
        if s["entered_soi"]:
            rows += [("SOI entry", s["soi_entry_utc"], ""), ("SOI exit", s["soi_exit_utc"], "")]
            if s["soi_dwell_h"] is not None:
                rows.append(("time inside SOI", duration(s["soi_dwell_h"] * 3600.0), ""))
        else:
            rows.append(("SOI entry", "never inside the SOI in this window", ""))
        reached = imp and imp["reaches_surface"]
        name = "surface entry (instead of a closest approach)" if reached else "closest approach"
        rows += [
            (name, s["closest_approach_utc"], ""),
            (f"{name} (TDB)", s["closest_approach_tdb"], ""),
        ]
        if s["closest_approach_at_window_edge"]:
            rows.append(("closest approach on the window edge", True, ""))
        rows += [
            ("closest distance", s["closest_distance_km"], "km"),
            ("closest distance", s["closest_distance_ld"], "LD"),
            ("closest distance", s["closest_distance_body_radii"], f"{body} radii"),
            ("relative speed at closest approach", s["v_rel_kms"], "km/s"),
            ("v_inf", s["v_inf_kms"], "km/s"),
        ]
        hyp = s["hyperbola_at_entry"]
        if hyp:
            rows += [
                ("body-centred periapsis (conic at entry)", hyp["periapsis_km"], "km"),
                ("body-centred eccentricity (at entry)", hyp["e"], ""),
            ]
        for when in ("before", "after"):
            el = s[f"elements_{when}"]
            if el:
                rows += [
                    (f"{k.rsplit('_', 1)[0]} {when}", v, k.rsplit("_", 1)[1] if "_" in k else "")
                    for k, v in el.items()
                ]
        rows += _uncertainty_rows(s["uncertainty"])
        c = s["comparison"]
        if c:
            title = c["title"]
            if c["entered_soi"]:
                rows += [
                    (f"{title}: SOI entry", c["soi_entry_utc"], ""),
                    (f"{title}: SOI exit", c["soi_exit_utc"], ""),
                ]
            edge = (
                " (on the window edge: not a minimum)"
                if c["closest_approach_at_window_edge"]
                else ""
            )
            rows += [
                (f"{title}: closest approach{edge}", c["closest_approach_utc"], ""),
                (f"{title}: closest distance", c["closest_distance_km"], "km"),
                (f"{title}: closest distance", c["closest_distance_ld"], "LD"),
                (f"{title}: relative speed", c["v_rel_kms"], "km/s"),
            ]
            d = c["two_body_minus_nbody"]
            who = f"{c['two_body']} minus N-body"
            rows += [
                (f"{who}: closest approach time", _signed_duration(d["closest_approach_dt_s"]), ""),
                (f"{who}: closest distance", d["closest_distance_dkm"], "km"),
            ]
            if d["soi_entry_dt_s"] is not None:
                rows.append((f"{who}: SOI entry time", _signed_duration(d["soi_entry_dt_s"]), ""))
            if d["soi_exit_dt_s"] is not None:
                rows.append((f"{who}: SOI exit time", _signed_duration(d["soi_exit_dt_s"]), ""))
            rows.append((f"{who}: relative speed", d["v_rel_dkms"], "km/s"))
        return pd.DataFrame(rows, columns=["quantity", "value", "unit"])

    def to_csv(self) -> str:
        return self.to_frame().to_csv(index=False)

    def to_markdown(self) -> str:
        frame = self.to_frame()
        lines = [
            f"# Flyby of {self.summary['target']} past {self.summary['body'].title()}",
            "",
            f"**{self.summary['headline']}**",
            "",
            f"Method: {self.summary['method_detail']}",
            "",
            *[f"**Warning:** {w}" for w in self.summary["warnings"]],
            *([""] if self.summary["warnings"] else []),
            "| quantity | value | unit |",
            "|---|---|---|",
        ]
        for q, v, u in frame.itertuples(index=False):
            lines.append(f"| {q} | {_fmt(v)} | {u} |")
        lines += ["", f"LD convention: {LD_CONVENTION}."]
        lines += [f"Note: {n}" for n in self.summary["notes"]]
        return "\n".join(lines) + "\n"

    def to_table(self) -> str:
        """A plain-text table for the terminal: warnings first, the answer, then the other
        method in a section of its own."""
        frame = self.to_frame()
        s = self.summary
        c = s["comparison"]
        prefix = f"{c['title']}: " if c else None
        width = max(len(q.removeprefix(prefix) if prefix else q) for q in frame["quantity"])
        lines = [s["headline"], f"method: {s['method_detail']}", ""]
        lines += [f"  WARNING: {w}" for w in s["warnings"]] + ([""] if s["warnings"] else [])
        section = False
        for q, v, u in frame.itertuples(index=False):
            if c and not section and (q.startswith(prefix) or " minus N-body: " in q):
                section = True
                lines += ["", f"  {c['title']}, beside the answer ({c['method_detail']}):"]
            label = q.removeprefix(prefix) if prefix else q
            lines.append(f"  {label.ljust(width)}  {_fmt(v)} {u}".rstrip())
        lines += ["", f"  {LD_CONVENTION}"] + [f"  note: {n}" for n in s["notes"]]
        return "\n".join(lines)

    # --- picture ------------------------------------------------------------------------------

    def figure(self):
        """The plot as a :class:`matplotlib.figure.Figure`: distance (1000 km) vs UTC with the
        SOI radius and 1 LD marked and the events annotated. Its artists carry gids:
        ``distance`` (the track), ``SOI radius``, ``1 LD``, ``SOI entry`` / ``SOI exit`` (one
        vertical line each, with a ``... label`` text), ``closest approach`` (the marker) and
        ``closest approach label``, and, where the report has the other method beside it,
        ``compared distance`` (its track, dashed: patched conics beside an N-body answer)."""
        from matplotlib.ticker import StrMethodFormatter

        from .figures import lay_out, new_figure

        r, s = self.result, self.summary
        t = et_to_datetime64(r.samples_et)
        fig, ax = new_figure(9, 5)
        ax.plot(
            t,
            r.samples_dist_km / 1e3,
            color="tab:blue",
            lw=1.8,
            label=f"{s['target']} ({s['method']})",
            gid="distance",
        )
        if r.compared is not None:
            o = r.compared
            ax.plot(
                et_to_datetime64(o.samples_et),
                o.samples_dist_km / 1e3,
                color="tab:gray",
                ls="--",
                lw=1.2,
                label=f"{COMPARED_TITLE[o.method]}: closest {o.closest.dist_km:,.0f} km",
                gid="compared distance",
            )
        ax.axhline(
            r.soi_radius_km / 1e3,
            color="tab:orange",
            ls="--",
            lw=1.2,
            label=f"{s['body'].title()} SOI ({r.soi_radius_km:,.0f} km)",
            gid="SOI radius",
        )
        ax.axhline(
            LD_KM / 1e3,
            color="tab:gray",
            ls=":",
            lw=1.2,
            label=f"1 LD ({LD_KM:,.0f} km)",
            gid="1 LD",
        )
        for et, label, color in [(e, "SOI entry", "tab:orange") for e in r.entries_et] + [
            (e, "SOI exit", "tab:orange") for e in r.exits_et
        ]:
            ax.axvline(et_to_datetime64(et), color=color, lw=0.8, alpha=0.6, gid=label)
            ax.annotate(
                f"{label}\n{_utc(et)[:16].replace('T', ' ')}",
                (et_to_datetime64(et), r.soi_radius_km / 1e3),
                textcoords="offset points",
                xytext=(4, 8),
                fontsize=8,
                color=color,
                gid=f"{label} label",
            )
        c = r.closest
        ax.plot(
            et_to_datetime64(c.et), c.dist_km / 1e3, "o", color="tab:red", gid="closest approach"
        )
        ax.annotate(
            f"closest {c.dist_km:,.0f} km = {c.dist_km / LD_KM:.3f} LD\n"
            f"{utc_label(c.et)}, {c.v_rel_kms:.2f} km/s",
            (et_to_datetime64(c.et), c.dist_km / 1e3),
            textcoords="offset points",
            xytext=(10, 6),
            fontsize=8,
            color="tab:red",
            gid="closest approach label",
        )
        # a scale that shows the minimum: logarithmic when the distance spans more than a
        # factor of 10 in the window, else linear around the data (never pinned to zero)
        d = r.samples_dist_km[np.isfinite(r.samples_dist_km)] / 1e3
        lo, hi = float(d.min()), float(d.max())
        if hi > 10.0 * lo:
            ax.set_yscale("log")
            ax.set_ylim(lo / 2.0, hi * 2.0)
        else:
            pad = 0.08 * (hi - lo) or 0.05 * hi
            ax.set_ylim(lo - pad, hi + pad)
            ax.yaxis.set_major_formatter(StrMethodFormatter("{x:,.0f}"))
        ax.set_xlim(t[0], t[-1])
        ax.set_ylabel("distance (1000 km)" + (", log scale" if hi > 10.0 * lo else ""))
        ax.set_xlabel("UTC")
        method = textwrap.shorten(s["method_detail"], 110, placeholder=" ...")
        ax.set_title(
            "\n".join(textwrap.wrap(s["headline"], 110)[:2]) + f"\n{method}",
            fontsize=8,
        )
        ax.grid(alpha=0.3)
        ax.legend(loc="upper right", fontsize=8)
        return lay_out(fig)

    def plot_bplane(self, path: str | Path) -> Path:
        """The b-plane with the error ellipses and clones (:mod:`.bplane`): PNG, PDF or SVG."""
        s = self.summary
        return plot_bplane(self.uncertainty, path, f"{s['target']} past {s['body'].title()}")

    def plot(self, path: str | Path) -> Path:
        """:meth:`figure` as PNG, PDF or SVG (by the suffix), written atomically; returns the
        path."""
        from .figures import save_figure

        return save_figure(self.figure(), path)


UNCERTAINTY_ROWS = (
    ("dist_min_km", "closest distance, 3-sigma minimum", "km"),
    ("dist_max_km", "closest distance, 3-sigma maximum", "km"),
    ("t_sigma_s", "closest approach time, 1-sigma", "s"),
    ("t_peri_sigma_s", "osculating periapsis time at the nominal time, 1-sigma", "s"),
    ("bplane_xi_km", "b-plane xi", "km"),
    ("bplane_zeta_km", "b-plane zeta", "km"),
    ("bplane_b_km", "b-plane impact parameter b", "km"),
    ("bplane_unc_major_km", "b-plane ellipse semi-major axis, 1-sigma", "km"),
    ("bplane_unc_minor_km", "b-plane ellipse semi-minor axis, 1-sigma", "km"),
    ("bplane_unc_angle_deg", "b-plane ellipse angle (JPL unc_angle)", "deg"),
    ("capture_radius_km", "capture radius on the b-plane", "km"),
)


def _uncertainty_rows(u: dict) -> list[tuple]:
    """The uncertainty's rows: the answer (Monte Carlo when run, else linear), the linear
    mapping's numbers beside a Monte Carlo answer, and the impact fraction."""
    if "status" in u:
        return [("uncertainty", u["status"], "")]
    rows = [
        ("uncertainty method", u["uncertainty_method"], ""),
        ("uncertainty from", u["covariance"], ""),
    ]
    rows += [_row(f"uncertainty: {label}", u[key], unit) for key, label, unit in UNCERTAINTY_ROWS]
    mc = u.get("monte_carlo")
    if mc:
        rows += [
            ("uncertainty: Monte Carlo clones (seed)", f"{mc['n_clones']} ({mc['seed']})", ""),
            ("uncertainty: clones hitting (reaching the ground)", mc["impacts"], ""),
            ("uncertainty: clones entering the atmosphere", mc.get("atmospheric_entries"), ""),
            ("uncertainty: impact fraction", mc["impact_fraction"], ""),
            ("uncertainty: impact fraction error", mc["impact_fraction_err"], ""),
        ]
        lin = u.get("linear")
        if lin:
            rows += [
                _row(f"uncertainty (linear): {label}", lin[key], unit)
                for key, label, unit in UNCERTAINTY_ROWS
                if key in lin
            ]
    return rows


def _row(label: str, value, unit: str) -> tuple:
    """A table row; seconds of a minute and more as a duration (d h:mm:ss)."""
    if unit == "s" and isinstance(value, float) and abs(value) >= 60.0:
        return (label, duration(value), "")
    return (label, value, unit)


def _signed_duration(seconds: float | None) -> str | None:
    return None if seconds is None else duration(seconds, signed=True)


def _fmt(v) -> str:
    if v is None:
        return "-"
    if isinstance(v, bool):
        return "yes" if v else "no"
    if isinstance(v, float | np.floating):
        return number(float(v))
    return str(v)
