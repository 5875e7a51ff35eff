"""Frame time of the desktop window itself: a real Qt window on a private Xvfb with a
1920x1080 3D view, software OpenGL (llvmpipe), each frame put on screen.

ours (still):  orbitviz's ViewerWindow on a shape model, the camera turned a step per frame,
               full resolution (what the window shows when the mouse lets go)
ours (moving): the same while the camera moves (level of detail: decimated mesh, and with the
               raster presentation half-resolution frames scaled up)
peer:          a naive VisPy window: ``vispy.scene.SceneCanvas(show=True)`` with
               ``visuals.Mesh(..., shading="smooth")`` and a TurntableCamera, in its own
               process (VisPy keeps one app per process), turned the same way
blank:         a VisPy Qt canvas that only clears: what putting a frame on this screen costs
               through Qt's OpenGL widget before anything is drawn

The peer runs before and after ours (the mean of its two medians is used). Prints
``name: ours X s, peer Y s, ratio Z`` (seconds per frame, ratio = peer / ours) and fps.

    python benchmarks/viewer.py [--frames 12] [--big-faces 2000000]
"""

from __future__ import annotations

import argparse
import json
import os
import subprocess
import sys
import tempfile
import time
from pathlib import Path

import numpy as np

ROOT = Path(__file__).resolve().parents[1]
os.environ.setdefault("ORBITVIZ_DATA_MIRROR", str(ROOT.parent / "shared" / "data"))
sys.path.insert(0, str(ROOT))
sys.path.insert(0, str(Path(__file__).parent))

VIEW = (1920, 1080)


def load(name: str, big_faces: int):
    from render import bumpy_sphere

    from orbitviz.data import fetch
    from orbitviz.shapes import load_mesh

    return bumpy_sphere(big_faces) if name == "bumpy" else load_mesh(fetch(name))


def median_frame_s(draw, frames: int) -> float:
    draw(0)
    draw(1)  # first frames upload and compile
    times = []
    for k in range(2, frames + 2):
        start = time.perf_counter()
        draw(k)
        times.append(time.perf_counter() - start)
    return float(np.median(times))


def peer(name: str, frames: int, big_faces: int) -> dict:
    """Runs in a child process: the naive VisPy window, and a blank one."""
    os.environ["QT_QPA_PLATFORM"] = "xcb"
    import vispy
    from PyQt5.QtWidgets import QApplication

    app = QApplication.instance() or QApplication([])
    vispy.use(app="pyqt5")
    from vispy import app as vapp
    from vispy import gloo
    from vispy import scene as vscene

    mesh = load(name, big_faces)
    canvas = vscene.SceneCanvas(size=VIEW, show=True, bgcolor="black")
    view = canvas.central_widget.add_view()
    vscene.visuals.Mesh(
        np.asarray(mesh.vertices, np.float32),
        np.asarray(mesh.faces, np.uint32),
        color=(0.72, 0.69, 0.66, 1.0),
        shading="smooth",
        parent=view.scene,
    )
    radius = float(np.linalg.norm(mesh.extent_km)) / 2
    view.camera = vscene.TurntableCamera(fov=30.0, distance=radius / np.sin(np.radians(15)) * 1.15)
    for _ in range(10):
        app.processEvents()

    def draw(k: int) -> None:
        view.camera.azimuth = 30.0 + 7 * k
        canvas.native.repaint()
        app.processEvents()
        canvas.set_current()
        gloo.gl.glFinish()

    result = {"peer": median_frame_s(draw, frames)}
    canvas.close()
    blank = vapp.Canvas(size=VIEW, show=True)
    blank.events.draw.connect(lambda event: gloo.clear((0.1, 0.1, 0.1, 1.0)))
    for _ in range(10):
        app.processEvents()

    def draw_blank(k: int) -> None:
        blank.native.repaint()
        app.processEvents()
        blank.set_current()
        gloo.gl.glFinish()

    result["blank"] = median_frame_s(draw_blank, frames)
    blank.close()
    return result


def run_peer(name: str, frames: int, big_faces: int) -> dict:
    done = subprocess.run(
        [
            sys.executable,
            __file__,
            "--peer",
            name,
            "--frames",
            str(frames),
            "--big-faces",
            str(big_faces),
        ],
        capture_output=True,
        text=True,
        check=True,
        timeout=900,
    )
    return json.loads(done.stdout.strip().splitlines()[-1])


def ours(app, mesh, frames: int) -> tuple[float, float, str]:
    from PyQt5.QtCore import QSettings

    from orbitviz._qt.app import presentation
    from orbitviz._qt.window import ViewerWindow
    from orbitviz.recipes import SceneRecipe, prepare, shape_scene
    from orbitviz.scene import CameraState

    prepared = prepare(SceneRecipe.of(lambda: shape_scene(mesh), mesh.body or "mesh"))
    settings = Path(tempfile.mkdtemp()) / "viewer.ini"  # never /dev/null: QSettings replaces it
    window = ViewerWindow(
        prepared, view_size=VIEW, settings=QSettings(str(settings), QSettings.IniFormat)
    )
    window.show()
    for _ in range(10):
        app.processEvents()
    canvas, home = window.canvas, window.canvas.camera_state()

    def draw(k: int) -> None:
        canvas.set_camera(
            CameraState(
                home.center_km,
                home.azimuth_deg + 7 * k,
                home.elevation_deg,
                home.distance_km,
                home.fov_deg,
            )
        )
        window.view.repaint()
        app.processEvents()
        if presentation() == "opengl":
            from vispy.gloo import gl

            canvas.canvas.set_current()
            gl.glFinish()

    try:
        still = median_frame_s(draw, frames)
        canvas.set_coarse(True)
        moving = median_frame_s(draw, frames)
    finally:
        window.close()
    return still, moving, presentation()


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--frames", type=int, default=12)
    parser.add_argument("--big-faces", type=int, default=2_000_000)
    parser.add_argument("--peer", help=argparse.SUPPRESS)
    args = parser.parse_args()
    if args.peer:
        print(json.dumps(peer(args.peer, args.frames, args.big_faces)))
        return
    from orbitviz.render.backend import start_xvfb

    start_xvfb("2560x1440x24", exit_with_last_client=True)
    os.environ["QT_QPA_PLATFORM"] = "xcb"
    from orbitviz._qt import qt_application

    app = qt_application()
    for name in ("67p-spc.ply", "bumpy"):
        mesh = load(name, args.big_faces)
        label = f"{name} ({len(mesh.faces):,} faces)"
        before = run_peer(name, args.frames, args.big_faces)
        still, moving, how = ours(app, mesh, args.frames)
        after = run_peer(name, args.frames, args.big_faces)
        t_peer = (before["peer"] + after["peer"]) / 2
        t_blank = (before["blank"] + after["blank"]) / 2
        print(
            f"{label}, window at {VIEW[0]}x{VIEW[1]}, view presented as {how}; a blank VisPy "
            f"Qt canvas takes {t_blank:.3f} s ({1 / t_blank:.1f} fps)"
        )
        for what, t in (("still", still), ("moving", moving)):
            print(
                f"{label} window {what}: ours {t:.3f} s, peer {t_peer:.3f} s, ratio "
                f"{t_peer / t:.2f}   ({1 / t:.1f} vs {1 / t_peer:.1f} fps)"
            )


if __name__ == "__main__":
    main()
