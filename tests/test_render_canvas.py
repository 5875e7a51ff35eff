"""Offscreen frames of a 67P scene: checked by pixels at projected positions."""

import numpy as np
import pytest
from render_support import comet_scene, gl_backend  # noqa: F401 - fixture

from orbitviz.recipes import shape_scene
from orbitviz.scene import CameraState

BACKGROUND = 0
SIZE = (320, 240)


@pytest.fixture
def canvas(gl_backend):  # noqa: F811
    from orbitviz._vispy import SceneCanvas

    view = SceneCanvas(comet_scene(), size=SIZE, overlays=())
    yield view
    view.close()


def test_mesh_fills_the_frame_centre(canvas):
    canvas.set_camera(CameraState((0, 0, 0), 0.0, 20.0, 12.0))
    image = canvas.render()
    assert image.shape == (240, 320, 3)
    centre = image[110:130, 150:170].astype(int)
    assert (centre.sum(axis=2) > 0).mean() > 0.95  # shape (lit or ambient), not background
    assert (image[:5, :5] == BACKGROUND).all()


def test_trajectory_colour_appears_where_projected(canvas):
    canvas.set_camera(CameraState((0, 0, 0), 0.0, 70.0, 14.0))
    image = canvas.render().astype(int)
    # a point of the ring on the near side (towards the camera at -y), between two samples
    angle = np.radians(-90.0 + 0.9)
    x, y = canvas.project([[3.5 * np.cos(angle), 3.5 * np.sin(angle), 0.0]])[0]
    patch = image[round(y) - 1 : round(y) + 2, round(x) - 1 : round(x) + 2]
    red = (patch[..., 0] > 150) & (patch[..., 1] < 80) & (patch[..., 2] < 80)
    assert red.any(), f"no red at projected pixel ({x:.1f}, {y:.1f}): {patch.tolist()}"


def test_hiding_a_layer_changes_pixels(canvas):
    canvas.set_camera(CameraState((0, 0, 0), 0.0, 70.0, 14.0))
    before = canvas.render()
    canvas.scene["path"].visible = False
    after = canvas.render()
    changed = (before != after).any(axis=2)
    assert changed.sum() > 100
    red_after = (after[..., 0] > 150) & (after[..., 1] < 80) & (after[..., 2] < 80)
    assert not red_after.any()


def test_lander_marker_moves_with_the_clock(canvas):
    canvas.set_camera(CameraState((0, 0, 0), 0.0, 70.0, 14.0))
    lander = canvas.scene["lander"]
    canvas.scene.clock.et = 25.0
    first = canvas.project(lander.positions_at(25.0))[0]
    image_a = canvas.render()
    canvas.scene.clock.et = 60.0
    second = canvas.project(lander.positions_at(60.0))[0]
    image_b = canvas.render()
    assert np.linalg.norm(first - second) > 20
    for image, (x, y) in ((image_a, first), (image_b, second)):
        px = image[round(y), round(x)].astype(int)
        assert px[0] > 180 and px[1] > 180 and px[2] < 100, f"no yellow marker at {x, y}: {px}"


def test_sun_from_plus_x_lights_the_plus_x_side(gl_backend):  # noqa: F811
    from orbitviz._vispy import SceneCanvas

    scene = comet_scene(sun_dir=(1.0, 0.0, 0.0))
    scene["path"].visible = scene["lander"].visible = False
    view = SceneCanvas(scene, size=SIZE, overlays=())

    def halves():  # mean brightness of the outer quarters of the silhouette (facing -x, +x)
        image = view.render().astype(int).sum(axis=2)
        cols = np.nonzero((image > 0).any(axis=0))[0]
        quarter = (cols.max() - cols.min()) // 4
        left = image[:, cols.min() : cols.min() + quarter]
        right = image[:, cols.max() - quarter : cols.max()]
        return left[left > 0].mean(), right[right > 0].mean()

    try:
        view.set_camera(CameraState((0, 0, 0), 0.0, 0.0, 12.0))  # +x to the right
        left, right = halves()
        assert right > 1.5 * left
        scene["shape"].set_sun((-1.0, 0.0, 0.0))
        left, right = halves()
        assert left > 1.5 * right
    finally:
        view.close()


def test_overlays_and_scale_bar_render(gl_backend, tmp_path):  # noqa: F811
    import imageio.v3 as iio

    from orbitviz._vispy import SceneCanvas

    scene = comet_scene()
    view = SceneCanvas(scene, size=(480, 320))
    try:
        view.set_camera(CameraState((0, 0, 0), 30.0, 25.0, 12.0))
        image = view.render()
    finally:
        view.close()
    iio.imwrite(tmp_path / "overlays.png", image)
    assert image[:30, :200].max() > 200  # title text, top left
    assert image[-40:-20, -120:-10].max() > 150  # scale bar, bottom right


