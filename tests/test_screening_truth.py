"""Screening against independent truth: JPL's close-approach data.

1. CAD API, all Earth approaches of 2020 within 0.05 au (``cad_api_2020_all.json``), vs two-body
   screening of the NEODyS 2022-01-21 orbits. The orbits are 1-2 years *after* the approaches, so
   two-body back-propagation ignores the planets for that long, including the Earth's own pull at
   the very approach (delta-v ~ 2 GM/(b v): 0.01 km/s at 0.05 au and 15 km/s, 0.4 km/s for the
   slowest, deepest passes -> 10^5 to 10^7 km after two years), and many of these objects were
   discovered at the approach, so JPL's 2020 short-arc orbit differs from NEODyS's 2022 one. We
   therefore search 0.1 au over 2020 +- 1 month and compare positions: for each JPL approach the
   nearest screened approach of the same object, error = hypot(dt * v_rel, d - d_JPL) (an
   along-track timing error is a position error of dt * v). Measured: 994 of 996 found, median
   0.0012 au, 90 % 0.008 au, 99 % 0.03 au; the two misses (2020 AP1 at 0.0022 au, 2020 AD1) and
   the outliers (2020 CD3, a temporarily captured minimoon; 2020 SP, a 2-night arc) are exactly
   the deep/slow/short-arc cases above.
2. Apophis 2029 with N-body refinement from its NEODyS orbit vs JPL's SBDB ``ca_data`` (orbit 199,
   2018): the N-body propagator sees the Earth's pull, two-body does not (it misses by ~500,000 km).
"""

from __future__ import annotations

import json

import numpy as np
import pandas as pd
from conftest import needs_mirror

from orbitviz.data import fetch
from orbitviz.screening import screen
from orbitviz.units import AU_KM
from orbitviz.validate.cad import t_sigma_seconds
from orbitviz.validate.compare import MODEL_FLOOR_KM

pytestmark = needs_mirror


def _rows(table, sel, source: str):
    """The rows ``sel`` of an ElementsTable, as a table of their own."""
    return type(table)(
        table.table[sel].reset_index(drop=True),
        table.conics[sel],
        table.bad_rows.iloc[:0],
        source,
        table.gm_km3s2,
    )


def _cad_2020() -> pd.DataFrame:
    from orbitviz.smallbodies.names import normalize_designations

    raw = json.loads(fetch("cad_api_2020_all.json").read_text())
    cad = pd.DataFrame(raw["data"], columns=raw["fields"])
    for col in ("dist", "v_rel", "jd"):
        cad[col] = cad[col].astype(float)
    cad["et"] = (cad["jd"] - 2451545.0) * 86400.0  # CAD "jd"/"cd" are TDB
    cad["key"] = normalize_designations(cad["des"]).to_numpy()
    return cad


