"""Offline catalogs: the NEODyS snapshot through the data layer, generic files, bad rows,
name normalisation."""

from __future__ import annotations

import sqlite3

import numpy as np
import pandas as pd
import pytest

from orbitviz.data import fetch
from orbitviz.errors import ElementsError, UnknownBody
from orbitviz.smallbodies import (
    AU_KM,
    OrbitalElements,
    elements_table,
    normalize_designation,
    normalize_designations,
    read_catalog,
    read_neodys,
)
from orbitviz.smallbodies.elements import mjd_tdb_to_et


@pytest.fixture(scope="module")
def neodys():
    return read_neodys()


def raw_row(name):
    with sqlite3.connect(fetch("neodys.db")) as con:
        con.row_factory = sqlite3.Row
        return dict(con.execute("SELECT * FROM main WHERE Name = ?", (name,)).fetchone())


def test_neodys_size_and_shape(neodys):
    assert len(neodys) == 29049 and neodys.conics.shape == (29049, 8)
    assert neodys.bad_rows.empty
    assert neodys.source == "NEODyS catalog snapshot 2022-01-21"


def test_neodys_2021wp_row(neodys):
    el = neodys.elements("2021 WP")
    assert el.a_au == pytest.approx(1.10508, abs=5e-6) and el.e == pytest.approx(0.15657, abs=5e-6)
    row = raw_row("2021WP")
    assert el.e == row["Ecc_"] and el.M_deg == row["MeanAnom_deg"]
    assert el.i_deg == row["Incl_deg"] and el.node_deg == row["LongAscNode_deg"]
    # q = a (1 - e) agrees with the catalog's own perihelion column
    assert el.q_au == pytest.approx(row["Perihel_AU"], rel=1e-9)
    assert el.epoch_et == mjd_tdb_to_et(59600.0)


def test_every_row_keeps_its_epoch(neodys):
    el = neodys.elements("99942")
    assert raw_row("99942")["Epoch_MJD"] == 59200.0
    assert el.epoch_et == mjd_tdb_to_et(59200.0)
    with sqlite3.connect(fetch("neodys.db")) as con:
        epochs = [r[0] for r in con.execute("SELECT DISTINCT Epoch_MJD FROM main ORDER BY 1")]
    assert len(epochs) > 1
    np.testing.assert_array_equal(np.unique(neodys.table["epoch_et"]), mjd_tdb_to_et(epochs))


def test_neodys_q_matches_perihelion_column_everywhere(neodys):
    with sqlite3.connect(fetch("neodys.db")) as con:
        peri = pd.read_sql("SELECT Name, Perihel_AU FROM main", con).set_index("Name")
    q = neodys.table.set_index("designation")["q_au"]
    np.testing.assert_allclose(q.to_numpy(), peri.loc[q.index, "Perihel_AU"].to_numpy(), rtol=1e-8)
    np.testing.assert_allclose(neodys.conics[:, 0], q.to_numpy() * AU_KM, rtol=1e-15)
    np.testing.assert_allclose(neodys.conics[:, 2], np.radians(neodys.table["i_deg"]))


@pytest.mark.parametrize(
    "given, expected",
    [
        ("2021 WP", "2021WP"),
        ("2021WP", "2021WP"),
        ("2021wp", "2021WP"),
        (" 2021  Wp ", "2021WP"),
        ("99942", "99942"),
        ("99942 Apophis", "99942"),
        ("(99942) Apophis", "99942"),
        ("Apophis", "99942"),
        ("APOPHIS", "99942"),
        ("2004 MN4", "99942"),
        ("2012 DA14", "367943"),
        ("Duende", "367943"),
        ("67P/Churyumov-Gerasimenko", "67P"),
        ("2019 OE2", "2019OE2"),
        ("433", "433"),
    ],
)
def test_name_normalisation(given, expected):
    assert normalize_designation(given) == expected
    assert normalize_designations([given]).tolist() == [expected]


@pytest.mark.parametrize("name", ["2021 WP", "2021wp", "2021WP"])
def test_lookup_forms(neodys, name):
    assert neodys.elements(name).designation == "2021 WP"  # as people write it


def test_lookup_by_famous_name(neodys):
    assert neodys.elements("99942 Apophis").designation == "99942"
    assert neodys.elements("Apophis").designation == "99942"


def test_unknown_designation_lists_close_matches(neodys):
    with pytest.raises(UnknownBody) as info:
        neodys.elements("2021 WPZ")
    assert "2021WP" in str(info.value) and "NEODyS" in str(info.value)


def _bad_frame():
    return pd.DataFrame(
        {
            "des": ["good 1", "nan i", "neg e", "hyperbolic", "zero q", "parabolic", "good 2"],
            "q": [1.0, 1.0, 1.0, 0.3, 0.0, 1.0, 2.0],
            "e": [0.1, 0.1, -0.2, 1.5, 0.1, 1.0, 0.2],
            "inc": [1.0, np.nan, 1.0, 1.0, 1.0, 1.0, 170.0],
            "node": 10.0,
            "peri": 20.0,
            "M": 30.0,
            "mjd": 59600.0,
        }
    )


COLUMNS = {
    "designation": "des",
    "q_au": "q",
    "e": "e",
    "i_deg": "inc",
    "node_deg": "node",
    "peri_deg": "peri",
    "M_deg": "M",
    "epoch_mjd": "mjd",
}


