"""Orbital elements that contradict themselves or are absurd are refused at the edge, with the
numbers (issue #13 item 3)."""

from __future__ import annotations

import json
import math

import numpy as np
import pytest
from conftest import one_error_line
from hypothesis import assume, given, settings
from hypothesis import strategies as st

from orbitviz.dynamics.kepler import validate_elements
from orbitviz.errors import InconsistentElements
from orbitviz.smallbodies import OrbitalElements, jd_tdb_to_et
from orbitviz.smallbodies.catalog import read_catalog
from orbitviz.smallbodies.elements import check_semimajor_axis
from orbitviz.units import EPOCH_JD_RANGE, MAX_ABS_MEAN_ANOMALY_DEG

GOOD = {"q_au": 0.7460724, "e": 0.1911953, "i_deg": 3.33}
GOOD.update(node_deg=204.4, peri_deg=126.4, M_deg=180.4)
EPOCH = jd_tdb_to_et(2454733.5)


@settings(max_examples=60, deadline=None)
@given(m_deg=st.floats(-1e30, 1e30, allow_nan=False, allow_infinity=False))
def test_mean_anomaly_beyond_the_limit_is_refused(m_deg):
    args = {**GOOD, "M_deg": m_deg}
    if abs(m_deg) <= MAX_ABS_MEAN_ANOMALY_DEG:
        assert OrbitalElements("X", **args, epoch_et=EPOCH).M_deg == m_deg
        return
    with pytest.raises(InconsistentElements, match=r"mean anomaly M = .* deg is absurd") as info:
        OrbitalElements("X", **args, epoch_et=EPOCH)
    assert info.value.field == "M_deg" and info.value.value == m_deg


@settings(max_examples=60, deadline=None)
@given(jd=st.floats(-1e12, 1e12, allow_nan=False))
def test_epoch_outside_de441_is_refused(jd):
    if EPOCH_JD_RANGE[0] <= jd <= EPOCH_JD_RANGE[1]:
        OrbitalElements("X", **GOOD, epoch_et=jd_tdb_to_et(jd))
        return
    with pytest.raises(InconsistentElements, match=r"epoch JD .* is outside JD") as info:
        OrbitalElements("X", **GOOD, epoch_et=jd_tdb_to_et(jd))
    assert info.value.field == "epoch_et"


@settings(max_examples=80, deadline=None)
@given(
    a=st.floats(-100, 100, allow_nan=False).filter(lambda a: abs(a) > 1e-3),
    e=st.floats(0, 3, allow_nan=False).filter(lambda e: e != 1),
)
def test_sign_of_a_must_match_the_conic(a, e):
    if (a > 0) == (e < 1):
        assert math.isclose(check_semimajor_axis(a, e, None, "X"), a * (1 - e))
        return
    with pytest.raises(InconsistentElements, match=f"a = {a} au with e = {e}"):
        check_semimajor_axis(a, e, None, "X")


@settings(max_examples=60, deadline=None)
@given(rel=st.floats(-0.5, 0.5, allow_nan=False))
def test_a_contradicting_q_and_e_is_refused(rel):
    a, e = 1.2, 0.3
    q = a * (1 - e) * (1 + rel)
    assume(abs(rel) <= 5e-7 or abs(rel) >= 2e-6)  # the rule is relative 1e-6
    if abs(rel) <= 5e-7:
        check_semimajor_axis(a, e, q, "X")
        return
    with pytest.raises(InconsistentElements, match=r"give q = a \(1 - e\) = 0.84 au, but q ="):
        check_semimajor_axis(a, e, q, "X")


def test_validate_elements_refuses_absurd_m0_and_t0():
    good = OrbitalElements("X", **GOOD, epoch_et=EPOCH).to_conics()
    validate_elements(good)
    for col, value in ((5, 1e20), (6, 1e20), (6, -1e20)):
        bad = np.array([good, good])
        bad[1, col] = value
        with pytest.raises(InconsistentElements, match="object index 1") as info:
            validate_elements(bad)
        assert info.value.value == value