def test_cad_2020_approaches_found_by_two_body_screening():
    from orbitviz.smallbodies import read_neodys
    from orbitviz.smallbodies.names import normalize_designations

    cad = _cad_2020()
    tb = read_neodys()
    close = cad[(cad.dist < 0.05) & cad.key.isin(set(tb.table.key))]
    assert len(close) >= 990  # 999 listed, 996 in the NEODyS snapshot
    sel = tb.table.key.isin(set(close.key)).to_numpy()
    sub = type(tb)(
        tb.table[sel].reset_index(drop=True),
        tb.conics[sel],
        tb.bad_rows.iloc[:0],
        "CAD-2020 objects",
        tb.gm_km3s2,
    )
    res = screen(
        sub,
        "EARTH",
        "2019-12-01",
        "2021-02-01",
        "0.1au",
        refine=None,
        scheduler="synchronous",
        progress=False,
    )
    res["key"] = normalize_designations(res.designation).to_numpy()
    by_key = dict(iter(res.groupby("key")))  # pandas 3: a GroupBy has a .keys attribute
    rows = []
    for jpl in close.itertuples():
        mine = by_key.get(jpl.key)
        if mine is None:
            rows.append((jpl.des, jpl.cd, jpl.dist, np.nan, np.nan, np.nan))
            continue
        j = int(np.argmin(np.abs(mine.et.to_numpy() - jpl.et)))
        dt_s = mine.et.iloc[j] - jpl.et
        dd_au = mine.dist_au.iloc[j] - jpl.dist
        rows.append(
            (
                jpl.des,
                jpl.cd,
                jpl.dist,
                dt_s / 3600.0,
                dd_au,
                np.hypot(dt_s * jpl.v_rel / AU_KM, dd_au),
            )
        )
    diff = pd.DataFrame(rows, columns=["des", "cd_tdb", "jpl_au", "dt_h", "dd_au", "err_au"])
    print(
        "\nCAD 2020 (<0.05 au) vs NEODyS two-body:",
        diff[["dt_h", "dd_au", "err_au"]].abs().describe(percentiles=[0.5, 0.9, 0.99]).T,
    )
    print(diff.sort_values("err_au").tail(8).to_string(index=False))
    found = diff.err_au.notna()
    assert found.mean() >= 0.99
    assert diff.err_au.median() <= 0.003
    assert diff.err_au.quantile(0.9) <= 0.015
    assert (diff.err_au[found] <= 0.05).mean() >= 0.98
    assert diff.dt_h.abs().median() <= 6.0


def test_apophis_2029_nbody_vs_jpl():
    from orbitviz.smallbodies import read_neodys, read_sbdb_file

    jpl = read_sbdb_file(fetch("sbdb_api_apophis.dat")).close_approaches
    jpl = jpl[(jpl.body == "Earth") & jpl.time_tdb.str.startswith("2029")].iloc[0]
    tb = read_neodys()
    i = tb.find("99942")
    one = type(tb)(
        tb.table.iloc[[i]].reset_index(drop=True),
        tb.conics[[i]],
        tb.bad_rows.iloc[:0],
        "Apophis",
        tb.gm_km3s2,
    )
    res = screen(
        one,
        "EARTH",
        "2029-03-01",
        "2029-06-01",
        "0.01au",
        refine="nbody",
        scheduler="synchronous",
        progress=False,
    )
    row = res.iloc[0]
    dt_s, dd_km = row.et - jpl.et, row.dist_km - jpl.dist_au * AU_KM
    print(
        f"\nApophis 2029: nbody {row.utc} UTC {row.dist_km:.0f} km; JPL {jpl.time_tdb} TDB "
        f"{jpl.dist_au * AU_KM:.0f} km; dt {dt_s:.1f} s, dd {dd_km:.0f} km; two-body "
        f"{row.two_body_dist_km:.0f} km, dt {row.two_body_et - jpl.et:.0f} s"
    )
    assert row.method == "nbody" and row.inside_soi
    # JPL's own 3-sigma spread of the 2018 orbit at 2029 (dist_min..dist_max) is ~+-800 km;
    # NEODyS 2020-epoch orbit, de421 and no Yarkovsky: allow 2,000 km and 3 minutes
    assert abs(dd_km) <= 2000.0
    assert abs(dt_s) <= 180.0
    assert row.two_body_dist_km > 4 * row.dist_km  # two-body is far off: say which method


