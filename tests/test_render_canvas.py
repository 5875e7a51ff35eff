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
        scale = view.overlay_boxes["scale"]
    finally:
        view.close()
    iio.imwrite(tmp_path / "overlays.png", image)
    assert image[:30, :200].max() > 200  # title text, top left
    assert scale.x1 > 0.9 * 480 and scale.y1 > 0.9 * 320  # scale bar, bottom right
    assert image[int(scale.y0) : int(scale.y1) + 1, int(scale.x0) : int(scale.x1) + 1].max() > 150


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
    adapter = canvas.adapters[canvas.scene["shape"]]
    assert adapter.layer.mesh.is_watertight
    culled = canvas.render()
    drawn = adapter.layer.drawn
    adapter.node.set_data(drawn.vertices, drawn.faces, drawn.normals, closed=False)
    both_sides = canvas.render()
    assert (culled.sum(axis=2) > 0).mean() > 0.2
    differ = np.abs(culled.astype(int) - both_sides).max(axis=2) > 2
    assert differ.sum() <= 5, f"{differ.sum()} pixels differ"  # depth ties at silhouettes


def test_a_big_mesh_seen_small_has_fewer_faces_and_zoomed_in_its_full_detail(
    gl_backend,  # noqa: F811
    monkeypatch,
):
    """Screen-size level of detail: 67P's 96,834 faces in a 720p video's view (the home view)
    cover ~2 px each; drawn with half of them the comet changes less than x264 at CRF 20
    changes it (mean 2.4-2.8 of 255 on the comet; the encoder: 3.4-3.9). Zoomed in 2x, its
    craters get every face back: the very picture of the full mesh."""
    from dataclasses import replace

    from orbitviz._vispy import SceneCanvas

    scene = shape_scene("67p-spc.ply", sun_dir=(1.0, 0.4, 0.3))
    layer = scene["shape"]
    canvas = SceneCanvas(scene, size=(1280, 720), overlays=())
    node, home = canvas.adapters[layer].node, scene.home_camera()
    faces, change = {}, {}
    try:
        for zoom in (1, 2):
            canvas.set_camera(replace(home, distance_km=home.distance_km / zoom))
            shown = canvas.render().copy()
            faces[zoom] = len(node._clusters.faces)
            with monkeypatch.context() as patch:
                patch.setattr(layer, "drawn_at", lambda px_per_km: layer.drawn)
                canvas.canvas.update()
                full = canvas.render().copy()
            comet = full.max(axis=2) > 10
            change[zoom] = np.abs(shown.astype(int) - full).max(axis=2)[comet].mean()
    finally:
        canvas.close()
    assert faces[1] <= 0.55 * len(layer.mesh.faces)  # the levels are not a no-op
    assert 0 < change[1] < 3.5, change
    assert faces[2] == len(layer.mesh.faces) and change[2] == 0, (faces, change)


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
        node = canvas.adapters[canvas.scene["shape"]].node
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


def test_marker_labels_follow_the_output_height(gl_backend):  # noqa: F811
    from orbitviz._vispy import SceneCanvas
    from orbitviz._vispy.text_metrics import PAD_PX

    scene = comet_scene()
    heights = []
    for size in ((320, 180), (1280, 720), (1920, 1080)):
        view = SceneCanvas(scene, size=size, overlays=())
        try:
            view.set_camera(CameraState((0, 0, 0), 0.0, 70.0, 14.0))
            view.render()
            (label,) = [s for s in view.labels.shown if s.layer == "lander"]
            heights.append(label.box.height)
        finally:
            view.close()
    assert heights[0] < heights[1] < heights[2]
    text = np.array(heights) - 2 * PAD_PX  # the glyphs, without the box's padding
    assert text[2] == pytest.approx(1.5 * text[1], rel=0.02)  # 1080 / 720


def test_labels_on_nearby_points_do_not_overlap_on_screen(gl_backend):  # noqa: F811
    from orbitviz._vispy import SceneCanvas
    from orbitviz.scene import LabelLayer

    scene = comet_scene()
    scene.add(
        LabelLayer(
            "spots",
            [[2.0, -3.0, 0.0], [2.0, -2.98, 0.01]],  # in front of the comet (not hidden by it)
            ["touchdown 16:20:00", "touchdown 17:25:26"],
        )
    )
    canvas = SceneCanvas(scene, size=SIZE, overlays=())
    try:
        canvas.set_camera(CameraState((0, 0, 0), 0.0, 20.0, 12.0))
        image = canvas.render()
        anchors = canvas.project(scene["spots"].positions_km)
        a, b = [s.box for s in canvas.labels.shown if s.layer == "spots"]
    finally:
        canvas.close()
    assert np.linalg.norm(anchors[0] - anchors[1]) < 5  # the points nearly coincide on screen
    assert not a.intersects(b)  # their labels do not
    assert image.sum() > 0


