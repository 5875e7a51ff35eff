"""N-body propagator vs independent truth.

- Integrator + dense output vs exact two-body (Sun fixed at the origin, no planets).
- 1PN: Mercury-like perihelion advance 6 pi GM / (c^2 a (1 - e^2)) per orbit (43"/century).
- Non-gravitational transverse A2: Gauss's equation da/dt = 2 A2 / n for a circular orbit.
- The guide's figure: ignoring Earth's pull at 0.05 au costs ~26 km after 1 day, ~2,600 km after
  10 days (1/2 GM/r^2 t^2).
- Apophis from its SBDB orbit (JPL solution 199, epoch 2008-09-24, A2 Yarkovsky) to JPL's
  close-approach table (``ca_data``) in 2013, 2021 and 2029.
"""

from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path

import numpy as np
import pytest

from orbitviz.dynamics.events import find_minima
from orbitviz.dynamics.kepler import propagate, state_to_elements
from orbitviz.dynamics.nbody import (
    ASTEROID_PERTURBERS,
    REFIT_TOLERANCE_KM,
    NonGrav,
    Perturbers,
    propagate_nbody,
)
from orbitviz.errors import CoverageError, ElementsError
from orbitviz.units import AU_KM, C_KMS, DAY_S, jd_tdb_to_et

spice = pytest.importorskip("orbitviz.spice")

GM_SUN = 1.32712440041279419e11


def fixed_sun_table(start_et, stop_et, gm=GM_SUN):
    """Only the Sun, at rest at the origin: exact two-body dynamics."""
    return Perturbers.fixed_sun(gm, start_et - DAY_S, stop_et + DAY_S)


def test_integrator_matches_two_body_forwards_and_backwards():
    elts = np.array([0.75 * AU_KM, 0.19, 0.06, 3.5, 2.2, 3.1, 2.5e8, GM_SUN])
    start, stop = 2.5e8 - 400 * DAY_S, 2.5e8 + 400 * DAY_S
    traj = propagate_nbody(
        elts, start, stop, relativity=False, perturbers=fixed_sun_table(start, stop)
    )
    et = np.linspace(start, stop, 333)
    ours, exact = traj.states(et), propagate(elts, et)
    dr = np.linalg.norm(ours[:, :3] - exact[:, :3], axis=1)
    assert dr.max() < 1e-4  # km after ~1.3 orbits each way (IAS15 at 1e-9: 3 mm measured)
    assert np.abs(ours[:, 3:] - exact[:, 3:]).max() < 1e-11
    assert traj.states(2.5e8).shape == (6,)
    with pytest.raises(CoverageError, match="covers ET"):
        traj.states(stop + DAY_S)


def test_relativity_perihelion_advance_mercury_like():
    a, e = 57_909_050.0, 0.2056
    n = np.sqrt(GM_SUN / a**3)
    period = 2 * np.pi / n
    elts = np.array([a * (1 - e), e, 0.1, 0.5, 0.3, 0.0, 0.0, GM_SUN])
    table = fixed_sun_table(0.0, 10 * period)
    traj = propagate_nbody(elts, 0.0, 10 * period, relativity=True, perturbers=table)
    el = state_to_elements(traj.states(np.array([0.0, 10 * period])), GM_SUN, 0.0)
    # the argument of periapsis advances; the node and inclination do not move
    advance = el[1, 4] - el[0, 4]
    expected = 10 * 6 * np.pi * GM_SUN / (C_KMS**2 * a * (1 - e**2))  # 5.02e-7 rad per orbit
    assert advance == pytest.approx(expected, rel=0.01)
    assert abs(el[1, 3] - el[0, 3]) < 1e-9 and abs(el[1, 2] - el[0, 2]) < 1e-12


def test_transverse_nongrav_changes_a_as_gauss_says():
    a = AU_KM
    elts = np.array([a, 0.0, 0.0, 0.0, 0.0, 0.0, 0.0, GM_SUN])
    year = 365.25 * DAY_S
    a2 = 1e-10  # au/d^2, exaggerated so the drift dwarfs the integration error
    traj = propagate_nbody(
        elts, 0.0, year, relativity=False, nongrav={"A2": a2}, perturbers=fixed_sun_table(0.0, year)
    )
    el = state_to_elements(traj.states(year), GM_SUN, year)
    a_end = el[0] / (1 - el[1])
    n_per_day = np.sqrt(GM_SUN / a**3) * DAY_S
    expected_au = 2 * a2 / n_per_day * 365.25  # g(1 au) = 1
    assert (a_end - a) / AU_KM == pytest.approx(expected_au, rel=0.01)
    assert "A1/A2/A3" in traj.method


