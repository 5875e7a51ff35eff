"""The transit scene on offscreen frames (EGL, as ``orbitviz render`` and the notebook draw
them): from Earth the planet sits on the star's disk at mid-transit and leaves it after; the
light-curve panel's cursor is at the clock's time; the panel takes its place in the one layout
of the view; the video flies to the observer and shows the transit."""

from __future__ import annotations

import numpy as np
import pytest
from conftest import needs_mirror
from render_support import check_layout_pixels, gl_backend, layout_boxes  # noqa: F401
from transit_support import kepler90_result

from orbitviz.exoplanets.lightcurve import bjd_to_et
from orbitviz.recipes.transit import transit_scene
from orbitviz.scene.colors import to_rgba

pytestmark = needs_mirror
CURSOR = np.array([255, 209, 64])  # the panel's cursor, (1.0, 0.82, 0.25)


@pytest.fixture(scope="module")
def result(mirror):
    return kepler90_result(str(mirror))


@pytest.fixture
def scene(result):
    return transit_scene(result)


@pytest.fixture
def canvas(gl_backend, scene):  # noqa: F811
    from orbitviz._vispy import SceneCanvas

    view = SceneCanvas(scene, size=(960, 540))
    yield view
    view.close()


def _rgb(color) -> np.ndarray:
    return np.round(np.asarray(to_rgba(color)[:3]) * 255).astype(int)


def _mid(result, name):
    candidate = next(c for c in result.candidates if c.name.endswith(" " + name))
    time = result.lightcurve.time_bjd
    return candidate, candidate.transit_times(time[0], time[-1])


def _star_disk(canvas, scene, star):
    """The star's centre (x, y) and radius (px) on screen."""
    centre = canvas.project([[0.0, 0.0, 0.0]])[0]
    edge = canvas.project([[star.radius_km, 0.0, 0.0]])[0]
    return centre, float(np.linalg.norm(edge - centre))


def test_from_earth_the_planet_is_on_the_disk_while_it_transits(canvas, scene, result):
    """The observer preset at g's mid-transit: g's colour on the star's disk where g projects;
    a day later the same pixels are the star's again (g has moved on)."""
    candidate, (mid,) = _mid(result, "g")
    canvas.set_camera(scene.camera_presets["observer"].state)
    scene.clock.et = float(bjd_to_et(mid))
    image = canvas.render().astype(int)
    centre, radius = _star_disk(canvas, scene, result.star)
    x, y = canvas.project(scene["g"].center_at(scene.clock.et)[None, :])[0]
    assert np.hypot(x - centre[0], y - centre[1]) < 0.2 * radius  # g crosses near the centre
    planet_px = radius * candidate.rp_rs
    assert planet_px > 4  # drawn at its true size here
    colour = _rgb(scene["g"].color)
    patch = image[round(y) - 2 : round(y) + 3, round(x) - 2 : round(x) + 3].reshape(-1, 3)
    # (the outer planets' orbits, nearer to Earth, cross in front of it: a row or so)
    assert (np.abs(patch - colour).max(axis=1) < 40).mean() >= 0.6, patch.tolist()
    # around the planet: the star, bright and in its black-body colour (white, a little warm),
    # but where the chords of the orbits cross it
    angle = np.linspace(0.0, 2 * np.pi, 48, endpoint=False)
    ring = image[
        np.round(y + 2.5 * planet_px * np.sin(angle)).astype(int),
        np.round(x + 2.5 * planet_px * np.cos(angle)).astype(int),
    ]
    star = ring[ring.min(axis=1) > 180]
    assert len(star) > 0.6 * len(ring), ring.tolist()
    assert (star[:, 0] >= star[:, 2]).all()
    # limb darkening: the disk is darker near its edge than at its centre (below and right of
    # the centre: no chord there, the far halves of the orbits are behind the star)
    rim = image[round(centre[1] + 0.66 * radius), round(centre[0] + 0.66 * radius)]
    assert rim.sum() < 0.8 * star.sum(axis=1).mean(), (rim.tolist(), star.mean(axis=0))
    scene.clock.et += 86400.0
    after = canvas.render().astype(int)
    moved = after[round(y) - 2 : round(y) + 3, round(x) - 2 : round(x) + 3].reshape(-1, 3)
    # g's own colour has gone (its orbit's chord, blended over the star, stays)
    assert (np.abs(moved - colour).max(axis=1) < 10).mean() <= 0.2, moved.tolist()
    assert (np.abs(patch - colour).max(axis=1) < 10).mean() >= 0.6, patch.tolist()


def _cursor_x(image, box) -> float:
    """The mean column of the cursor's colour inside the plot's box."""
    rows = image[int(box.y0) + 2 : int(box.y1) - 2, int(box.x0) : int(box.x1)].astype(int)
    hit = (np.abs(rows - CURSOR).max(axis=2) < 40).sum(axis=0)
    columns = np.nonzero(hit > 0.5 * rows.shape[0])[0]
    assert len(columns), "no cursor in the plot"
    return float(box.x0 + columns.mean())