def test_markers_and_labels_behind_the_comet_are_hidden(gl_backend):  # noqa: F811
    """A marker (drawn on top of everything) and its label on the far side of the comet are
    left out; seen from that side they are back. A label at a body's centre is never hidden
    by that body."""
    from orbitviz._vispy import SceneCanvas
    from orbitviz.scene import MarkerLayer

    scene = comet_scene()
    scene["lander"].visible = scene["path"].visible = False
    scene.add(MarkerLayer("far", [[0.0, 4.0, 0.0]], labels=["far side"], color="yellow"))
    canvas = SceneCanvas(scene, size=SIZE, overlays=())
    try:
        for azimuth, seen in ((0.0, False), (180.0, True)):  # from -y (comet between), from +y
            canvas.set_camera(CameraState((0, 0, 0), azimuth, 0.0, 14.0))
            image = canvas.render().astype(int)
            x, y = canvas.project([[0.0, 4.0, 0.0]])[0]
            patch = image[round(y) - 2 : round(y) + 3, round(x) - 2 : round(x) + 3]
            yellow = (patch[..., 0] > 180) & (patch[..., 1] > 180) & (patch[..., 2] < 100)
            assert yellow.any() == seen, f"azimuth {azimuth}: marker shown {yellow.any()}"
            (label,) = [s for s in canvas.labels.shown if s.layer == "far"]
            assert (label.box is not None) == seen
    finally:
        canvas.close()


def test_one_ray_cast_a_frame_answers_every_marker_and_label(gl_backend, monkeypatch):  # noqa: F811
    """The markers of two layers, a label layer and a moving marker's label ask whether their
    points are hidden: one ray cast a frame answers them all (was one per layer), with the
    same answers (the far-side marker hidden, the near one shown)."""
    from orbitviz._vispy import SceneCanvas, occlusion
    from orbitviz.scene import LabelLayer, MarkerLayer

    calls = []
    real = occlusion._hidden
    monkeypatch.setattr(
        occlusion,
        "_hidden",
        lambda canvas, points: calls.append(len(points)) or real(canvas, points),
    )
    scene = comet_scene()
    far, near = [0.0, 4.0, 0.0], [0.0, -4.0, 0.0]
    scene.add(MarkerLayer("far", [far], labels=["far side"], color="yellow"))
    scene.add(MarkerLayer("near", [near, [4.0, 0.0, 0.0]], color="red"))
    scene.add(LabelLayer("names", [far, near], ["F", "N"]))
    canvas = SceneCanvas(scene, size=SIZE, overlays=())
    try:
        for frame, azimuth in enumerate((0.0, 30.0)):
            canvas.set_camera(CameraState((0, 0, 0), azimuth, 0.0, 14.0))
            canvas.scene.clock.et = 10.0 * frame
            canvas.render()
            assert len(calls) == frame + 1, calls
            shown = {(s.layer, s.index): s.box is not None for s in canvas.labels.shown}
            assert shown[("far", 0)] is False and shown[("names", 0)] is False
            assert shown[("names", 1)] is True
        assert occlusion.hidden(canvas, [far, near]).tolist() == [True, False]
        assert len(calls) == 2  # asked again in the same frame: answered from the frame's cast
    finally:
        canvas.close()


def test_texts_that_did_not_change_upload_no_texture(gl_backend, monkeypatch):  # noqa: F811
    """A frame whose texts are the last frame's (title, readouts, credits, scale bar, labels)
    uploads no texture: each font's smoothing kernel is uploaded once, not once a text a
    frame (VisPy re-sends it at every draw), and the picture stays the same."""
    from vispy.gloo import texture

    from orbitviz._vispy import SceneCanvas

    uploads = []
    real = texture.Texture2D.set_data
    monkeypatch.setattr(
        texture.Texture2D,
        "set_data",
        lambda self, data, *a, **k: uploads.append(data.shape) or real(self, data, *a, **k),
    )
    canvas = SceneCanvas(comet_scene(), size=SIZE)  # every overlay, and the lander's label
    views = [CameraState((0, 0, 0), azimuth, 20.0, 12.0) for azimuth in (0.0, 30.0)]
    try:
        frames = []
        for view in views * 3:
            canvas.set_camera(view)
            frames.append(canvas.render().copy())
            if len(frames) == 2:  # the glyphs are in the atlas: no upload from now on
                uploads.clear()
    finally:
        canvas.close()
    assert uploads == []
    assert (frames[2] == frames[4]).all() and (frames[3] == frames[5]).all()
    assert not (frames[2] == frames[3]).all()


