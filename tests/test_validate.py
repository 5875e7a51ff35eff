"""``orbitviz validate cad``: JPL's 2020 close approaches recomputed from the same orbit solutions.

The truth is independent: JPL's CAD API answer (``cad_api_2020_all.json``) and the SBDB query
CSV holding the very solutions JPL integrated (``sbdb_query_neos_2020.csv``, orbit_id equal for
every row). The sample: 36 approaches within 0.05 au drawn at random (seed 0), plus every 2020
approach of 7 objects whose solutions carry non-gravitational terms and whose epochs lie far
from the approach or whose A1/A2 is large: 2020 CD3 (minimoon, radiation pressure A1 1.9e-10
au/d^2), 2013 BA74 (A2 1.5e-12), Apophis (epoch 2008, 2 rows), 2008 CE119 (epoch 2011, 2 rows),
2011 PU1 (2015), comets 321P (2005) and 249P (2014): 45 rows.

Measured here (DE421 + Ceres/Vesta, with the DOP853 engine of before at rtol 1e-12; the IAS15
engine passes the same bounds, its benchmark numbers in benchmarks/validate.py):

=================  ========  ========  ========
                   median    p95       max
=================  ========  ========  ========
|d dist| / dist    3.7e-8    1.9e-7    3.2e-6 (2020 CD3, 47,000 km from Earth's centre)
|d dist| (km)      0.14      0.53      3.1 (321P at 0.23 au: 9e-8)
|dt| (s)           0.017     0.16      0.50 (2020 CD3, 1.5 km/s: the minimum is shallow)
=================  ========  ========  ========

What is left is model difference, not error: JPL integrated with DE431 and 16 massive
asteroids (we: DE421, Ceres and Vesta). The bounds below sit
~5x above the measurement, and orders of magnitude below what a lost force costs. Mutants
tried, each one line, each failing these tests: the Moon left out of DEFAULT_PERTURBERS
(median |d dist|/dist 1.3e-5, 2008 CE119 off by 165,000 km); the catalog's A1/A2 left out of
the integration (the random rows stay, their A2 is zero, but Apophis moves by 242 km, 321P by
54,000 km, 2008 CE119 by 311 km, 249P by 338 km); the asteroids' g(r) = 1/r^2 law replaced by
the comet law (2008 CE119 off by 19 km, Apophis by 7 km). A two-body conic is off by a median
2,000 km.
JPL's own 3-sigma time uncertainty (``t_sigma_f``) is under a minute for most of these rows.
"""

from __future__ import annotations

import json

import numpy as np
import pandas as pd
import pytest
from conftest import needs_mirror

from orbitviz.cli import main
from orbitviz.data import fetch
from orbitviz.reports.figures import find_artist, find_artists
from orbitviz.smallbodies import read_catalog
from orbitviz.spice import KernelSet
from orbitviz.validate import (
    compare_close_approaches,
    read_cad_answer,
    select_rows,
    validate_cad,
)

pytestmark = needs_mirror

NONGRAV = ["2020 CD3", "2013 BA74", "99942", "2008 CE119", "2011 PU1", "321P", "249P"]


@pytest.fixture(scope="module")
def cad():
    return read_cad_answer(fetch("cad_api_2020_all.json"))


@pytest.fixture(scope="module")
def catalog():
    return read_catalog(fetch("sbdb_query_neos_2020.csv"), warn=False)


@pytest.fixture(scope="module")
def sample(cad):
    rows = pd.concat([select_rows(cad, 0.05, 36, seed=0), cad[cad["des"].isin(NONGRAV)]])
    rows.attrs.update(cad.attrs)
    return rows


@pytest.fixture(scope="module")
def result(sample, catalog):
    with KernelSet("default"):
        return compare_close_approaches(sample, catalog)


def test_the_cad_answer_reads_whole(cad):
    assert len(cad) == 4700
    assert (cad["dist_au"] < 0.5).all() and int((cad["dist_au"] < 0.05).sum()) == 999
    qg = cad[cad["des"] == "2020 QG"].iloc[0]
    assert qg["cd"] == "2020-Aug-16 04:09" and qg["dist_au"] == pytest.approx(6.228e-5, rel=1e-3)


def test_every_row_of_the_sample_is_compared_with_its_own_solution(result):
    assert result.counts == {
        "asked": 45,
        "compared": 45,
        "not_found": 0,
        "orbit_id_differs": 0,
        "outside_jpl_sigma": 0,
        "outside_explained": 0,
        "impacts": 0,
    }
    assert set(NONGRAV) <= set(result.rows["des"])