def test_nongrav_models():
    ast = NonGrav.from_mapping({"A2": -5.6e-14, "ALN": 1.0, "NK": 0.0, "NM": 2.0, "R0": 1.0})
    assert ast.g(2.0) == pytest.approx(0.25)
    comet = NonGrav.comet(a1_au_d2=1e-8)
    assert comet.g(1.0) == pytest.approx(1.0, rel=1e-3)  # alpha normalises g(1 au) to ~1
    assert comet.g(5.0) < 0.01
    delayed = NonGrav.from_mapping({"A1": 1e-9, "DT": 30.0})  # a comet: the standard law
    assert delayed.dt_d == 30.0 and delayed.m == pytest.approx(2.15) and delayed.k == 4.6142
    with pytest.raises(ElementsError, match="S0"):
        NonGrav.from_mapping({"A1": 1e-9, "S0": 1.0})


@pytest.mark.parametrize("e", [0.0, 0.64, 0.999, 1.0, 2.5])
@pytest.mark.parametrize("dt_d", [-35.07, 12.0, 400.0])
def test_delayed_distance_is_the_two_body_distance(e, dt_d):
    """The comet law's r(t - DT) follows the osculating conic: compared with orbitviz's
    independent Kepler propagation (elements, not universal variables)."""
    from orbitviz.dynamics._engine import radius_after

    q = 1.2458 * AU_KM
    elts = np.array([q, e, 0.12, 0.9, 0.2, -0.4 if e >= 1 else 1.3, 0.0, GM_SUN])
    state = propagate(elts, np.array([0.0]))[0]
    expected = np.linalg.norm(propagate(elts, np.array([dt_d * DAY_S]))[0, :3])
    ours = radius_after(*state, GM_SUN, dt_d * DAY_S)
    assert ours == pytest.approx(expected, rel=1e-10)


@pytest.fixture(scope="module")
def kernels():
    with spice.KernelSet("default") as ks:
        yield ks


def test_perturbers_equal_spice_to_round_off(kernels):
    """The engine evaluates the SPK's Chebyshev records itself: the same states as SPICE's
    spkgeo (measured: < 2e-6 km for Pluto's barycenter at ~6e9 km, < 1e-7 km inside), the
    Sun, planets and Moon to round-off; Ceres and Vesta, re-fitted, to a metre."""
    table = Perturbers.load(6.0e8, 6.0e8 + 60 * DAY_S)
    et = np.linspace(6.0e8 + 0.1, 6.0e8 + 60 * DAY_S - 0.1, 97)
    ours = table.states(et)
    for j, body in enumerate(table.ids):
        ref = spice.states(body, et, observer=0)
        scale = np.linalg.norm(ref[:, :3], axis=1).max()
        if body in ASTEROID_PERTURBERS:
            assert np.abs(ours[:, j, :3] - ref[:, :3]).max() < REFIT_TOLERANCE_KM, body
            continue
        assert np.abs(ours[:, j, :3] - ref[:, :3]).max() < 1e-15 * scale + 1e-7, body
        assert np.abs(ours[:, j, 3:] - ref[:, 3:]).max() < 1e-12, body
    with pytest.raises(CoverageError, match="cover"):
        table.states(6.0e8 + 90 * DAY_S)


def test_small_bodies_refitted_within_a_metre_of_spice_over_decades(kernels):
    """Ceres and Vesta's Horizons SPKs (hundreds of segments of degree 18) are re-fitted over
    the span in use as uniform low-degree records; anywhere in Apophis's 2008-2029 span,
    including the ends, they stay within REFIT_TOLERANCE_KM (1 m) of SPICE (measured 0.69 m
    and 3e-8 km/s)."""
    lo, hi = 2.75e8, 9.25e8
    table = Perturbers.load(lo, hi)
    et = np.concatenate([[lo, hi], np.random.default_rng(1).uniform(lo - DAY_S, hi + DAY_S, 3000)])
    for body in ASTEROID_PERTURBERS:
        ours = table.body_states(body, et)
        ref = spice.states(body, et, observer=0)
        assert np.abs(ours[:, :3] - ref[:, :3]).max() < REFIT_TOLERANCE_KM, body
        assert np.abs(ours[:, 3:] - ref[:, 3:]).max() < 1e-7, body  # km/s (unused by forces)
        link = list(table.chebyshev.link_body).index(body)
        assert table.chebyshev.link_count[link] == 1  # uniform records: no search per call
        assert "re-fitted" in table.chebyshev.link_files[link]


