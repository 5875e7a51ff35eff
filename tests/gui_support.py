"""Shared setup of the GUI tests: a private Xvfb display (CI sets no DISPLAY), Qt on xcb,
VisPy on PyQt5, and helpers to read the window's pixels.

The window tests run in a process of their own (``test_gui_process.py``): VisPy keeps one
app per process, and the headless render tests need theirs (EGL/OSMesa), not PyQt5.
"""

from __future__ import annotations

import os
import shutil

import numpy as np
import pytest

IN_OWN_PROCESS = os.environ.get("ORBITVIZ_GUI_PROCESS") == "1"


@pytest.fixture(scope="session")
def qapp():
    """Overrides pytest-qt's: the QApplication on a private Xvfb (when installed); the 3D view
    is presented as ``ORBITVIZ_PRESENT`` says (test_gui_process.py runs both ways)."""
    if shutil.which("Xvfb"):
        from orbitviz.render.backend import start_xvfb

        try:  # ends by itself when Qt, its last client, disconnects at exit
            start_xvfb("1280x1024x24", exit_with_last_client=True)
        except RuntimeError as exc:
            pytest.skip(str(exc))
    elif not os.environ.get("DISPLAY"):
        pytest.skip("GUI tests need Xvfb (apt-get install xvfb) or a DISPLAY")
    os.environ["QT_QPA_PLATFORM"] = "xcb"
    from orbitviz._qt import qt_application

    return qt_application()


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
