"""The transit scene without OpenGL: planets that cross the star's disk exactly when the model
light curve dips, the observer's and the other views, the habitable zone, the light-curve
panel's window and flux range, the video's camera and time, and the recipe on every command.

Kepler-90's real light curve with the KOI table's planets (``transit_support``): no search."""

from __future__ import annotations

import numpy as np
import pytest
from conftest import needs_mirror
from transit_support import kepler90_files, kepler90_result

from orbitviz.errors import SceneError, TransitError
from orbitviz.exoplanets.habitable import habitable_zone_au
from orbitviz.exoplanets.lightcurve import bjd_to_et, et_to_bjd
from orbitviz.exoplanets.model import transit_flux
from orbitviz.recipes.transit import (
    OBSERVER,
    OBSERVER_DISTANCE,
    orbit_positions_km,
    sky_separation_rs,
    transit_scene,
)
from orbitviz.scene.cameras import eye_offsets, view_axes
from orbitviz.scene.colors import blackbody_rgb
from orbitviz.scene.direction_layer import end_on_alpha
from orbitviz.scene.sampling import interp_rows
from orbitviz.units import AU_KM

pytestmark = needs_mirror


@pytest.fixture(scope="module")
def result(mirror):
    return kepler90_result(str(mirror))


@pytest.fixture(scope="module")
def scene(result):
    return transit_scene(result)


def _planet(scene, result, name):
    candidate = next(c for c in result.candidates if c.name.endswith(" " + name))
    return candidate, scene[name]


# -- the geometry of a transit ---------------------------------------------------------------
@pytest.mark.parametrize("name", ["b", "c", "d", "e", "f", "g", "h"])
def test_a_planet_crosses_the_disk_exactly_while_the_model_dips(scene, result, name):
    """Every 2 minutes over the three quarters: where the drawn planet (the scene's samples,
    interpolated as the viewers do) is seen from Earth (far along -y) within 1 + Rp/R* of the
    star's centre and in front of it, the instantaneous model light curve is below 1; and
    nowhere else (contacts, where the two agree to 0.002 R*, left out)."""
    candidate, sphere = _planet(scene, result, name)
    radius = result.star.radius_km
    t_bjd = np.arange(result.lightcurve.time_bjd[0], result.lightcurve.time_bjd[-1], 2 / 1440)
    positions = interp_rows(sphere.et, sphere.centers_km, bjd_to_et(t_bjd))  # as center_at
    separation = sky_separation_rs(positions, radius)
    on_disk = separation < 1.0 + candidate.rp_rs
    model = transit_flux(
        t_bjd,
        period_d=candidate.period_d,
        t0=candidate.t0_bjd,
        rp_rs=candidate.rp_rs,
        a_rs=candidate.a_rs,
        impact=candidate.impact,
        u=candidate.u,
    )
    dips = model < 1.0
    clear = np.abs(separation - (1.0 + candidate.rp_rs)) > 2e-3
    assert dips.any() and on_disk.any()
    assert np.array_equal(on_disk[clear], dips[clear]), (
        f"{name}: {np.count_nonzero(on_disk[clear] != dips[clear])} of {clear.sum()} times disagree"
    )
    # the observer sees the planet from -y: in front of the star while it dips
    assert (positions[dips] @ OBSERVER > 0).all()


def test_orbits_are_circles_of_radius_a_at_the_fitted_inclination(result):
    radius = result.star.radius_km
    for candidate in result.candidates:
        t = candidate.t0_bjd + candidate.period_d * np.linspace(0.0, 1.0, 400)
        p = orbit_positions_km(candidate, radius, t)
        assert np.allclose(np.linalg.norm(p, axis=1), candidate.a_rs * radius, rtol=1e-12)
        normal = np.cross(p[1], p[100])
        normal /= np.linalg.norm(normal)
        # the angle between the orbit's normal and the line of sight is the inclination
        angle = np.degrees(np.arccos(abs(normal @ OBSERVER)))
        assert angle == pytest.approx(candidate.inclination_deg, abs=1e-6)


# -- the views -------------------------------------------------------------------------------
def test_the_observer_preset_sees_the_system_from_earth(scene, result):
    """From -y, far enough that perspective enlarges a planet in transit by under 1.1 %, the
    star's disk a fair share of the view."""
    state = scene.camera_presets["observer"].state
    back = eye_offsets(state.azimuth_deg, state.elevation_deg, 1.0)
    assert np.allclose(back, OBSERVER, atol=1e-12)
    outermost = max(c.a_rs for c in result.candidates) * result.star.radius_km
    assert state.distance_km >= OBSERVER_DISTANCE * outermost * (1 - 1e-9)
    assert 1.0 / (1.0 - outermost / state.distance_km) < 1.011
    half_height = state.distance_km * np.tan(np.radians(state.fov_deg) / 2)
    assert 0.2 < result.star.radius_km / half_height < 0.6
    assert scene.home == state  # the first view


