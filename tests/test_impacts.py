"""Impacts and atmospheric entries, against a real impactor: 2008 TC3 over Sudan.

Elements: NEODyS's orbit of 2008 TC3 in the offline catalog (``catalogs/neodys.db``, its row's
own epoch MJD 54600), an orbit fitted to the ~900 observations made before the impact.

Truth (published by NASA/JPL's NEO Program Office and CNEOS):

- JPL's Monte Carlo of 900 variant orbits put the track at 50 km altitude at 31.804 E,
  20.858 N, within ~1 km (JPL NEO Program Office, "2008 TC3 strikes Earth: predictions and
  observations agree", update of November 2008);
- US government sensors: first detection at 65.4 km altitude at 20.9 N, 31.4 E; the airburst
  at 37 km at 02:45:45 UT, 20.8 N, 32.2 E (same update; S. Chesley's 2009 abstract
  "Impact trajectory of asteroid 2008 TC3" gives 02:45:45 UT, 32.2 E, 20.8 N, matching the
  predictions to 0.2 s and 1.5 km); 12.4 km/s when it hit the atmosphere (the speed the
  sensors measure, over the turning ground);
- JPL's prediction the evening before (D. Yeomans, Oct 6 2008): atmospheric entry around
  02:45:28 UTC (+-15 s), 12.8 km/s relative to the Earth, from azimuth 281 deg, 19 deg above
  the horizon.

Published positions are given to 0.1 deg: the tolerances are that rounding plus the
geometry; JPL's own 50 km point is given to 0.001 deg and is checked to 0.02 deg (2 km): the
IAU_EARTH rotation model of a PCK (0.06 deg off in 2008) would fail it.
"""

from __future__ import annotations

import json

import numpy as np
import pytest

from orbitviz import flyby
from orbitviz.cli import main
from orbitviz.dynamics.impacts import find_impacts, refine_entries, sphere_brackets
from orbitviz.spice import KernelSet, et_to_utc, to_et
from orbitviz.spice.bodyfixed import geodetic

WINDOW = ("2008-10-06", "2008-10-08")


@pytest.fixture(scope="module")
def tc3():
    return flyby("2008 TC3", start=WINDOW[0], stop=WINDOW[1], uncertainty="none")


def _at_altitude(report, km):
    """The track's crossing of ``km`` above the ellipsoid: the impact module's own refinement."""
    imp = report.result.impact
    with KernelSet("default"):
        track = _rel_function(report)

        def altitude(t, _k):
            return geodetic(399, t, track(t)[:, :3]).alt_km

        et = refine_entries(
            altitude, np.array([imp.first.et - 60.0]), np.array([imp.surface.et]), km
        )[0]
        state = track(np.array([et]))
        g = geodetic(399, [et], state[:, :3])
        return et, float(g.lat_deg[0]), float(g.lon_deg[0])


def _rel_function(report):
    from orbitviz.dynamics.nbody import propagate_nbody, relative_state_function
    from orbitviz.smallbodies import resolve_target

    el, _ = resolve_target("2008 TC3")
    start, stop = float(to_et(WINDOW[0])), float(to_et(WINDOW[1]))
    traj = propagate_nbody(el.to_conics(), start, stop)
    rel = relative_state_function(traj, 399, start, stop)
    return lambda t: rel(np.atleast_1d(t))


def test_2008_tc3_is_an_impact_reported_first(tc3):
    s = tc3.summary
    imp = s["impact"]
    assert imp is not None and imp["kind"] == "impact" and imp["reaches_surface"]
    # the report leads with it, and says where and when
    assert s["headline"].startswith("2008 TC3: IMPACT on Earth at 2008-10-07 02:45:")
    assert tc3.to_table().splitlines()[0] == s["headline"]
    # the first entry point is the atmosphere's top (100 km), then the surface
    top, ground = imp["points"]
    assert top["altitude_km"] == 100.0 and ground["altitude_km"] == 0.0
    assert imp["utc"] == top["utc"] and imp["lat_deg"] == top["lat_deg"]
    # JPL predicted entry around 02:45:28 (+-15 s), 12.8 km/s, from azimuth 281, 19 deg up
    entry = to_et(top["utc"])
    with KernelSet("default"):
        assert abs(entry - to_et("2008-10-07T02:45:28")) < 15.0
    assert top["speed_kms"] == pytest.approx(12.8, abs=0.05)
    assert top["azimuth_deg"] == pytest.approx(281.0, abs=1.0)
    assert top["elevation_deg"] == pytest.approx(19.0, abs=2.5)
    # never a closest approach inside the Earth: the track stops at the surface
    assert s["closest_distance_km"] > 6350.0
    assert tc3.result.samples_et.max() <= to_et(ground["utc"]) + 1e-3
    assert s["elements_after"] is None


