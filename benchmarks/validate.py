"""Validation against JPL: the 2020 close approaches within 0.05 au recomputed from the same solutions.

JPL's CAD API answer (``cad_api_2020_all.json``, 999 Earth approaches of 2020 within 0.05 au)
against :func:`orbitviz.validate.compare_close_approaches` on the SBDB query CSV holding the same
orbit solutions: ours is the N-body engine (rows grouped by epoch, 64 bodies per integration,
minimum to 1 ms), the peer the same comparison with each row's two-body conic (what the
screening's coarse pass uses). Both run once, warm (the compiled engine loaded by a 3-row call
first). The distribution of the differences is printed as ``#`` lines for each.

Target: ``validate_2020``: ours <= 60 s for the 999 approaches (measured 2.5 s here, on a
shared 2-core machine; the two-body peer took 11 s, its minimum search asking SPICE for the
Earth as often, on more grid minima). The speedup is reported, not a target: the point of the
peer is its accuracy line (median 2,900 km off, against 0.15 km). Measured, full run: all 999
found; N-body median |d dist|/dist 4.4e-8, p95 7.2e-7; |d dist| 0.15 / 0.29 km; |dt| 0.013 /
0.069 s; three short-arc rows (2020 CR2, 2020 BH10, 2020 HT7) 30-40 min along track from JPL.
``--quick`` takes every 20th row (50 approaches).

``screen_2020``: the whole year the way a user finds it, with no JPL time to start from:
``screen(catalog, "EARTH", 2020, "0.05au", refine="nbody")`` over all 4,226 objects of the SBDB
query CSV (two-body grid, candidates up to the margin of
:func:`orbitviz.screening.params.candidate_margin_km`, every candidate refined by the N-body
engine), in this process (one core; the goal is for two), then each of JPL's 999 approaches
looked up in the result (same object, within 2 days). Prints the found fraction, the
distribution of the differences, the rows found that JPL does not list, and CPU time next to
the wall time (the machine is shared). Peer: the two-body screening alone (which loses three of
JPL's passes, printed too). Target: ours <= 60 s, nothing lost. Measured here (one process,
load ~1.6 on 2 cores): 999 of 999 found, no extra rows, 8.5 s wall / 8.4 s CPU (two-body
alone: 2.3 s, 7 of JPL's passes lost or > 2 days off); median |d dist|/dist 4.4e-8, p95
7.3e-7; |dt| median 0.014 s, p95 0.075 s (max 40 min: the three short-arc rows below).
``--quick``: every 20th object.

    python benchmarks/validate.py [--quick]
"""

from __future__ import annotations

import sys
import time

import _bench
import numpy as np
import pandas as pd
from _bench import Result, Target, info, report

from orbitviz.data import fetch
from orbitviz.screening import screen
from orbitviz.smallbodies import read_catalog
from orbitviz.smallbodies.names import normalize_designations
from orbitviz.spice import KernelSet
from orbitviz.units import AU_KM, DAY_S
from orbitviz.validate import compare_close_approaches, read_cad_answer, select_rows

MAX_DIST_AU = 0.05


def describe(label: str, result) -> None:
    c = result.counts
    info(
        f"{label}: {c['compared']} of {c['asked']} compared ({c['compared'] / c['asked']:.1%} "
        f"found), {c['not_found']} not found, {c['orbit_id_differs']} orbit_id differ; "
        f"{result.wall_s:.1f} s"
    )
    for key, name, unit in (
        ("rel_d_dist", "|d dist|/dist", ""),
        ("abs_d_dist_km", "|d dist|", " km"),
        ("abs_dt_s", "|dt|", " s"),
    ):
        st = result.stats()[key]
        if st["median"] is None:
            continue
        info(
            f"  {label} {name}: median {st['median']:.3g}{unit}, p95 {st['p95']:.3g}{unit}, "
            f"max {st['max']:.3g}{unit}"
        )
    for r in result.worst(3).itertuples():
        info(
            f"  {label} worst: {r.des} {r.cd} d dist {r.d_dist_km:+.3f} km "
            f"({r.rel_d_dist:.2g}), dt {r.dt_s:+.3f} s"
        )
    for r in result.not_found.head(3).itertuples():
        info(f"  {label} not found: {r.des} {r.cd}: {r.reason}")