def test_phaethon_every_jpl_earth_approach_is_found():
    """3200 Phaethon (SBDB orbit 628, 2018) ca_data, 2013-2028, within 0.4 au: 2017-12-16
    (0.0689 au), 2026-10-07 and 2027-12-23; the 2016 pass at 0.4022 au is outside the threshold.
    Screening the NEODyS 2022 orbit finds all three. Measured: two-body within 62 min and
    0.0014 au (years of back-propagation without planets); N-body within 80 s and 3e-6 au.
    Bounds: 2 h / 0.003 au and 3 min / 2e-5 au."""
    from orbitviz.smallbodies import read_neodys, read_sbdb_file

    jpl = read_sbdb_file(fetch("sbdb_api_phaethon.dat")).close_approaches
    start, stop = 4.1e8, 8.84e8  # 2013-01 .. 2028-01, ET
    jpl = jpl[(jpl.body == "Earth") & (jpl.et > start) & (jpl.et < stop) & (jpl.dist_au < 0.4)]
    assert len(jpl) == 3
    tb = read_neodys()
    i = tb.find("3200")
    one = type(tb)(
        tb.table.iloc[[i]].reset_index(drop=True),
        tb.conics[[i]],
        tb.bad_rows.iloc[:0],
        "Phaethon",
        tb.gm_km3s2,
    )
    for refine, max_dt_s, max_dd_au in ((None, 7200.0, 3e-3), ("nbody", 180.0, 2e-5)):
        res = screen(
            one,
            "EARTH",
            "2013-01-01",
            "2028-01-01",
            "0.4au",
            refine=refine,
            scheduler="synchronous",
            progress=False,
        )
        assert len(res) == len(jpl)
        for _, truth in jpl.iterrows():
            near = res.iloc[np.argmin(np.abs(res.et.to_numpy() - truth.et))]
            assert abs(near.et - truth.et) < max_dt_s, (refine, truth.time_tdb)
            assert abs(near.dist_au - truth.dist_au) < max_dd_au, (refine, truth.time_tdb)


def test_refine_nbody_recomputes_every_candidate_as_jpl_does():
    """Screen 40 NEOs of 2020 from the SBDB query CSV (the orbit solutions of JPL's CAD
    answer): with refine="nbody" every approach found is recomputed by the N-body engine, in
    batches, and lands where JPL's does (measured: median 0.2 km; two-body 1,000s of km)."""
    from orbitviz.smallbodies import read_catalog
    from orbitviz.smallbodies.names import normalize_designations

    cad = _cad_2020()
    table = read_catalog(fetch("sbdb_query_neos_2020.csv"), warn=False)
    close = cad[cad.dist < 0.03]
    keys = sorted(set(close.key) & set(table.table.key))[:40]
    sel = table.table.key.isin(keys).to_numpy()
    sub = _rows(table, sel, "40 NEOs of 2020")
    res = screen(
        sub,
        "EARTH",
        "2020-01-01",
        "2021-01-01",
        "0.03au",
        refine="nbody",
        scheduler="synchronous",
        progress=False,
    )
    assert len(res) >= 35 and (res.method == "nbody").all()
    res["key"] = normalize_designations(res.designation).to_numpy()
    ours, two_body, outside = [], [], []
    for jpl in close[close.key.isin(keys)].itertuples():
        mine = res[res.key == jpl.key]
        if len(mine):
            j = int(np.argmin(np.abs(mine.et.to_numpy() - jpl.et)))
            dd_km = mine.dist_km.iloc[j] - jpl.dist * AU_KM
            dt_s = mine.et.iloc[j] - jpl.et
            ours.append(abs(dd_km))
            two_body.append(abs(mine.two_body_dist_km.iloc[j] - jpl.dist * AU_KM))
            # JPL's own 3-sigma: dist_min..dist_max, and t_sigma_f (3-sigma, as validate reads it)
            low_km = (float(jpl.dist_min) - jpl.dist) * AU_KM
            high_km = (float(jpl.dist_max) - jpl.dist) * AU_KM
            off_d = not low_km - MODEL_FLOOR_KM <= dd_km <= high_km + MODEL_FLOOR_KM
            off_t = abs(dt_s) > max(t_sigma_seconds(jpl.t_sigma_f), 60.0)
            if off_d or off_t:
                outside.append((jpl.des, jpl.cd, round(dd_km, 3), round(dt_s, 1)))
    assert len(ours) >= 35
    print(
        f"\n{len(ours)} approaches: median |dd| {np.median(ours):.3f} km, two-body "
        f"{np.median(two_body):.0f} km; outside JPL's 3-sigma (+ our {MODEL_FLOOR_KM:g} km model "
        f"floor, 60 s): {len(outside)} {outside}"
    )
    assert np.median(ours) < 2.0 and np.median(two_body) > 50 * np.median(ours)
    # every screened row within JPL's own 3-sigma, widened by the model floor validate states
    # (DE421 and Ceres/Vesta where JPL uses DE430/431 and 16 asteroids, no Earth J2)
    assert outside == []