def test_each_object_takes_its_own_steps_whatever_else_is_in_the_call(kernels):
    """A catalog's object gets the answer it would get alone: a sun-grazer (q 0.05 au, three
    perihelia in the window: 279 steps) in the same call no longer shrinks a NEO's steps (25)
    or changes its states; on shared steps, as clones of one orbit take them, it does."""
    neo = np.array([1.5e8, 0.2, 0.1, 1.0, 2.0, 0.5, 6.0e8, GM_SUN])
    grazer = np.array([0.05 * AU_KM, 0.9, 0.3, 2.0, 1.0, 6.0, 6.0e8, GM_SUN])
    window = (6.0e8 + 300 * DAY_S, 6.0e8 + 365 * DAY_S)
    alone = propagate_nbody(neo, *window)
    both = propagate_nbody(np.stack([neo, grazer]), *window)
    shared = propagate_nbody(np.stack([neo, grazer]), *window, steps="shared")
    t = np.linspace(*window, 9)
    assert np.array_equal(both.states(t)[:, 0], alone.states(t))
    grazer_steps = propagate_nbody(grazer, *window).steps
    assert both.steps == alone.steps + grazer_steps and grazer_steps > 10 * alone.steps
    assert shared.steps > 10 * alone.steps  # everyone on the grazer's
    assert 0 < np.abs(shared.states(t)[:, 0] - alone.states(t)).max() < 1e-3  # km


def test_a_failing_object_does_not_take_the_others_with_it(kernels):
    """With keep_failures, an object whose integration stops (here: past max_steps) is named
    in ``failures``, its states NaN where it did not reach; the others are answered. Without,
    the error names it."""
    neo = np.array([1.5e8, 0.2, 0.1, 1.0, 2.0, 0.5, 6.0e8, GM_SUN])
    grazer = np.array([0.05 * AU_KM, 0.9, 0.3, 2.0, 1.0, 6.0, 6.0e8, GM_SUN])
    window = (6.0e8 + 300 * DAY_S, 6.0e8 + 365 * DAY_S)
    run = propagate_nbody(np.stack([neo, grazer]), *window, max_steps=60, keep_failures=True)
    assert list(run.failures) == [1] and "more than 60 steps" in run.failures[1]
    end = run.states(np.array([window[1]]))[0]
    assert np.isfinite(end[0]).all() and np.isnan(end[1]).all()
    assert np.array_equal(end[0], propagate_nbody(neo, *window).states(window[1]))
    with pytest.raises(ElementsError, match=r"more than 60 steps \(body 1 of 2\)"):
        propagate_nbody(np.stack([neo, grazer]), *window, max_steps=60)


def test_records_kept_between_loads_serve_any_later_span(kernels):
    """Segments' records are read once and kept: later, earlier and overlapping spans in the
    same process still give SPICE's states (a slice off by one record is ~1e5 km wrong)."""
    for lo in (6.0e8, 9.0e8, 5.0e8, 5.5e8, 6.1e8):
        table = Perturbers.load(lo, lo + 30 * DAY_S, (10, 399, 301))
        et = np.linspace(lo, lo + 30 * DAY_S, 7)
        for j, body in enumerate(table.ids):
            ref = spice.states(body, et, observer=0)
            assert np.abs(table.states(et)[:, j, :3] - ref[:, :3]).max() < 1e-6, (lo, body)


