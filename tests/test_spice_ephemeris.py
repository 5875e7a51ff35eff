"""States, constants and coverage against independent truth (JPL Horizons, NAIF, IAU)."""

from __future__ import annotations

import numpy as np
import pytest
import spiceypy

from orbitviz import data
from orbitviz.errors import CoverageError, UnknownBody, UnknownFrame
from orbitviz.spice import (
    KernelSet,
    body_id,
    body_name,
    gm_km3s2,
    radii_km,
    spk_coverage,
    states,
    to_et,
)

AU_KM = 149597870.7


@pytest.fixture(autouse=True)
def default_kernels():
    with KernelSet("default"):
        yield


def test_earth_perihelion_2021():
    # Published: Earth at perihelion 2021-01-02 13:51 UTC, 0.983257 au from the Sun
    # (USNO / timeanddate). The distance minimum is flat, so check distance and timing.
    et = to_et("2021-01-02T13:51") + np.arange(-3, 4) * 86400.0
    dist_au = np.linalg.norm(states("EARTH", et)[:, :3], axis=1) / AU_KM
    assert dist_au[3] == pytest.approx(0.983257, abs=2e-6)
    assert np.argmin(dist_au) == 3


def test_ceres_spk_agrees_with_horizons(mirror):
    # Horizons vectors (DE441 solution, 2022) vs the 1900-2100 Ceres SPK (older solution):
    # PROVENANCE reports 74-80 km apart; a frame or time-scale mistake would give 1e4+ km.
    text = data.fetch("horizons_ceres_vectors_range.txt").read_text()
    rows = text.split("$$SOE")[1].split("$$EOE")[0].strip().splitlines()
    jd_tdb = np.array([float(r.split(",")[0]) for r in rows])
    xyz_au = np.array([[float(v) for v in r.split(",")[2:5]] for r in rows])
    with KernelSet("ceres_1900_2100.bsp"):
        ours = states("CERES", (jd_tdb - 2451545.0) * 86400.0, observer="SUN", frame="ECLIPJ2000")
    diff_km = np.linalg.norm(ours[:, :3] - xyz_au * AU_KM, axis=1)
    assert diff_km.max() < 120.0


def test_constants_match_naifs_kernels(mirror):
    bodies = ("SUN", "EARTH", "MOON", "MARS", "JUPITER", 3, 5, "CERES", "VESTA")
    no_radii = (3, 5, "CERES", "VESTA")
    ours = {b: (gm_km3s2(b), None if b in no_radii else radii_km(b)) for b in bodies}
    with KernelSet("gm_de440.tpc", "pck00011.tpc"):
        for body, (gm, radii) in ours.items():
            assert gm == pytest.approx(gm_km3s2(body), rel=1e-12)
            if body not in no_radii:
                np.testing.assert_allclose(radii, radii_km(body), rtol=1e-12)


def test_the_moons_rotation_matches_naifs_pck(mirror):
    """orbitviz's own PCK carries the IAU Moon model (textured Moon): the IAU_MOON frame it
    gives agrees with NAIF's pck00011.tpc over a century (loaded after it, so its values win)."""
    from orbitviz.spice import rotation

    et = np.linspace(to_et("1980-01-01"), to_et("2080-01-01"), 9)
    ours = rotation("IAU_MOON", "J2000", et)
    with KernelSet("pck00011.tpc"):
        naif = rotation("IAU_MOON", "J2000", et)
    np.testing.assert_allclose(ours, naif, atol=1e-12)


def test_published_values():
    assert gm_km3s2("EARTH") == pytest.approx(398600.435507, rel=1e-11)  # DE440
    assert radii_km("EARTH")[0] == pytest.approx(6378.1366)  # IAU 2015


def test_many_times_in_one_call_match_single_calls():
    et = np.linspace(0, 30 * 86400, 50)
    many = states("MOON", et, observer="EARTH", frame="J2000", abcorr="LT+S")
    one = states("MOON", et[17], observer="EARTH", frame="J2000", abcorr="LT+S")
    np.testing.assert_array_equal(many[17], one)
    assert many.shape == (50, 6)
    # the Moon stays between perigee and apogee (356,000-407,000 km)
    dist = np.linalg.norm(many[:, :3], axis=1)
    assert dist.min() > 355e3 and dist.max() < 407e3


def test_names_and_ids():
    assert body_id("earth") == 399 and body_id("399") == 399 and body_id(301) == 301
    assert body_name(399) == "EARTH"
    with pytest.raises(UnknownBody, match=r"'EARHT'.*Did you mean EARTH"):
        body_id("EARHT")


def test_time_outside_coverage_names_body_file_interval_and_time(mirror):
    with KernelSet("philae"):
        cov = spk_coverage(-226800)
        assert [c.path.name for c in cov] == ["LORB_C_G_FIXED_RBD_7_V2_0.BSP"]
        with pytest.raises(CoverageError) as err:
            states(-226800, to_et("2014-11-12T18:00"), observer=1000012, frame="67P/C-G_CK")
    msg = str(err.value)
    for part in (
        "-226800",
        "LORB_C_G_FIXED_RBD_7_V2_0.BSP",
        "2014-11-12T15:34:04",
        "2014-11-12T17:31:17",
        "2014-11-12T18:00:00",
    ):
        assert part in msg
    assert not spiceypy.failed()
    assert states("EARTH", 0.0).shape == (6,)  # SPICE still works after the error


def test_unknown_frame_and_body_errors_leave_spice_clean():
    with pytest.raises(UnknownFrame, match="FOO_FRAME"):
        states("EARTH", 0.0, frame="FOO_FRAME")
    with pytest.raises(CoverageError, match="no loaded SPK has data"):
        states("ITOKAWA", 0.0)  # a known name without data in the default set
    assert not spiceypy.failed()
    assert np.isfinite(states("EARTH", 0.0)).all()


def test_coverage_errors_carry_the_facts():
    from orbitviz.errors import CoverageError

    with pytest.raises(CoverageError) as caught:
        states("EARTH", -4.0e9)
    err = caught.value
    assert err.et == -4.0e9 and err.body == "EARTH"
    assert [name for name, _, _ in err.coverage] == ["de421.bsp"]
    assert err.coverage[0][1] < -3.15e9 and err.coverage[0][2] > 1.69e9  # 1899 .. 2053
