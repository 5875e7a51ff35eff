"""The desktop viewer on a real window (Qt's offscreen platform, or xcb on Xvfb), checked by
the pixels it shows. ``test_gui_process.py`` runs these in a process of their own, once per way
of presenting the 3D view; run alone (``pytest tests/test_gui_window.py``) they run here."""

from __future__ import annotations

import numpy as np
import pytest
from conftest import needs_mirror
from gui_support import grab, patch, qapp, qt_platform  # noqa: F401 - fixture

from orbitviz.scene import CameraState
from orbitviz.scene.cameras import angles_from_offsets

pytestmark = [pytest.mark.gui, needs_mirror]
VIEW = (480, 360)


@pytest.fixture(scope="module")
def prepared_4k():
    from orbitviz.recipes import prepare, recipe

    return prepare(recipe("philae", shape="67p-4k.obj"))


@pytest.fixture(scope="module")
def window(qapp, prepared_4k, tmp_path_factory):  # noqa: F811
    from PyQt5.QtCore import QSettings

    from orbitviz._qt.window import ViewerWindow

    settings = QSettings(str(tmp_path_factory.mktemp("qt") / "viewer.ini"), QSettings.IniFormat)
    win = ViewerWindow(prepared_4k, view_size=VIEW, settings=settings)
    win.show()
    settle(qapp)
    yield win
    win.close()


def settle(app, rounds: int = 4) -> None:
    for _ in range(rounds):
        app.processEvents()


def look_from(window, direction, center=(0.0, 0.0, 0.0), distance_km=12.0) -> None:
    """Turntable camera at ``center + distance * direction`` looking at ``center``."""
    az, el, _ = angles_from_offsets(np.asarray(direction, float))
    window.set_camera_mode("turntable")
    window.canvas.view.camera.look(CameraState(tuple(center), float(az), float(el), distance_km))


def test_the_view_is_presented_as_asked(window):
    import os

    from PyQt5.QtGui import QGuiApplication

    from orbitviz._qt.app import presentation
    from orbitviz._qt.raster_view import RasterView

    asked = os.environ.get("ORBITVIZ_PRESENT", "auto")
    if asked != "auto":
        assert presentation() == asked
    assert isinstance(window.view, RasterView) == (presentation() == "raster")
    # on the Qt platform asked for: offscreen needs no X server, xcb runs on one
    assert QGuiApplication.platformName() == qt_platform(asked)


def test_window_opens_with_the_default_philae_scene(qapp, qtbot, tmp_path):  # noqa: F811
    from PyQt5.QtCore import QSettings

    from orbitviz._qt.window import ViewerWindow
    from orbitviz.recipes import prepare, recipe

    win = ViewerWindow(
        prepare(recipe("philae")),
        view_size=(320, 240),
        settings=QSettings(str(tmp_path / "viewer.ini"), QSettings.IniFormat),
    )
    qtbot.addWidget(win)
    win.show()
    settle(qapp)
    assert len(win.prepared.mesh_layer.mesh.faces) > 90_000  # the SPC model, not a light one
    assert {layer.name for layer in win.layer_list.rows} == {
        "67P",
        "Philae path",
        "touchdowns",
        "touchdown labels",
        "Sun direction",
        "Sun",
        "Philae",
        "Philae drop line",
    }
    assert "lighting approximate" in win.lighting_banner.text() and win.lighting_banner.isVisible()
    # the main event: Philae at rest, the whole path drawn behind it
    assert win.time_bar.utc_label.text() == "2014-11-12 17:31:17 UTC"
    centre = grab(win)[100:140, 140:180]
    assert (centre.sum(axis=2) > 30).mean() > 0.5  # the comet fills the middle of the view


