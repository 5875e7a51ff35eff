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
contenders take turns in rounds and each reports its median, so a slow spell of the machine
does not favour one. Prints ``name: ours X s, peer Y s, ratio Z`` (seconds per frame; ratio =
peer / ours) and the frame rates.

    python benchmarks/render.py [--frames 4] [--rounds 5] [--size 1920x1080] [--big-faces N]
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

from orbitviz.recipes import shape_scene
from orbitviz.render import select_backend
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


class Ours:
    """orbitviz's canvas turning around the body (``coarse``: level of detail on)."""

    def __init__(self, mesh: Mesh, size, coarse: bool):
        from orbitviz._vispy import SceneCanvas

        scene = shape_scene(mesh, sun_dir=(1.0, 0.3, 0.5))
        self.canvas = SceneCanvas(scene, size=size, overlays=())
        self.canvas.set_coarse(coarse)
        self.home = scene.home_camera()

    def draw(self, k: int) -> np.ndarray:
        home = self.home
        self.canvas.set_camera(
            CameraState(
                home.center_km,
                home.azimuth_deg + 7 * k,
                home.elevation_deg,
                home.distance_km,
                home.fov_deg,
            )
        )
        return self.canvas.render()

    def close(self) -> None:
        self.canvas.close()


class Peer:
    """A plain VisPy Mesh with a TurntableCamera, turning the same way."""

    def __init__(self, mesh: Mesh, size):
        from vispy import scene as vscene

        self.canvas = vscene.SceneCanvas(size=size, show=False, bgcolor="black")
        view = self.canvas.central_widget.add_view()
        vscene.visuals.Mesh(
            np.asarray(mesh.vertices, np.float32),
            np.asarray(mesh.faces, np.uint32),
            color=(0.72, 0.69, 0.66, 1.0),
            shading="smooth",
            parent=view.scene,
        )
        radius = float(np.linalg.norm(mesh.extent_km)) / 2
        self.camera = view.camera = vscene.TurntableCamera(
            fov=30.0, distance=radius / np.sin(np.radians(15)) * 1.15
        )

    def draw(self, k: int) -> np.ndarray:
        self.camera.azimuth = 30.0 + 7 * k
        return self.canvas.render()

    def close(self) -> None:
        self.canvas.close()


def seconds_per_frame(contenders: dict, frames: int, rounds: int) -> dict[str, float]:
    """Median over ``rounds`` of the mean time of ``frames`` frames, the contenders taking
    turns each round (so a slow spell of the machine hits all of them alike)."""
    for contender in contenders.values():
        contender.draw(0)  # upload and compile outside the timing
    times: dict[str, list[float]] = {name: [] for name in contenders}
    for _ in range(rounds):
        for name, contender in contenders.items():
            start = time.perf_counter()
            for k in range(1, frames + 1):
                contender.draw(k)
            times[name].append((time.perf_counter() - start) / frames)
    return {name: float(np.median(t)) for name, t in times.items()}


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--frames", type=int, default=4)
    parser.add_argument("--rounds", type=int, default=5)
    parser.add_argument("--size", default="1920x1080")
    parser.add_argument("--big-faces", type=int, default=2_000_000)
    args = parser.parse_args()
    size = tuple(int(v) for v in args.size.split("x"))
    print(
        f"OpenGL: {select_backend()}; {size[0]}x{size[1]}, median of {args.rounds} rounds "
        f"of {args.frames} frames each"
    )
    from orbitviz.data import fetch
    from orbitviz.shapes import load_mesh

    meshes = {name: load_mesh(fetch(name)) for name in ("67p-4k.obj", "67p-16k.obj", "67p-spc.ply")}
    meshes["bumpy"] = bumpy_sphere(args.big_faces)
    for name, mesh in meshes.items():
        label = f"{name} ({len(mesh.faces):,} faces)"
        start = time.perf_counter()
        ClusteredMesh.from_mesh(mesh)
        print(f"{label}: prepared for drawing in {time.perf_counter() - start:.2f} s (once)")
        contenders = {"peer": Peer(mesh, size), "full": Ours(mesh, size, coarse=False)}
        if len(mesh.faces) > 2 * LOD_FACES:  # as the layer's LOD rule: smaller meshes stay whole
            contenders["coarse"] = Ours(mesh, size, coarse=True)
        try:
            t = seconds_per_frame(contenders, args.frames, args.rounds)
        finally:
            for contender in contenders.values():
                contender.close()
        for key, what in (("full", "full"), ("coarse", "interacting (LOD)")):
            if key in t:
                print(
                    f"{label} {what}: ours {t[key]:.3f} s, peer {t['peer']:.3f} s, ratio "
                    f"{t['peer'] / t[key]:.2f}   ({1 / t[key]:.1f} vs {1 / t['peer']:.1f} fps)"
                )


if __name__ == "__main__":
    main()