def test_the_night_side_is_not_pure_black(gl_backend):  # noqa: F811
    """A fill light from the camera: the side away from the Sun keeps its relief, dark grey."""
    from orbitviz._vispy import SceneCanvas

    scene = comet_scene(sun_dir=(1.0, 0.0, 0.0))
    scene["path"].visible = scene["lander"].visible = False
    canvas = SceneCanvas(scene, size=SIZE, overlays=())
    try:
        canvas.set_camera(CameraState((0, 0, 0), -90.0, 0.0, 12.0))  # from -x: the night side
        grey = canvas.render().astype(int).sum(axis=2)
    finally:
        canvas.close()
    comet = grey[grey > 0]
    assert len(comet) > 0.1 * grey.size
    assert np.median(comet) > 3 * 22, f"night side {np.median(comet) / 3:.0f} of 255"
    assert np.percentile(comet, 90) > 1.3 * np.percentile(comet, 10)  # relief, not a flat grey


def test_a_legend_names_the_track_colours_and_a_colour_bar_spans_the_map(gl_backend):  # noqa: F811
    """The legend overlay (window, widget and video alike): a swatch of each track's colour
    before its name, and a colour bar of the colour map from its low end to its high end."""
    from orbitviz._vispy import SceneCanvas
    from orbitviz.scene import TrajectoryLayer

    scene = comet_scene()
    et = scene["path"].et
    ring = scene["path"].positions_km
    scene.add(
        TrajectoryLayer(
            "height", et, ring * 1.2, color_by="scalar", scalar=et, scalar_name="height (m)",
            colormap="viridis", clim=(0.0, 100.0),
        )
    )  # fmt: skip
    canvas = SceneCanvas(scene, size=(480, 270), overlays=("legend",))
    try:
        canvas.set_camera(CameraState((0, 0, 0), 0.0, 80.0, 60.0))  # the comet small, far off
        image = canvas.render().astype(int)
        box = canvas.overlay_boxes["legend"]
    finally:
        canvas.close()
    x0, y0, x1, y1 = (round(v) for v in (box.x0, box.y0, box.x1, box.y1))
    legend = image[y0:y1, x0:x1]
    r, g, b = legend[..., 0], legend[..., 1], legend[..., 2]
    assert ((r > 180) & (g < 80) & (b < 80)).sum() >= 10  # the red path's swatch
    assert ((r > 150) & (g > 150) & (b < 90)).sum() >= 3  # viridis's yellow end
    assert ((r > 50) & (r < 110) & (g < 40) & (b > 70)).sum() >= 3  # ... and its purple end
    assert (legend.max(axis=2) > 200).sum() > 50  # the names and the range, in white


def test_stars_shine_where_their_directions_point_and_behind_the_comet(gl_backend):  # noqa: F811
    """A star is a direction: drawn where the camera sees that direction (any eye), behind
    every body: a bright star in front of the camera at the comet's centre is hidden by it,
    one beside the comet is drawn."""
    from orbitviz._vispy import SceneCanvas
    from orbitviz._vispy.occlusion import eye_km
    from orbitviz.scene import StarsLayer

    scene = comet_scene()
    scene["path"].visible = scene["lander"].visible = False
    # the camera looks along +y from -y (azimuth 0): directions +y (behind the comet) and
    # one 12 degrees to the side of it
    side = np.radians(12.0)
    directions = [[0.0, 1.0, 0.0], [np.sin(side), np.cos(side), 0.0]]
    scene.add(StarsLayer("stars", directions, [0.0, 0.0], size_px=6.0))
    canvas = SceneCanvas(scene, size=SIZE, overlays=())
    try:
        canvas.set_camera(CameraState((0, 0, 0), 0.0, 0.0, 14.0, 40.0))
        image = canvas.render().astype(int)
        scene["stars"].visible = False
        bare = canvas.render().astype(int)
        eye = eye_km(canvas)
        spots = canvas.project(eye + 1e3 * np.asarray(directions))
    finally:
        canvas.close()
    assert np.allclose(spots[0], np.array(SIZE) / 2, atol=1.0)  # the comet's centre
    star = np.abs(image - bare).max(axis=2)
    behind, beside = (
        star[round(y) - 2 : round(y) + 3, round(x) - 2 : round(x) + 3] for x, y in spots
    )
    assert bare.max() > 0 and star.sum() > 0
    assert beside.max() > 150  # a white star on black sky
    assert behind.max() == 0  # hidden by the comet
    x, y = (round(v) for v in spots[1])
    elsewhere = star.copy()
    elsewhere[y - 4 : y + 5, x - 4 : x + 5] = 0
    assert elsewhere.max() < 30, np.argwhere(elsewhere >= 30)[:5]  # nowhere else