def test_2008_tc3_track_through_the_atmosphere_matches_jpl_and_the_sensors(tc3):
    # JPL's 900-orbit Monte Carlo mean at 50 km: 31.804 E, 20.858 N
    _, lat, lon = _at_altitude(tc3, 50.0)
    assert lat == pytest.approx(20.858, abs=0.02) and lon == pytest.approx(31.804, abs=0.02)
    # first detection at 65.4 km: 20.9 N, 31.4 E (0.1 deg published)
    _, lat, lon = _at_altitude(tc3, 65.4)
    assert abs(lat - 20.9) < 0.1 and abs(lon - 31.4) < 0.1
    # the airburst at 37 km: 02:45:45 UT, 20.8 N, 32.2 E
    et, lat, lon = _at_altitude(tc3, 37.0)
    with KernelSet("default"):
        assert abs(et - to_et("2008-10-07T02:45:45")) < 1.5, et_to_utc(et)
    assert abs(lat - 20.8) < 0.1 and abs(lon - 32.2) < 0.1
    # 12.4 km/s over the ground, as the sensors saw it
    assert tc3.summary["impact"]["ground_speed_kms"] == pytest.approx(12.4, abs=0.05)


def test_json_impact_object_and_null_without_one(tc3, capsys):
    assert (
        main(["flyby", "2008 TC3", "--start", WINDOW[0], "--stop", WINDOW[1], "--format", "json"])
        == 0
    )
    doc = json.loads(capsys.readouterr().out)
    imp = doc["impact"]
    assert set(imp) >= {"utc", "lat_deg", "lon_deg", "speed_kms", "altitude_km"}
    assert imp["utc"].startswith("2008-10-07T02:45:") and imp["altitude_km"] == 100.0
    apophis = flyby("Apophis", uncertainty="none", compare=False)
    assert apophis.summary["impact"] is None
    assert "IMPACT" not in apophis.to_table()


def test_many_tracks_at_once_find_only_those_inside():
    """The seam: sphere brackets from distance minima, then the geodetic refinement."""
    inside, lo, _hi = sphere_brackets(
        np.array([100.0, 200.0]), np.array([3000.0, 9000.0]), 6478.0, lookback_s=50.0
    )
    assert inside.tolist() == [True, False] and lo.tolist() == [50.0, 150.0]
    # a straight fall at 10 km/s from 1000 km up: 100 km reached after 90 s
    t0 = 0.0
    alt = refine_entries(
        lambda t, k: 1000.0 - 10.0 * (t - t0), np.array([0.0]), np.array([120.0]), 100.0
    )
    assert alt[0] == pytest.approx(90.0, abs=1e-3)
    # and a pass that stays above: none
    assert np.isnan(
        refine_entries(lambda t, k: 150.0 + 0 * t, np.array([0.0]), np.array([10.0]), 100.0)[0]
    )
    # minima outside the sphere cost nothing and give None
    with KernelSet("default"):
        got = find_impacts(lambda t, o: np.zeros((len(t), 6)), [0], [0.0], [1e6], "EARTH")
    assert got == [None]


@pytest.mark.parametrize(("scale", "expect"), [(1.0, (1.0, 1.0)), (3000.0, (0.05, 0.95))])
def test_monte_carlo_impact_fraction_counts_tracks_that_reach_the_ground(scale, expect):
    """Clones of 2008 TC3 (a diagonal covariance made up for the test: 1e-8 of e, q, ... and
    0.001 s times ``scale``): tight, every clone hits; widened 3,000 times, the b-plane cloud
    spreads over thousands of km and only part of it hits. The count is of tracks whose
    entry was found as an event, each checked to be on the ground at the time it gives."""
    import dataclasses

    from orbitviz.dynamics.uncertainty import encounter_uncertainty
    from orbitviz.smallbodies import resolve_target

    el, _ = resolve_target("2008 TC3")
    sig = dict.fromkeys(("e", "q_au", "node_deg", "peri_deg", "i_deg"), 1e-08 * scale)
    el = dataclasses.replace(el, sigmas={**sig, "M_deg": 1e-8 * scale})
    with KernelSet("default"):
        u = encounter_uncertainty(el, "EARTH", to_et("2008-10-07T02:46"), mode="mc", clones=40)
    mc = u.monte_carlo
    lo, hi = expect
    assert mc.n_clones == 40 and lo <= mc.impact_fraction <= hi
    assert mc.atmospheric_entries >= mc.impacts
    if scale == 1.0:
        assert mc.impacts == 40 and mc.impact_fraction_err == pytest.approx(1 / 40)