def test_distances_and_times_agree_with_jpl(result):
    s = result.stats()
    rel, km, dt = s["rel_d_dist"], s["abs_d_dist_km"], s["abs_dt_s"]
    assert rel["median"] < 2e-7 and rel["p95"] < 1e-6  # measured 3.7e-8, 1.9e-7
    assert km["median"] < 0.7 and km["p95"] < 2.5  # measured 0.14 km, 0.53 km
    assert dt["median"] < 0.1 and dt["p95"] < 1.0  # measured 0.017 s, 0.16 s
    assert rel["max"] < 2e-5 and dt["max"] < 3.0  # 2020 CD3: 3.2e-6, 0.50 s


def test_non_gravitational_terms_are_integrated(result):
    """Without A1/A2 these rows move by 0.8 km (2013 BA74) to 54,000 km (321P); with them
    each is within 3.2 km and 0.5 s of JPL (321P, whose 3-sigma time is 39 minutes)."""
    rows = result.rows[result.rows["des"].isin(NONGRAV)]
    assert len(rows) == 9
    assert rows["d_dist_km"].abs().max() < 6.0
    assert rows["dt_s"].abs().max() < 1.5
    assert rows["d_dist_km"].abs().median() < 1.0  # measured 0.21 km


def test_the_report_names_counts_worst_rows_and_figures(result, tmp_path):
    worst = result.worst(5)
    assert len(worst) == 5 and worst["rel_d_dist"].is_monotonic_decreasing
    assert worst["des"].iloc[0] == "2020 CD3"
    table = result.to_table()
    for words in ("rows asked        45", "compared          45", "not found         0"):
        assert words in table
    assert "95th percentile" in table and "worst 5" in table
    doc = json.loads(result.to_json())
    assert doc["counts"]["compared"] == 45 and len(doc["worst"]) == 5
    assert doc["stats"]["abs_dt_s"]["p95"] == pytest.approx(result.stats()["abs_dt_s"]["p95"])
    fig = result.figure()
    left, right = fig.axes
    assert len(find_artists(left, "relative distance")) > 3
    assert len(find_artists(right, "time difference")) > 3
    assert find_artist(right, "time difference median") is not None
    assert left.get_xscale() == "log"
    png = result.plot(tmp_path / "validate.png")
    assert png.read_bytes()[:8] == b"\x89PNG\r\n\x1a\n"


def test_rows_not_found_are_listed_with_the_reason(cad, catalog):
    rows = cad[cad["des"].isin(["2020 QG"])].copy()
    extra = rows.iloc[[0]].assign(des="2099 ZZ99")
    mismatch = rows.iloc[[0]].assign(orbit_id="999")  # an orbit the catalog does not hold
    rows = pd.concat([rows, extra, mismatch], ignore_index=True)
    with KernelSet("default"):
        r = compare_close_approaches(rows, catalog)
    counts = {k: r.counts[k] for k in ("asked", "compared", "not_found", "orbit_id_differs")}
    assert counts == {"asked": 3, "compared": 2, "not_found": 1, "orbit_id_differs": 1}
    assert r.not_found["des"].tolist() == ["2099 ZZ99"]
    assert r.not_found["reason"].iloc[0].startswith("not in the catalog")
    assert "orbit_id differs" in r.to_table()


def test_two_body_is_far_from_jpl(cad, catalog):
    """The peer of the benchmark: the same rows as conics, off by ~thousands of km."""
    rows = select_rows(cad, 0.05, 8, seed=1)
    with KernelSet("default"):
        r = compare_close_approaches(rows, catalog, method="two-body")
    assert r.method == "two-body"
    km = r.stats()["abs_d_dist_km"]["median"]
    assert km is None or km > 50.0


def test_validate_cad_from_files_samples_reproducibly():
    kwargs = {"max_dist_au": 0.05, "sample": 3, "seed": 7}
    paths = fetch("cad_api_2020_all.json"), fetch("sbdb_query_neos_2020.csv")
    a, b = validate_cad(*paths, **kwargs), validate_cad(*paths, **kwargs)
    assert a.rows["des"].tolist() == b.rows["des"].tolist() and len(a.rows) == 3
    assert np.all(a.rows["jpl_dist_km"] < 0.05 * 149_597_870.7)
    assert any("sample of 3" in note for note in a.notes)


