"""Validation against JPL: orbitviz's close approaches beside a saved CAD API answer.

JPL's close-approach data (the SBDB Close-Approach Data API, "CAD") come from JPL's own
integration of each object's orbit solution. Given such an answer and an SBDB query CSV that
holds the *same* solutions (``orbit_id`` matching), :func:`compare_close_approaches` recomputes
every approach with orbitviz: the catalog row's conic at its own epoch, integrated by the
N-body engine (:func:`orbitviz.dynamics.nbody.propagate_nbody`: Sun, planets, Moon, Ceres and
Vesta from the SPK, 1PN Sun, the row's non-gravitational A1/A2/A3/DT), rows sharing an epoch
integrated together in batches; the minimum of the distance to the body is found within +-1 day
of JPL's time (:func:`orbitviz.dynamics.events.find_minima` on the dense output, to 1 ms). Each
approach gives ``dt_s`` (ours - JPL), ``d_dist_km`` (ours - JPL) and ``rel_d_dist``
(``|d_dist_km| / JPL's distance``); rows that cannot be compared are listed with the reason.

>>> from orbitviz.data import fetch
>>> from orbitviz.smallbodies import read_catalog
>>> from orbitviz.spice import KernelSet
>>> cad = read_cad_answer(fetch("cad_api_2020_all.json"))
>>> len(cad), float(cad["dist_au"].min())
(4700, 6.228e-05)
>>> rows = cad[cad["des"].isin(["2020 QG", "2020 CD3", "2020 FB7"])]
>>> table = read_catalog(fetch("sbdb_query_neos_2020.csv"), warn=False)
>>> with KernelSet("default"):
...     result = compare_close_approaches(rows, table)
>>> result.counts
{'asked': 3, 'compared': 3, 'not_found': 0, 'orbit_id_differs': 0}
>>> result.rows[["des", "cd", "jpl_dist_km"]].round(0)     # 2020 QG passed 9,317 km away
        des                 cd  jpl_dist_km
0  2020 CD3  2020-Feb-13 16:20      47062.0
1  2020 FB7  2020-Mar-31 16:17      77931.0
2   2020 QG  2020-Aug-16 04:09       9317.0
>>> bool((result.rows["d_dist_km"].abs() < 1.0).all())    # within 1 km of JPL's distances
True
>>> bool((result.rows["dt_s"].abs() < 1.0).all())         # and 1 s of JPL's times
True

:func:`validate_cad` does the same from two file names (what ``orbitviz validate cad`` runs),
with ``max_dist_au`` and a reproducible ``sample``; the result prints as a table
(:meth:`CadComparison.to_table`), JSON (:meth:`CadComparison.to_json`) or histograms
(:meth:`CadComparison.figure`, :meth:`CadComparison.plot`).
"""

from __future__ import annotations

import json
import math
import os
import re
import sys
import time
from dataclasses import dataclass, field
from pathlib import Path

import numpy as np
import pandas as pd

from . import spice
from ._text import table as _table
from .dynamics import approaches as _approaches
from .dynamics.kepler import propagate
from .errors import CoverageError, ElementsError, ValidationError
from .smallbodies import normalize_designations, read_catalog
from .spice import KernelSet
from .units import AU_KM, jd_tdb_to_et

__all__ = [
    "CAD_FIELDS",
    "HALF_WINDOW_S",
    "CadComparison",
    "compare_close_approaches",
    "read_cad_answer",
    "select_rows",
    "validate_cad",
]

CAD_FIELDS = ("des", "orbit_id", "jd", "cd", "dist")
"""Fields a CAD API answer must have (``fields``); ``dist_min``, ``dist_max``, ``v_rel``,
``t_sigma_f`` are kept when present."""

# The search: within +-1 day of JPL's time (JPL's own 3-sigma time uncertainty, t_sigma_f, is
# under a minute for most rows of a 2020 answer, a few hours at worst), batches of 64 bodies
# sharing an epoch, times refined to 1 ms (orbitviz.dynamics.approaches).
HALF_WINDOW_S, BATCH_SIZE, XTOL_S = (
    _approaches.HALF_WINDOW_S,
    _approaches.BATCH_SIZE,
    _approaches.XTOL_S,
)