def test_guide_figure_earth_pull_at_005_au(kernels):
    """Ignoring Earth at 0.05 au: ~26 km after 1 day, ~2,600 km after 10 days."""
    et0 = 7.0e8
    earth = spice.states("EARTH", et0, observer="SUN")
    # 0.05 au outside Earth along the Sun-Earth line, moving with Earth: stays ~0.05 au away
    state0 = earth.copy()
    state0[:3] *= 1 + 0.05 * AU_KM / np.linalg.norm(earth[:3])
    bodies = (10, 199, 299, 399, 301, 4, 5, 6, 7, 8, 9)
    table = Perturbers.load(et0, et0 + 10 * DAY_S, bodies)
    full = propagate_nbody(state0, et0, et0 + 10 * DAY_S, et0=et0, perturbers=table)
    no_earth = propagate_nbody(
        state0, et0, et0 + 10 * DAY_S, et0=et0, perturbers=table.without(399)
    )
    t = et0 + np.array([1.0, 10.0]) * DAY_S
    diff = np.linalg.norm(full.states(t)[:, :3] - no_earth.states(t)[:, :3], axis=1)
    assert diff[0] == pytest.approx(26.0, rel=0.1)
    assert diff[1] == pytest.approx(2600.0, rel=0.15)


# ------------------------------------------------------------------------------------------
# Apophis vs JPL close-approach data
# ------------------------------------------------------------------------------------------
def apophis_sbdb():
    astroquery = pytest.importorskip("astroquery")
    path = Path(astroquery.__file__).parent / "jplsbdb" / "tests" / "data" / "apophis.dat"
    if not path.exists():
        pytest.skip("astroquery's SBDB test data (apophis.dat) is not installed")
    return json.loads(path.read_text())


@pytest.fixture(scope="module")
def apophis(kernels):
    data = apophis_sbdb()
    el = {x["name"]: float(x["value"]) for x in data["orbit"]["elements"]}
    nongrav = {p["name"]: float(p["value"]) for p in data["orbit"]["model_pars"]}
    epoch = float(jd_tdb_to_et(float(data["orbit"]["epoch"])))
    elts = np.array(
        [
            el["q"] * AU_KM,
            el["e"],
            *np.radians([el["i"], el["om"], el["w"], el["ma"]]),
            epoch,
            GM_SUN,
        ]
    )
    cas = data["ca_data"]
    stop = float(jd_tdb_to_et(2462241.5 + 12))
    table = Perturbers.load(epoch, stop)
    planets = Perturbers.load(epoch, stop, asteroids=())
    assert {2000001, 2000004} <= set(table.ids) and not {2000001, 2000004} & set(planets.ids)
    runs = {
        "nbody+A2": propagate_nbody(elts, epoch, stop, nongrav=nongrav, perturbers=table),
        "nbody": propagate_nbody(elts, epoch, stop, perturbers=table),
        "planets+A2": propagate_nbody(elts, epoch, stop, nongrav=nongrav, perturbers=planets),
    }
    return elts, cas, runs


def closest(states_fn, body, jd_tdb, half_window_d=10.0):
    etc = float(jd_tdb_to_et(jd_tdb))

    def dist_km(et):
        return np.linalg.norm(
            states_fn(et)[..., :3] - spice.states(body, et, observer="SUN")[..., :3], axis=-1
        )

    m = find_minima(dist_km, etc - half_window_d * DAY_S, etc + half_window_d * DAY_S, 1800.0)
    k = int(np.argmin(m.value))
    return m.et[k] - etc, m.value[k]


@pytest.mark.parametrize(
    "key, body, max_dt_s, max_dd_km",
    [
        # measured with Ceres and Vesta (the default set loads their SPKs from the mirror):
        # 2013 +0.16 s / +0.23 km, 2021 +0.09 s / -0.22 km, 2029 -0.03 s / -0.013 km, Moon
        # 2029 0.0 s / +0.98 km. JPL integrates DE431 + 16 big asteroids, we DE421 + 2: the
        # goals of issue #12 are 1 s and 0.5 km for the 2029 Earth pass.
        ("2013-Jan", "EARTH", 1.0, 0.5),
        ("2021-Mar", "EARTH", 1.0, 0.5),
        ("2029-Apr-13", "EARTH", 1.0, 0.5),
        ("2029-Apr-14", "MOON", 2.0, 2.0),
    ],
)
def test_apophis_nbody_vs_jpl_close_approaches(apophis, key, body, max_dt_s, max_dd_km):
    _elts, cas, runs = apophis
    ca = next(c for c in cas if c["cd"].startswith(key) and c["body"].upper() == body)
    dt_s, dist_km = closest(runs["nbody+A2"].states, body, float(ca["jd"]))
    jpl_km = float(ca["dist"]) * AU_KM
    assert abs(dt_s) < max_dt_s and abs(dist_km - jpl_km) < max_dd_km, (dt_s, dist_km - jpl_km)