def test_the_panels_cursor_is_at_the_clocks_time(canvas, scene):
    """Mid-light-curve the window is centred on the clock (the cursor in the middle); near its
    start the window stops at the data and the cursor moves left, to the clock's time."""
    panel = canvas.adapters[scene["light curve"]]
    image = canvas.render()
    box = panel.plot_area.box
    assert _cursor_x(image, box) == pytest.approx(float(panel.plot_area.x(scene.clock.et)), abs=1.5)
    assert _cursor_x(image, box) == pytest.approx(0.5 * (box.x0 + box.x1), abs=1.5)
    first, _ = scene["light curve"].span_et
    scene.clock.et = first + 0.1 * scene["light curve"].window_s
    image = canvas.render()
    x = float(panel.plot_area.x(scene.clock.et))
    assert x == pytest.approx(box.x0 + 0.1 * box.width, abs=0.5)
    assert _cursor_x(image, box) == pytest.approx(x, abs=1.5)
    # a click in the plot moves the clock to the time under it
    assert canvas.time_at(x, 0.5 * (box.y0 + box.y1)) == pytest.approx(scene.clock.et, abs=60.0)
    assert canvas.time_at(5.0, 5.0) is None


def test_the_panel_marks_transits_in_their_planets_colours(canvas, scene, result):
    """At h's transit, its span is shaded in h's colour and its points drop below the
    out-of-transit ones."""
    panel = canvas.adapters[scene["light curve"]]
    image = canvas.render().astype(int)
    area = panel.plot_area
    _, (mid,) = _mid(result, "h")
    x = round(float(area.x(bjd_to_et(mid) + 3600.0)))  # an hour after mid-transit
    column = image[int(area.box.y0) + 2 : int(area.box.y1) - 2, x]
    tint = _rgb(scene["h"].color)
    background = column[np.abs(column).sum(axis=1) < 200]  # the shaded background
    assert len(background)
    # the shade leans towards h's colour (lime: green above red and blue)
    mean = background.mean(axis=0)
    assert np.argmax(mean) == np.argmax(tint), (mean.tolist(), tint.tolist())
    labels = panel.texts["labels"]
    assert "h" in labels.texts


@pytest.mark.parametrize("size", [(960, 540), (1920, 1080)], ids=["960x540", "1920x1080"])
@pytest.mark.parametrize("preset", ["observer", "top", "system"])
def test_the_panel_shares_the_view_without_overlapping(gl_backend, scene, size, preset):  # noqa: F811
    """The one layout: the panel docked above the credits, the axes and scale bar above it,
    every label and overlay in its own box, everything the panel draws inside its box."""
    from orbitviz._vispy import SceneCanvas

    canvas = SceneCanvas(scene, size=size)
    try:
        canvas.set_camera(scene.camera_presets[preset].state)
        full = canvas.render().copy()
        canvas.overlay_root.visible = False
        bare = canvas.render().copy()
        canvas.overlay_root.visible = True
        boxes, leaders = layout_boxes(canvas)
        check_layout_pixels(full, bare, boxes, leaders)
    finally:
        canvas.close()
    panel = boxes["panel light curve"]
    assert boxes["credit"].y0 > panel.y1  # the credits under the panel
    assert boxes["axes"].y1 < panel.y0 and boxes["scale"].y1 < panel.y0  # these above it
    assert panel.width > 0.95 * size[0] and panel.height == pytest.approx(0.3 * size[1])


def test_hiding_the_panel_gives_its_place_back(canvas, scene):
    canvas.render()
    with_panel = dict(canvas.overlay_boxes)
    scene["light curve"].visible = False
    image = canvas.render().astype(int)
    assert "panel light curve" not in canvas.overlay_boxes
    assert canvas.overlay_boxes["axes"].y1 > with_panel["panel light curve"].y0  # back down
    cursor = np.abs(image - CURSOR).max(axis=2) < 30
    assert cursor.sum() < 20  # no cursor line (an orbit's pixel may come close)
    assert canvas.time_at(480.0, 450.0) is None


def test_the_panel_and_the_line_follow_their_settings(canvas, scene):
    """Each event the new layers declare reaches the view, one at a time: the line of sight's
    label (laid out anew), the panel's window (redrawn) and its height (docked anew)."""
    panel, sight = scene["light curve"], scene["line of sight"]
    canvas.set_camera(scene.camera_presets["top"].state)
    canvas.render()
    sight.label = "towards the Sun's neighbours"
    canvas.render()
    shown = {s.text for s in canvas.labels.shown if s.box is not None}
    assert "towards the Sun's neighbours" in shown and "to Earth" not in shown
    area = canvas.adapters[panel].plot_area
    width_s, box = area.t1_et - area.t0_et, area.box
    panel.window_s = 0.5 * width_s
    canvas.render()
    area = canvas.adapters[panel].plot_area
    assert area.t1_et - area.t0_et == pytest.approx(0.5 * width_s) and area.box == box
    panel.height_frac = 0.2
    canvas.render()
    docked = canvas.overlay_boxes["panel light curve"]
    assert docked.height == pytest.approx(0.2 * 540)
    plot = canvas.adapters[panel].plot_area.box  # drawn in its new, lower box
    assert box.y0 < plot.y0 and docked.y0 < plot.y0 and plot.y1 < docked.y1