METHODS = ("nbody", "two-body")

_STATS = (
    ("rel_d_dist", "|d dist| / dist", ""),
    ("abs_d_dist_km", "|d dist|", "km"),
    ("abs_dt_s", "|dt|", "s"),
)


# --------------------------------------------------------------------------------------------
# reading and choosing rows
# --------------------------------------------------------------------------------------------
def read_cad_answer(path: str | os.PathLike) -> pd.DataFrame:
    """A saved CAD API answer (JSON) as a DataFrame, one row per approach.

    Columns: ``des``, ``orbit_id``, ``jd_tdb`` (float), ``jpl_et`` (exact from the JD text),
    ``cd`` (calendar date, TDB), ``dist_au`` and, where the answer has them, ``dist_min_au``,
    ``dist_max_au``, ``v_rel_kms``, ``t_sigma_f``. Raises :class:`ValidationError` for a
    missing or unreadable file or one that is not a CAD answer.
    """
    path = Path(path)
    if not path.is_file():
        raise ValidationError(
            f"CAD answer {path} does not exist: give a saved JSON answer of "
            "JPL's close-approach API (ssd-api.jpl.nasa.gov/cad.api)",
            path,
        )
    try:
        doc = json.loads(path.read_text(encoding="utf-8"))
    except (OSError, UnicodeDecodeError, json.JSONDecodeError) as exc:
        raise ValidationError(f"CAD answer {path} is not JSON: {exc}", path) from None
    fields = doc.get("fields") if isinstance(doc, dict) else None
    if not isinstance(fields, list) or not set(CAD_FIELDS) <= set(fields):
        raise ValidationError(
            f"{path} is not a CAD API answer: it needs 'fields' with {', '.join(CAD_FIELDS)} "
            f"(has {fields if isinstance(fields, list) else 'none'})",
            path,
        )
    raw = pd.DataFrame(doc.get("data") or [], columns=fields, dtype=object)
    out = pd.DataFrame(
        {
            "des": raw["des"].astype(str).str.strip(),
            "orbit_id": raw["orbit_id"].astype(str).str.strip(),
            "jd_tdb": pd.to_numeric(raw["jd"], errors="coerce"),
            "jpl_et": [jd_tdb_to_et(str(jd)) for jd in raw["jd"]],
            "cd": raw["cd"].astype(str),
            "dist_au": pd.to_numeric(raw["dist"], errors="coerce"),
        }
    )
    for theirs, ours in (
        ("dist_min", "dist_min_au"),
        ("dist_max", "dist_max_au"),
        ("v_rel", "v_rel_kms"),
    ):
        if theirs in raw:
            out[ours] = pd.to_numeric(raw[theirs], errors="coerce")
    if "t_sigma_f" in raw:
        out["t_sigma_f"] = raw["t_sigma_f"].astype(str)
    out.attrs["source"] = path.name
    return out


def select_rows(
    cad: pd.DataFrame,
    max_dist_au: float | None = None,
    sample: int | None = None,
    seed: int = 0,
) -> pd.DataFrame:
    """The rows to compare: those closer than ``max_dist_au`` (all when None), then
    ``sample`` of them drawn at random with ``seed`` (reproducible), in the answer's order.

    >>> cad = pd.DataFrame({"des": list("abcde"), "dist_au": [0.01, 0.2, 0.03, 0.04, 0.3]})
    >>> select_rows(cad, 0.05)["des"].tolist(), select_rows(cad, 0.05, 2)["des"].tolist()
    (['a', 'c', 'd'], ['c', 'd'])
    """
    rows = cad if max_dist_au is None else cad[cad["dist_au"] < float(max_dist_au)]
    if sample is not None:
        if sample < 1:
            raise ValidationError(f"--sample must be at least 1, got {sample}")
        if sample < len(rows):
            rows = rows.sample(n=int(sample), random_state=seed).sort_index()
    out = rows.copy()
    out.attrs.update(cad.attrs)
    return out