def test_apophis_84_years_backwards_lands_on_jpls_1924_pass(apophis):
    """Backwards from the 2008 epoch to the 1924-Apr-13 Earth pass (0.108 au): JPL's nominal
    answer from the same solution, met to a small fraction of its own uncertainty there (its
    3-sigma range is 200,000 km and sigma_t 7.3 min; measured -4.9 s and +331 km, 0.01
    sigma). Without the Yarkovsky A2 it is -1,319 s and +90,000 km off (3 sigma)."""
    elts, cas, _runs = apophis
    ca = next(c for c in cas if c["cd"].startswith("1924-Apr-13"))
    sigma_km = (float(ca["dist_max"]) - float(ca["dist_min"])) / 6.0 * AU_KM
    sigma_s = float(ca["sigma_t"]) * 60.0  # JPL gives minutes
    nongrav = {p["name"]: float(p["value"]) for p in apophis_sbdb()["orbit"]["model_pars"]}
    et = float(jd_tdb_to_et(float(ca["jd"])))
    run = propagate_nbody(elts, et - 10 * DAY_S, et + 10 * DAY_S, nongrav=nongrav)
    dt_s, dist_km = closest(run.states, "EARTH", float(ca["jd"]))
    jpl_km = float(ca["dist"]) * AU_KM
    assert abs(dist_km - jpl_km) < 0.05 * sigma_km, (dist_km - jpl_km, sigma_km)
    assert abs(dt_s) < 0.05 * sigma_s, (dt_s, sigma_s)


def test_apophis_2029_without_ceres_and_vesta_is_km_off(apophis):
    """Issue #12's goal without the asteroids: within 5 km (measured +2.29 km; their pull)."""
    _elts, cas, runs = apophis
    ca = next(c for c in cas if c["cd"].startswith("2029-Apr-13"))
    _, with_km = closest(runs["nbody+A2"].states, "EARTH", float(ca["jd"]))
    _, without_km = closest(runs["planets+A2"].states, "EARTH", float(ca["jd"]))
    jpl_km = float(ca["dist"]) * AU_KM
    assert abs(without_km - jpl_km) < 5.0
    assert 1.5 < without_km - with_km < 3.5


def test_apophis_2029_needs_yarkovsky_and_nbody(apophis):
    elts, cas, runs = apophis
    ca = next(c for c in cas if c["cd"].startswith("2029-Apr-13"))
    jpl_km = float(ca["dist"]) * AU_KM  # 37,724 km
    _, no_a2_km = closest(runs["nbody"].states, "EARTH", float(ca["jd"]))
    assert 200.0 < abs(no_a2_km - jpl_km) < 1500.0  # measured ~630 km: A2 drift over 20 years
    _dt_2b, two_body_km = closest(lambda et: propagate(elts, et), "EARTH", float(ca["jd"]))
    assert two_body_km > 10 * jpl_km  # two-body misses the encounter entirely (~540,000 km)
    assert "IAS15" in runs["nbody+A2"].method and "de421" in runs["nbody+A2"].method


def test_bad_initial_conditions(kernels):
    with pytest.raises(ElementsError, match="et0"):
        propagate_nbody(np.ones(6), 0.0, 1.0)
    with pytest.raises(ElementsError, match="shape"):
        propagate_nbody(np.ones(5), 0.0, 1.0)
    with pytest.raises(ElementsError, match="ecc"):
        propagate_nbody(np.array([1e8, -0.5, 0, 0, 0, 0, 0, GM_SUN]), 0.0, 1.0)


