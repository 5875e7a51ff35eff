"""The flyby and Philae scenes on real pixels, drawn through the one scene path (SceneCanvas:
what ``orbitviz view --screenshot`` and ``orbitviz render`` draw): bodies visible at the
default view, the Philae path readable, each camera preset showing what it says."""

from __future__ import annotations

import numpy as np
import pytest
from render_support import gl_backend  # noqa: F401 - fixture

from orbitviz.scene import CameraState

SIZE = (1280, 800)


def _prepared(what: str, **options):
    from orbitviz.recipes import prepare, recipe

    return prepare(recipe(what, **options))


@pytest.fixture(scope="module")
def views(gl_backend, mirror):  # noqa: F811
    """One canvas per scene, built once: 2021 WP, Apophis, Philae."""
    from orbitviz._vispy import SceneCanvas

    made = {}
    for key, what, options in (
        ("2021 WP", "flyby", {"target": "2021 WP"}),
        ("Apophis", "flyby", {"target": "Apophis"}),
        ("philae", "philae", {}),
    ):
        prepared = _prepared(what, **options)
        made[key] = SceneCanvas(prepared.scene, size=SIZE, time_text=prepared.utc)
    yield made
    for canvas in made.values():
        canvas.close()


def drawn_by(canvas, name: str) -> np.ndarray:
    """Mask (h, w) of the pixels layer ``name`` makes: where the frame changes when hidden
    (labels and overlays left out: the layout moves labels off the lines a layer draws)."""
    layer = canvas.scene[name]
    canvas.overlay_root.visible = False
    try:
        shown = canvas.render().astype(int)
        layer.visible = False
        hidden = canvas.render().astype(int)
    finally:
        layer.visible = True
        canvas.overlay_root.visible = True
    return np.abs(shown - hidden).sum(axis=2) > 6  # the Blue Marble's ocean is dark navy


def body_colours(canvas, name: str, *, where: bool = False):
    """The colours (K, 3) of the pixels sphere ``name`` makes around its projected centre
    (and, ``where``, their offsets (K, 2) from it)."""
    mask = drawn_by(canvas, name)
    x, y = canvas.project(canvas.scene[name].center_at(canvas.scene.clock.et)[None, :])[0]
    near = np.zeros_like(mask)
    near[max(int(y) - 15, 0) : int(y) + 16, max(int(x) - 15, 0) : int(x) + 16] = True
    colours = canvas.render()[mask & near].astype(int)
    if not where:
        return colours
    ys, xs = np.nonzero(mask & near)
    return colours, np.c_[xs - x, ys - y]


@pytest.mark.parametrize("target", ["2021 WP", "Apophis"])
def test_earth_and_moon_are_visible_at_the_default_flyby_view(views, target):
    canvas = views[target]
    canvas.set_camera(canvas.scene.home_camera())
    earth = body_colours(canvas, "Earth")
    blue = (earth[:, 2] > earth[:, 0] + 40) & (earth[:, 2] > 80)
    assert blue.sum() >= 25  # Earth's blue; measured 97 (2021 WP), 38 (Apophis); true size 3, 0
    moon = body_colours(canvas, "Moon")
    grey = (moon.max(axis=1) - moon.min(axis=1) < 40) & (moon.mean(axis=1) > 60)
    assert grey.sum() >= 12  # the Moon's grey, lit or not; measured 39 (2021 WP), 45 (Apophis)


def test_bodies_grow_into_their_true_size_close_up(views):
    """Close to Earth the sphere is drawn at its true radius, not the minimum size."""
    canvas = views["2021 WP"]
    canvas.set_camera(CameraState((0, 0, 0), 30.0, 25.0, 60000.0))
    mask = drawn_by(canvas, "Earth")
    edge = canvas.project(np.array([[0.0, 0.0, 0.0], [0.0, 0.0, 6378.1366]]))
    radius_px = abs(edge[1, 1] - edge[0, 1]) / np.cos(np.radians(25.0))
    assert mask.sum() == pytest.approx(np.pi * radius_px**2, rel=0.1)


def test_flyby_presets_show_what_they_say(views):
    canvas = views["2021 WP"]
    scene = canvas.scene
    assert list(scene.camera_presets) == ["sun", "north", "follow", "earth"]
    centre = np.array(SIZE) / 2.0
    # from the Sun: Earth in the middle, its noon (the brightest point) in the disc's middle

    def noon_offset_px() -> float:
        colours, offsets = body_colours(canvas, "Earth", where=True)
        return float(np.hypot(*offsets[colours.sum(axis=1).argmax()]))

    canvas.set_camera(scene.camera_presets["sun"].state)
    np.testing.assert_allclose(canvas.project(np.zeros((1, 3)))[0], centre, atol=1.0)
    assert noon_offset_px() <= 1.5
    canvas.set_camera(scene.home_camera())
    assert noon_offset_px() > 2.5
    home = body_colours(canvas, "Earth")
    # ecliptic north: the Moon's orbit (near the ecliptic) is seen as a circle, not an ellipse

    def orbit_aspect() -> float:
        ys, xs = np.nonzero(drawn_by(canvas, "Moon orbit"))
        return np.ptp(xs) / np.ptp(ys)

    assert orbit_aspect() > 1.6  # home: an ellipse (measured ~2.2)
    canvas.set_camera(scene.camera_presets["north"].state)
    assert orbit_aspect() == pytest.approx(1.0, abs=0.15)
    # follow: the asteroid's marker stays in the middle as the clock runs
    path = scene.camera_presets["follow"].path(scene)
    for et in np.linspace(scene.clock.start_et, scene.clock.stop_et, 3):
        scene.clock.et = et
        canvas.set_camera(path.track([0.0], [et], 1.0)[0])
        ys, xs = np.nonzero(drawn_by(canvas, "2021 WP"))  # its disc
        assert (np.hypot(xs - centre[0], ys - centre[1]) < 8).sum() > 15  # measured 19+
    scene.clock.et = scene.clock.start_et
    # Earth-centred: Earth bigger, in the middle, the closest approach in view
    canvas.set_camera(scene.camera_presets["earth"].state)
    assert drawn_by(canvas, "Earth").sum() > 2 * len(home)  # measured 295 vs 99
    np.testing.assert_allclose(canvas.project(np.zeros((1, 3)))[0], centre, atol=1.0)
    ca = canvas.project(scene["closest approach"].positions_km)[0]
    assert 0 < ca[0] < SIZE[0] and 0 < ca[1] < SIZE[1]


