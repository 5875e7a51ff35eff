"""Interactive frame rate at 1920x1080 with the software renderer: the viewer's canvas vs a
naive VisPy mesh, for 67P's models and a generated mesh of ~2 million faces.

ours (full):   orbitviz's SceneCanvas: indexed float32 geometry in Morton order, normals
               precomputed once, lighting as a uniform, clusters that face away or lie
               outside the view left out before each frame; what the window draws when the
               camera is still. Same picture as drawing every triangle (tested pixel for
               pixel in tests/test_render_canvas.py), so equal image quality
ours (coarse): the same with level of detail on (``set_coarse(True)``): what the window draws
               while the mouse drags (meshes above twice the layer's ``lod_faces``)
peer:          ``vispy.scene.visuals.Mesh(vertices, faces, shading="smooth")`` with a
               TurntableCamera, the usual first attempt

Each frame turns the camera (so nothing is cached between frames) and is read back into an
image in memory (``render()``: RGBA read, a flipped RGB view), the same for both. The
contenders take turns in rounds (``_bench.measure``) and each reports its median seconds per
frame, so a slow spell of the machine does not favour one.

Targets (seconds per frame; speedup = peer / ours):
- ``full``: speedup >= 1 on every mesh. It is the same picture as the naive mesh, so drawing
  it must never cost more; culling and the indexed layout should win on the big meshes.
- ``interacting (LOD)``: speedup >= 2, for the meshes big enough to have a coarse level
  (> 2 x LOD_FACES): level of detail exists to make dragging much cheaper than drawing all.
Needs an offscreen OpenGL context (EGL surfaceless, OSMesa or Xvfb; see
``orbitviz.render.select_backend``): without one it prints ``SKIP render: ...`` and exits 0.
``--quick``: 640x360, 67p-4k and a 300k-face bumpy body, 3 rounds of 2 frames.

    python benchmarks/render.py [--quick] [--frames 4] [--rounds 5] [--size 1920x1080] [--big-faces N]
"""

from __future__ import annotations

import dataclasses
import itertools
import sys
import time

import _bench
import numpy as np
from _bench import Result, info, measure, report

from orbitviz.recipes import shape_scene
from orbitviz.scene import CameraState
from orbitviz.scene.mesh_layer import LOD_FACES
from orbitviz.shapes.clusters import ClusteredMesh
from orbitviz.shapes.mesh import Mesh


def bumpy_sphere(faces: int) -> Mesh:
    """A closed, lumpy 2 km body of about ``faces`` triangles (a latitude-longitude grid)."""
    n = int(np.sqrt(faces / 4))
    lat = np.linspace(-np.pi / 2, np.pi / 2, n + 1)[1:-1]
    lon = np.linspace(0, 2 * np.pi, 2 * n, endpoint=False)
    la, lo = np.meshgrid(lat, lon, indexing="ij")
    r = 2.0 + 0.15 * np.sin(5 * la) * np.cos(7 * lo) + 0.05 * np.sin(23 * lo + 11 * la)
    ring = np.c_[
        (r * np.cos(la) * np.cos(lo)).ravel(),
        (r * np.cos(la) * np.sin(lo)).ravel(),
        (r * np.sin(la)).ravel(),
    ]
    vertices = np.vstack([ring, [[0, 0, -2.0], [0, 0, 2.0]]])
    rows, cols = len(lat), len(lon)
    i, j = np.meshgrid(np.arange(rows - 1), np.arange(cols), indexing="ij")
    a, b = i * cols + j, i * cols + (j + 1) % cols
    c, d = a + cols, b + cols
    quads = np.concatenate(
        [np.stack([a, b, d], -1).reshape(-1, 3), np.stack([a, d, c], -1).reshape(-1, 3)]
    )
    south, north = len(ring), len(ring) + 1
    j = np.arange(cols)
    caps = np.concatenate(
        [
            np.c_[np.full(cols, south), (j + 1) % cols, j],
            np.c_[np.full(cols, north), (rows - 1) * cols + j, (rows - 1) * cols + (j + 1) % cols],
        ]
    )
    return Mesh(vertices, np.concatenate([quads, caps]), "bumpy", None, None)


STEP_DEG = 7.0  # the camera turns this much per frame, for every contender


def turned(home: CameraState, k: int) -> CameraState:
    """The camera of frame ``k``: ``home`` turned ``k`` steps in azimuth."""
    return dataclasses.replace(home, azimuth_deg=home.azimuth_deg + STEP_DEG * k)