@pytest.fixture
def shelled(gl_backend):  # noqa: F811
    """The comet scene inside a translucent shell (like a flyby's SOI around its track)."""
    from orbitviz._vispy import SceneCanvas
    from orbitviz.scene import SphereLayer

    scene = comet_scene()
    scene.add(SphereLayer("shell", 5.0, color="#f0a030", opacity=0.12))
    view = SceneCanvas(scene, size=SIZE, overlays=())
    yield view
    view.close()


def test_a_frame_does_not_depend_on_the_previous_one(shelled):
    """Translucent layers turn depth writes off; the next frame must still clear depth (else
    the last frame's lines cut dark ghosts through the shell)."""
    side, top = CameraState((0, 0, 0), 0.0, 5.0, 30.0), CameraState((0, 0, 0), 90.0, 70.0, 30.0)
    shelled.set_camera(side)
    first = shelled.render()
    shelled.set_camera(top)
    shelled.render()
    shelled.set_camera(side)
    assert np.array_equal(shelled.render(), first)


def test_translucent_shell_shows_what_is_inside_and_its_outline(shelled, tmp_path):
    import imageio.v3 as iio

    shelled.scene["lander"].visible = False  # its marker sits on the ring, right of centre
    shelled.set_camera(CameraState((0, 0, 0), 0.0, 70.0, 30.0))
    image = shelled.render().astype(int)
    iio.imwrite(tmp_path / "shell.png", image.astype(np.uint8))
    shelled.scene["shell"].visible = False
    bare = shelled.render().astype(int)
    # the red ring inside the shell: still red, nearly as bright as without the shell
    angles = np.radians(np.linspace(-150.0, -30.0, 9) + 0.9)
    ring = np.c_[3.5 * np.cos(angles), 3.5 * np.sin(angles), 0 * angles]
    for x, y in np.round(shelled.project(ring)).astype(int):
        patch, bare_patch = image[y - 1 : y + 2, x - 1 : x + 2], bare[y - 1 : y + 2, x - 1 : x + 2]
        red = (patch[..., 0] > 150) & (patch[..., 1] < 80) & (patch[..., 2] < 80)
        assert red.any(), f"no red at the ring's pixel ({x}, {y}) inside the shell"
        k = np.unravel_index(bare_patch[..., 0].argmax(), bare_patch.shape[:2])
        assert np.abs(patch[k] - bare_patch[k]).max() < 20, "the shell veils the ring"
    # the shell itself: a faint disc with a brighter outline, right of the centre
    cx, cy = np.round(shelled.project([[0.0, 0.0, 0.0]])[0]).astype(int)
    row = image[cy, cx:].sum(axis=1)
    edge = cx + int(np.nonzero(row)[0].max())
    inside = image[cy, cx + int(0.9 * (edge - cx))].sum()
    assert 0 < inside < 60, f"shell interior {inside}: should be faint but visible"
    assert image[cy, edge - 3 : edge + 1].sum(axis=1).max() > 2.5 * inside
    assert (bare[cy, cx + 1 + int(0.75 * (edge - cx)) :] == 0).all()


def test_closed_mesh_looks_the_same_with_back_faces_culled(canvas):
    canvas.set_camera(CameraState((0, 0, 0), 40.0, 30.0, 9.0))
    adapter = canvas.adapters["shape"]
    assert adapter.layer.mesh.is_watertight
    culled = canvas.render()
    drawn = adapter._full
    adapter.node.set_data(drawn.vertices, drawn.faces, drawn.normals, closed=False)
    both_sides = canvas.render()
    assert (culled.sum(axis=2) > 0).mean() > 0.2
    differ = np.abs(culled.astype(int) - both_sides).max(axis=2) > 2
    assert differ.sum() <= 5, f"{differ.sum()} pixels differ"  # depth ties at silhouettes


@pytest.mark.parametrize(
    "camera",
    [
        CameraState((0, 0, 0), 40.0, 30.0, 9.0),
        CameraState((0, 0, 0), 200.0, -60.0, 4.5),
        CameraState((1.5, 0.5, 0.5), 120.0, 10.0, 1.5),
    ],
)  # close up
def test_skipping_clusters_leaves_the_picture_unchanged(gl_backend, camera):  # noqa: F811
    from orbitviz._vispy import SceneCanvas

    scene = shape_scene("67p-spc.ply", sun_dir=(1.0, 0.3, 0.5))
    canvas = SceneCanvas(scene, size=SIZE, overlays=())
    try:
        canvas.set_camera(camera)
        node = canvas.adapters["shape"].node
        skipping = canvas.render().copy()
        drawn = node._clusters
        shown = len(drawn.faces_of(node._shown))
        node.set_data(drawn.vertices, drawn.faces, drawn.normals, closed=drawn.closed)
        everything = canvas.render()
    finally:
        canvas.close()
    assert (skipping.sum(axis=2) > 0).mean() > 0.1
    assert shown < 0.8 * len(drawn.faces)  # the test is not a no-op
    assert np.array_equal(skipping, everything)


