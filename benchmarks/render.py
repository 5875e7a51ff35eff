"""Interactive frame rate at 1920x1080 with the software renderer: the viewer's canvas vs a
naive VisPy mesh, for 67P's models and a generated mesh of ~2 million faces.

ours (full):   orbitviz's SceneCanvas: indexed float32 geometry, normals precomputed once,
               lighting as a uniform; what the window draws when the camera is still
ours (coarse): the same with level of detail on (``set_coarse(True)``): what the window draws
               while the mouse drags (meshes above twice the layer's ``lod_faces``)
peer:          ``vispy.scene.visuals.Mesh(vertices, faces, shading="smooth")`` with a
               TurntableCamera, the usual first attempt

Each frame turns the camera (so nothing is cached between frames) and is read back
(``render()``), the same for both. Prints ``name: ours X s, peer Y s, ratio Z`` (seconds per
frame; ratio = peer / ours) and the frame rates.

    python benchmarks/render.py [--frames 5] [--size 1920x1080] [--big-faces 2000000]
"""

from __future__ import annotations

import argparse
import os
import sys
import time
from pathlib import Path

import numpy as np

ROOT = Path(__file__).resolve().parents[1]
os.environ.setdefault("ORBITVIZ_DATA_MIRROR", str(ROOT.parent / "shared" / "data"))
sys.path.insert(0, str(ROOT))

from orbitviz.render import select_backend
from orbitviz.scene import CameraState, shape_scene
from orbitviz.scene.mesh_layer import LOD_FACES
from orbitviz.shapes.mesh import Mesh


def bumpy_sphere(faces: int) -> Mesh:
    """A closed, lumpy 2 km body of about ``faces`` triangles (a latitude-longitude grid)."""
    n = int(np.sqrt(faces / 4))
    lat = np.linspace(-np.pi / 2, np.pi / 2, n + 1)[1:-1]
    lon = np.linspace(0, 2 * np.pi, 2 * n, endpoint=False)
    la, lo = np.meshgrid(lat, lon, indexing="ij")
    r = 2.0 + 0.15 * np.sin(5 * la) * np.cos(7 * lo) + 0.05 * np.sin(23 * lo + 11 * la)
    ring = np.c_[(r * np.cos(la) * np.cos(lo)).ravel(), (r * np.cos(la) * np.sin(lo)).ravel(),
                 (r * np.sin(la)).ravel()]
    vertices = np.vstack([ring, [[0, 0, -2.0], [0, 0, 2.0]]])
    rows, cols = len(lat), len(lon)
    i, j = np.meshgrid(np.arange(rows - 1), np.arange(cols), indexing="ij")
    a, b = i * cols + j, i * cols + (j + 1) % cols
    c, d = a + cols, b + cols
    quads = np.concatenate([np.stack([a, b, d], -1).reshape(-1, 3), np.stack([a, d, c], -1).reshape(-1, 3)])
    south, north = len(ring), len(ring) + 1
    j = np.arange(cols)
    caps = np.concatenate([np.c_[np.full(cols, south), (j + 1) % cols, j],
                           np.c_[np.full(cols, north), (rows - 1) * cols + j,
                                 (rows - 1) * cols + (j + 1) % cols]])
    return Mesh(vertices, np.concatenate([quads, caps]), "bumpy", None, None)


def time_frames(draw, frames: int) -> float:
    draw(0)  # upload and compile outside the timing
    start = time.perf_counter()
    for k in range(1, frames + 1):
        draw(k)
    return (time.perf_counter() - start) / frames


def ours(mesh: Mesh, size, frames: int, coarse: bool) -> float:
    from orbitviz._vispy import SceneCanvas

    scene = shape_scene(mesh, sun_dir=(1.0, 0.3, 0.5))
    canvas = SceneCanvas(scene, size=size, overlays=())
    canvas.set_coarse(coarse)
    home = scene.home_camera()

    def draw(k: int) -> None:
        canvas.set_camera(CameraState(home.center_km, home.azimuth_deg + 7 * k,
                                      home.elevation_deg, home.distance_km, home.fov_deg))
        canvas.render()

    try:
        return time_frames(draw, frames)
    finally:
        canvas.close()


def peer(mesh: Mesh, size, frames: int) -> float:
    from vispy import scene as vscene

    canvas = vscene.SceneCanvas(size=size, show=False, bgcolor="black")
    view = canvas.central_widget.add_view()
    vscene.visuals.Mesh(np.asarray(mesh.vertices, np.float32), np.asarray(mesh.faces, np.uint32),
                        color=(0.72, 0.69, 0.66, 1.0), shading="smooth", parent=view.scene)
    radius = float(np.linalg.norm(mesh.extent_km)) / 2
    view.camera = vscene.TurntableCamera(fov=30.0, distance=radius / np.sin(np.radians(15)) * 1.15)

    def draw(k: int) -> None:
        view.camera.azimuth = 30.0 + 7 * k
        canvas.render()

    try:
        return time_frames(draw, frames)
    finally:
        canvas.close()


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--frames", type=int, default=5)
    parser.add_argument("--size", default="1920x1080")
    parser.add_argument("--big-faces", type=int, default=2_000_000)
    args = parser.parse_args()
    size = tuple(int(v) for v in args.size.split("x"))
    print(f"OpenGL: {select_backend()}; {size[0]}x{size[1]}, {args.frames} frames each")
    from orbitviz.data import fetch
    from orbitviz.shapes import load_mesh

    meshes = {name: load_mesh(fetch(name)) for name in ("67p-4k.obj", "67p-16k.obj", "67p-spc.ply")}
    meshes["bumpy"] = bumpy_sphere(args.big_faces)
    for name, mesh in meshes.items():
        label = f"{name} ({len(mesh.faces):,} faces)"
        t_peer = peer(mesh, size, args.frames)
        t_full = ours(mesh, size, args.frames, coarse=False)
        print(f"{label} full: ours {t_full:.3f} s, peer {t_peer:.3f} s, ratio {t_peer / t_full:.2f}"
              f"   ({1 / t_full:.1f} vs {1 / t_peer:.1f} fps)")
        if len(mesh.faces) > 2 * LOD_FACES:  # as the layer's LOD rule: smaller meshes stay whole
            t_coarse = ours(mesh, size, args.frames, coarse=True)
            print(f"{label} interacting (LOD): ours {t_coarse:.3f} s, peer {t_peer:.3f} s, "
                  f"ratio {t_peer / t_coarse:.2f}   ({1 / t_coarse:.1f} vs {1 / t_peer:.1f} fps)")


if __name__ == "__main__":
    main()