class Ours:
    """orbitviz's canvas turning around the body (``coarse``: level of detail on)."""

    def __init__(self, mesh: Mesh, size, coarse: bool):
        from orbitviz._vispy import SceneCanvas

        scene = shape_scene(mesh, sun_dir=(1.0, 0.3, 0.5))
        self.canvas = SceneCanvas(scene, size=size, overlays=())
        self.canvas.set_coarse(coarse)
        self.home = scene.home_camera()

    def draw(self, k: int) -> np.ndarray:
        self.canvas.set_camera(turned(self.home, k))
        return self.canvas.render()

    def close(self) -> None:
        self.canvas.close()


def naive_mesh_view(view, mesh: Mesh):
    """The usual first attempt, into a VisPy ``view``: ``visuals.Mesh(shading="smooth")`` and a
    TurntableCamera framing the body (also the peer of benchmarks/viewer.py)."""
    from vispy import scene as vscene

    vscene.visuals.Mesh(
        np.asarray(mesh.vertices, np.float32),
        np.asarray(mesh.faces, np.uint32),
        color=(0.72, 0.69, 0.66, 1.0),
        shading="smooth",
        parent=view.scene,
    )
    radius = float(np.linalg.norm(mesh.extent_km)) / 2
    view.camera = vscene.TurntableCamera(fov=30.0, distance=radius / np.sin(np.radians(15)) * 1.15)
    return view.camera


class Peer:
    """A plain VisPy Mesh with a TurntableCamera, turning the same way."""

    def __init__(self, mesh: Mesh, size):
        from vispy import scene as vscene

        self.canvas = vscene.SceneCanvas(size=size, show=False, bgcolor="black")
        self.camera = naive_mesh_view(self.canvas.central_widget.add_view(), mesh)

    def draw(self, k: int) -> np.ndarray:
        self.camera.azimuth = 30.0 + STEP_DEG * k
        return self.canvas.render()

    def close(self) -> None:
        self.canvas.close()


def turning(contender):
    """A function of no arguments drawing the contender's next frame (the camera a step on)."""
    frame = itertools.count(1)
    return lambda: contender.draw(next(frame))


def main() -> int:
    parser = _bench.parser(__doc__)
    parser.add_argument("--frames", type=int, default=None, help="per round (4; quick: 2)")
    parser.add_argument("--rounds", type=int, default=None, help="(5; quick: 3)")
    parser.add_argument("--size", default=None, help="(1920x1080; quick: 640x360)")
    parser.add_argument("--big-faces", type=int, default=None, help="(2000000; quick: 300000)")
    args = parser.parse_args()
    quick = args.quick
    frames = args.frames or (2 if quick else 4)
    rounds = args.rounds or (3 if quick else 5)
    size = tuple(int(v) for v in (args.size or ("640x360" if quick else "1920x1080")).split("x"))
    big_faces = args.big_faces or (300_000 if quick else 2_000_000)
    backend = _bench.gl_backend_or_skip("render")
    info(f"OpenGL: {backend}; {size[0]}x{size[1]}, median of {rounds} rounds of {frames} frames")
    from orbitviz.data import fetch
    from orbitviz.shapes import load_mesh

    names = ("67p-4k.obj",) if quick else ("67p-4k.obj", "67p-16k.obj", "67p-spc.ply")
    meshes = {name: load_mesh(fetch(name)) for name in names}
    meshes["bumpy"] = bumpy_sphere(big_faces)
    results = []
    for name, mesh in meshes.items():
        label = f"{name} ({len(mesh.faces):,} faces)"
        start = time.perf_counter()
        ClusteredMesh.from_mesh(mesh)
        info(f"{label}: prepared for drawing in {time.perf_counter() - start:.2f} s (once)")
        contenders = {"peer": Peer(mesh, size), "full": Ours(mesh, size, coarse=False)}
        if len(mesh.faces) > 2 * LOD_FACES:  # as the layer's LOD rule: smaller meshes stay whole
            contenders["coarse"] = Ours(mesh, size, coarse=True)
        try:
            # warmup: upload and compile outside the timing
            t = measure({k: turning(c) for k, c in contenders.items()}, rounds, number=frames)
        finally:
            for contender in contenders.values():
                contender.close()
        for key, what, target in (("full", "full", 1), ("coarse", "interacting (LOD)", 2)):
            if key in t:
                fps = f"{1 / t[key]:.1f} vs {1 / t['peer']:.1f} fps"
                result = Result(f"{label} {what}", t[key], t["peer"], target, note=fps)
                results.append(report(result))
    return _bench.exit_status(results)


if __name__ == "__main__":
    sys.exit(main())
