"""The notebook viewer driven as a browser drives it: jupyter_rfb's messages (pointer, wheel,
resize) into the widget, the slider and checkboxes set as a user sets them, and the frames it
would send checked by their pixels."""

from __future__ import annotations

import io
import os
import subprocess
import sys
import textwrap
import time
from pathlib import Path

import numpy as np
import pytest
from render_support import comet_scene, gl_backend  # noqa: F401 - fixture

pytest.importorskip("jupyter_rfb", reason="the notebook extra: pip install -e '.[notebook]'")

ROOT = Path(__file__).resolve().parents[1]
SIZE = (320, 180)


@pytest.fixture
def viewer(gl_backend):  # noqa: F811
    from orbitviz.notebook import viewer

    shown = viewer(comet_scene(), size=SIZE)
    yield shown
    shown.close()


def send(view, **event) -> None:
    """A message as the browser's renderview sends it (through the widget's comm handler)."""
    event.setdefault("modifiers", [])
    event.setdefault("timestamp", time.perf_counter())
    view._rfb_handle_msg(view, event, [])


def drag(view, start, stop) -> None:
    x0, y0 = start
    send(view, type="pointer_down", x=x0, y=y0, button=1, buttons=[1])
    time.sleep(0.02)  # VisPy drops moves closer than 10 ms, as from a real backend
    send(view, type="pointer_move", x=stop[0], y=stop[1], button=1, buttons=[1])