@pytest.mark.parametrize("suffix", [".csv", ".parquet", ".db"])
def test_generic_catalog_skips_bad_rows(tmp_path, suffix):
    path = tmp_path / f"mine{suffix}"
    frame = _bad_frame()
    if suffix == ".csv":
        frame.to_csv(path, index=False)
    elif suffix == ".parquet":
        pytest.importorskip("pyarrow")
        frame.to_parquet(path)
    else:
        with sqlite3.connect(path) as con:
            frame.to_sql("objects", con, index=False)
    with pytest.warns(UserWarning, match="skipped 5 of 7 rows"):
        table = read_catalog(path, COLUMNS)
    assert table.table["designation"].tolist() == ["good 1", "good 2"]
    assert table.conics.shape == (2, 8)
    reasons = dict(zip(table.bad_rows["designation"], table.bad_rows["reason"]))
    assert reasons == {
        "nan i": "missing or non-finite i_deg",
        "neg e": "negative eccentricity",
        "hyperbolic": "hyperbolic (e > 1) not allowed here",
        "zero q": "perihelion distance q <= 0",
        "parabolic": "parabolic (e == 1) not supported",
    }


def test_hyperbolic_rows_when_allowed(tmp_path):
    path = tmp_path / "c.csv"
    _bad_frame().to_csv(path, index=False)
    with pytest.warns(UserWarning, match="skipped 4 of 7"):
        table = read_catalog(path, COLUMNS, allow_hyperbolic=True)
    assert table.elements("hyperbolic").a_au == pytest.approx(0.3 / (1 - 1.5))


def test_catalog_with_missing_column(tmp_path):
    path = tmp_path / "c.csv"
    _bad_frame().drop(columns="inc").to_csv(path, index=False)
    with pytest.raises(ElementsError, match="'inc' \\(i_deg\\)"):
        read_catalog(path, COLUMNS)
    with pytest.raises(ElementsError, match="match no known layout"):
        read_catalog(path)


def test_sbdb_csv_export_agrees_with_sbdb_json():
    """Two independent JPL products, same orbit solution (Apophis orbit 199)."""
    from orbitviz.smallbodies import read_sbdb_file

    table = read_catalog(fetch("sbdb_query_neos_2020.csv"))
    assert len(table) == 4226
    csv_el = table.elements("Apophis")
    json_el = read_sbdb_file(fetch("sbdb_api_apophis.dat")).elements
    for name in ("q_au", "e", "i_deg", "node_deg", "peri_deg", "M_deg", "epoch_et"):
        assert getattr(csv_el, name) == pytest.approx(getattr(json_el, name), rel=1e-12), name


def test_sbdb_csv_keeps_orbit_id_and_nongrav_parameters():
    """The export's orbit_id and A1/A2/A3/DT come through; an asteroid's A2 carries SBDB's
    asteroid law, as the SBDB API answer for the same solution states it (Apophis orbit 199);
    a comet's carries none (the comet law)."""
    from orbitviz.smallbodies import read_sbdb_file

    table = read_catalog(fetch("sbdb_query_neos_2020.csv"), warn=False)
    apophis = table.elements("Apophis")
    assert apophis.nongrav == read_sbdb_file(fetch("sbdb_api_apophis.dat")).elements.nongrav
    assert table.table["orbit_id"].iloc[table.find("Apophis")] == "JPL 199"
    comet = table.nongrav(table.find("249P"))
    assert set(comet) == {"A1", "A2"} and comet["A1"] == pytest.approx(-8.489626383171774e-11)
    assert table.nongrav(table.find("2020 AY1")) == {}
    assert (table.table["orbit_id"].str.startswith("JPL ")).all()


def test_inclinations_are_kept_from_0_to_180_degrees_and_refused_beyond():
    """A retrograde orbit reaches 180 deg; a row beyond it (or below 0) is skipped with its
    reason, in a catalog as in one set of elements."""
    incl = [0.0, 90.0, 180.0, 180.5, 270.0, -0.1]
    frame = pd.DataFrame(
        {
            "designation": [f"X{k}" for k in range(len(incl))],
            "q_au": 1.0,
            "e": 0.2,
            "i_deg": incl,
            "node_deg": 10.0,
            "peri_deg": 20.0,
            "M_deg": 30.0,
            "epoch_et": 0.0,
        }
    )
    table = elements_table(frame, {c: c for c in frame.columns}, source="test", warn=False)
    assert table.table["i_deg"].tolist() == [0.0, 90.0, 180.0]
    assert table.bad_rows["designation"].tolist() == ["X3", "X4", "X5"]
    assert set(table.bad_rows["reason"]) == {"inclination outside [0, 180] deg"}
    one = {"q_au": 1.0, "e": 0.2, "node_deg": 10.0, "peri_deg": 20.0, "M_deg": 30.0}
    assert OrbitalElements("R", i_deg=180.0, epoch_et=0.0, **one).i_deg == 180.0
    for bad in (180.5, 270.0, -0.1):
        with pytest.raises(ElementsError, match=r"'i_deg' = .* is outside \[0, 180\]"):
            OrbitalElements("R", i_deg=bad, epoch_et=0.0, **one)