def test_cli_prints_the_counts(capsys):
    code = main(
        [
            "validate",
            "cad",
            str(fetch("cad_api_2020_all.json")),
            "--catalog",
            str(fetch("sbdb_query_neos_2020.csv")),
            "--max-dist",
            "0.05au",
            "--sample",
            "4",
            "--no-progress",
        ]
    )
    out = capsys.readouterr().out
    assert code == 0
    assert "rows asked        4" in out and "compared          4" in out
    assert "not found         0" in out and "|d dist| / dist" in out


def test_cli_json(capsys):
    args = ["validate", "cad", str(fetch("cad_api_2020_all.json"))]
    args += ["--catalog", str(fetch("sbdb_query_neos_2020.csv")), "--sample", "2"]
    assert main(args + ["--format", "json", "--no-progress"]) == 0
    doc = json.loads(capsys.readouterr().out)
    assert doc["counts"]["asked"] == 2 and doc["method"] == "nbody"


@pytest.mark.parametrize("which", ["cad", "catalog"])
def test_cli_missing_file_is_one_line_and_exit_2(capsys, tmp_path, which):
    cad = str(tmp_path / "nope.json") if which == "cad" else str(fetch("cad_api_2020_all.json"))
    csv = (
        str(tmp_path / "nope.csv") if which == "catalog" else str(fetch("sbdb_query_neos_2020.csv"))
    )
    code = main(["validate", "cad", cad, "--catalog", csv, "--no-progress"])
    err = capsys.readouterr().err.strip()
    assert code == 2
    assert len(err.splitlines()) == 1 and err.startswith("orbitviz: error: ")
    assert "nope" in err and "does not exist" in err


def test_a_file_that_is_not_a_cad_answer(capsys, tmp_path):
    path = tmp_path / "other.json"
    path.write_text(json.dumps({"signature": {}, "data": []}))
    code = main(["validate", "cad", str(path), "--catalog", "x.csv", "--no-progress"])
    assert code == 2 and "is not a CAD API answer" in capsys.readouterr().err


def test_cli_nothing_to_compare_is_exit_2(capsys):
    args = ["validate", "cad", str(fetch("cad_api_2020_all.json")), "--max-dist", "1km"]
    args += ["--catalog", str(fetch("sbdb_query_neos_2020.csv")), "--no-progress"]
    assert main(args) == 2
    assert "no approach of cad_api_2020_all.json to compare" in capsys.readouterr().err


def test_every_row_outside_jpls_own_sigma_is_counted_and_explained(capsys):
    """JPL's 999 approaches of 2020 within 0.05 au: three differ from JPL by more than JPL's
    own 3-sigma, and the report says why, in words. 2020 CR2 and 2020 HT7: at JPL's own time
    our distance is JPL's to 0.24 and 0.09 km (the same trajectory), but the distance is
    still changing there (0.74 and 0.05 km/s): JPL's tabulated time is not at the minimum.
    438908 sits at the edge: 0.215 km from JPL's distance where JPL's 3-sigma is 0.217 km
    (0.246 km before issue #24's engine: Ceres and Vesta re-fitted, each body on its own
    steps), inside our model floor; counted and explained when it is outside."""
    from orbitviz import data

    cad, cat = data.fetch("cad_api_2020_all.json"), data.fetch("sbdb_query_neos_2020.csv")
    assert main(["validate", "cad", str(cad), "--catalog", str(cat), "--max-dist", "0.05au"]) == 0
    out = capsys.readouterr().out
    result = validate_cad(cad, cat, max_dist_au=0.05)
    outside = result.outside().set_index("des")
    n = len(outside)
    assert f"outside JPL's 3-sigma  {n} (explained: {n})" in out
    assert {"2020 CR2", "2020 HT7"} <= set(outside.index) <= {"2020 CR2", "2020 HT7", "438908"}
    edge = result.rows.set_index("des").loc["438908"]
    assert abs(edge["d_dist_km"]) < 0.25
    for des in ("2020 CR2", "2020 HT7"):
        row = outside.loc[des]
        assert row["outside_jpl_sigma"] == "time"
        assert row["explanation"].startswith("JPL's time is not at the distance minimum")
        assert abs(row["dist_at_jpl_time_km"] - row["jpl_dist_km"]) < 0.3
    if "438908" in outside.index:
        assert "model floor" in outside.loc["438908", "explanation"]
    assert result.counts["outside_explained"] == n and result.counts["impacts"] == 0
    # 2020 BH10 (-2,405 s) is inside JPL's 56-minute 3-sigma but explained all the same
    bh10 = result.rows.set_index("des").loc["2020 BH10", "explanation"]
    assert bh10.startswith("JPL's time is not at the distance minimum")