def test_a_body_far_behind_the_centre_of_interest_still_hides_the_stars(gl_backend):  # noqa: F811
    """A body 9 camera distances from the eye (the Moon behind the Earth in a close view):
    the stars were drawn 8 distances away, depth-tested, and showed on it."""
    from orbitviz._vispy import SceneCanvas
    from orbitviz.scene import Clock, Scene, SphereLayer, StarsLayer

    scene = Scene(frame="test", clock=Clock(0.0, 1.0))
    far_body = scene.add(
        SphereLayer("far body", 12.0, (0.0, 9.5 * 14.0 - 14.0, 0.0), color="#404040", opacity=1.0)
    )
    scene.add(StarsLayer("stars", [[0.0, 1.0, 0.0]], [0.0], size_px=8.0))
    canvas = SceneCanvas(scene, size=SIZE, overlays=())
    try:
        canvas.set_camera(CameraState((0, 0, 0), 0.0, 0.0, 14.0, 40.0))  # eye at y = -14
        image = canvas.render().astype(int)
        x, y = (round(v) for v in canvas.project(far_body.center_at(0.0)[None, :])[0])
        scene["stars"].visible = False
        bare = canvas.render().astype(int)
    finally:
        canvas.close()
    assert np.abs(bare[y, x] - 0x40).max() <= 2  # the body is drawn there...
    assert np.abs(image - bare)[y - 4 : y + 5, x - 4 : x + 5].max() == 0  # ...and no star on it


def test_a_layout_redone_for_the_same_view_uploads_no_line_again(gl_backend, monkeypatch):  # noqa: F811
    """The scale bar and leader lines are laid out again every frame of a moving view; where
    they land where they were, VisPy's Line is not given the same vertices again (each
    ``set_data`` re-uploads them), and a changed view still moves them."""
    from vispy.scene.visuals import Line

    from orbitviz._vispy import SceneCanvas

    view = SceneCanvas(comet_scene(), size=SIZE, overlays=("scale",))
    try:
        view.set_camera(CameraState((0, 0, 0), 0.0, 70.0, 14.0))
        view.render()
        calls = []
        original = Line.set_data
        monkeypatch.setattr(
            Line, "set_data", lambda self, *a, **k: calls.append(self) or original(self, *a, **k)
        )
        view._layout_dirty = True  # the same view laid out again
        view.render()
        assert calls == []
        view.set_camera(CameraState((0, 0, 0), 0.0, 70.0, 9.0))  # zoomed in: a shorter bar
        view.render()
        assert view._scale_bar.line in calls
    finally:
        view.close()


def test_every_marker_layer_is_drawn_by_one_visual(gl_backend, monkeypatch):  # noqa: F811
    """The markers of all marker layers are one draw a frame (a software renderer pays its
    main thread ~0.35 ms per visual drawn); each layer keeps its colour and symbol, and a
    hidden layer, or one removed, leaves only its own markers out."""
    from orbitviz._vispy import SceneCanvas
    from orbitviz._vispy.markers import SymbolMarkersVisual
    from orbitviz.scene import MarkerLayer

    scene = comet_scene()
    scene["path"].visible = scene["lander"].visible = False
    red, cyan = [[0.0, -6.0, 2.5]], [[0.0, -6.0, -2.5]]  # in front of the comet, seen from -y
    scene.add(MarkerLayer("red", red, color="red", size_px=12))
    scene.add(MarkerLayer("cyan", cyan, color="cyan", size_px=12, symbol="square"))
    draws = []
    original = SymbolMarkersVisual.draw
    monkeypatch.setattr(
        SymbolMarkersVisual, "draw", lambda self: draws.append(self) or original(self)
    )
    canvas = SceneCanvas(scene, size=SIZE, overlays=())
    try:
        canvas.set_camera(CameraState((0, 0, 0), 0.0, 0.0, 16.0))

        def colours():
            image = canvas.render().astype(int)
            found = []
            for point in (red, cyan):
                x, y = canvas.project(point)[0]
                found.append(
                    image[round(y) - 1 : round(y) + 2, round(x) - 1 : round(x) + 2].mean((0, 1))
                )
            return found

        draws.clear()
        at_red, at_cyan = colours()
        assert len(draws) == 1 and draws[0].visible
        assert at_red[0] > 200 and at_red[1:].max() < 60  # red
        assert at_cyan[0] < 60 and at_cyan[1:].min() > 200  # cyan
        scene["red"].visible = False
        at_red, at_cyan = colours()
        assert at_red.max() < 200 and at_cyan[1:].min() > 200  # red gone, cyan kept
        scene.layers.remove("cyan")
        scene["red"].visible = True
        at_red, at_cyan = colours()
        assert at_red[0] > 200 and at_cyan[1:].min() < 200
    finally:
        canvas.close()