def _boxes_overlap(a, b) -> bool:
    return not (a[2] < b[0] or b[2] < a[0] or a[3] < b[1] or b[3] < a[1])


@pytest.mark.parametrize("size", [(320, 180), (480, 270), (1920, 1080)])
def test_overlays_fit_without_overlapping(gl_backend, size):  # noqa: F811
    """Title, readouts, credits and scale bar, each drawn alone: their pixel boxes lie inside
    the frame and never intersect, from thumbnail to full HD."""
    from orbitviz._vispy import SceneCanvas
    from orbitviz.scene import Clock, Readout, Scene

    scene = Scene(
        frame="J2000",
        clock=Clock(0.0, 100.0),
        title="Philae on 67P/Churyumov-Gerasimenko, 2014-11-12",
        credits=[
            (
                "Shape: R. Gaskell, L. Jorda, C. Capanna, S. Hviid, P. Gutierrez: "
                "SPC SHAP5 Cartesian plate model, 1M plates (ESA PSA + NASA PDS 2017)"
            ),
            (
                "Trajectory: orbitviz, patched conics: heliocentric two-body, "
                "body-centred two-body inside the SOI, heliocentric two-body after"
            ),
        ],
        readouts=[Readout("d", lambda et: ["distance 1,318,993 km = 3.431 LD"] * len(et))],
    )
    boxes = {}
    for name in ("title", "time", "credit", "scale"):
        view = SceneCanvas(
            scene, size=size, overlays=(name, "distance") if name == "time" else (name,)
        )
        try:
            view.set_time_text("2021-11-21 09:26:34 UTC")
            ys, xs = np.nonzero(view.render().max(axis=2) > 40)
        finally:
            view.close()
        boxes[name] = (xs.min(), ys.min(), xs.max(), ys.max())
        assert xs.min() > 0 and ys.min() > 0 and xs.max() < size[0] - 1 and ys.max() < size[1] - 1
    names = list(boxes)
    for i, a in enumerate(names):
        for b in names[i + 1 :]:
            assert not _boxes_overlap(boxes[a], boxes[b]), f"{a} {boxes[a]} overlaps {b} {boxes[b]}"
    title_height = boxes["title"][3] - boxes["title"][1]
    assert title_height < 0.2 * size[1]  # fonts follow the output height


def test_marker_labels_follow_the_output_height(gl_backend):  # noqa: F811
    from orbitviz._vispy import SceneCanvas

    scene = comet_scene()
    sizes = []
    for size in ((320, 180), (1280, 720), (1920, 1080)):
        view = SceneCanvas(scene, size=size, overlays=())
        try:
            sizes.append(view.adapters["lander"]._labels.font_size)
        finally:
            view.close()
    assert sizes[0] < sizes[1] == scene["lander"].font_size_pt < sizes[2]


def test_declutter_moves_overlapping_labels_down_a_line():
    from orbitviz._vispy.overlays import declutter

    xy = np.array([[100.0, 200.0], [110.0, 204.0], [400.0, 204.0], [np.nan, np.nan]])
    dy = declutter(xy, [120.0, 120.0, 120.0, 120.0], 20.0)
    assert dy.tolist() == [0.0, 20.0, 0.0, 0.0]  # the second overlapped the first; the third
    # is clear of both; a point behind the camera stays put


def test_labels_on_nearby_points_do_not_overlap_on_screen(gl_backend):  # noqa: F811
    from orbitviz._vispy import SceneCanvas
    from orbitviz.scene import LabelLayer

    scene = comet_scene()
    scene.add(
        LabelLayer(
            "spots",
            [[2.0, 0.0, 0.0], [2.0, 0.02, 0.01]],
            ["touchdown 16:20:00", "touchdown 17:25:26"],
        )
    )
    canvas = SceneCanvas(scene, size=SIZE, overlays=())
    try:
        canvas.set_camera(CameraState((0, 0, 0), 0.0, 20.0, 12.0))
        image = canvas.render()
        node = canvas.adapters["spots"].node
        anchors = canvas.project(scene["spots"].positions_km)
        shown = canvas.project(node.pos)
    finally:
        canvas.close()
    assert abs(anchors[0, 1] - anchors[1, 1]) < 5  # the points nearly coincide on screen
    assert abs(shown[0, 1] - shown[1, 1]) >= 10  # their labels sit a line apart
    assert np.allclose(shown[:, 0], anchors[:, 0], atol=0.5)  # moved straight down
    assert image.sum() > 0