@pytest.mark.parametrize(
    "key, body, window",
    [
        # measured: 2007 +0.2 s / +25 km, 2018 +2.0 s / +19 km, 2021 +1.6 s / -115 km. Without
        # the delay DT: 420 s / 1,259 km, 1,481 s / -4,341 km, -412 s / +47,338 km.
        ("2007-Jul-05", "JUPITER BARYCENTER", ("2007-06-01", "2007-08-30")),
        ("2018-Nov-11", "JUPITER BARYCENTER", ("2018-10-01", "2018-12-31")),
        ("2021-Nov-12", "EARTH", ("2021-10-01", "2021-12-31")),
    ],
)
def test_comet_67p_with_delayed_nongrav_vs_jpl(mirror, key, body, window):
    """67P's JPL orbit K154/2 (A1, A2, A3 and DT = 35 d, the standard comet law) integrated
    from its 2010 epoch to JPL's own close approaches from the same solution. JPL's distance
    is to Jupiter itself, ours to the barycenter of its system (DE421 has no Jupiter): a few
    hundred km apart. Bounds: 3 sigma_t of JPL (34 s in 2021) and 2e-5 of the distance."""
    import orbitviz

    answer = mirror / "fixtures" / "sbdb_api_67P.dat"
    ca = next(c for c in json.loads(answer.read_text())["ca_data"] if c["cd"].startswith(key))
    report = orbitviz.flyby("67P", body, *window, method="nbody", sbdb_file=answer)
    closest = report.result.closest
    jpl_km = float(ca["dist"]) * AU_KM
    assert abs(closest.et - jd_tdb_to_et(float(ca["jd"]))) < 3 * 60 * float(ca["sigma_t"]) + 5
    assert abs(closest.dist_km - jpl_km) < 2e-5 * jpl_km
    assert "DT 35.07 d" in report.result.method_detail


def test_an_epoch_outside_the_ephemeris_says_what_is_covered(kernels):
    elts = np.array([1.5e8, 0.1, 0.1, 1.0, 1.0, 1.0, -4.0e9, GM_SUN])  # epoch 1873
    with pytest.raises(CoverageError, match=r"1873-03-30.*de421\.bsp: 1899-07-28.* to 2053-10-08"):
        propagate_nbody(elts, -4.0e9, -3.9e9)


def test_a_new_process_loads_the_engine_without_numbas_compiler(tmp_path):
    """The engine's cached code loads with numba's runtime alone: numba's full start-up
    (every registry of numba.np, scipy.linalg for BLAS: half a second) is left for code that
    must be compiled. A first process compiles (and so readies numba); a second loads."""
    code = (
        "import sys; from orbitviz.dynamics._engine import radius_after; "
        "radius_after(1.0, 0.0, 0.0, 0.0, 1.0, 0.0, 1.0, 0.1); "
        "print(' '.join(m for m in ('numba.np.arraymath', 'scipy.linalg') if m in sys.modules))"
    )
    env = {k: v for k, v in os.environ.items() if k != "NUMBA_CACHE_DIR"}
    env["ORBITVIZ_CACHE_DIR"] = str(tmp_path)
    compiled, loaded = (
        subprocess.run(
            [sys.executable, "-c", code], env=env, capture_output=True, text=True, check=True
        ).stdout.split()
        for _ in range(2)
    )
    assert "numba.np.arraymath" in compiled  # the compiler was readied to compile
    assert loaded == []


def test_the_engine_caches_in_its_own_folder_without_touching_the_environment(tmp_path):
    """Importing the engine used to set NUMBA_CACHE_DIR for the user's whole process (and its
    children). Now only the engine's functions are cached in orbitviz's cache, in a
    folder named by the engine's source (not the checkout's path), and the environment and
    numba's settings stay as they were."""
    code = (
        "import os, numba; from orbitviz.dynamics._engine import jit, radius_after; "
        "radius_after(1.0, 0.0, 0.0, 0.0, 1.0, 0.0, 1.0, 0.1); "
        "print(os.environ.get('NUMBA_CACHE_DIR'), repr(numba.config.CACHE_DIR), jit.CACHE_DIR)"
    )
    env = {k: v for k, v in os.environ.items() if k != "NUMBA_CACHE_DIR"}
    env["ORBITVIZ_CACHE_DIR"] = str(tmp_path)
    done = subprocess.run(
        [sys.executable, "-c", code], env=env, capture_output=True, text=True, check=True
    )
    numba_env, numba_setting, folder = done.stdout.split()
    assert (numba_env, numba_setting) == ("None", "''")
    assert Path(folder).parent == tmp_path / "numba"
    assert Path(folder).name.startswith("engine-")
    assert list(Path(folder).glob("forces.radius_after-*.nbi"))
