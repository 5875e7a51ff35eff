"""The comparison's result: orbitviz's approaches beside JPL's, as statistics, a table, JSON
and histograms."""

from __future__ import annotations

import json
import math
from dataclasses import dataclass, field
from pathlib import Path

import numpy as np
import pandas as pd

from .._text import table as _table
from ..smallbodies.names import display_designation

_STATS = (
    ("rel_d_dist", "|d dist| / dist", ""),
    ("abs_d_dist_km", "|d dist|", "km"),
    ("abs_dt_s", "|dt|", "s"),
)


@dataclass
class CadComparison:
    """orbitviz's close approaches beside JPL's, for the rows asked.

    ``rows`` (one per compared approach): ``des``, ``cd``, ``orbit_id`` (JPL's),
    ``catalog_orbit_id``, ``orbit_id_match``, ``jpl_et``, ``jpl_dist_km``, ``ours_et``,
    ``ours_dist_km``, ``dt_s`` (ours - JPL), ``d_dist_km`` (ours - JPL), ``rel_d_dist``
    (``|d_dist_km| / jpl_dist_km``), ``ours_v_rel_kms`` and JPL's ``v_rel_kms``/``t_sigma_f``
    where the answer has them. ``not_found``: ``des``, ``cd``, ``reason``. ``wall_s``: seconds
    the comparison took.
    """

    rows: pd.DataFrame
    not_found: pd.DataFrame
    asked: int
    body: str
    method: str
    method_detail: str
    wall_s: float
    source: str = ""
    catalog: str = ""
    notes: list[str] = field(default_factory=list)

    @property
    def counts(self) -> dict[str, int]:
        match = self.rows["orbit_id_match"] if len(self.rows) else pd.Series([], dtype=object)
        outside = self.outside()
        return {
            "asked": int(self.asked),
            "compared": len(self.rows),
            "not_found": len(self.not_found),
            "orbit_id_differs": int((match == False).sum()),  # noqa: E712 -- None: unknown
            "outside_jpl_sigma": len(outside),
            "outside_explained": int((outside["explanation"] != "not explained").sum())
            if len(outside)
            else 0,
            "impacts": int((self.rows["impact"] != "").sum()) if "impact" in self.rows else 0,
        }

    def outside(self) -> pd.DataFrame:
        """The rows whose distance or time differs from JPL's by more than JPL's own 3-sigma
        (``dist_min``/``dist_max``, ``t_sigma_f``), with ``outside_jpl_sigma`` (which) and
        ``explanation`` (why, in words)."""
        if "outside_jpl_sigma" not in self.rows:
            return self.rows.iloc[:0]
        return self.rows[self.rows["outside_jpl_sigma"] != ""]

    def _values(self) -> dict[str, np.ndarray]:
        r = self.rows
        return {
            "rel_d_dist": r["rel_d_dist"].to_numpy(dtype=float),
            "abs_d_dist_km": r["d_dist_km"].abs().to_numpy(dtype=float),
            "abs_dt_s": r["dt_s"].abs().to_numpy(dtype=float),
        }

    def stats(self) -> dict[str, dict[str, float | None]]:
        """Median, 95th percentile and maximum of ``rel_d_dist``, ``abs_d_dist_km`` and
        ``abs_dt_s`` over the compared rows (None when no row was compared)."""
        out: dict[str, dict[str, float | None]] = {}
        for key, values in self._values().items():
            if values.size == 0:
                out[key] = {"median": None, "p95": None, "max": None}
            else:
                out[key] = {
                    "median": float(np.median(values)),
                    "p95": float(np.percentile(values, 95)),
                    "max": float(np.max(values)),
                }
        return out

    def worst(self, n: int = 5) -> pd.DataFrame:
        """The ``n`` compared rows furthest from JPL's distance (by ``rel_d_dist``)."""
        return self.rows.sort_values("rel_d_dist", ascending=False, kind="stable").head(n)

    # --- text ---------------------------------------------------------------------------------

    def summary(self) -> dict:
        """Everything the table shows, JSON-able."""
        worst_cols = ["des", "cd", "jpl_dist_km", "d_dist_km", "rel_d_dist", "dt_s"]
        worst_cols += [c for c in ("t_sigma_f", "explanation") if c in self.rows]
        out_cols = [
            c
            for c in (
                "des",
                "cd",
                "jpl_dist_km",
                "d_dist_km",
                "dt_s",
                "t_sigma_f",
                "outside_jpl_sigma",
                "explanation",
            )
            if c in self.rows
        ]
        differs = self.rows[self.rows["orbit_id_match"] == False]  # noqa: E712
        return {
            "source": self.source,
            "catalog": self.catalog,
            "body": self.body,
            "method": self.method,
            "method_detail": self.method_detail,
            "counts": self.counts,
            "stats": self.stats(),
            "worst": _records(self.worst(5)[worst_cols]),
            "outside_jpl_sigma": _records(self.outside()[out_cols]),
            "not_found": _records(self.not_found),
            "orbit_id_differs": _records(differs[["des", "orbit_id", "catalog_orbit_id"]]),
            "wall_s": self.wall_s,
            "notes": list(self.notes),
        }

    def to_json(self, indent: int | None = 2) -> str:
        return json.dumps(self.summary(), indent=indent, allow_nan=False)

    def to_table(self) -> str:
        """A plain-text report: counts, the distribution, the worst rows, the rows not found."""
        s = self.summary()
        c = s["counts"]
        lines = [
            f"orbitviz vs JPL close approaches to {self.body.title()}"
            f" ({self.source or 'CAD answer'} against {self.catalog or 'the catalog'})",
            f"method: {self.method_detail}",
            "",
            f"  rows asked        {c['asked']}",
            f"  compared          {c['compared']}",
            f"  not found         {c['not_found']}",
            f"  orbit_id differs  {c['orbit_id_differs']}",
            f"  outside JPL's 3-sigma  {c['outside_jpl_sigma']} (explained: "
            f"{c['outside_explained']})",
            "",
        ]
        header = ["", "median", "95th percentile", "max"]
        body = []
        for key, label, unit in _STATS:
            st = s["stats"][key]
            body.append(
                [f"{label}{' (' + unit + ')' if unit else ''}"]
                + [_num(st[k]) for k in ("median", "p95", "max")]
            )
        lines += ["  " + line for line in _table(body, header).splitlines()]
        if len(self.rows):
            lines += ["", f"  worst {min(5, len(self.rows))} (by |d dist| / dist):"]
            worst = [
                [
                    display_designation(r["des"]),
                    r["cd"],
                    f"{r['jpl_dist_km']:,.1f}",
                    f"{r['d_dist_km']:+.3f}",
                    _num(r["rel_d_dist"]),
                    f"{r['dt_s']:+.3f}",
                    r.get("t_sigma_f", "-"),
                ]
                for r in s["worst"]
            ]
            header = ["des", "JPL time (TDB)", "JPL dist (km)", "d dist (km)", "rel", "dt (s)"]
            header.append("JPL t_sigma")
            lines += ["    " + line for line in _table(worst, header).splitlines()]
            lines += [
                f"    {r['des']}: {r['explanation']}" for r in s["worst"] if r.get("explanation")
            ]
        if s["outside_jpl_sigma"]:
            lines += [
                "",
                f"  outside JPL's own 3-sigma ({len(s['outside_jpl_sigma'])} of {c['compared']}):",
            ]
            for r in s["outside_jpl_sigma"]:
                lines.append(
                    f"    {r['des']} {r['cd']}: {r['outside_jpl_sigma']} "
                    f"({r['d_dist_km']:+,.3f} km, {r['dt_s']:+,.1f} s; JPL t_sigma "
                    f"{r.get('t_sigma_f', '-')}): {r['explanation']}"
                )
        if len(self.not_found):
            lines += ["", f"  not found ({len(self.not_found)}):"]
            rows = [[r["des"], r["cd"], r["reason"]] for r in s["not_found"]]
            lines += ["    " + line for line in _table(rows, ["des", "cd", "reason"]).splitlines()]
        if s["orbit_id_differs"]:
            lines += ["", "  orbit_id differs (compared anyway; differences expected):"]
            rows = [[r["des"], r["orbit_id"], r["catalog_orbit_id"]] for r in s["orbit_id_differs"]]
            lines += [
                "    " + line
                for line in _table(rows, ["des", "JPL orbit_id", "catalog orbit_id"]).splitlines()
            ]
        lines += ["", f"  wall time {self.wall_s:.1f} s"]
        lines += [f"  note: {n}" for n in self.notes]
        return "\n".join(lines)

    # --- picture ------------------------------------------------------------------------------

    def figure(self):
        """Histograms (log-spaced bins on a log axis) of ``|d dist| / dist`` and ``|dt|`` (s),
        values below 1e-12 and 1e-4 s counted in the first bin: a
        :class:`matplotlib.figure.Figure` whose bars carry the gids ``relative distance`` and
        ``time difference`` (one per bar: :func:`~orbitviz.reports.figures.find_artists`), and
        the medians' lines ``relative distance median`` and ``time difference median``."""
        from ..reports.figures import new_figure

        fig, ax = new_figure(10, 4)
        fig.delaxes(ax)
        axes = fig.subplots(1, 2)
        values = self._values()
        panels = (
            (axes[0], values["rel_d_dist"], 1e-12, "|d dist| / dist", "relative distance"),
            (axes[1], values["abs_dt_s"], 1e-4, "|dt| (s)", "time difference"),
        )
        for ax, v, floor, label, gid in panels:
            v = np.maximum(v[np.isfinite(v)], floor)
            if v.size:
                lo, hi = math.floor(math.log10(v.min())), math.ceil(math.log10(v.max()))
                bins = np.logspace(lo, max(hi, lo + 1), 4 * max(hi - lo, 1) + 1)
                ax.hist(v, bins=bins, color="tab:blue", alpha=0.8, gid=gid)
                ax.axvline(np.median(v), color="tab:red", lw=1.2, gid=f"{gid} median")
                ax.set_xscale("log")
            ax.set_xlabel(label)
            ax.set_ylabel("approaches")
            ax.grid(alpha=0.3)
        c = self.counts
        fig.suptitle(
            f"orbitviz ({self.method}) vs JPL CAD, {self.body.title()}: {c['compared']} of "
            f"{c['asked']} approaches compared (median in red)",
            fontsize=9,
        )
        fig.tight_layout()
        return fig

    def plot(self, path: str | Path) -> Path:
        """PNG of :meth:`figure`, written atomically; returns the path."""
        from ..reports.figures import save_png

        return save_png(self.figure(), path)


def _records(frame: pd.DataFrame) -> list[dict]:
    out = []
    for rec in frame.to_dict(orient="records"):
        out.append({k: _plain(v) for k, v in rec.items()})
    return out


def _plain(v):
    if isinstance(v, np.generic):
        v = v.item()
    if isinstance(v, float) and not math.isfinite(v):
        return None
    return v


def _num(v) -> str:
    if v is None:
        return "-"
    return f"{v:.3g}"
