"""One label layout for the whole view, checked on offscreen frames (EGL, as `orbitviz render`
draws them): labels and overlays never overlap, drawn where the layout says, at several sizes;
the scale bar is exact where it is drawn."""

import numpy as np
import pytest
from conftest import needs_mirror
from render_support import (  # noqa: F401 - fixture
    check_layout_pixels,
    comet_scene,
    gl_backend,
    layout_boxes,
)

from orbitviz.scene import CameraState
from orbitviz.scene.cameras import eye_offsets

SIZES = [(640, 480), (1280, 800), (1920, 1080)]
LONG_CREDITS = [
    "Shape: R. Gaskell, L. Jorda, C. Capanna, S. Hviid, P. Gutierrez: SPC SHAP5 Cartesian "
    "plate model, 1M plates (ESA PSA + NASA PDS 2017)",
    "Trajectory: orbitviz, patched conics: heliocentric two-body, body-centred two-body inside "
    "the SOI, heliocentric two-body after",
]


def frames(canvas):
    """The frame, and the same frame without labels and overlays."""
    full = canvas.render().copy()
    canvas.overlay_root.visible = False
    try:
        bare = canvas.render().copy()
    finally:
        canvas.overlay_root.visible = True
    return full, bare


def check(canvas, path=None):
    full, bare = frames(canvas)
    if path is not None:
        import imageio.v3 as iio

        iio.imwrite(path, full)
    boxes, leaders = layout_boxes(canvas)
    check_layout_pixels(full, bare, boxes, leaders)
    return boxes


@pytest.mark.parametrize("text", ["Philae", "touchdown 17:25:26, final rest 17:31:17", "jÅgy"])
@pytest.mark.parametrize("font_pt", [8.0, 20.0])
def test_text_is_drawn_the_size_it_is_measured(gl_backend, text, font_pt):  # noqa: F811
    """The layout's boxes hold what VisPy draws: measured widths and heights within 2 px."""
    from vispy import scene as vscene
    from vispy.scene.visuals import Text

    from orbitviz._vispy.text_metrics import PAD_PX, text_size_px

    canvas = vscene.SceneCanvas(size=(800, 200), show=False, bgcolor="black")
    try:
        Text(
            text,
            pos=(50, 100),
            anchor_x="left",
            anchor_y="center",
            font_size=font_pt,
            color="white",
            parent=canvas.scene,
        )
        ys, xs = np.nonzero(canvas.render()[..., :3].max(axis=2) > 40)
    finally:
        canvas.close()
    w, h = text_size_px(text, font_pt)
    x0 = 50 - PAD_PX  # labels are drawn PAD_PX inside their boxes
    assert xs.min() >= x0 - 1 and xs.max() <= x0 + w + 1
    assert xs.max() - xs.min() >= 0.9 * (w - 2 * PAD_PX) - 2  # not much narrower (bearings)
    assert ys.min() >= 100 - h / 2 - 1 and ys.max() <= 100 + h / 2 + 1


def test_batched_texts_are_drawn_as_vispys_own_text(gl_backend):  # noqa: F811
    """Every overlay and label text is one batch (``TextBatch``): it draws each text pixel for
    pixel as VisPy's ``Text`` does, small ones (sharp, four extra samples) and large ones
    (Catmull-Rom smoothed from 50 px), also as the batch goes from small to large and back."""
    from vispy import scene as vscene
    from vispy.scene.visuals import Text
    from vispy.visuals.text.text import FontManager

    from orbitviz._vispy.text_batch import TextBatch

    text, where = "Philae jÅgy", (40, 130)

    def vispy_text(font_pt):
        canvas = vscene.SceneCanvas(size=(900, 260), show=False, bgcolor="black")
        try:
            Text(text, pos=where, anchor_x="left", anchor_y="center", font_size=font_pt,
                 color="white", parent=canvas.scene)  # fmt: skip
            return canvas.render()[..., :3].astype(int)
        finally:
            canvas.close()

    canvas = vscene.SceneCanvas(size=(900, 260), show=False, bgcolor="black")
    try:
        group = TextBatch(parent=canvas.scene, font_manager=FontManager()).group("left", "center")
        for font_pt in (8.0, 45.0, 20.0, 60.0, 8.0):  # 45 pt: 60 px
            group.set([text], [where], font_pt)
            drawn = canvas.render()[..., :3].astype(int)
            expected = vispy_text(font_pt)
            assert (expected.max(axis=2) > 40).sum() > 200  # the text is there
            assert np.abs(drawn - expected).max() <= 2, font_pt
    finally:
        canvas.close()