# --------------------------------------------------------------------------------------------
# the comparison
# --------------------------------------------------------------------------------------------
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
        return {
            "asked": int(self.asked),
            "compared": len(self.rows),
            "not_found": len(self.not_found),
            "orbit_id_differs": int((match == False).sum()),  # noqa: E712 -- None: unknown
        }

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
        out = {}
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
        worst_cols += [c for c in ("t_sigma_f",) if c in self.rows]
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
                    r["des"],
                    r["cd"],
                    f"{r['jpl_dist_km']:,.0f}",
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
        from .reports.figures import new_figure

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
        from .reports.figures import save_png

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


def _orbit_id(text) -> str:
    """JPL's orbit id without SBDB's "JPL " prefix: "JPL 491" -> "491"."""
    return re.sub(r"^\s*JPL\s+", "", str(text)).strip()


def compare_close_approaches(
    cad: pd.DataFrame,
    table,
    body: str = "EARTH",
    *,
    method: str = "nbody",
    perturbers=None,
    nongrav: bool = True,
    half_window_s: float = HALF_WINDOW_S,
    batch_size: int = BATCH_SIZE,
    xtol_s: float = XTOL_S,
    progress: bool = False,
) -> CadComparison:
    """Recompute the approaches of ``cad`` (from :func:`read_cad_answer`) from the orbit
    solutions of ``table`` (an :class:`~orbitviz.smallbodies.ElementsTable`), needs the
    kernels loaded (``KernelSet("default")``).

    ``method``: ``"nbody"`` (the engine, see the module docstring) or ``"two-body"`` (each
    row's heliocentric conic, for comparison). ``perturbers``: a
    :class:`~orbitviz.dynamics.nbody.Perturbers` covering the rows' epochs and times (default:
    loaded once for the whole span); ``nongrav=False`` leaves the catalog's A1/A2/A3 out.
    ``progress`` shows a bar on stderr.
    """
    from tqdm import tqdm

    if method not in METHODS:
        raise ValidationError(f"method {method!r}: use one of {', '.join(METHODS)}")
    started = time.perf_counter()
    cad = cad.reset_index(drop=True)
    keys = normalize_designations(cad["des"]).to_numpy() if len(cad) else np.array([])
    row_of: dict[str, int] = {}
    for i, key in enumerate(table.table["key"]):
        row_of.setdefault(key, i)
    bad_reason: dict[str, str] = {}
    if len(table.bad_rows):
        bad_keys = normalize_designations(table.bad_rows["designation"])
        bad_reason = dict(zip(bad_keys, table.bad_rows["reason"]))

    not_found: list[tuple[int, str]] = []
    found: list[int] = []
    cat_row = np.full(len(cad), -1)
    for i, key in enumerate(keys):
        if key in row_of:
            cat_row[i] = row_of[key]
            found.append(i)
        elif key in bad_reason:
            not_found.append((i, f"catalog row unusable: {bad_reason[key]}"))
        else:
            not_found.append((i, f"not in the catalog ({table.source})"))

    jpl_et = cad["jpl_et"].to_numpy(dtype=float)
    result = np.full((len(cad), 3), np.nan)  # ours_et, ours_dist_km, ours_v_rel_kms
    detail = "two-body heliocentric conic from each row's epoch (planets' pull ignored)"
    bar = tqdm(
        total=len(found), desc="validate", unit="approach", file=sys.stderr, disable=not progress
    )

    rows = np.array(found, dtype=int)
    if method == "two-body":
        elts = table.conics[cat_row[rows]]

        def rel_of(t, k):
            return propagate(elts[k], t, outer=False) - spice.states(body, t, observer="SUN")

        try:
            hits = _approaches.nearest_minima(
                rel_of,
                np.arange(len(rows)),
                jpl_et[rows],
                np.full(len(rows), half_window_s),
                xtol_s,
            )
        except (CoverageError, ElementsError) as exc:
            not_found.extend((int(i), f"no minimum: {exc}") for i in rows)
        else:
            hours = half_window_s / 3600.0
            for k, i in enumerate(rows):
                if np.isfinite(hits[k, 0]):
                    result[i] = hits[k]
                else:
                    reason = f"no distance minimum within +-{hours:g} h of JPL's time"
                    not_found.append((int(i), reason))
        bar.update(len(rows))
    else:
        objects = cat_row[rows]
        models = {int(o): table.nongrav(int(o)) or None for o in set(objects)} if nongrav else None
        hits = _approaches.closest_approaches(
            table.conics,
            objects,
            jpl_et[rows],
            body,
            nongrav=models,
            perturbers=perturbers,
            half_window_s=half_window_s,
            batch_size=batch_size,
            xtol_s=xtol_s,
            on_done=bar.update,
        )
        for k, i in enumerate(rows):
            if np.isfinite(hits.et[k]):
                result[i] = hits.et[k], hits.dist_km[k], hits.v_rel_kms[k]
            else:
                not_found.append((int(i), hits.reasons[k]))
        detail = re.sub(r", A1/A2/A3 [^,]*(, DT [^,]*)?", "", hits.method)
        extra = "the catalog's A1/A2/A3/DT" if nongrav else "no non-gravitational forces"
        detail = detail.replace(", epsilon", f", {extra}, epsilon")
    bar.close()

    ok = np.flatnonzero(np.isfinite(result[:, 0]))
    jpl_km = cad["dist_au"].to_numpy(dtype=float) * AU_KM
    rows = pd.DataFrame(
        {
            "des": cad["des"].to_numpy()[ok],
            "cd": cad["cd"].to_numpy()[ok],
            "orbit_id": cad["orbit_id"].to_numpy()[ok],
        }
    )
    has_id = "orbit_id" in table.table
    cat_ids = table.table["orbit_id"].to_numpy() if has_id else None
    rows["catalog_orbit_id"] = [cat_ids[cat_row[i]] if has_id else "" for i in ok]
    rows["orbit_id_match"] = [
        (_orbit_id(cat_ids[cat_row[i]]) == _orbit_id(cad["orbit_id"].iloc[i])) if has_id else None
        for i in ok
    ]
    rows["jpl_et"] = jpl_et[ok]
    rows["jpl_dist_km"] = jpl_km[ok]
    rows["ours_et"] = result[ok, 0]
    rows["ours_dist_km"] = result[ok, 1]
    rows["dt_s"] = result[ok, 0] - jpl_et[ok]
    rows["d_dist_km"] = result[ok, 1] - jpl_km[ok]
    rows["rel_d_dist"] = np.abs(rows["d_dist_km"].to_numpy()) / jpl_km[ok]
    rows["ours_v_rel_kms"] = result[ok, 2]
    for col in ("v_rel_kms", "t_sigma_f"):
        if col in cad:
            rows[col] = cad[col].to_numpy()[ok]
    not_found.sort()
    missing = pd.DataFrame(
        {
            "des": [cad["des"].iloc[i] for i, _ in not_found],
            "cd": [cad["cd"].iloc[i] for i, _ in not_found],
            "reason": [reason for _, reason in not_found],
        }
    )
    return CadComparison(
        rows,
        missing,
        len(cad),
        str(body).upper(),
        method,
        detail,
        time.perf_counter() - started,
        source=str(cad.attrs.get("source", "")),
        catalog=str(table.source),
    )