def test_catalog_rows_with_contradictions_are_listed(tmp_path):
    path = tmp_path / "a.csv"
    path.write_text(
        "name,epoch_jd,a,e,i,om,w,ma\n"
        "good,2454733.5,1.2,0.3,3,20,10,5\n"
        "neg-a,2454733.5,-1.2,0.3,3,20,10,5\n"
        "pos-a-hyp,2454733.5,1.2,1.5,3,20,10,5\n"
        "huge-M,2454733.5,1.2,0.3,3,20,10,1e20\n"
        "far-epoch,1e9,1.2,0.3,3,20,10,5\n"
    )
    columns = {"designation": "name", "epoch_jd": "epoch_jd", "a_au": "a", "e": "e"}
    columns.update(i_deg="i", node_deg="om", peri_deg="w", M_deg="ma")
    with pytest.warns(UserWarning, match="skipped 4 of 5 rows"):
        table = read_catalog(path, columns, allow_hyperbolic=True)
    assert table.table["designation"].tolist() == ["good"]
    reasons = dict(table.bad_rows.itertuples(index=False))
    assert reasons == {
        "neg-a": "a <= 0 with e < 1 (an ellipse has a > 0)",
        "pos-a-hyp": "a >= 0 with e > 1 (a hyperbola has a < 0)",
        "huge-M": "|mean anomaly| > 1e+07 deg",
        "far-epoch": "epoch outside JD -3100015.5 .. 8000016.5 (DE441)",
    }


def sbdb_file(tmp_path, mirror, **changes):
    data = json.loads((mirror / "fixtures" / "sbdb_api_apophis.dat").read_text())
    orbit = data["orbit"]
    for item in orbit["elements"]:
        if item["name"] in changes:
            item["value"] = str(changes.pop(item["name"]))
    if "epoch" in changes:
        orbit["epoch"] = str(changes.pop("epoch"))
    orbit.pop("covariance", None)  # an edited orbit is no longer the one the covariance fits
    path = tmp_path / "apophis.json"
    path.write_text(json.dumps(data))
    return path


def test_cli_sbdb_file_with_a_contradicting_q(capsys, tmp_path, mirror):
    path = sbdb_file(tmp_path, mirror, a="1.5")
    line = one_error_line(capsys, "flyby", "99942", "--sbdb-file", str(path))
    assert "a = 1.5 au and e = 0.1911953048308701 give q = a (1 - e) = 1.213207043" in line
    assert "but q = 0.7460724295867941 au is given" in line


@pytest.mark.parametrize(
    "change, fact",
    [
        ({"ma": "1e20"}, "mean anomaly M = 1e+20 deg is absurd"),
        ({"epoch": "1e9"}, "epoch JD 1e+09 TDB is outside JD -3100015.5 .. 8000016.5"),
        ({"a": "-0.92", "q": "-0.744"}, "a = -0.92 au with e = 0.1911953048308701 < 1"),
    ],
)
def test_cli_sbdb_file_absurd(capsys, tmp_path, mirror, change, fact):
    line = one_error_line(
        capsys, "flyby", "99942", "--sbdb-file", str(sbdb_file(tmp_path, mirror, **change))
    )
    assert fact in line


def test_cli_epoch_outside_the_loaded_spk_names_its_coverage(capsys, tmp_path, mirror):
    path = sbdb_file(tmp_path, mirror, epoch="2816787.5")  # year 3000: DE441 yes, de421 no
    line = one_error_line(capsys, "flyby", "99942", "--sbdb-file", str(path))
    assert "to 3000-01-01" in line  # the span the run needs reaches the epoch
    assert "de421.bsp: 1899-07-28T23:59:19 to 2053-10-08T23:58:51" in line  # what is loaded