@pytest.mark.parametrize("size", [(320, 180), (480, 270), (1920, 1080)])
def test_overlays_share_the_frame_without_overlapping(gl_backend, size):  # noqa: F811
    """Title, readouts, credits (one line, ellipsized), scale bar and axes, all at once: each
    in its box, the boxes apart, from thumbnail to full HD."""
    from orbitviz._vispy import SceneCanvas
    from orbitviz.scene import Clock, Readout, Scene

    scene = Scene(
        frame="J2000",
        clock=Clock(0.0, 100.0),
        title="Philae on 67P/Churyumov-Gerasimenko, 2014-11-12",
        credits=LONG_CREDITS,
        readouts=[Readout("d", lambda et: ["distance 1,318,993 km = 3.431 LD"] * len(et))],
    )
    view = SceneCanvas(scene, size=size)
    try:
        view.set_time_text("2021-11-21 09:26:34 UTC")
        boxes = check(view)
        credit = view._credit.lines
    finally:
        view.close()
    assert set(boxes) == {"title", "readouts", "credit", "scale", "axes"}
    assert len(credit) == 1 and credit[0].endswith("\u2026")  # folded into one line
    assert boxes["title"].height < 0.2 * size[1]  # fonts follow the output height
    assert boxes["credit"].y1 > boxes["axes"].y1  # the axes sit above the credits


@pytest.fixture(scope="module")
def philae(gl_backend, mirror):  # noqa: F811
    from orbitviz.recipes import prepare, recipe

    return prepare(recipe("philae"))


@pytest.fixture(scope="module")
def flyby(gl_backend, mirror):  # noqa: F811
    from orbitviz.recipes import prepare, recipe

    return prepare(recipe("flyby", target="2021 WP"))


def _labels_of(canvas):
    return {(s.layer, s.index): s for s in canvas.labels.shown}


@needs_mirror
@pytest.mark.parametrize("size", SIZES, ids=lambda s: f"{s[0]}x{s[1]}")
@pytest.mark.parametrize("which", ["philae", "flyby"])
def test_scene_labels_and_overlays_never_overlap(request, which, size, tmp_path):
    from orbitviz._vispy import SceneCanvas

    prepared = request.getfixturevalue(which)
    canvas = SceneCanvas(prepared.scene, size=size, time_text=prepared.utc)
    try:
        boxes = check(canvas, tmp_path / f"{which}.png")
        labels = _labels_of(canvas)
        view_km = canvas.view_km
    finally:
        canvas.close()
    wanted = sum(  # the planets of a flyby scene are labelled in wider views only
        len(getattr(layer, "texts", None) or getattr(layer, "labels", None) or [])
        for layer in prepared.scene.layers
        if layer.visible and layer.kind in ("labels", "markers") and layer.in_view_range(view_km)
    )
    assert len(labels) == wanted  # every label was laid out...
    assert all(s.box is not None for s in labels.values())  # ...and found a place
    assert {"title", "readouts", "credit", "scale", "axes"} <= set(boxes)


@needs_mirror
@pytest.mark.parametrize("fraction", [0.0, 0.3, 0.62, 1.0])
def test_philae_labels_stay_apart_as_the_lander_moves(philae, fraction):
    from orbitviz._vispy import SceneCanvas

    scene = philae.scene
    clock_et = scene.clock.et
    canvas = SceneCanvas(scene, size=(1280, 800), time_text=philae.utc)
    try:
        scene.clock.et = scene.clock.start_et + fraction * scene.clock.span_s
        check(canvas)
        assert _labels_of(canvas)[("Philae", 0)].box is not None  # the lander keeps its label
    finally:
        canvas.close()
        scene.clock.et = clock_et


