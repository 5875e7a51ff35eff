"""Shared setup of the GUI tests: Qt on its ``offscreen`` platform (no X server) for the raster
presentation, on ``xcb`` with a private Xvfb (or the session's DISPLAY) for Qt's OpenGL widget;
VisPy on PyQt5 or EGL/OSMesa as the presentation needs, and helpers to read the window's pixels.

The window tests run in a process of their own (``test_gui_process.py``): VisPy keeps one
app per process, and the headless render tests need theirs (EGL/OSMesa), not PyQt5.
"""

from __future__ import annotations

import os
import shutil

import numpy as np
import pytest

PLATFORM_ENV = "ORBITVIZ_TEST_QPA"
"""Forces the Qt platform of the window tests (``offscreen`` or ``xcb``)."""
NO_X_SERVER = (
    "Qt's xcb platform needs an X server: install Xvfb (apt-get install xvfb xauth, plus Qt's "
    "xcb libraries as .ci/run lists) or set DISPLAY"
)


def x_server_available() -> bool:
    return bool(shutil.which("Xvfb") or os.environ.get("DISPLAY"))


def qt_platform(present: str) -> str:
    """The Qt platform for a presentation: Qt's OpenGL widget needs a real GL surface, so an X
    server (``xcb``); the raster view paints images and needs none (``offscreen``)."""
    forced = os.environ.get(PLATFORM_ENV)
    if forced:
        return forced
    if present == "opengl" or (present == "auto" and x_server_available()):
        return "xcb"
    return "offscreen"


@pytest.fixture(scope="session")
def qapp():
    """Overrides pytest-qt's: the QApplication on the platform :func:`qt_platform` picks; the
    3D view is presented as ``ORBITVIZ_PRESENT`` says (test_gui_process.py runs each way). Skips
    with the reason when the platform or the offscreen OpenGL is missing (a failure in CI)."""
    present = os.environ.get("ORBITVIZ_PRESENT", "auto")
    platform = qt_platform(present)
    if platform == "xcb":
        if shutil.which("Xvfb"):
            from orbitviz.render.backend import start_xvfb

            try:  # ends by itself when Qt, its last client, disconnects at exit
                start_xvfb("1280x1024x24", exit_with_last_client=True)
            except RuntimeError as exc:
                pytest.skip(str(exc))
        elif not os.environ.get("DISPLAY"):
            pytest.skip(f"ORBITVIZ_PRESENT={present}: {NO_X_SERVER}")
    os.environ["QT_QPA_PLATFORM"] = platform
    from orbitviz._qt import qt_application
    from orbitviz.render import NoGLBackend

    try:
        return qt_application()
    except NoGLBackend as exc:
        pytest.skip(f"ORBITVIZ_PRESENT={present} on Qt {platform}: {exc}")


def grab(window) -> np.ndarray:
    """The 3D view as on screen: RGB (h, w, 3) uint8, top row first."""
    from PyQt5.QtGui import QImage

    image = window.grab_view().convertToFormat(QImage.Format_RGB888)
    w, h = image.width(), image.height()
    row_bytes = image.bytesPerLine()
    data = np.frombuffer(image.constBits().asstring(row_bytes * h), np.uint8)
    return data.reshape(h, row_bytes)[:, : w * 3].reshape(h, w, 3).copy()


def patch(image: np.ndarray, xy, radius: int = 2) -> np.ndarray:
    x, y = (round(float(v)) for v in xy)
    return (
        image[y - radius : y + radius + 1, x - radius : x + radius + 1].reshape(-1, 3).astype(int)
    )
