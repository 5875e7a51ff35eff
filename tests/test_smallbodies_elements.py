"""OrbitalElements: conics vector, time arithmetic, validation, hyperbolic orbits, rounding."""

from __future__ import annotations

import math

import numpy as np
import pytest

from orbitviz.errors import ElementsError
from orbitviz.smallbodies.elements import (
    AU_KM,
    GM_SUN_DE440_KM3S2,
    OrbitalElements,
    conics_from_arrays,
    et_to_jd_tdb,
    jd_tdb_to_et,
    mjd_tdb_to_et,
    round_to_sigma,
)

WP = {
    "q_au": 0.93205,
    "e": 0.1566,
    "i_deg": 3.808,
    "node_deg": 58.203,
    "peri_deg": 306.74,
    "M_deg": 91.92,
}


def wp(**changes):
    return OrbitalElements(
        "2021 WP", **{**WP, **changes}, epoch_et=jd_tdb_to_et(2459600.5), source="issue 3"
    )


def test_time_arithmetic():
    # JD 2459600.5 is 8055.5 days after J2000 (JD 2451545.0), i.e. 2022-01-21 00:00 TDB
    assert jd_tdb_to_et(2459600.5) == 8055.5 * 86400.0 == 695995200.0
    assert mjd_tdb_to_et(59600.0) == jd_tdb_to_et(2459600.5)
    assert jd_tdb_to_et(2451545.0) == 0.0
    assert et_to_jd_tdb(695995200.0) == 2459600.5
    np.testing.assert_array_equal(jd_tdb_to_et(np.array([2451545.0, 2451546.0])), [0.0, 86400.0])
    # a 19-digit SBDB tp keeps its sub-millisecond part when given as a string
    assert jd_tdb_to_et("2454894.912519503203") == pytest.approx(
        3349 * 86400 + 0.912519503203 * 86400, abs=1e-6
    )


def test_2021wp_conics_vector():
    conics = wp().to_conics()
    assert conics.shape == (8,)
    assert conics[0] == pytest.approx(0.93205 * 149597870.7, rel=1e-15)  # rp_km
    assert conics[0] == pytest.approx(139_432_695.3, abs=0.1)
    assert conics[1] == 0.1566
    np.testing.assert_allclose(conics[2:6], np.radians([3.808, 58.203, 306.74, 91.92]), rtol=1e-15)
    assert conics[6] == 695995200.0
    assert conics[7] == GM_SUN_DE440_KM3S2 == 132712440041.279419


def test_derived_quantities_2021wp():
    el = wp()
    assert el.a_au == pytest.approx(0.93205 / (1 - 0.1566))
    # Kepler's third law with a in au: P = 365.25... d * a^1.5 (Gaussian year), to 1e-6
    gaussian_year_d = 2 * math.pi / 0.01720209895
    assert el.period_days == pytest.approx(gaussian_year_d * el.a_au**1.5, rel=1e-6)
    assert el.period_s == pytest.approx(el.period_days * 86400)
    # tp: latest perihelion before the epoch, M/n earlier
    assert el.epoch_et - el.tp_et == pytest.approx(math.radians(91.92) / el.mean_motion_rad_s)


def test_vectorised_conics_matches_scalar():
    rows = conics_from_arrays(
        [0.93205, 1.2],
        [0.1566, 0.5],
        [3.808, 10],
        [58.203, 1],
        [306.74, 2],
        [91.92, 3],
        [695995200.0, 0.0],
    )
    assert rows.shape == (2, 8)
    np.testing.assert_array_equal(rows[0], wp().to_conics())
    assert rows[1, 0] == 1.2 * AU_KM


@pytest.mark.parametrize(
    "field, value, words",
    [
        ("e", -0.1, "negative"),
        ("e", 1.0, "parabolic"),
        ("q_au", 0.0, "> 0"),
        ("q_au", -1.0, "> 0"),
        ("i_deg", float("nan"), "nan"),
        ("M_deg", None, "missing"),
        ("node_deg", "abc", "not a number"),
        ("i_deg", 181.0, "outside"),
    ],
)
def test_validation_names_field_and_source(field, value, words):
    with pytest.raises(ElementsError) as info:
        wp(**{field: value})
    message = str(info.value)
    assert repr(field) in message and "issue 3" in message and words in message


def test_hyperbolic_from_perihelion_time_agrees_with_spice():
    spice = pytest.importorskip("spiceypy")
    tp = 1.0e8
    el = OrbitalElements.from_perihelion_time(
        "hyp",
        q_au=0.25,
        e=1.2,
        i_deg=122.7,
        node_deg=24.6,
        peri_deg=241.8,
        tp_et=tp,
        epoch_et=tp + 30 * 86400.0,
    )
    assert el.is_hyperbolic and el.a_au < 0 and el.period_days is None
    assert el.M_deg > 0  # after perihelion: positive hyperbolic mean anomaly
    assert el.tp_et == pytest.approx(tp, abs=1e-6)
    # independent: SPICE conics at tp puts the body at perihelion distance
    state = spice.conics(el.to_conics(), tp)
    assert np.linalg.norm(state[:3]) == pytest.approx(0.25 * AU_KM, rel=1e-10)
    before = OrbitalElements.from_perihelion_time(
        "hyp", q_au=0.25, e=1.2, i_deg=1, node_deg=2, peri_deg=3, tp_et=tp, epoch_et=tp - 86400
    )
    assert before.M_deg < 0


def test_elliptic_from_perihelion_time_agrees_with_spice():
    spice = pytest.importorskip("spiceypy")
    el = OrbitalElements.from_perihelion_time(
        "ell", q_au=0.9, e=0.3, i_deg=5, node_deg=6, peri_deg=7, tp_et=5e8, epoch_et=5e8 - 1e7
    )
    assert 0 <= el.M_deg < 360
    state = spice.conics(el.to_conics(), 5e8)
    assert np.linalg.norm(state[:3]) == pytest.approx(0.9 * AU_KM, rel=1e-10)


def test_parabolic_from_tp_is_refused():
    with pytest.raises(ElementsError, match="parabolic"):
        OrbitalElements.from_perihelion_time(
            "p", q_au=1, e=1.0, i_deg=0, node_deg=0, peri_deg=0, tp_et=0, epoch_et=0
        )


def test_round_to_sigma():
    assert round_to_sigma(0.1911953048308701, 5.3461e-9) == 0.191195305
    assert round_to_sigma(204.4460289189818, 2.1065e-5) == 204.44603
    assert round_to_sigma(91.926208, 0.3) == 91.9
    assert round_to_sigma(12345.6, 250.0) == 12300.0
    assert round_to_sigma(1.23456, 0.0) == 1.23456  # no usable sigma: unchanged


def test_rounded_to_sigma_copy():
    el = wp(q_au=0.9320579059965213, e=0.15657108053122515)
    el = OrbitalElements(**{**el.__dict__, "sigmas": {"q_au": 2.1e-5, "e": 3e-5}})
    rounded = el.rounded_to_sigma()
    assert rounded.q_au == 0.93206 and rounded.e == 0.15657
    assert rounded.i_deg == el.i_deg  # no sigma: untouched
    assert el.q_au == 0.9320579059965213  # the original is unchanged (frozen)
    assert "rounded to sigma" in rounded.source