def test_top_system_and_one_preset_per_planet(scene):
    presets = scene.camera_presets
    assert list(presets)[:3] == ["observer", "top", "system"]
    assert set(presets) - {"observer", "top", "system"} == set("bcdefgh")
    top = presets["top"].state
    assert top.elevation_deg == 90.0
    # from above, Earth's direction is down on the screen
    assert view_axes(top.azimuth_deg, top.elevation_deg)[2] @ OBSERVER < -0.99
    assert "Orbit of d" in presets["d"].title


def test_the_first_view_shows_the_deepest_transit_in_progress(scene, result):
    candidate, _ = _planet(scene, result, "h")
    time = result.lightcurve.time_bjd
    (mid,) = candidate.transit_times(time[0], time[-1])  # h transits once in these quarters
    assert float(et_to_bjd(scene.clock.et)) == pytest.approx(mid, abs=1e-6)
    assert scene.readout_texts(np.array([scene.clock.et]))[0][0].endswith("in transit: h")
    later = scene.clock.et + 86400.0 * 2  # h is gone; b, the innermost, transits then
    assert scene.readout_texts(np.array([later]))[0][0].endswith("in transit: b")


# -- the star and its habitable zone ---------------------------------------------------------
def test_habitable_zone_of_the_sun_is_the_papers():
    """Kopparapu et al. (2013), abstract: 0.99 au (moist greenhouse) and 1.70 au (maximum
    greenhouse) for the Sun."""
    inner, outer = habitable_zone_au(5780.0, 1.0)
    assert inner == pytest.approx(0.99, abs=0.005) and outer == pytest.approx(1.70, abs=0.01)
    # four times as bright: twice as far (the flux falls as 1/d^2)
    assert habitable_zone_au(5780.0, 4.0) == pytest.approx((2 * inner, 2 * outer))
    with pytest.raises(TransitError, match="luminosity"):
        habitable_zone_au(5780.0, 0.0)


def test_the_scene_draws_the_stars_zone_colour_and_limb_darkening(scene, result):
    star = result.star
    zone = scene["habitable zone"]
    inner, outer = habitable_zone_au(star.teff_k, star.luminosity_lsun)
    assert zone.inner_km == pytest.approx(inner * AU_KM) and zone.outer_km == pytest.approx(
        outer * AU_KM
    )
    sphere = scene[star.name]
    assert sphere.radius_km == pytest.approx(star.radius_km)
    assert sphere.color[:3] == pytest.approx(blackbody_rgb(star.teff_k))
    assert sphere.limb_darkening == pytest.approx(result.candidates[0].u)


def test_blackbody_colours():
    """sRGB's white is D65, close to a 6504 K black body; cooler is redder, hotter bluer."""
    assert min(blackbody_rgb(6504.0)) > 0.97
    r, g, b = blackbody_rgb(3000.0)
    assert r == pytest.approx(1.0) and r > g > b
    r, g, b = blackbody_rgb(12000.0)
    assert b == pytest.approx(1.0) and b > g > r
    with pytest.raises(SceneError, match="> 0 K"):
        blackbody_rgb(-5.0)


def test_the_line_of_sight_is_hidden_when_seen_end_on():
    assert end_on_alpha(0.0) == 0.0 and end_on_alpha(200.0) == 1.0


# -- the light-curve panel -------------------------------------------------------------------
def test_the_panel_marks_each_planets_transits_with_data(scene, result):
    panel = scene["light curve"]
    time = result.lightcurve.time_bjd
    for series in panel.transits:
        candidate, _ = _planet(scene, result, series.label)
        mids = candidate.transit_times(time[0], time[-1])
        half = candidate.duration_h / 48.0
        with_data = [m for m in mids if np.any(np.abs(time - m) <= half)]
        assert et_to_bjd(series.mid_et) == pytest.approx(with_data, abs=1e-9)
        assert series.color == scene[series.label].color
    assert [s.label for s in panel.transits] == list("bcdefgh")


def test_the_panels_window_follows_the_clock_and_its_range_never_jumps(scene):
    """Across the whole light curve: the window is centred on the clock (inside the data), and
    the flux range changes continuously (ten times finer steps in time, about ten times
    smaller steps in range: no jump anywhere), opening fully for the deepest transit."""
    panel = scene["light curve"]
    first, last = panel.span_et
    et = np.arange(first, last, 86400.0 / 30.0)  # a day a second at 30 fps
    windows = np.array([panel.window_at(t) for t in et])
    assert np.allclose(windows[:, 1] - windows[:, 0], panel.window_s)
    inside = (et - first > panel.window_s) & (last - et > panel.window_s)
    assert np.allclose(windows[inside].mean(axis=1), et[inside])

    lows = np.array([panel.flux_range_at(t)[0] for t in et])
    coarse = int(np.argmax(np.abs(np.diff(lows))))  # where the range changes fastest

    def biggest_step(step_s: float) -> float:
        t = np.arange(et[coarse] - 2 * panel.window_s, et[coarse] + 2 * panel.window_s, step_s)
        return float(np.abs(np.diff([panel.flux_range_at(x)[0] for x in t])).max())

    coarse, fine = biggest_step(86400.0 / 30.0), biggest_step(86400.0 / 300.0)
    assert 0 < fine < coarse / 5.0
    deepest = max(s.depth for s in panel.transits)
    assert lows.min() < 1.0 - deepest  # the deepest transit fits when it is in view
    assert coarse < 0.05 * (1.0 - lows.min())  # a frame's step: a few pixels of the plot