def body_pixels(frame) -> int:
    """Grey (lit or shaded shape) pixels in the middle of the frame, clear of the corner
    texts, the red ring and the yellow lander."""
    h, w = frame.shape[:2]
    middle = frame[h // 5 : h * 3 // 4, w // 5 : w * 4 // 5].astype(int)
    r, g, b = middle[..., 0], middle[..., 1], middle[..., 2]
    grey = (abs(r - g) < 12) & (abs(g - b) < 12) & (r + g + b > 45)
    return int(grey.sum())


def test_a_drag_orbits_the_camera_at_half_resolution_until_released(viewer):
    view = viewer.view
    before = view.get_frame()
    assert before.shape == (SIZE[1], SIZE[0], 3)
    azimuth = view.canvas.camera_state().azimuth_deg
    drag(view, (100, 90), (160, 90))
    moving = view.get_frame()
    assert moving.shape == (SIZE[1] // 2, SIZE[0] // 2, 3)  # level of detail while dragging
    # VisPy's turntable: half a degree per pixel, the way the window turns
    assert view.canvas.camera_state().azimuth_deg == pytest.approx(azimuth - 30.0)
    send(view, type="pointer_up", x=160, y=90, button=1, buttons=[])
    after = view.get_frame()
    assert after.shape == before.shape
    assert np.abs(after.astype(int) - before).mean() > 1.0  # the user sees the body turned


def test_the_wheel_zooms_in_and_the_body_grows(viewer):
    view = viewer.view
    before = view.get_frame()
    distance = view.canvas.camera_state().distance_km
    send(view, type="wheel", x=160, y=90, dx=0.0, dy=-300.0, buttons=[])
    assert view.canvas.camera_state().distance_km < 0.8 * distance
    after = view.get_frame()
    assert after.shape == before.shape  # no event loop here: settles to full resolution at once
    assert body_pixels(after) > 1.3 * body_pixels(before)


def test_the_time_slider_moves_the_clock_the_label_and_the_lander(viewer):
    view, clock = viewer.view, viewer.scene.clock
    lander = viewer.scene["lander"]
    viewer.view.canvas.set_camera(viewer.scene.fit_camera(elevation_deg=80.0))
    before, label = view.get_frame(), viewer.time.label.value
    viewer.time.slider.value = 250  # a quarter of the span: the lander a quarter round
    assert clock.et == pytest.approx(25.0)
    assert viewer.time.label.value != label
    after = view.get_frame()  # no event loop here: the level of detail settles at once
    x, y = view.canvas.project(lander.positions_at(clock.et))[0]
    patch = after[round(y) - 2 : round(y) + 3, round(x) - 2 : round(x) + 3].astype(int)
    yellow = (patch[..., 0] > 150) & (patch[..., 1] > 150) & (patch[..., 2] < 100)
    assert yellow.any(), f"no yellow lander at ({x:.0f}, {y:.0f})"
    assert np.abs(after.astype(int) - before).sum() > 0
    clock.et = 50.0  # and the other way: code moves the clock, the slider follows
    assert viewer.time.slider.value == 500


def test_while_the_time_moves_frames_are_coarse_then_one_full_frame(viewer):
    import asyncio

    from orbitviz.notebook.view import SETTLE_S

    async def play() -> tuple:
        for value in (100, 102, 104):  # what the Play widget does, on the kernel's loop
            viewer.time.slider.value = value
        playing = viewer.view.get_frame().shape
        await asyncio.sleep(SETTLE_S + 0.1)
        return playing, viewer.view.get_frame().shape

    playing, stopped = asyncio.run(play())
    assert playing == (SIZE[1] // 2, SIZE[0] // 2, 3)
    assert stopped == (SIZE[1], SIZE[0], 3)


def test_play_steps_the_span_in_the_scene_playback_time(viewer):
    clock, play = viewer.scene.clock, viewer.time.play
    wall_s = play.interval / 1000.0 * (play.max - play.min) / play.step
    assert wall_s == pytest.approx(clock.span_s / clock.rate, rel=0.05)
    viewer.time.speed.value = 2.0
    assert play.interval / 1000.0 * (play.max - play.min) / play.step == pytest.approx(
        wall_s / 2, rel=0.05
    )


def test_a_layer_checkbox_hides_the_layer_and_follows_it(viewer):
    view = viewer.view
    shown = body_pixels(view.get_frame())
    shape = viewer.scene["shape"]
    viewer.layers.boxes[shape].value = False
    assert shape.visible is False
    assert body_pixels(view.get_frame()) < 0.2 * shown
    shape.visible = True
    assert viewer.layers.boxes[shape].value is True
    shape.name = "comet"  # the box follows its layer, whatever its name
    assert viewer.layers.boxes[shape].description == "comet"


def test_resize_from_the_browser_resizes_the_frames(viewer):
    send(viewer.view, type="resize", width=400, height=300, pwidth=400, pheight=300, ratio=1.0)
    assert viewer.view.get_frame().shape == (300, 400, 3)


def test_camera_modes_are_the_windows(viewer):
    assert set(viewer.camera.mode.options) == {"turntable", "arcball", "fly", "follow"}
    viewer.camera.mode.value = "arcball"
    assert type(viewer.view.canvas.view.camera).__name__ == "ArcballCamera"
    viewer.camera.mode.value = "follow"
    assert viewer.view.cameras.mode == "follow"


def test_snapshot_and_the_saved_picture_are_pngs_of_the_view(viewer):
    from PIL import Image

    image = viewer.snapshot()
    picture = np.asarray(Image.open(io.BytesIO(image.data)))
    assert picture.shape == (SIZE[1], SIZE[0], 3)
    assert np.array_equal(picture, viewer.frame())
    bundle = viewer._repr_mimebundle_()
    data = bundle[0] if isinstance(bundle, tuple) else bundle
    assert "application/vnd.jupyter.widget-view+json" in data and "image/png" in data


def test_show_takes_a_flyby_report_and_a_scene(gl_backend, monkeypatch):  # noqa: F811
    import orbitviz
    from orbitviz import display

    monkeypatch.setattr(display, "in_notebook", lambda: True)
    shown = orbitviz.show(orbitviz.flyby("Apophis", method="conic"), size=SIZE)
    try:
        assert "99942 Apophis track" in shown.scene.layers
        assert list(shown.layers.boxes) == list(shown.scene.layers)
    finally:
        shown.close()
    scene = comet_scene()
    shown = scene.show(size=SIZE)
    try:
        assert shown.scene is scene
    finally:
        shown.close()


def test_show_outside_a_notebook_opens_the_window(monkeypatch):
    pytest.importorskip("PyQt5.QtWidgets")
    import orbitviz
    import orbitviz._qt

    opened = []
    monkeypatch.setattr(orbitviz._qt, "run_viewer", lambda recipe, **kw: opened.append(recipe))
    orbitviz.show("67p-4k.obj")
    assert [r.options for r in opened] == [{"file": "67p-4k.obj"}]


NO_QT = textwrap.dedent(
    """
    import importlib.abc, os, sys

    class NoQt(importlib.abc.MetaPathFinder):
        def find_spec(self, name, path=None, target=None):
            if name.split(".")[0] in ("PyQt5", "PyQt6", "PySide2", "PySide6"):
                raise ImportError(f"{name} is blocked: the widget must not need Qt")

    sys.meta_path.insert(0, NoQt())
    assert "DISPLAY" not in os.environ and "WAYLAND_DISPLAY" not in os.environ
    import time
    from orbitviz.notebook import viewer
    shown = viewer("67p-4k.obj", size=(160, 90))
    view = shown.view
    first = view.get_frame()
    view.handle_event({"type": "pointer_down", "x": 50, "y": 45, "button": 1, "buttons": [1],
                       "modifiers": []})
    time.sleep(0.02)
    view.handle_event({"type": "pointer_move", "x": 90, "y": 45, "button": 1, "buttons": [1],
                       "modifiers": []})
    view.handle_event({"type": "pointer_up", "x": 90, "y": 45, "button": 1, "buttons": [],
                       "modifiers": []})
    second = view.get_frame()
    assert first.shape == second.shape == (90, 160, 3) and (first != second).any()
    from orbitviz.render import select_backend
    print("backend", select_backend().name, "qt", any(m.startswith("PyQt") for m in sys.modules))
    """
)


def test_the_widget_needs_no_display_and_no_qt(gl_backend):  # noqa: F811
    env = {k: v for k, v in os.environ.items() if k not in ("DISPLAY", "WAYLAND_DISPLAY")}
    env.pop("ORBITVIZ_GL_BACKEND", None)  # Xvfb would need Qt: EGL or OSMesa only
    env["PYTHONPATH"] = str(ROOT)
    done = subprocess.run(
        [sys.executable, "-c", NO_QT], env=env, capture_output=True, text=True, timeout=300
    )
    assert done.returncode == 0, done.stderr[-3000:]
    backend = done.stdout.split("backend ")[-1].split()
    assert backend[0] in ("egl", "osmesa") and backend[2] == "False", done.stdout


@pytest.mark.usefixtures("mirror")
def test_the_transit_scene_in_a_notebook(gl_backend, mirror, monkeypatch):  # noqa: F811
    """``orbitviz.show("transit", files=[...])``: the same scene as the window and videos, the
    light curve in the frames it sends, its views in the camera controls, and a click on the
    light curve moves the clock there (the slider follows)."""
    from transit_support import kepler90_files, kepler90_result

    import orbitviz
    from orbitviz import display
    from orbitviz.exoplanets import analysis

    monkeypatch.setattr(display, "in_notebook", lambda: True)
    monkeypatch.setattr(analysis, "analyze", lambda files, **_: kepler90_result(str(mirror)))
    shown = orbitviz.show("transit", files=kepler90_files(mirror), size=(640, 360))
    try:
        assert "light curve" in shown.scene.layers
        view = shown.view
        frame = view.get_frame()
        panel = view.canvas.adapters[shown.scene["light curve"]]
        box = panel.plot_area.box
        plot = frame[int(box.y0) + 2 : int(box.y1) - 2, int(box.x0) : int(box.x1)].astype(int)
        cursor = np.abs(plot - np.array([255, 209, 64])).max(axis=2) < 40
        assert cursor.sum(axis=0).max() > 0.5 * plot.shape[0]  # the cursor line, drawn
        titles = [label for label, _ in shown.camera.preset.options]
        assert "From Earth (the transits)" in titles and "The orbits from above" in titles
        shown.camera.preset.value = "top"
        assert view.canvas.camera_state().elevation_deg == pytest.approx(90.0)
        assert shown.camera.preset.value == ""
        # a click a fifth of the way into the plot: the clock goes to that time
        x, y = box.x0 + 0.2 * box.width, 0.5 * (box.y0 + box.y1)
        wanted = panel.plot_area.et_at(x)
        slider = shown.time.slider.value
        send(view, type="pointer_down", x=x, y=y, button=1, buttons=[1])
        send(view, type="pointer_up", x=x, y=y, button=1, buttons=[])
        assert shown.scene.clock.et == pytest.approx(wanted)
        assert shown.time.slider.value != slider
    finally:
        shown.close()