def validate_cad(
    cad_path: str | os.PathLike,
    catalog_path: str | os.PathLike,
    body: str = "EARTH",
    *,
    max_dist_au: float | None = None,
    sample: int | None = None,
    seed: int = 0,
    method: str = "nbody",
    progress: bool = False,
) -> CadComparison:
    """:func:`compare_close_approaches` from files: a saved CAD API answer and an SBDB query
    CSV (or any catalog :func:`~orbitviz.smallbodies.read_catalog` reads) with the same orbit
    solutions, the ``default`` kernels loaded for the run."""
    cad = select_rows(read_cad_answer(cad_path), max_dist_au, sample, seed)
    if len(cad) == 0:
        raise ValidationError(
            f"no approach of {Path(cad_path).name} to compare"
            + (f" (none closer than {max_dist_au:g} au)" if max_dist_au is not None else "")
            + ": raise --max-dist or give another answer",
            cad_path,
        )
    table = read_catalog(catalog_path, warn=False)
    with KernelSet("default"):
        result = compare_close_approaches(cad, table, body, method=method, progress=progress)
    if max_dist_au is not None:
        result.notes.append(f"rows with JPL distance < {max_dist_au:g} au")
    if sample is not None:
        result.notes.append(f"a random sample of {sample} rows (seed {seed})")
    return result
