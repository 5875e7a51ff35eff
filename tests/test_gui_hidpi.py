"""The raster view on a HiDPI screen (Qt's offscreen platform with ``QT_SCALE_FACTOR=2``, in
a process of its own: the scale is read when the QApplication starts) shows frames drawn at
the screen's device pixels, not a half-size frame stretched."""

from __future__ import annotations

import json
import os
import subprocess
import sys
import textwrap

import pytest

pytestmark = pytest.mark.gui

CHILD = textwrap.dedent(
    """
    import json, sys
    import numpy as np
    from orbitviz._qt import qt_application
    from orbitviz.render import NoGLBackend
    try:
        app = qt_application()
    except NoGLBackend as exc:
        print(json.dumps({"skip": str(exc)}))
        sys.exit(0)
    from PyQt5.QtGui import QImage
    from orbitviz._qt.raster_view import RasterView
    from orbitviz._vispy import SceneCanvas
    from orbitviz.scene import CameraState, Scene, SphereLayer

    def rgb(image):
        image = image.convertToFormat(QImage.Format_RGB888)
        w, h, row = image.width(), image.height(), image.bytesPerLine()
        data = np.frombuffer(image.constBits().asstring(row * h), np.uint8)
        return data.reshape(h, row)[:, : w * 3].reshape(h, w, 3).astype(int)

    scene = Scene(frame="TEST", title="HiDPI test: sharp edges")
    scene.add(SphereLayer("ball", 1.0, color="white", opacity=1.0, lit=True))
    canvas = SceneCanvas(scene, size=(200, 150), overlays=("title",))
    canvas.set_camera(CameraState((0.0, 0.0, 0.0), 0.0, 0.0, 5.0, 30.0))
    view = RasterView(canvas)
    view.show()
    for _ in range(5):
        app.processEvents()
    shown = rgb(view.grab().toImage())  # what the screen gets, in device pixels
    sharp = np.empty((300, 400, 4), np.uint8)
    canvas.render_into(sharp)  # the picture drawn at 2x
    half = canvas.render().astype(int)  # the picture drawn at the view's logical size
    stretched = half.repeat(2, axis=0).repeat(2, axis=1)
    print(json.dumps({
        "ratio": view.devicePixelRatioF(),
        "shape": list(shown.shape),
        "frame": list(view.frame_size()),
        "diff_sharp": float(np.abs(shown - sharp[::-1, :, :3].astype(int)).mean()),
        "diff_stretched": float(np.abs(shown - stretched).mean()),
    }))
    """
)


def test_raster_view_draws_at_the_screens_device_pixels():
    env = dict(os.environ, QT_SCALE_FACTOR="2", QT_QPA_PLATFORM="offscreen")
    env["ORBITVIZ_PRESENT"] = "raster"
    done = subprocess.run(
        [sys.executable, "-c", CHILD], env=env, capture_output=True, text=True, timeout=240
    )
    assert done.returncode == 0, done.stderr[-3000:]
    result = json.loads(done.stdout.strip().splitlines()[-1])
    if "skip" in result:
        pytest.skip(f"no offscreen OpenGL for the raster view: {result['skip']}")
    assert result["ratio"] == 2.0
    assert result["shape"] == [300, 400, 3]
    assert result["diff_sharp"] < 1.0, result  # the 2x frame, pixel for pixel
    assert result["diff_stretched"] > 2.0 * result["diff_sharp"] + 0.5, result
    assert result["frame"] == [400, 300]
