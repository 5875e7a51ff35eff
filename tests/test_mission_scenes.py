"""The Philae and flyby scenes hold what the viewer and the videos draw (no OpenGL needed)."""

from __future__ import annotations

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


def test_flyby_scene_for_2021_wp():
    report = orbitviz.flyby("2021 WP")
    scene = flyby_scene(report)
    names = [layer.name for layer in scene.layers]
    assert names[:4] == ["Earth", "Moon orbit", "Moon", "Earth SOI"]
    assert scene["Earth"].radius_km == pytest.approx(6378.1366)
    assert scene["Earth SOI"].radius_km == pytest.approx(report.summary["soi_radius_km"])
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


def test_prepared_scenes_have_their_meshes_ready_to_draw(mirror):
    """The window's worker does the heavy mesh work (clusters, the decimated copy) before the
    scene is shown, so opening it or starting a drag does not freeze the window."""
    from orbitviz.recipes import prepare, recipe

    layer = prepare(recipe("67p-spc.ply")).mesh_layer
    assert {"drawn", "drawn_coarse"} <= set(vars(layer))
    assert layer.has_lod and len(layer.drawn_coarse.faces) <= 1.05 * layer.lod_faces
    assert len(layer.drawn.faces) == len(layer.mesh.faces)
