"""Every accessor of :mod:`orbitviz._vispy.compat` on a real offscreen VisPy canvas: a VisPy
release that renames one of the internals it wraps fails here (skips without OpenGL on a
developer's machine, fails under CI=true)."""

from __future__ import annotations

import ctypes
import subprocess
import sys
import time

import numpy as np
import pytest
from render_support import gl_backend  # noqa: F401 - fixture

from orbitviz._vispy import compat

SIZE = (64, 48)
RED = (1.0, 0.0, 0.0, 1.0)


@pytest.fixture
def canvas(gl_backend):  # noqa: F811
    from vispy import scene

    canvas = scene.SceneCanvas(size=SIZE, show=False, keys=None, bgcolor="black")
    yield canvas
    canvas.close()


def framebuffer():
    from vispy import gloo

    shape = SIZE[::-1]
    return gloo.FrameBuffer(color=gloo.RenderBuffer(shape), depth=gloo.RenderBuffer(shape))


def read_pixels(w: int, h: int) -> np.ndarray:
    """glReadPixels through compat.gl_function, straight into numpy (bottom row first)."""
    from vispy import gloo
    from vispy.gloo import gl

    gloo.flush()  # VisPy queues its GL commands: run them before reading behind its back
    read = compat.gl_function(
        "glReadPixels",
        None,
        (ctypes.c_int,) * 4 + (ctypes.c_uint, ctypes.c_uint, ctypes.c_void_p),
    )
    out = np.zeros((h, w, 4), np.uint8)
    gl.glPixelStorei(gl.GL_PACK_ALIGNMENT, 1)
    read(0, 0, w, h, gl.GL_RGBA, gl.GL_UNSIGNED_BYTE, out.ctypes.data)
    return out


def test_default_app_is_the_backend_in_use(gl_backend):  # noqa: F811
    app = compat.default_app()
    assert app is not None
    assert app.backend_name.lower() == gl_backend.name


@pytest.mark.gl  # skips without OpenGL; fails under CI=true
def test_dropping_the_app_lets_vispy_choose_again():
    # in a process of its own: the session's other tests keep their app
    script = (
        "from orbitviz.render import select_backend\n"
        "from orbitviz._vispy import compat\n"
        "import vispy\n"
        "name = select_backend().name\n"
        "assert compat.default_app().backend_name.lower() == name\n"
        "compat.drop_default_app()\n"
        "assert compat.default_app() is None\n"
        "vispy.use(app=name)\n"
        "assert compat.default_app().backend_name.lower() == name\n"
        "print('ok')\n"
    )
    done = subprocess.run(
        [sys.executable, "-c", script], capture_output=True, text=True, timeout=120, check=False
    )
    if "NoGLBackend" in done.stderr:
        pytest.skip(f"no OpenGL backend: {done.stderr.strip().splitlines()[-1]}")
    assert done.returncode == 0 and done.stdout.strip() == "ok", done.stderr


def test_gl_function_and_draw_scene_fill_our_framebuffer(canvas):
    canvas.set_current()
    fbo = framebuffer()
    canvas.push_fbo(fbo, (0, 0), SIZE)
    try:
        compat.draw_scene(canvas, bgcolor=RED)
        pixels = read_pixels(*SIZE)
    finally:
        canvas.pop_fbo()
    assert (pixels == (255, 0, 0, 255)).all()
    get_error = compat.gl_function("glGetError", ctypes.c_uint, ())
    assert get_error() == 0  # GL_NO_ERROR


def test_before_draw_scene_runs_on_every_draw(gl_backend):  # noqa: F811
    from vispy import scene

    seen = []

    @compat.before_draw_scene(seen.append)
    class Counting(scene.SceneCanvas):
        pass

    canvas = Counting(size=SIZE, show=False, keys=None)
    try:
        image = canvas.render(bgcolor=RED)  # the public offscreen path goes through it too
        assert seen == [canvas]
        canvas.set_current()
        fbo = framebuffer()
        canvas.push_fbo(fbo, (0, 0), SIZE)
        try:
            compat.draw_scene(canvas)
        finally:
            canvas.pop_fbo()
        assert seen == [canvas, canvas]
        assert (image[..., :3] == (255, 0, 0)).all()  # and VisPy's own draw still ran
    finally:
        canvas.close()
    with pytest.raises(TypeError, match="SceneCanvas"):
        compat.before_draw_scene(seen.append)(object)


