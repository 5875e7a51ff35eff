"""Camera states, camera paths (turntable, follow, TOML keyframes), easing and time maps."""

import numpy as np
import pytest

from orbitviz.recipes.cameras import camera_from_spec
from orbitviz.recipes.keyframes import read_keyframes
from orbitviz.render.plan import plan_frames
from orbitviz.scene import (
    CameraPathError,
    CameraState,
    Clock,
    FollowTarget,
    MarkerLayer,
    Scene,
    TimeMap,
    Turntable,
)
from orbitviz.scene.easing import EASINGS, interpolate_keys


def test_camera_state_eye_round_trip():
    state = CameraState((1.0, 2.0, 3.0), 40.0, 25.0, 12.0)
    back = CameraState.looking_at(state.eye_km, state.center_km)
    assert back.azimuth_deg == pytest.approx(40.0)
    assert back.elevation_deg == pytest.approx(25.0)
    assert back.distance_km == pytest.approx(12.0)


def test_turntable_and_follow_tracks():
    spin = Turntable((0, 0, 0), 10.0, elevation_deg=20.0, turns=2.0)
    track = spin.track(np.array([0.0, 2.5, 5.0]), np.zeros(3), duration_s=10.0)
    assert track.azimuth_deg.tolist() == [0.0, 180.0, 360.0]
    assert np.allclose(np.linalg.norm(track.eye_km, axis=1), 10.0)
    lander = MarkerLayer("lander", [[0, 0, 0], [4, 0, 0]], et=[0.0, 4.0])
    follow = FollowTarget(lander, distance_km=1.0)
    centers = follow.track(np.arange(3.0), np.array([0.0, 2.0, 9.0]), 3.0).center_km
    assert np.allclose(centers[:, 0], [0.0, 2.0, 4.0])
    with pytest.raises(CameraPathError, match="moving"):
        FollowTarget(MarkerLayer("fixed", [[0, 0, 0]]), distance_km=1.0)


def test_easing_and_catmull_rom_pass_through_keys():
    for ease in EASINGS.values():
        assert float(ease(np.array(0.0))) == 0.0 and float(ease(np.array(1.0))) == 1.0
    knots = np.array([0.0, 1.0, 3.0, 4.0])
    values = np.array([[0.0], [2.0], [1.0], [5.0]])
    out = interpolate_keys(knots, values, knots)
    assert np.allclose(out[:, 0], values[:, 0])
    dense = interpolate_keys(knots, values, np.linspace(0, 4, 401))[:, 0]
    assert np.abs(np.diff(dense, 2)).max() < 0.01  # smooth: no kinks at the keys
    eased = interpolate_keys(
        knots[:2], values[:2], np.array([0.01, 0.5]), easings=["ease-in-out"], smooth=False
    )[:, 0]
    assert eased[0] < 0.01 * 2.0 and eased[1] == pytest.approx(1.0)


def test_keyframes_from_toml(tmp_path):
    path = tmp_path / "cam.toml"
    path.write_text("""
time = "fraction"
easing = "ease-in-out"
[[key]]
t = 0
azimuth_deg = 0
elevation_deg = 10
distance_km = 10
[[key]]
t = 0.5
azimuth_deg = 90
[[key]]
t = 1
position_km = [0, -20, 0]
""")
    keys = read_keyframes(path)
    track = keys.track(np.array([0.0, 5.0, 10.0]), np.zeros(3), duration_s=10.0)
    assert np.allclose(track.azimuth_deg, [0, 90, 0], atol=1e-9)
    assert np.allclose(track.distance_km, [10, 10, 20])
    assert np.allclose(track.elevation_deg, [10, 10, 0], atol=1e-9)
    bad = tmp_path / "bad.toml"
    bad.write_text("[[key]]\nt = 0\nazimut_deg = 3\n")
    with pytest.raises(CameraPathError, match="unknown field"):
        read_keyframes(bad)
    bad.write_text("[[key\n")
    with pytest.raises(CameraPathError, match="TOML"):
        read_keyframes(bad)


def test_time_map_slows_a_phase():
    tm = TimeMap.with_slow_phase(0.0, 100.0, 15.0, phase_et=(40.0, 50.0), slowdown=6.0)
    assert np.allclose(tm.et_at([0.0, 4.0, 7.0, 10.0, 15.0]), [0, 40, 45, 50, 100])
    with pytest.raises(ValueError, match=r"backwards|decrease"):
        TimeMap(np.array([0.0, 1.0]), np.array([5.0, 1.0]))


def test_frame_plan_maps_frames_to_scene_time_and_cameras():
    scene = Scene(frame="J2000", clock=Clock(100.0, 200.0))
    scene.add(MarkerLayer("lander", [[0, 0, 0], [1, 0, 0]], et=[100.0, 200.0]))
    scene.follow_target = "lander"
    plan = plan_frames(scene, fps=10, duration_s=2.0, camera="follow")
    assert plan.n_frames == 20
    assert plan.frame_times_et[0] == 100.0 and plan.frame_times_et[-1] == 200.0
    assert np.allclose(plan.cameras.center_km[:, 0], (plan.frame_times_et - 100) / 100)
    slow = TimeMap.with_slow_phase(100.0, 200.0, 3.0, phase_et=(120.0, 130.0), slowdown=10.0)
    plan = plan_frames(scene, fps=10, time_map=slow, time_range=None)
    assert plan.n_frames == 30
    assert np.allclose(plan.frame_times_et, slow.rescaled(2.9).et_at(np.arange(30) / 10))
    assert np.diff(plan.frame_times_et).min() < np.diff(plan.frame_times_et).max() / 5
    with pytest.raises(CameraPathError, match="unknown camera"):
        camera_from_spec(scene, "orbit")


def test_scene_camera_presets_by_name():
    """A preset is found by its --camera word (winning over a generic word of the same name),
    a follow preset moves with the scene's follow target, an unknown word lists the presets,
    and Scene.home is the first view when a recipe chose one."""
    from orbitviz.recipes.cameras import camera_words
    from orbitviz.scene import CameraPreset
    from orbitviz.scene.cameras import FixedCamera

    scene = Scene(frame="J2000", clock=Clock(0.0, 4.0))
    scene.add(MarkerLayer("rock", [[0, 0, 0], [4, 0, 0]], et=[0.0, 4.0]))
    scene.follow_target = "rock"
    north = CameraState((0.0, 0.0, 0.0), 0.0, 90.0, 50.0)
    scene.add_camera_preset(CameraPreset("north", "From north", north))
    scene.add_camera_preset(CameraPreset("follow", "Follow the rock", north, follow=True))
    with pytest.raises(ValueError, match="already"):
        scene.add_camera_preset(CameraPreset("north", "again", north))
    assert camera_words(scene) == ("north", "follow", "turntable", "home")
    fixed = camera_from_spec(scene, "north")
    assert isinstance(fixed, FixedCamera) and fixed.state == north
    follow = camera_from_spec(scene, "follow")
    track = follow.track(np.zeros(2), np.array([1.0, 3.0]), 1.0)
    assert np.allclose(track.center_km[:, 0], [1.0, 3.0]) and (track.distance_km == 50.0).all()
    assert scene.camera_presets["follow"].state_at(scene, 2.0).center_km == (2.0, 0.0, 0.0)
    with pytest.raises(CameraPathError, match="use north, follow, turntable, home"):
        camera_from_spec(scene, "sun")
    assert scene.home_camera() == scene.fit_camera()
    scene.home = north
    assert scene.home_camera() == north and camera_from_spec(scene, "home").state == north