def test_moving_marker_layers_are_handed_to_vispy_once_a_frame(gl_backend, monkeypatch):  # noqa: F811
    """Several marker layers moved by one clock tick make one upload of the markers' visual
    before the frame is drawn (each costs ~0.4 ms; Philae's scene moved two a frame), and the
    frame shows where they are now."""
    from orbitviz._vispy import SceneCanvas
    from orbitviz._vispy.markers import SymbolMarkersVisual
    from orbitviz.scene import MarkerLayer

    scene = comet_scene()
    et = np.array([0.0, 100.0])
    scene.add(MarkerLayer("second", [[0, -6, 2], [0, -6, -2]], et=et, color="red", size_px=12))
    uploads = []
    original = SymbolMarkersVisual.set_data
    monkeypatch.setattr(
        SymbolMarkersVisual,
        "set_data",
        lambda self, *a, **k: uploads.append(len(a[0])) or original(self, *a, **k),
    )
    canvas = SceneCanvas(scene, size=SIZE, overlays=())
    try:
        canvas.set_camera(CameraState((0, 0, 0), 0.0, 0.0, 16.0))
        canvas.render()
        uploads.clear()
        scene.clock.et = 100.0  # the lander and the second layer both move
        image = canvas.render().astype(int)
        assert uploads == [2]  # one upload: the lander and the red marker
        x, y = canvas.project([[0.0, -6.0, -2.0]])[0]
        patch = image[round(y) - 1 : round(y) + 2, round(x) - 1 : round(x) + 2].mean((0, 1))
        assert patch[0] > 200 and patch[1:].max() < 60  # the red marker where it is now
    finally:
        canvas.close()


@pytest.mark.parametrize(("shape", "flushed"), [("67p-spc.ply", True), ("67p-4k.obj", False)])
def test_a_big_mesh_goes_to_the_renderer_before_the_rest_is_drawn(
    gl_backend,  # noqa: F811
    monkeypatch,
    shape,
    flushed,
):
    """A mesh of PER_VERTEX_FACES faces or more (67P's SPC shape: 96,834) flushes OpenGL's
    queue once drawn: a software renderer fills it on its own threads while Python draws the
    lines, markers and texts (720p videos of 67P, toggled in one process: ~4 % faster). A
    small mesh (4k faces) does not, and the frame is the same either way."""
    from vispy import gloo
    from vispy.visuals import Visual

    from orbitviz._vispy import SceneCanvas
    from orbitviz._vispy.lit_mesh_visual import LitMeshVisual
    from orbitviz.scene import MarkerLayer

    scene = shape_scene(shape, sun_dir=(1.0, 0.4, 0.3))
    scene.add(MarkerLayer("sites", [[0.0, -6.0, 2.5]], color="red", size_px=12))
    calls = []
    flush, draw = gloo.flush, Visual.draw
    monkeypatch.setattr(gloo, "flush", lambda: calls.append("flush") or flush())
    monkeypatch.setattr(
        Visual, "draw", lambda self: calls.append(type(self).__name__) or draw(self)
    )
    canvas = SceneCanvas(scene, size=SIZE, overlays=("title", "scale"))
    try:
        canvas.set_camera(CameraState((0, 0, 0), 0.0, 0.0, 16.0))
        calls.clear()
        frame = canvas.render().copy()
        mesh = calls.index("LitMesh")
        looped = np.empty((SIZE[1], SIZE[0], 4), np.uint8)  # a video's frame loop
        canvas.draw_frame(SIZE)
        canvas.read_frame(looped)
        with monkeypatch.context() as patch:
            patch.setattr(LitMeshVisual, "draw", draw)  # never flushed early
            canvas.canvas.update()
            unflushed = canvas.render()
    finally:
        canvas.close()
    drawn_after = [call for call in calls[mesh + 1 :] if call != "flush"]
    assert len(drawn_after) >= 3, calls  # markers, lines, texts come after the mesh
    assert (calls[mesh + 1] == "flush") is flushed, calls
    assert (frame.sum(axis=2) > 0).mean() > 0.05
    assert np.array_equal(frame, unflushed)
    assert np.array_equal(frame, looped[::-1, :, :3])