def test_refine_nbody_loses_no_pass_that_two_body_puts_outside():
    """JPL's 2020 approaches within 0.05 au that two-body screening alone misses: 2018 DN1,
    2020 SG3 (two-body 4,546 and 10,015 km beyond the threshold), 2018 AL12 (two years from
    its epoch: two-body 0.073 au, JPL 0.047 au) and 2020 AY1 (2020-Jan-01 00:54, its two-body
    minimum before the window starts). The candidate margin and the edge pad of
    orbitviz.screening.params keep them; the N-body run finds each where JPL does."""
    from orbitviz.smallbodies import read_catalog

    cad = _cad_2020()
    table = read_catalog(fetch("sbdb_query_neos_2020.csv"), warn=False)
    keys = ["2018 DN1", "2020 SG3", "2018 AL12", "2020 AY1"]
    sel = table.table.designation.isin(keys).to_numpy()
    assert sel.sum() == len(keys)
    sub = _rows(table, sel, "four NEOs of 2020")
    res = screen(
        sub,
        "EARTH",
        "2020-01-01",
        "2021-01-01",
        "0.05au",
        refine="nbody",
        scheduler="synchronous",
        progress=False,
    )
    jpl = cad[cad.des.isin(keys) & (cad.dist < 0.05)]
    assert len(jpl) == len(keys)
    for row in jpl.itertuples():
        mine = res[res.designation == row.des]
        assert len(mine) == 1, f"{row.des} {row.cd} lost"
        assert abs(mine.et.iloc[0] - row.et) < 60.0
        assert abs(mine.dist_km.iloc[0] - row.dist * AU_KM) < 1e-4 * row.dist * AU_KM
    assert len(res) == len(keys)  # the margin's other candidates are dropped


def test_the_whole_2020_catalog_screened_with_n_body_finds_every_jpl_approach():
    """All 4,226 NEOs of the SBDB query (JPL's own solutions), one chunk: 1,079 candidates go
    through the two-stage refinement (orbitviz.screening.nbody). Its check falls back here:
    2018 AL12, two years from its epoch, is 420,000 km off at the loose tolerance (its 2020
    pass: 0.047 au), so every candidate the prescreen dropped is recomputed exactly. The rows
    are JPL's 999 approaches within 0.05 au, each within JPL's 3-sigma (plus validate's model
    floor, or 60 s) but 2020 CR2 and 2020 HT7, outside by time as tests/test_validate.py says."""
    from orbitviz.smallbodies import read_catalog
    from orbitviz.smallbodies.names import normalize_designations

    table = read_catalog(fetch("sbdb_query_neos_2020.csv"), warn=False)
    res = screen(
        table,
        "EARTH",
        "2020-01-01",
        "2021-01-01",
        "0.05au",
        scheduler="synchronous",
        chunk_size=len(table),
        progress=False,
    )
    cad = _cad_2020()
    jpl = cad[cad.dist < 0.05]
    assert len(res) == len(jpl) == 999 and (res.method == "nbody").all()
    res["key"] = normalize_designations(res.designation).to_numpy()
    outside = []
    for row in jpl.itertuples():
        mine = res[res.key == row.key]
        assert len(mine), f"{row.des} {row.cd} lost"
        k = int(np.argmin(np.abs(mine.et.to_numpy() - row.et)))
        dd_km = mine.dist_km.iloc[k] - row.dist * AU_KM
        dt_s = mine.et.iloc[k] - row.et
        low_km = (float(row.dist_min) - row.dist) * AU_KM - MODEL_FLOOR_KM
        high_km = (float(row.dist_max) - row.dist) * AU_KM + MODEL_FLOOR_KM
        if not low_km <= dd_km <= high_km or abs(dt_s) > max(t_sigma_seconds(row.t_sigma_f), 60):
            outside.append(row.des)
    assert sorted(outside) == ["2020 CR2", "2020 HT7"]
