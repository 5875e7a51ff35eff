"""orbitviz's close approaches recomputed for the rows of a CAD answer, from the catalog
holding the same orbit solutions (see :mod:`orbitviz.validate`)."""

from __future__ import annotations

import os
import re
import sys
import time
from pathlib import Path

import numpy as np
import pandas as pd

from .. import spice
from .._text import duration
from ..dynamics import approaches as _approaches
from ..dynamics.kepler import propagate
from ..errors import CoverageError, ElementsError, ValidationError
from ..smallbodies import normalize_designations, read_catalog
from ..spice import KernelSet
from ..units import AU_KM
from .cad import read_cad_answer, select_rows
from .report import CadComparison

# The search: within +-1 day of JPL's time (JPL's own 3-sigma time uncertainty, t_sigma_f, is
# under a minute for most rows of a 2020 answer, a few hours at worst), batches of 64 bodies
# sharing an epoch, times refined to 1 ms (orbitviz.dynamics.approaches).
HALF_WINDOW_S, BATCH_SIZE, XTOL_S = (
    _approaches.HALF_WINDOW_S,
    _approaches.BATCH_SIZE,
    _approaches.XTOL_S,
)

METHODS = ("nbody", "two-body")


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
    at_jpl = np.full((len(cad), 2), np.nan)  # our distance and range rate at JPL's time
    impact_of: dict[int, str] = {}
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
            minima = _approaches.nearest_minima(
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
                if np.isfinite(minima[k, 0]):
                    result[i] = minima[k]
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
                if hits.guess_dist_km is not None and hits.guess_rate_kms is not None:
                    at_jpl[i] = hits.guess_dist_km[k], hits.guess_rate_kms[k]
                if hits.impacts and k in hits.impacts:
                    impact_of[int(i)] = hits.impacts[k].headline()
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
    cat_ids = table.table["orbit_id"].to_numpy() if "orbit_id" in table.table else None
    rows["catalog_orbit_id"] = [cat_ids[cat_row[i]] if cat_ids is not None else "" for i in ok]
    rows["orbit_id_match"] = [
        (_orbit_id(cat_ids[cat_row[i]]) == _orbit_id(cad["orbit_id"].iloc[i]))
        if cat_ids is not None
        else None
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
    for col in ("v_rel_kms", "t_sigma_f", "t_3sigma_s"):
        if col in cad:
            rows[col] = cad[col].to_numpy()[ok]
    for col in ("dist_min_au", "dist_max_au"):
        if col in cad:
            rows[col.replace("_au", "_km").replace("dist", "jpl_dist")] = (
                cad[col].to_numpy(dtype=float)[ok] * AU_KM
            )
    rows["dist_at_jpl_time_km"] = at_jpl[ok, 0]
    rows["rate_at_jpl_time_kms"] = at_jpl[ok, 1]
    rows["impact"] = [impact_of.get(int(i), "") for i in ok]
    rows["outside_jpl_sigma"], rows["explanation"] = _explain(rows)
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


MODEL_FLOOR_KM = 1.0
"""How far our distances may sit from JPL's for the same orbit on the model alone: DE421
(JPL: DE430/431), Ceres and Vesta only (JPL: 16 asteroids), no Earth J2. The median over the
999 approaches of 2020 within 0.05 au is 0.15 km, the 95th percentile 0.3 km."""
SAME_POINT_KM = 1.0
"""Our distance at JPL's own time equal to JPL's within this: the same trajectory."""


def _explain(rows: pd.DataFrame) -> tuple[list[str], list[str]]:
    """Which rows differ from JPL by more than JPL's own 3-sigma (``distance``, ``time``, both
    or ``""``), and why, in words: the physics or the data behind each."""
    where, why = [], []
    for r in rows.itertuples(index=False):
        d = r.d_dist_km
        lo = getattr(r, "jpl_dist_min_km", np.nan) - r.jpl_dist_km
        hi = getattr(r, "jpl_dist_max_km", np.nan) - r.jpl_dist_km
        t3 = getattr(r, "t_3sigma_s", np.nan)
        off_d = bool(np.isfinite(lo) and np.isfinite(hi) and not lo <= d <= hi)
        off_t = bool(np.isfinite(t3) and abs(r.dt_s) > t3)
        what = " and ".join(k for k, v in (("distance", off_d), ("time", off_t)) if v)
        where.append(what)
        if r.impact:
            why.append(f"{r.impact}: the approach is the surface entry")
            continue
        if not what and abs(r.dt_s) <= 60.0:
            why.append("")
            continue
        same = abs(r.dist_at_jpl_time_km - r.jpl_dist_km)
        if r.orbit_id_match is False:
            why.append(
                f"a different orbit solution: the catalog's {r.catalog_orbit_id} against "
                f"JPL's {r.orbit_id}"
            )
        elif (
            (off_t or abs(r.dt_s) > 60.0)
            and same <= SAME_POINT_KM
            and abs(r.rate_at_jpl_time_kms) > 0.01
        ):
            why.append(
                f"JPL's time is not at the distance minimum: at JPL's time our distance is "
                f"JPL's to {same:.2f} km (the same trajectory) but still "
                f"{'falling' if r.rate_at_jpl_time_kms < 0 else 'rising'} at "
                f"{abs(r.rate_at_jpl_time_kms):.3f} km/s; the minimum comes "
                f"{duration(abs(r.dt_s))} {'later' if r.dt_s > 0 else 'earlier'}, "
                f"{abs(d):,.1f} km {'closer' if d < 0 else 'farther'}"
            )
        elif off_d and not off_t and abs(d) <= MODEL_FLOOR_KM:
            why.append(
                f"{abs(d):.3f} km from JPL's distance: outside JPL's 3-sigma (-{abs(lo):.3f}/"
                f"+{hi:.3f} km) but inside our model floor (~{MODEL_FLOOR_KM:g} km: DE421 and "
                "Ceres/Vesta where JPL uses DE430/431 and 16 asteroids, no Earth J2)"
            )
        else:
            why.append("not explained" if what else "")
    return where, why


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
    answered = cad.attrs.get("bodies", ["Earth"])
    if [b.upper() for b in answered] != [str(body).strip().upper()]:
        said = (
            "has no 'body' field, so its approaches are to the Earth (the API's default)"
            if "bodies" in cad.attrs and answered == ["Earth"]
            else f"is of approaches to {', '.join(answered)}"
        )
        raise ValidationError(
            f"{Path(cad_path).name} {said}, but --body is {body}: compare it with "
            f"--body {answered[0].upper()}, or ask the API for body={str(body).title()}",
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