# -- the video -------------------------------------------------------------------------------
def test_the_video_slows_down_for_the_transit_seen_from_earth(scene, result):
    from orbitviz.render.plan import plan_frames

    candidate, _ = _planet(scene, result, "h")
    plan = plan_frames(scene, fps=30, duration_s=10.0, size=(1280, 720))
    bjd = et_to_bjd(plan.frame_times_et)
    half = candidate.duration_h / 48.0
    (mid,) = candidate.transit_times(bjd[0], bjd[-1])
    in_transit = np.abs(bjd - mid) < half
    assert in_transit.mean() > 0.4  # most of the video is the transit
    assert bjd[0] < mid - half and bjd[-1] > mid + half
    observer = scene.camera_presets["observer"].state
    # the camera has arrived before the slow part, while the planet nears the disk
    near = np.flatnonzero(np.abs(bjd - mid) < 1.2 * half)
    for i in (near[0], near[-1]):
        state = plan.cameras[i]
        assert state.distance_km == pytest.approx(observer.distance_km, rel=1e-9)
        assert state.azimuth_deg == pytest.approx(0.0) and state.elevation_deg == pytest.approx(0.0)
    assert plan.cameras[0].fov_deg == pytest.approx(30.0)  # it starts wide
    # a camera or a time range the user gives wins over the scene's own
    spin = plan_frames(scene, fps=10, frames=10, camera="turntable")
    assert len(set(spin.cameras.azimuth_deg.round(3))) == 10


# -- the recipe on every command ---------------------------------------------------------------
def test_transit_is_a_recipe_on_view_and_render(mirror, monkeypatch):
    from orbitviz.cli import build_parser
    from orbitviz.exoplanets import analysis
    from orbitviz.recipes import RECIPES
    from orbitviz.recipes.arguments import recipe_from_args

    files = [str(f) for f in kepler90_files(mirror)]
    parser = build_parser()
    for words in (["view", "transit", *files], ["render", "transit", *files, "-o", "k90.mp4"]):
        args = parser.parse_args([*words, "--star", "KIC 11442793", "--teff", "5970"])
        spec = recipe_from_args(args)
        assert spec.name == "transit" and spec.options["files"] == tuple(files)
        assert spec.options["star"] == "KIC 11442793" and spec.options["teff"] == 5970.0
    asked = {}

    def analyze(files, **options):
        asked.update(options, files=files)
        return kepler90_result(str(mirror))

    monkeypatch.setattr(analysis, "analyze", analyze)
    built = RECIPES["transit"](files=files, star="Kepler-90").build()
    assert asked["star"] == "Kepler-90" and list(asked["files"]) == files
    assert "light curve" in built.layers and built.video is not None


def test_a_light_curve_without_candidates_still_has_a_scene(result):
    """Nothing found: the star, its habitable zone and the light curve, the whole system
    framed (no planet presets, no transit to fly to)."""
    from dataclasses import replace

    empty = transit_scene(replace(result, candidates=[]))
    assert {"Kepler-90", "habitable zone", "light curve"} <= set(empty.layers.names)
    assert list(empty.camera_presets) == ["top", "system"] and empty.video is None
    assert empty.home == empty.camera_presets["system"].state
    assert empty["light curve"].transits == ()
    assert empty.readout_texts(np.array([empty.clock.et]))[0][0].startswith("BJD ")


def test_candidates_matched_to_the_koi_table_are_named_after_their_planets(result):
    """The analysis names candidates 01, 02, ... and says which catalogued planet each matches
    (``known_as``): the scene calls them by their letters, the star by their host's name."""
    from dataclasses import replace

    renamed = [
        replace(c, name=f"{i + 1:02d}", known_as=f"{c.name} (K00351.0{i + 1})")
        for i, c in enumerate(result.candidates[:2])
    ]
    unmatched = replace(result.candidates[2], name="03", known_as="")
    scene = transit_scene(replace(result, candidates=[*renamed, unmatched]))
    assert [s.label for s in scene["light curve"].transits] == ["b", "c", "03"]
    assert {"b", "c", "03"} <= set(scene.camera_presets)
    assert scene.title.startswith("Kepler-90: 3 transiting planet candidates")


def test_a_candidate_the_vetting_calls_a_binary_is_drawn_grey_and_says_so(result):
    from dataclasses import replace

    from orbitviz.recipes.transit import BINARY_COLOR
    from orbitviz.scene.colors import to_rgba

    binary = replace(result.candidates[3], diagnostics={"eb_signs": ("too_deep",)})
    scene = transit_scene(replace(result, candidates=[*result.candidates[:3], binary]))
    labels = [s.label for s in scene["light curve"].transits]
    assert labels[:3] == ["b", "c", "d"] and labels[3].endswith("(binary?)")
    assert tuple(scene[labels[3]].color) == tuple(to_rgba(BINARY_COLOR))