def test_the_video_flies_to_earth_and_shows_the_transit(gl_backend, scene, result, tmp_path):  # noqa: F811
    """``orbitviz render transit`` without a camera: the scene's own path and time map. The
    first frame is wide (the star a few pixels); the frame nearest mid-transit is the
    observer's, with the planet on the disk."""
    from PIL import Image

    from orbitviz.render import render_video

    out = tmp_path / "frames"
    done = render_video(scene, out, size=(480, 270), fps=10, duration_s=4.0, progress=False)
    plan = done.plan
    _, (mid,) = _mid(result, "h")
    i = int(np.argmin(np.abs(plan.frame_times_et - bjd_to_et(mid))))
    frames = sorted(out.glob("*.png"))
    assert len(frames) == plan.n_frames == 40
    first = np.asarray(Image.open(frames[0]).convert("RGB")).astype(int)
    middle = np.asarray(Image.open(frames[i]).convert("RGB")).astype(int)
    bright = (middle.min(axis=2) > 200).sum()
    assert bright > 5 * max((first.min(axis=2) > 200).sum(), 1)  # the star fills the view now
    observer = scene.camera_presets["observer"].state
    assert plan.cameras[i].distance_km == pytest.approx(observer.distance_km, rel=1e-9)
    from orbitviz._vispy import SceneCanvas

    canvas = SceneCanvas(scene, size=(480, 270))
    try:  # where h is in that frame, it is drawn in its colour
        scene.clock.et = float(plan.frame_times_et[i])
        canvas.set_camera(plan.cameras[i])
        x, y = canvas.project(scene["h"].center_at(scene.clock.et)[None, :])[0]
    finally:
        canvas.close()
    pixel = middle[round(y), round(x)]
    assert np.abs(pixel - _rgb(scene["h"].color)).max() < 40, pixel.tolist()


def test_the_commands_view_and_render_transit(gl_backend, mirror, tmp_path, monkeypatch, capsys):  # noqa: F811
    """``orbitviz view transit FILE... --screenshot`` and ``orbitviz render transit FILE... -o``
    through the one recipe (the analysis stubbed: the KOI table's planets)."""
    from PIL import Image
    from transit_support import kepler90_files

    from orbitviz.cli import main
    from orbitviz.exoplanets import analysis

    monkeypatch.setattr(analysis, "analyze", lambda files, **_: kepler90_result(str(mirror)))
    files = [str(f) for f in kepler90_files(mirror)]
    shot = tmp_path / "k90.png"
    assert main(["view", "transit", *files, "--screenshot", str(shot), "--size", "640x360"]) == 0
    image = np.asarray(Image.open(shot).convert("RGB")).astype(int)
    assert image.shape == (360, 640, 3)
    assert (image.min(axis=2) > 200).sum() > 3000  # the star, large: the observer's view
    video = tmp_path / "k90.gif"
    code = main(
        ["render", "transit", *files, "-o", str(video), "--frames", "4", "--size", "320x180"]
        + ["--quiet"]
    )
    assert code == 0 and video.stat().st_size > 0
    assert "4 frames 320x180" in capsys.readouterr().err


def test_the_line_of_sight_points_to_earth_but_not_from_earth(canvas, scene):
    """From above, the line of sight runs down the screen from the star, labelled "to Earth";
    from Earth it would be a dot on the star (seen end-on): it and its label are hidden."""
    sight = scene["line of sight"]
    colour = _rgb(sight.color)
    canvas.set_camera(scene.camera_presets["top"].state)
    top = canvas.render().astype(int)
    shown = {s.text for s in canvas.labels.shown if s.box is not None}
    assert "to Earth" in shown
    a, b = canvas.project(sight.segment_at(scene.clock.et))
    assert b[1] > a[1] + 100 and abs(b[0] - a[0]) < 1.0  # straight down the screen
    x, y = np.round(0.5 * (a + b)).astype(int)
    assert np.abs(top[y, x - 1 : x + 2] - colour).max(axis=1).min() < 60, top[y, x - 1 : x + 2]
    canvas.set_camera(scene.camera_presets["observer"].state)
    scene.clock.et += 2 * 86400.0  # no planet in front of the star's centre
    image = canvas.render().astype(int)
    assert "to Earth" not in {s.text for s in canvas.labels.shown if s.box is not None}
    cx, cy = np.round(canvas.project([[0.0, 0.0, 0.0]])[0]).astype(int)
    centre = image[cy - 3 : cy + 4, cx - 3 : cx + 4].reshape(-1, 3)
    # the star and the orbits' chords there, no dot of the line of sight
    assert (np.abs(centre - colour).max(axis=1) > 40).all(), centre.tolist()