def matched(cad: pd.DataFrame, found: pd.DataFrame) -> pd.DataFrame:
    """For each JPL row the screened approach of the same object nearest in time (within 2
    days): columns dt_s and d_dist_km (NaN where none)."""
    keys = normalize_designations(found["designation"]).to_numpy()
    by_key = {k: found[keys == k] for k in set(keys)}
    dt, dd = np.full(len(cad), np.nan), np.full(len(cad), np.nan)
    for i, (key, et, au) in enumerate(zip(cad["key"], cad["jpl_et"], cad["dist_au"])):
        mine = by_key.get(key)
        if mine is None:
            continue
        k = int(np.argmin(np.abs(mine["et"].to_numpy() - et)))
        if abs(mine["et"].iloc[k] - et) < 2 * DAY_S:
            dt[i] = mine["et"].iloc[k] - et
            dd[i] = mine["dist_km"].iloc[k] - au * AU_KM
    return pd.DataFrame(
        {
            "des": cad["des"].to_numpy(),
            "cd": cad["cd"].to_numpy(),
            "dt_s": dt,
            "d_dist_km": dd,
            "dist_km": cad["dist_au"].to_numpy() * AU_KM,
        }
    )


def screening(cad: pd.DataFrame, table, quick: bool) -> tuple[Result, int]:
    """The whole-year screening with N-body refinement against JPL's answer (see above)."""
    if quick:
        rows = np.arange(0, len(table.table), 20)
        table = type(table)(
            table.table.iloc[rows].reset_index(drop=True),
            table.conics[rows],
            table.bad_rows.iloc[:0],
            f"{table.source} (every 20th)",
            table.gm_km3s2,
        )
    keys = set(normalize_designations(table.table["designation"]))
    cad = cad.assign(key=normalize_designations(cad["des"]).to_numpy())
    cad = cad[cad["key"].isin(keys)]
    runs = {}
    for refine in (None, "nbody"):
        wall, cpu = time.perf_counter(), time.process_time()
        found = screen(
            table,
            "EARTH",
            "2020-01-01",
            "2021-01-01",
            f"{MAX_DIST_AU}au",
            refine=refine,
            scheduler="synchronous",
            progress=False,
        )
        runs[refine] = (found, time.perf_counter() - wall, time.process_time() - cpu)
    (two, two_s, _), (ours, ours_s, ours_cpu) = runs[None], runs["nbody"]
    m = matched(cad, ours)
    ok = m["dt_s"].notna()
    rel = (m["d_dist_km"].abs() / m["dist_km"])[ok]
    adt = m["dt_s"].abs()[ok]
    extra = len(ours) - int(ok.sum())
    info(
        f"screen 2020 < {MAX_DIST_AU} au, {len(table.table)} objects, refine nbody: "
        f"{int(ok.sum())} of {len(cad)} JPL approaches found ({ok.mean():.1%}), {extra} rows "
        f"JPL does not list; {ours_s:.1f} s wall, {ours_cpu:.1f} s CPU (one process)"
    )
    if ok.any():
        info(
            f"  |d dist|/dist median {rel.median():.3g}, p95 {rel.quantile(0.95):.3g}; |dt| "
            f"median {adt.median():.3g} s, p95 {adt.quantile(0.95):.3g} s, max {adt.max():.3g} s"
        )
    for r in m[~ok].itertuples():
        info(f"  lost: {r.des} {r.cd} ({r.dist_km:,.0f} km)")
    lost_two = int(matched(cad, two)["dt_s"].isna().sum())
    info(f"  two-body alone: {lost_two} of {len(cad)} lost, {two_s:.1f} s")
    lost = int((~ok).sum())
    return report(
        Result(
            "screen_2020",
            ours_s,
            two_s,
            Target(max_ours_s=60),
            note=f"{len(table.table)} objects, {int(ok.sum())}/{len(cad)} found; peer: two-body only",
        )
    ), lost


def main() -> int:
    args = _bench.parser(__doc__).parse_args()
    cad = select_rows(read_cad_answer(fetch("cad_api_2020_all.json")), MAX_DIST_AU)
    if args.quick:
        cad = cad.iloc[::20]
    table = read_catalog(fetch("sbdb_query_neos_2020.csv"), warn=False)
    with KernelSet("default"):
        for method in ("nbody", "two-body"):  # warm: the compiled engine, SPICE, imports
            compare_close_approaches(cad.iloc[:3], table, method=method)
        ours = compare_close_approaches(cad, table, method="nbody")
        peer = compare_close_approaches(cad, table, method="two-body")
    info(
        f"2020 Earth approaches within {MAX_DIST_AU} au{' (every 20th)' if args.quick else ''}: "
        f"JPL CAD vs orbitviz from the same SBDB solutions"
    )
    describe("nbody", ours)
    describe("two-body", peer)
    result = report(
        Result(
            "validate_2020",
            ours.wall_s,
            peer.wall_s,
            Target(max_ours_s=60),
            note=f"{len(cad)} approaches, N-body vs two-body conics",
        )
    )
    with KernelSet("default"):
        screened, lost = screening(
            select_rows(read_cad_answer(fetch("cad_api_2020_all.json")), MAX_DIST_AU),
            table,
            args.quick,
        )
    if lost:
        info(f"FAIL screen_2020: {lost} of JPL's approaches lost (the goal is none)")
    return _bench.exit_status([result, screened]) or int(lost > 0)


if __name__ == "__main__":
    sys.exit(main())