def test_set_indexed_draw_makes_a_visual_draw_its_triangles(canvas):
    from orbitviz._vispy.lit_mesh_visual import LitMesh, LitMeshVisual

    view = canvas.central_widget.add_view()
    mesh = LitMesh(parent=view.scene)  # its __init__ calls compat.set_indexed_draw
    w, h = SIZE
    vertices = np.array([[0, 0, 0], [w, 0, 0], [w, h, 0], [0, h, 0]], np.float32)
    faces = np.array([[0, 1, 2], [0, 2, 3]], np.uint32)
    mesh.set_data(vertices, faces, np.tile([0.0, 0.0, 1.0], (4, 1)))
    mesh.set_style(color=RED, lit=False)
    image = canvas.render()
    assert (image[4:-4, 4:-4, :3] == (255, 0, 0)).all(), "the two triangles were not drawn"
    for hook in compat.VISUAL_HOOKS:  # the overrides VisPy calls before each draw
        from vispy.visuals import Visual

        assert hasattr(Visual, hook), f"VisPy's Visual no longer calls {hook}"
        assert hook in LitMeshVisual.__dict__

    class NotAVisual:
        pass

    with pytest.raises(AttributeError, match=r"orbitviz\._vispy\.compat"):
        compat.set_indexed_draw(NotAVisual(), "triangles", None)


@pytest.mark.parametrize(
    "symbols", [["disc"], ["star"], ["disc", "star", "square"], ["o", "*", "disc", "x"]]
)
def test_markers_shading_only_their_symbols_draw_as_vispys_own(gl_backend, symbols):  # noqa: F811
    """orbitviz's Markers (compat.shade_only_symbols) compile only the symbols they draw and
    draw them pixel for pixel as VisPy's own Markers, whichever symbols and in whatever mix;
    changing the symbols recompiles."""
    from vispy import scene
    from vispy.scene.visuals import Markers as VispyMarkers
    from vispy.visuals.markers import symbol_shaders

    from orbitviz._vispy.markers import Markers

    size = (160, 120)
    rng = np.random.default_rng(7)
    pos = np.c_[rng.uniform(10, 150, 40), rng.uniform(10, 110, 40)]
    kinds = [symbols[i % len(symbols)] for i in range(40)]
    data = {"size": rng.uniform(6, 18, 40), "face_color": "white", "edge_width": 0}

    def draw(kind, **settings):
        canvas = scene.SceneCanvas(size=size, show=False, keys=None, bgcolor="black")
        try:
            markers = kind(parent=canvas.scene)
            markers.set_data(pos, symbol="square", **data)  # then the symbols under test
            markers.set_data(pos, symbol=kinds, **data)
            return canvas.render()[..., :3].astype(int), markers
        finally:
            canvas.close()

    expected, _ = draw(VispyMarkers)
    drawn, ours = draw(Markers)
    assert (expected.max(axis=2) > 100).sum() > 500  # the markers are there
    assert np.abs(drawn - expected).max() <= 1
    code = ours.shared_program.frag["marker"].code  # only the symbols drawn were compiled
    names = {"o": "disc", "*": "star"}
    for name, shader in symbol_shaders.items():
        assert (shader in code) == (name in {names.get(s, s) for s in symbols}), name


def test_set_camera_pose_sets_every_field_with_one_update(canvas, monkeypatch):
    from vispy import scene

    view = canvas.central_widget.add_view()
    view.camera = camera = scene.TurntableCamera()
    updates = []
    monkeypatch.setattr(camera, "view_changed", lambda: updates.append(1))
    compat.set_camera_pose(
        camera, center=(1.0, 2.0, 3.0), azimuth=30.0, elevation=20.0, fov=45.0, distance=7.0
    )
    assert updates == [1]
    assert tuple(camera.center) == (1.0, 2.0, 3.0)
    assert (camera.azimuth, camera.elevation, camera.fov, camera.distance) == (
        30.0,
        20.0,
        45.0,
        7.0,
    )
    with pytest.raises(TypeError, match="quaternion"):
        compat.set_camera_pose(camera, quaternion=None)