def test_philae_default_view_frames_the_landing_region(views):
    canvas = views["philae"]
    canvas.set_camera(canvas.scene.home_camera())
    xs = np.nonzero(drawn_by(canvas, "Philae path"))[1]
    assert np.ptp(xs) >= 0.15 * SIZE[0]  # measured 0.22; the old framing 0.10
    comet = drawn_by(canvas, "67P")
    assert comet.sum() > 0.2 * comet.size
    edges = np.r_[comet[0], comet[-1], comet[:, 0], comet[:, -1]]
    assert not edges.any()  # the whole comet in view
    assert drawn_by(canvas, "Sun direction").sum() > 50  # the line to the Sun is drawn


def test_philae_touchdown_presets_look_at_each_touchdown(views):
    canvas = views["philae"]
    scene = canvas.scene
    touchdowns = scene["touchdowns"].positions_km
    assert list(scene.camera_presets) == [f"touchdown{i}" for i in range(1, len(touchdowns) + 1)]
    scene["Philae"].visible = False  # the lander sits on a touchdown at the start and the end
    for preset, spot in zip(scene.camera_presets.values(), touchdowns):
        canvas.set_camera(preset.state)
        np.testing.assert_allclose(canvas.project(spot[None, :])[0], np.array(SIZE) / 2, atol=1)
        ys, xs = np.nonzero(drawn_by(canvas, "touchdowns"))
        near = np.hypot(xs - SIZE[0] / 2, ys - SIZE[1] / 2) < 12
        assert near.sum() > 20  # the red touchdown marker in the middle
        assert preset.state.distance_km < 1.0  # close: the view spans < 0.3 km
    scene["Philae"].visible = True


@pytest.mark.parametrize("mode", ["turntable", "arcball", "fly"])
def test_camera_modes_read_back_the_pose_they_were_given(views, mode):
    """A pose set at azimuth 40, elevation 25 reads back as 40 / 25 (the fly camera read
    -140 / 65, and its eye as its centre)."""
    from orbitviz._vispy.cameras import CameraModes

    canvas = views["2021 WP"]
    modes = CameraModes(canvas)
    try:
        state = CameraState((1000.0, -2000.0, 3000.0), 40.0, 25.0, 50000.0)
        modes.set_mode(mode, state)
        back = canvas.camera_state()
        assert back.azimuth_deg == pytest.approx(40.0, abs=1e-6)
        assert back.elevation_deg == pytest.approx(25.0, abs=1e-6)
        assert back.distance_km == pytest.approx(50000.0, rel=1e-9)
        np.testing.assert_allclose(back.center_km, state.center_km, atol=1e-6)
    finally:
        modes.set_mode("turntable", canvas.scene.home_camera())
        modes.close()


def test_camera_presets_from_the_command_line(gl_backend, mirror, tmp_path, monkeypatch, capsys):  # noqa: F811
    """``orbitviz render`` and ``orbitviz view --screenshot`` take a preset by name: the
    Earth-centred video frame has Earth in its middle; the ecliptic-north screenshot differs
    from the default one; an unknown word is one line and exit 2."""
    import imageio.v3 as iio

    from orbitviz.cli import main

    monkeypatch.delenv("DISPLAY", raising=False)  # the offscreen screenshot, as headless
    frames = tmp_path / "frames"
    args = ["flyby", "2021 WP", "--size", "320x200"]
    assert main(["render", *args, "--camera", "earth", "--frames", "1", "-o", str(frames)]) == 0
    frame = iio.imread(next(frames.glob("*.png")))[..., :3].astype(int)
    middle = frame[95:106, 155:166].reshape(-1, 3)
    assert ((middle[:, 2] > middle[:, 0] + 40) & (middle[:, 2] > 60)).sum() >= 8  # Earth: blue
    shots = {}
    for camera in (None, "north"):
        png = tmp_path / f"{camera}.png"
        extra = ["--camera", camera] if camera else []
        assert main(["view", *args, "--screenshot", str(png), *extra]) == 0
        shots[camera] = iio.imread(png)[..., :3].astype(int)
    assert np.abs(shots["north"] - shots[None]).sum(axis=2).mean() > 5
    capsys.readouterr()
    assert (
        main(["render", *args, "--camera", "sunn", "--frames", "1", "-o", str(tmp_path / "x")]) == 2
    )
    err = capsys.readouterr().err.strip()
    assert "unknown camera 'sunn'" in err and "sun, north, follow, earth" in err
    assert len(err.splitlines()) == 1
