"""A big shape model is lit per vertex (cheaper per pixel on a software renderer) and looks
as it does lit per pixel."""

import numpy as np
from conftest import needs_mirror
from render_support import gl_backend  # noqa: F401 - fixture

from orbitviz.recipes import shape_scene
from orbitviz.scene import CameraState

pytestmark = needs_mirror


def render_67p(per_vertex_faces: int, monkeypatch) -> tuple[np.ndarray, bool]:
    from orbitviz._vispy import SceneCanvas, mesh_adapter

    monkeypatch.setattr(mesh_adapter, "PER_VERTEX_FACES", per_vertex_faces)
    scene = shape_scene("67p-spc.ply", sun_dir=(1.0, 0.4, 0.3))
    canvas = SceneCanvas(scene, size=(480, 360), overlays=())
    try:
        canvas.set_camera(CameraState((0.0, 0.0, 0.0), 30.0, 20.0, 9.0))
        node = canvas.adapters[canvas.scene["shape"]].node
        return canvas.render().astype(int), node.per_vertex
    finally:
        canvas.close()


def test_a_big_mesh_lit_per_vertex_looks_lit_per_pixel(gl_backend, monkeypatch):  # noqa: F811
    per_vertex, used = render_67p(20_000, monkeypatch)
    per_pixel, used_reference = render_67p(10**9, monkeypatch)
    assert used and not used_reference  # 96,834 faces: per vertex; the reference per pixel
    lit = per_pixel.sum(axis=2) > 0
    assert lit.mean() > 0.2  # the comet fills the view
    diff = np.abs(per_vertex - per_pixel).max(axis=2)
    assert diff.mean() < 0.5 and np.percentile(diff[lit], 99) <= 8, (diff.mean(), diff.max())