@pytest.mark.parametrize("mode", ["turntable", "arcball"])
def test_camera_poses_of_the_window_cameras_show_the_asked_view(canvas, mode):
    """Our camera classes set their pose through compat: the view direction they end with is
    the one asked (read back from VisPy's public transform)."""
    from orbitviz._vispy.cameras import ArcballCamera, TurntableCamera
    from orbitviz.scene import CameraState
    from orbitviz.scene.cameras import angles_from_offsets

    view = canvas.central_widget.add_view()
    view.camera = camera = {"turntable": TurntableCamera, "arcball": ArcballCamera}[mode]()
    state = CameraState((0.5, -0.5, 0.25), 40.0, 25.0, 9.0, 30.0)
    camera.look(state)
    eye = camera.transform.map([0.0, 0.0, 0.0])[:3]
    forward = camera.transform.map([0.0, 0.0, -1.0])[:3] - eye
    azimuth, elevation, _ = angles_from_offsets(-forward)
    assert azimuth == pytest.approx(40.0, abs=0.01) and elevation == pytest.approx(25.0, abs=0.01)
    assert np.allclose(camera.center, state.center_km)
    assert (camera.fov, camera.distance) == (30.0, pytest.approx(9.0))


def test_fly_camera_pose_fields_read_back(canvas):
    from vispy import scene
    from vispy.util.quaternion import Quaternion

    view = canvas.central_widget.add_view()
    view.camera = camera = scene.FlyCamera()
    turn = Quaternion.create_from_axis_angle(0.5, 0.0, 0.0, 1.0)
    compat.set_camera_pose(
        camera,
        rotation1=turn,
        rotation2=Quaternion(),
        center=(1.0, 2.0, 3.0),
        fov=40.0,
        scale_factor=2.5,
    )
    assert camera.rotation1 is turn and tuple(camera.center) == (1.0, 2.0, 3.0)
    assert (camera.fov, camera.scale_factor) == (40.0, 2.5)
    eye = camera.transform.map([0.0, 0.0, 0.0])[:3]
    assert np.allclose(eye, (1.0, 2.0, 3.0))  # the fly camera sits at its centre


def test_mouse_events_drag_the_camera_of_an_offscreen_canvas(canvas):
    from vispy import scene

    view = canvas.central_widget.add_view()
    view.camera = camera = scene.TurntableCamera(azimuth=0.0)
    view.camera.set_range((-1, 1), (-1, 1), (-1, 1))
    common = {"modifiers": (), "native": None}
    compat.mouse_press(canvas, pos=(20, 24), button=1, buttons=[1], **common)
    for x in (30, 40, 50):
        time.sleep(0.02)  # VisPy drops moves closer than 10 ms apart
        compat.mouse_move(canvas, pos=(x, 24), buttons=[1], **common)
    compat.mouse_release(canvas, pos=(50, 24), button=1, buttons=[], **common)
    assert camera.azimuth != 0.0, "the drag did not reach the camera"
    turned = camera.azimuth
    time.sleep(0.02)
    compat.mouse_move(canvas, pos=(60, 24), buttons=[], **common)  # released: no more drag
    assert camera.azimuth == turned


def test_glyph_metrics_are_opensans_in_em():
    """Without any OpenGL: an 'M' is wider than an 'i', a 'j' reaches below the baseline,
    and the advances are those of OpenSans (hmtx table / unitsPerEm 2048: M 1849, i 518)."""
    m, i, j = (compat.glyph_metrics(c) for c in "Mij")
    assert m[0] == pytest.approx(1849 / 2048, abs=1 / 64)
    assert i[0] == pytest.approx(518 / 2048, abs=1 / 64)
    assert m[1] == pytest.approx(0.71, abs=0.05) and j[2] < -0.15  # cap height, descender


def test_every_adapter_handles_each_event_of_its_layer_class_once():
    """napari's rule: each layer class declares its events, each adapter connects one handler
    per event. An event a layer class adds without a handler in its adapter (or a handler
    for an event no layer declares) fails here, not silently at run time."""
    from orbitviz._vispy import ADAPTERS
    from orbitviz.scene.events import declared_events

    for layer_class, adapter in ADAPTERS.items():
        handled = adapter.event_handlers()
        assert sorted(handled) == sorted(declared_events(layer_class)), layer_class.__name__
        assert all(callable(getattr(adapter, method)) for method in handled.values())