@pytest.mark.parametrize("size", [(640, 480), (1920, 1080), (600, 900)])
@pytest.mark.parametrize(
    "camera",
    [
        CameraState((0, 0, 0), 30.0, 25.0, 12.0),
        CameraState((1.0, -2.0, 0.5), 200.0, -40.0, 40.0, 50.0),
    ],
)
def test_scale_bar_is_exact_where_it_is_drawn(gl_backend, size, camera):  # noqa: F811
    """Two scene points a known distance apart on the camera's centre plane, placed under
    the bar and projected: their pixel distance is the bar's km per pixel."""
    from orbitviz._vispy import SceneCanvas

    view = SceneCanvas(comet_scene(), size=size)
    try:
        view.set_camera(camera)
        view.render()
        bar = view._scale_bar
        (x0, y), (x1, _) = bar.ends_px
        # the camera's right and up axes in the scene, from its turntable angles
        forward = -eye_offsets(camera.azimuth_deg, camera.elevation_deg, 1.0)
        right = np.cross(forward, (0.0, 0.0, 1.0))
        right /= np.linalg.norm(right)
        up = np.cross(right, forward)
        centre = np.asarray(camera.center_km)
        cx, cy = view.project([centre])[0]
        # a point of the centre plane under the bar's left end, and one 1 km right of it
        # (VisPy's field of view spans the height: a tall window's bar was 1.5x off when
        # the scale came from the smaller side)
        scale = 2 * camera.distance_km * np.tan(np.radians(camera.fov_deg) / 2) / size[1]
        start = centre + right * (x0 - cx) * scale - up * (y - cy) * scale
        a, b = view.project([start, start + right * bar.length_km])
    finally:
        view.close()
    assert np.abs(a - (x0, y)).max() < 0.05 * min(size)  # the points are near the bar
    assert abs(b[1] - a[1]) < 1e-6 * size[1]  # the camera's right axis is horizontal
    assert (b[0] - a[0]) == pytest.approx(bar.length_px, rel=1e-6)
    assert x1 - x0 == pytest.approx(bar.length_px)


def test_labels_of_layers_drawn_together_keep_their_own_colours(gl_backend):  # noqa: F811
    """Labels of every layer and size are drawn by the canvas's one text visual (fewer draws a
    frame): two label layers (11 pt) and a marker's label (10 pt); each label still shows in
    its own layer's colour."""
    from orbitviz._vispy import SceneCanvas
    from orbitviz.scene import LabelLayer, MarkerLayer

    scene = comet_scene()
    scene["lander"].visible = False
    scene.add(LabelLayer("red sites", [[0.0, -4.0, 2.0]], ["RED SITE"], color="red"))
    scene.add(LabelLayer("cyan sites", [[0.0, -4.0, -2.0]], ["CYAN SITE"], color="cyan"))
    scene.add(MarkerLayer("probe", [[3.0, -4.0, 0.0]], labels=["PROBE"], label_color="yellow"))
    canvas = SceneCanvas(scene, size=(640, 480), overlays=())
    try:
        canvas.set_camera(CameraState((0, 0, 0), 0.0, 0.0, 16.0))
        image = canvas.render().astype(int)
        shown = {s.layer: s.box for s in canvas.labels.shown if s.box is not None}
        drawn = dict(zip(canvas.labels.texts.texts, canvas.labels.texts.sizes))
    finally:
        canvas.close()
    assert {"red sites", "cyan sites", "probe"} <= set(shown), shown
    assert drawn.keys() == {"RED SITE", "CYAN SITE", "PROBE"}  # in one visual, in two sizes
    assert drawn["RED SITE"] == drawn["CYAN SITE"] > drawn["PROBE"]
    for layer, want in (("red sites", (1, 0, 0)), ("cyan sites", (0, 1, 1)), ("probe", (1, 1, 0))):
        box = shown[layer]
        patch = image[int(box.y0) : int(box.y1) + 1, int(box.x0) : int(box.x1) + 1]
        bright = patch[patch.max(axis=2) > 150]  # the glyphs' cores
        assert len(bright) > 10, f"no text of {layer} in {box}"
        on, off = [k for k in range(3) if want[k]], [k for k in range(3) if not want[k]]
        assert bright[:, on].min(axis=1).mean() > 150, (layer, bright.mean(axis=0))
        if off:
            assert bright[:, off].max(axis=1).mean() < 80, (layer, bright.mean(axis=0))