def test_the_view_follows_the_window_size(qapp, qtbot, prepared_4k, tmp_path):  # noqa: F811
    from PyQt5.QtCore import QSettings

    from orbitviz._qt.window import ViewerWindow

    # its own settings file: closing saves the geometry (QSettings replaces the file it writes)
    win = ViewerWindow(
        prepared_4k, settings=QSettings(str(tmp_path / "viewer.ini"), QSettings.IniFormat)
    )
    qtbot.addWidget(win)
    win.resize(900, 700)
    win.show()
    settle(qapp)
    for size in ((1100, 800), (700, 560)):
        win.resize(*size)
        settle(qapp, 8)
        view = win.view
        assert tuple(win.canvas.size) == (view.width(), view.height())
        image = grab(win)
        assert image.shape[:2] == (view.height(), view.width())
        h, w = image.shape[:2]
        middle = image[h // 2 - 20 : h // 2 + 20, w // 2 - 20 : w // 2 + 20]
        assert (middle.sum(axis=2) > 30).mean() > 0.5  # the comet, centred at any size
    win.close()


def test_time_slider_moves_the_lander_on_screen(window, qapp):  # noqa: F811
    look_from(window, (0.3, -1.0, 0.6))
    lander = window.prepared.scene["Philae"]
    positions = []
    for value in (150, 600):
        window.time_bar.slider.setValue(value)
        settle(qapp)
        positions.append(
            window.canvas.project(lander.positions_at(window.prepared.scene.clock.et))[0]
        )
        yellow = patch(grab(window), positions[-1], 3)
        assert ((yellow[:, 0] > 180) & (yellow[:, 1] > 180) & (yellow[:, 2] < 90)).any()
    assert np.linalg.norm(positions[1] - positions[0]) > 3.0
    assert window.time_bar.utc_label.text() != ""


def test_hiding_a_layer_in_the_list_changes_the_pixels(window, qapp):  # noqa: F811
    look_from(window, (1.0, -0.5, 0.4))
    before = grab(window)
    window.layer_list.rows[window.prepared.scene["67P"]].visible_box.click()
    settle(qapp)
    after = grab(window)
    assert window.prepared.scene["67P"].visible is False
    assert (before != after).any(axis=2).sum() > 5000
    window.layer_list.rows[window.prepared.scene["67P"]].visible_box.click()
    settle(qapp)
    assert window.prepared.scene["67P"].visible is True


def test_layer_rows_follow_the_model_and_set_it(window):
    layer = window.prepared.scene["Philae path"]
    row = window.layer_list.rows[layer]
    layer.opacity = 0.4
    assert row.opacity_slider.value() == 40
    row.opacity_slider.setValue(90)
    assert layer.opacity == pytest.approx(0.9)
    layer.visible = False
    assert not row.visible_box.isChecked()
    layer.visible, layer.opacity = True, 1.0
    layer.name = "Philae"  # taken: the scene makes it unique, the row follows its layer
    assert row.visible_box.text() == "Philae [2]" and window.layer_list.rows[layer] is row
    layer.name = "Philae path"


def test_trajectory_colour_appears_where_projected(window, qapp):  # noqa: F811
    scene = window.prepared.scene
    path = scene["Philae path"]
    window.time_bar.slider.setValue(1000)  # the lander rests at its final site, away from the apex
    settle(qapp)
    altitude = np.linalg.norm(path.display_positions_km, axis=1)
    apex = int(np.argmax(altitude))
    point = path.display_positions_km[apex]
    look_from(window, point / np.linalg.norm(point), center=point, distance_km=4.0)
    settle(qapp)
    expected = path.colors_at(scene.clock.et)[apex, :3] * 255
    xy = window.canvas.project(point[None])[0]
    pixels = patch(grab(window), xy, 2)
    closest = np.abs(pixels - expected).max(axis=1).min()
    assert closest < 40, f"expected {expected.round()} at {xy}, saw {pixels.tolist()}"


def test_lit_side_faces_the_sun_from_spice(window, qapp):  # noqa: F811
    from orbitviz import spice
    from orbitviz.shapes.clusters import face_winding
    from orbitviz.shapes.surface import ray_intersect

    scene = window.prepared.scene
    with spice.KernelSet("philae"):  # the Sun as seen from 67P, asked independently here
        sun = spice.positions("SUN", [scene.clock.et], observer=1000012, frame="67P/C-G_FIXED")[0]
    sun /= np.linalg.norm(sun)
    side = np.cross(sun, (0.0, 0.0, 1.0))  # look across the terminator: the Sun to one side
    look_from(window, side / np.linalg.norm(side), distance_km=9.0)
    settle(qapp)
    image = grab(window).astype(float).sum(axis=2)
    # surface points the camera sees (facing it, not hidden), split by facing the Sun or not
    mesh = scene["67P"].mesh
    normals = mesh.vertex_normals * face_winding(mesh.vertices, mesh.faces)
    eye = window.canvas.view.camera.transform.map([0.0, 0.0, 0.0])[:3]
    to_eye = eye - mesh.vertices
    range_km = np.linalg.norm(to_eye, axis=1)
    facing = np.einsum("ij,ij->i", normals, to_eye) / range_km > 0.3
    _, t_km, _, _ = ray_intersect(mesh, np.broadcast_to(eye, (facing.sum(), 3)), -to_eye[facing])
    seen = np.flatnonzero(facing)[np.abs(t_km - range_km[facing]) < 0.02]
    sun_cos = normals[seen] @ sun
    px = np.round(window.canvas.project(mesh.vertices[seen])).astype(int)
    brightness = image[px[:, 1], px[:, 0]]
    lit, dark = np.median(brightness[sun_cos > 0.5]), np.median(brightness[sun_cos < -0.3])
    assert (sun_cos > 0.5).sum() > 50 and (sun_cos < -0.3).sum() > 50
    assert lit > 3.0 * dark, f"sunward points {lit:.0f}, the others {dark:.0f} (sum of RGB)"


def test_follow_camera_keeps_the_lander_in_the_middle(window, qapp):  # noqa: F811
    window.set_camera_mode("follow")
    for value in (200, 700):
        window.time_bar.slider.setValue(value)
        settle(qapp)
        lander = window.prepared.scene["Philae"].positions_at(window.prepared.scene.clock.et)
        assert np.allclose(window.canvas.project(lander)[0], np.array(VIEW) / 2, atol=1.0)
    for mode in ("arcball", "fly"):
        window.set_camera_mode(mode)
        settle(qapp)
        assert grab(window).sum(axis=2).max() > 100  # still a picture, same view
    window.actions_by_name["reset"].trigger()
    window.set_camera_mode("turntable")


def test_status_bar_shows_the_surface_point_under_the_mouse(window, qapp, qtbot):  # noqa: F811
    from PyQt5.QtCore import QPoint

    look_from(window, (0.0, 0.0, 1.0))  # from above the north pole
    settle(qapp)
    qtbot.mouseMove(window.view, QPoint(VIEW[0] // 2, VIEW[1] // 2))
    qtbot.waitUntil(lambda: "lat" in window.pick_label.text(), timeout=3000)
    text = window.pick_label.text()
    lat = float(text.split("lat ")[1].split("°")[0])
    radius = float(text.split("radius ")[1].split(" km")[0])
    range_km = float(text.split("range ")[1].split(" km")[0])
    vertices = window.prepared.scene["67P"].mesh.vertices
    top_km = vertices[np.hypot(vertices[:, 0], vertices[:, 1]) < 0.15, 2].max()
    assert lat > 80.0, text  # straight down the spin axis
    assert radius == pytest.approx(top_km, abs=0.1), text
    assert range_km == pytest.approx(12.0 - radius, abs=0.01), text  # camera 12 km from 0


def test_dragging_draws_coarse_then_full(window, qapp, monkeypatch):  # noqa: F811
    from PyQt5.QtCore import QEvent, QPointF, Qt
    from PyQt5.QtGui import QMouseEvent

    calls = []
    monkeypatch.setattr(window.canvas, "set_coarse", calls.append)
    native = window.view
    azimuth = window.canvas.camera_state().azimuth_deg
    for kind, x, buttons in (
        (QEvent.MouseButtonPress, 200, Qt.LeftButton),
        (QEvent.MouseMove, 240, Qt.LeftButton),
        (QEvent.MouseMove, 280, Qt.LeftButton),
        (QEvent.MouseButtonRelease, 280, Qt.NoButton),
    ):
        qapp.sendEvent(
            native, QMouseEvent(kind, QPointF(x, 150), Qt.LeftButton, buttons, Qt.NoModifier)
        )
    assert calls == [True, False]  # coarse while dragging, full when let go
    assert window.canvas.camera_state().azimuth_deg != azimuth  # and the drag turned the view


@pytest.mark.parametrize("broken", ["html.obj", "truncated.bsp"])
def test_a_broken_file_gives_a_dialog_and_keeps_the_scene(
    window, qtbot, monkeypatch, tmp_path, mirror, broken
):
    from PyQt5.QtWidgets import QMessageBox

    from orbitviz import spice

    path = tmp_path / broken
    if broken == "html.obj":
        path.write_text("<!DOCTYPE html><html><body>404 Not Found</body></html>\n")
    else:
        spk = mirror / "kernels" / "spk" / "LORB_C_G_FIXED_RBD_7_V2_0.BSP"
        path.write_bytes(spk.read_bytes()[:3000])
    shown = []
    monkeypatch.setattr(QMessageBox, "critical", lambda parent, title, text: shown.append(text))
    scene, kernels = window.prepared.scene, spice.loaded_kernels()
    window.open_path(path)
    qtbot.waitUntil(lambda: bool(shown), timeout=10_000)
    assert str(path) in shown[0] or path.name in shown[0], shown[0]
    assert window.prepared.scene is scene and len(scene.layers) == 8
    assert spice.loaded_kernels() == kernels
    assert str(path) not in window.recent_files()


def test_dropping_a_shape_opens_it_and_remembers_it(window, qtbot, mirror):
    from PyQt5.QtCore import QMimeData, QPoint, Qt, QUrl
    from PyQt5.QtGui import QDropEvent

    shape = mirror / "shapes" / "67p-4k.obj"
    mime = QMimeData()
    mime.setUrls([QUrl.fromLocalFile(str(shape))])
    old = window.prepared
    drop = QDropEvent(QPoint(10, 10), Qt.CopyAction, mime, Qt.LeftButton, Qt.NoModifier)
    window.dropEvent(drop)
    qtbot.waitUntil(lambda: window.prepared is not old, timeout=10_000)
    assert window.prepared.scene.layers.names == ["shape"]
    assert not window.time_bar.isEnabled()  # a shape alone has no time span
    assert window.recent_files()[0] == str(shape)
    window.show_scene(old)


def test_save_image_and_shortcuts_help(window, qapp, tmp_path, monkeypatch):  # noqa: F811
    from PyQt5.QtGui import QImage
    from PyQt5.QtWidgets import QMessageBox

    window.save_image(tmp_path / "view.png")
    assert QImage(str(tmp_path / "view.png")).size().width() == VIEW[0]
    assert window.actions_by_name["save_image"].shortcut().toString() == "Ctrl+S"
    shown = []
    monkeypatch.setattr(QMessageBox, "information", lambda parent, title, text: shown.append(text))
    window.actions_by_name["shortcuts"].trigger()
    assert "Ctrl+S" in shown[0] and "Save the 3D view" in shown[0]


@pytest.mark.parametrize(
    ("signame", "delay_ms"), [("SIGTERM", 0), ("SIGTERM", 2500), ("SIGINT", 2500)]
)  # 0: while the scene is prepared (the window never opens), 2500: in the window's loop
def test_a_signal_closes_the_viewer(qapp, monkeypatch, tmp_path, signame, delay_ms):  # noqa: F811
    """``kill`` or Ctrl-C in the terminal ends ``orbitviz view`` (Qt's idle loop runs no Python
    signal handler by itself): the window closes and the CLI's exception comes out, so it prints
    its one line and exit code."""
    import os
    import signal

    from PyQt5.QtCore import QTimer

    from orbitviz._files import Terminated
    from orbitviz._qt.app import run_viewer
    from orbitviz.recipes import recipe

    monkeypatch.setenv("XDG_CONFIG_HOME", str(tmp_path))  # the window's settings go there
    signum = getattr(signal, signame)
    QTimer.singleShot(delay_ms, lambda: os.kill(os.getpid(), signum))
    expected = KeyboardInterrupt if signame == "SIGINT" else Terminated
    shown = {id(w) for w in qapp.topLevelWidgets() if w.isVisible()}
    with pytest.raises(expected) as caught:
        run_viewer(recipe("philae", shape="67p-4k.obj"), size=VIEW)
    assert getattr(caught.value, "signum", signal.SIGINT) == signum
    # it closed: no window it opened is left (a window of an earlier test may close meanwhile)
    assert {id(w) for w in qapp.topLevelWidgets() if w.isVisible()} <= shown
    assert signal.getsignal(signal.SIGTERM) is signal.SIG_DFL


def test_camera_presets_in_the_menu_and_on_keys(window, qapp):  # noqa: F811
    """Camera > Presets lists the scene's presets with Ctrl+1, Ctrl+2, ...; choosing one shows
    its view (here: touchdown 2 in the middle of the window, close up)."""
    actions = window.preset_menu.actions()
    scene = window.prepared.scene
    assert [a.text() for a in actions] == [p.title for p in scene.camera_presets.values()]
    assert len(actions) == len(scene["touchdowns"].positions_km) >= 2
    assert [a.shortcut().toString() for a in actions] == [
        f"Ctrl+{i + 1}" for i in range(len(actions))
    ]
    try:
        before = grab(window)
        actions[1].trigger()
        settle(qapp)
        preset = scene.camera_presets["touchdown2"].state
        shown = window.canvas.camera_state()
        np.testing.assert_allclose(shown.center_km, preset.center_km, atol=1e-6)
        assert shown.distance_km == pytest.approx(preset.distance_km)
        assert "touchdown2" in window.camera_label.text()
        after = grab(window)
        assert np.abs(after.astype(int) - before).sum(axis=2).mean() > 10  # another view
        spot = window.canvas.project(scene["touchdowns"].positions_km[1:2])[0]
        np.testing.assert_allclose(spot, np.array(VIEW) / 2, atol=1.5)
        # the preset moves the clock to its touchdown: the lander (yellow) sits on its marker
        assert scene.clock.et == pytest.approx(scene.camera_presets["touchdown2"].et)
        assert scene.timeline["touchdown2"].title[-12:-4] in window.time_bar.utc_label.text()
        lander = patch(after, spot, 3)
        assert ((lander[:, 0] > 180) & (lander[:, 1] > 180) & (lander[:, 2] < 90)).sum() >= 4
    finally:
        window.set_camera_mode("turntable")
        window.cameras.reset()
        settle(qapp)


# -- picking tracks and markers (the status bar says when, how far, how high) ----------------
def _status_numbers(text: str) -> tuple[str, float, float]:
    """UTC, distance and altitude (km) in a track or marker pick's status text."""
    import re

    utc = re.search(r"\d{4}-\d\d-\d\d \d\d:\d\d:\d\d", text).group(0)
    dist = float(re.search(r"([\d,.]+) km from ", text).group(1).replace(",", ""))
    alt = float(re.search(r"altitude (-?[\d,.]+) km", text).group(1).replace(",", ""))
    return utc, dist, alt


def test_hovering_the_track_shows_its_time_distance_and_altitude(window, qapp, qtbot):  # noqa: F811
    from PyQt5.QtCore import QPoint

    from orbitviz._vispy.picking import pick_surface
    from orbitviz.shapes.surface import altitude_km

    scene, canvas = window.prepared.scene, window.canvas
    path, mesh = scene["Philae path"], scene["67P"]
    middle = path.positions_km.mean(axis=0)  # look down on the bounces from 2 km up
    look_from(window, middle / np.linalg.norm(middle), center=middle, distance_km=2.0)
    settle(qapp)
    xy = canvas.project(path.display_positions_km)
    drawn = path.colors_at(scene.clock.et)[:, 3] > 0
    markers = np.vstack(
        [
            canvas.project(scene[name].positions_at(scene.clock.et))
            for name in ("touchdowns", "Philae")
        ]
    )
    far_from_markers = (
        np.nanmin(np.linalg.norm(xy[:, None, :] - markers[None, :, :], axis=2), axis=1) > 25
    )
    inside = (
        (xy[:, 0] > 10) & (xy[:, 0] < VIEW[0] - 10) & (xy[:, 1] > 10) & (xy[:, 1] < VIEW[1] - 10)
    )
    candidates = np.flatnonzero(drawn & far_from_markers & inside)
    eye = canvas.view.camera.transform.map([0.0, 0.0, 0.0])[:3]
    for i in candidates[:: max(1, len(candidates) // 20)]:  # one the comet does not hide
        surface = pick_surface(canvas, mesh.mesh, *xy[i])
        if surface is None or surface.range_km > np.linalg.norm(path.display_positions_km[i] - eye):
            break
    else:
        pytest.fail("no point of the Philae path is in clear view")
    point = path.display_positions_km[i]
    qtbot.mouseMove(window.view, QPoint(round(xy[i, 0]), round(xy[i, 1])))
    qtbot.waitUntil(lambda: "Philae path" in window.pick_label.text(), timeout=3000)
    utc, dist, alt = _status_numbers(window.pick_label.text())
    expected_et = path.display_et[i]
    step_s = float(np.max(np.diff(path.display_et)))
    shown_et = min(
        (expected_et + d for d in np.arange(-3, 4) * step_s),
        key=lambda et: 0 if window.prepared.utc(et)[:19] == utc else 1,
    )
    assert window.prepared.utc(shown_et)[:19] == utc, (utc, window.prepared.utc(expected_et))
    assert dist == pytest.approx(np.linalg.norm(point), abs=0.02), window.pick_label.text()
    truth_alt = float(altitude_km(mesh.mesh, point[None])[0])
    assert alt == pytest.approx(truth_alt, abs=0.02), window.pick_label.text()


def test_clicking_the_lander_marker_shows_the_clock_time(window, qapp, qtbot):  # noqa: F811
    from PyQt5.QtCore import QPoint, Qt

    window.actions_by_name["reset"].trigger()
    settle(qapp)
    scene = window.prepared.scene
    lander = scene["Philae"].positions_at(scene.clock.et)
    x, y = window.canvas.project(lander)[0]
    window.pick_label.setText("")
    qtbot.mouseClick(window.view, Qt.LeftButton, pos=QPoint(round(x), round(y)))
    qtbot.waitUntil(lambda: window.pick_label.text().startswith("Philae"), timeout=3000)
    utc, dist, _ = _status_numbers(window.pick_label.text())
    assert utc == window.prepared.utc(scene.clock.et)[:19]
    assert dist == pytest.approx(np.linalg.norm(lander), abs=0.005)


# -- preparing big meshes: progress shown, the window keeps answering ------------------------
def test_opening_a_shape_reports_progress_while_the_window_answers(window, qtbot, mirror):
    from PyQt5.QtCore import QTimer

    steps, ticks = [], []
    report = window._open_progress
    window._open_progress = lambda path, what, fraction: (
        steps.append((what, fraction, len(ticks))),
        report(path, what, fraction),
    )
    timer = QTimer(interval=10)
    timer.timeout.connect(lambda: ticks.append(window.progress_bar.isVisible()))
    timer.start()
    old = window.prepared
    try:
        window.open_path(mirror / "shapes" / "67p-spc.ply")  # 97k faces: a second or more
        qtbot.waitUntil(lambda: window.prepared is not old, timeout=60_000)
    finally:
        timer.stop()
        del window._open_progress
    whats = [what for what, _, _ in steps]
    assert "ordering the faces for drawing" in whats and whats[-1] == "ready", whats
    assert [f for _, f, _ in steps] == sorted(f for _, f, _ in steps)
    # the GUI thread ran its timer between the first step and the last: it was not frozen
    assert steps[-1][2] - steps[0][2] >= 3, steps
    assert any(ticks) and not window.progress_bar.isVisible()
    window.show_scene(old)


def test_run_with_progress_returns_or_raises_what_the_work_did(qapp):  # noqa: F811
    import time

    from orbitviz._qt.worker import run_with_progress
    from orbitviz.errors import KernelNotFound

    seen = []

    def work(progress):
        for k in range(3):
            progress(f"step {k}", k / 3)
            time.sleep(0.05)
        seen.append("done")
        return 42

    assert run_with_progress(work, "Testing") == 42 and seen == ["done"]

    def broken(progress):
        raise KernelNotFound("no such kernel: test.bsp")

    with pytest.raises(KernelNotFound, match=r"test\.bsp"):
        run_with_progress(broken, "Testing")


@pytest.mark.parametrize("view_size", [(640, 480), (1280, 800)], ids=["640x480", "1280x800"])
def test_labels_and_overlays_never_overlap_in_the_window(
    qapp,  # noqa: F811
    qtbot,
    prepared_4k,
    tmp_path,
    view_size,
):
    """The window's own pixels: every label and overlay drawn in its box, the boxes apart
    (the same layout as the videos: one scene path)."""
    import imageio.v3 as iio
    from PyQt5.QtCore import QSettings
    from render_support import check_layout_pixels, layout_boxes

    from orbitviz._qt.window import ViewerWindow

    win = ViewerWindow(
        prepared_4k,
        view_size=view_size,
        settings=QSettings(str(tmp_path / "viewer.ini"), QSettings.IniFormat),
    )
    qtbot.addWidget(win)
    win.show()
    settle(qapp, 6)
    try:
        full = grab(win)
        win.canvas.overlay_root.visible = False
        win.canvas.canvas.update()
        settle(qapp)
        bare = grab(win)
        win.canvas.overlay_root.visible = True
        iio.imwrite(tmp_path / "window.png", full)
        boxes, leaders = layout_boxes(win.canvas)
        check_layout_pixels(full, bare, boxes, leaders)
        scene = prepared_4k.scene
        wanted = sum(  # every label of the scene: label layers' and markers'
            len(getattr(layer, "texts", None) or getattr(layer, "labels", None) or ())
            for layer in scene.layers
        )
        assert [s.box is not None for s in win.canvas.labels.shown] == [True] * wanted
        assert {"title", "readouts", "credit", "scale", "axes"} <= set(boxes)
    finally:
        win.close()


def test_about_this_data_shows_the_credits_in_full(window, qapp, qtbot):  # noqa: F811
    from PyQt5.QtCore import QPoint, Qt

    scene = window.prepared.scene
    (line,) = window.canvas._credit.lines  # one line in the view, cut with an ellipsis
    assert line.endswith("\u2026") and len(line) < len(" ".join(scene.credits))
    credit = window.canvas.overlay_boxes["credit"]
    centre = QPoint(int((credit.x0 + credit.x1) / 2), int((credit.y0 + credit.y1) / 2))
    qtbot.mouseClick(window.view, Qt.LeftButton, pos=centre)  # a click on the credits line
    qtbot.waitUntil(lambda: window.about_dialog is not None, timeout=3000)
    dialog = window.about_dialog
    text = dialog.text.text()
    from html import escape

    assert all(escape(c) in text for c in scene.credits)  # every credit, in full
    assert "ROS_CGS_RSOC_V03" in text  # and the approximate-lighting note
    dialog.close()
    window.about_dialog = None
    window.actions_by_name["about_data"].trigger()  # Help > About this data
    assert window.about_dialog is not None and window.about_dialog.isVisible()
    window.about_dialog.close()


# -- the transit scene in the window -----------------------------------------------------------
def test_the_transit_scene_in_the_window(qapp, qtbot, mirror, tmp_path):  # noqa: F811
    """``orbitviz view transit``: the light curve under the 3D view in the window's own
    pixels, the scene's views in Camera > Presets (from Earth the planet sits on the star's
    disk), every label and overlay apart, and a click on the light curve moves the clock (and
    the time slider) to the time under it."""
    from PyQt5.QtCore import QPoint, QSettings, Qt
    from render_support import check_layout_pixels, layout_boxes
    from transit_support import kepler90_result

    from orbitviz._qt.window import ViewerWindow
    from orbitviz.recipes import prepare
    from orbitviz.recipes.registry import SceneRecipe
    from orbitviz.recipes.transit import transit_scene

    scene = transit_scene(kepler90_result(str(mirror)))
    win = ViewerWindow(
        prepare(SceneRecipe.of(scene)),
        view_size=(640, 360),
        settings=QSettings(str(tmp_path / "viewer.ini"), QSettings.IniFormat),
    )
    qtbot.addWidget(win)
    win.show()
    settle(qapp, 6)
    try:
        titles = [a.text() for a in win.preset_menu.actions()]
        assert titles[:3] == ["From Earth (the transits)", "The orbits from above", "The system"]
        win.set_preset("observer")
        settle(qapp)
        full = grab(win)
        win.canvas.overlay_root.visible = False
        win.canvas.canvas.update()
        settle(qapp)
        bare = grab(win)
        win.canvas.overlay_root.visible = True
        boxes, leaders = layout_boxes(win.canvas)
        check_layout_pixels(full, bare, boxes, leaders)
        assert "panel light curve" in boxes
        # the deepest transit in progress: h on the star's disk, in h's colour
        x, y = win.canvas.project(scene["h"].center_at(scene.clock.et)[None, :])[0]
        h = np.round(np.asarray(scene["h"].color[:3]) * 255)
        assert (np.abs(patch(full, (x, y), 2) - h).max(axis=1) < 40).mean() > 0.5
        # a click on the light curve, a tenth of the plot from its left edge
        area = win.canvas.adapters[scene["light curve"]].plot_area
        px, py = area.box.x0 + 0.1 * area.box.width, 0.5 * (area.box.y0 + area.box.y1)
        wanted, slider = area.et_at(px), win.time_bar.slider.value()
        view = win.view
        qtbot.mouseClick(view, Qt.LeftButton, pos=QPoint(round(px), round(py)))
        settle(qapp)
        assert scene.clock.et == pytest.approx(wanted, abs=600.0)  # a pixel: 6 minutes
        assert win.time_bar.slider.value() != slider
    finally:
        win.close()


# -- overlays after every camera change (issue #25) -------------------------------------------
def _check_overlays_follow_the_view(window, image):
    from render_support import check_overlays_follow_the_view

    check_overlays_follow_the_view(window.canvas, window.prepared.scene, image)


def test_overlays_follow_a_drag_the_wheel_a_preset_and_reset(window, qapp):  # noqa: F811
    """After each camera change the labels, leader lines and the scale bar are laid out for
    the view shown in that same frame (they stayed where they were until the clock moved)."""
    from PyQt5.QtCore import QEvent, QPoint, QPointF, Qt
    from PyQt5.QtGui import QMouseEvent, QWheelEvent

    window.actions_by_name["reset"].trigger()
    settle(qapp)
    view = window.view

    def km_per_px():
        bar = window.canvas._scale_bar
        return bar.length_km / bar.length_px

    lengths = [km_per_px()]
    for kind, x, buttons in (
        (QEvent.MouseButtonPress, 200, Qt.LeftButton),
        (QEvent.MouseMove, 260, Qt.LeftButton),
        (QEvent.MouseMove, 330, Qt.LeftButton),
        (QEvent.MouseButtonRelease, 330, Qt.NoButton),
    ):
        qapp.sendEvent(
            view, QMouseEvent(kind, QPointF(x, 150), Qt.LeftButton, buttons, Qt.NoModifier)
        )
    settle(qapp)
    _check_overlays_follow_the_view(window, grab(window))
    wheel = QWheelEvent(
        QPointF(240, 180), QPointF(240, 180), QPoint(0, 0), QPoint(0, 600), Qt.NoButton,
        Qt.NoModifier, Qt.NoScrollPhase, False,
    )  # fmt: skip
    qapp.sendEvent(view, wheel)
    settle(qapp)
    lengths.append(km_per_px())
    assert lengths[1] < 0.8 * lengths[0]  # zoomed in: fewer km per pixel
    window.set_preset("touchdown2")
    settle(qapp)
    image = grab(window)
    _check_overlays_follow_the_view(window, image)
    lengths.append(km_per_px())
    window.actions_by_name["reset"].trigger()
    settle(qapp)
    _check_overlays_follow_the_view(window, grab(window))
    assert km_per_px() == pytest.approx(lengths[0])
    assert lengths[2] < 0.5 * lengths[0]  # a touchdown, close up


# -- tools: the ruler, the camera path recorder (issue #25) ----------------------------------
@pytest.fixture(scope="module")
def flyby_window(qapp, tmp_path_factory):  # noqa: F811
    from PyQt5.QtCore import QSettings

    import orbitviz
    from orbitviz._qt.window import ViewerWindow
    from orbitviz.recipes import as_recipe, prepare

    settings = QSettings(str(tmp_path_factory.mktemp("qt") / "viewer.ini"), QSettings.IniFormat)
    prepared = prepare(as_recipe(orbitviz.flyby("Apophis")))
    win = ViewerWindow(prepared, view_size=VIEW, settings=settings)
    win.show()
    settle(qapp)
    yield win
    win.close()


def test_the_ruler_measures_between_two_picked_objects_and_follows_the_clock(
    flyby_window,
    qapp,  # noqa: F811
    qtbot,
):
    from PyQt5.QtCore import QPoint, Qt

    from orbitviz.units import LD_KM

    window, scene = flyby_window, flyby_window.prepared.scene
    clock = scene.clock
    clock.et = scene.timeline.main.et  # the closest approach
    window.set_preset("earth")
    settle(qapp)
    window.actions_by_name["ruler"].trigger()  # View > Ruler (R)
    assert window.ruler_on
    rock = scene["99942 Apophis"]
    # click the Earth's disc, then the asteroid's marker, as a user would
    for point in ([0.0, 0.0, 0.0], rock.positions_at(clock.et)[0]):
        x, y = window.canvas.project(np.asarray(point)[None, :])[0]
        qtbot.mouseClick(window.view, Qt.LeftButton, pos=QPoint(round(x), round(y)))
        settle(qapp)
    ruler = scene["ruler"]
    assert (ruler.start.name, ruler.end.name) == ("Earth", "99942 Apophis")
    truth = np.linalg.norm(rock.positions_at(clock.et)[0])
    assert ruler.distance_km_at(clock.et) == pytest.approx(truth, rel=1e-9)
    text = ruler.text_at(clock.et)
    assert f"{truth:,.0f} km" in text and "Earth radii" in text, text
    assert text in window.statusBar().currentMessage()
    # drawn: its label among the view's labels, its line's colour at its middle
    image = grab(window).astype(int)
    mid = window.canvas.project(ruler.segment_at(clock.et).mean(axis=0)[None, :])[0]
    patch_ = image[round(mid[1]) - 2 : round(mid[1]) + 3, round(mid[0]) - 2 : round(mid[0]) + 3]
    assert (np.abs(patch_ - [0xFF, 0xE0, 0x60]).max(axis=2) < 60).any(), patch_
    assert any(s.text == text for s in window.canvas.labels.shown)
    # the clock moves: the ruler measures the new distance, its label says it
    clock.et = scene.clock.start_et + 0.8 * (scene.clock.stop_et - scene.clock.start_et)
    settle(qapp)
    grab(window)
    later = np.linalg.norm(rock.positions_at(clock.et)[0])
    assert ruler.distance_km_at(clock.et) == pytest.approx(later, rel=1e-9)
    assert later > 2 * truth
    shown = [s.text for s in window.canvas.labels.shown if s.layer == "ruler"]
    assert shown == [ruler.text_at(clock.et)] and f"{later / LD_KM:.3f} LD" in shown[0], shown
    # off: the ruler is gone
    window.actions_by_name["ruler"].trigger()
    assert "ruler" not in scene.layers and not window.ruler_on
    clock.et = scene.timeline.main.et


def test_a_camera_path_recorded_in_the_window_plays_back_through_render_s_reader(
    window,
    qapp,  # noqa: F811
    tmp_path,
):
    """Camera > Record path, three views (one pause of 10 s), Camera > Save path: the TOML
    file that ``orbitviz render --camera FILE`` reads gives back each view at its key's time."""
    import time

    from orbitviz.recipes.cameras import camera_from_spec

    window.actions_by_name["reset"].trigger()
    settle(qapp)
    window.actions_by_name["record_path"].trigger()  # on: the view as it is is the first key
    t0 = time.monotonic()
    views = [window.canvas.camera_state()]
    moves = [((1.0, 0.2, 0.3), 10.0), ((0.0, -1.0, 0.8), 7.0), ((-1.0, 0.5, 0.1), 15.0)]
    at_s = np.cumsum([0.5, 10.0, 0.75])  # when each move is seen: a 10 s pause before the 2nd
    for i, (direction, distance) in enumerate(moves):
        look_from(window, direction, distance_km=distance)
        assert window.record_view(now_s=t0 + at_s[i])
        views.append(window.canvas.camera_state())
        assert not window.record_view(now_s=t0 + at_s[i] + 0.1)  # the same view: no new key
    window.actions_by_name["record_path"].trigger()  # off
    times = [t for t, _ in window.recorder.keys]
    assert len(times) == 4 and times[0] == 0.0
    # each key as long after the previous as the user took, a long pause held to 2 s
    np.testing.assert_allclose(np.diff(times), [0.5, 2.0, 0.75], atol=0.05)
    saved = window.save_camera_path(tmp_path / "path.toml")
    assert 'easing = "linear"' in saved.read_text()  # a recorded move does not stop at each key
    path = camera_from_spec(window.prepared.scene, str(saved))  # what render does
    track = path.track(np.array(times), np.zeros(4), duration_s=times[-1])
    for k, view in enumerate(views):
        np.testing.assert_allclose(track.center_km[k], view.center_km, atol=1e-9)
        assert (track.azimuth_deg[k] - view.azimuth_deg + 180.0) % 360.0 - 180.0 == pytest.approx(
            0.0, abs=1e-6
        )
        assert track.elevation_deg[k] == pytest.approx(view.elevation_deg, abs=1e-6)
        assert track.distance_km[k] == pytest.approx(view.distance_km, rel=1e-9)
