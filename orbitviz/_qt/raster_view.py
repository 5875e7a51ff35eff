"""The 3D view as a plain (raster) Qt widget showing frames rendered offscreen.

On a software OpenGL (Mesa's llvmpipe: remote desktops, VNC, virtual machines, this project's
CI) VisPy's usual Qt widget is slow to put on screen: Qt's QOpenGLWidget renders into a
framebuffer object and then composes the WHOLE window through OpenGL every frame. A blank
1920x1080 VisPy canvas manages 28 fps that way here, before drawing anything. Rendering
offscreen (EGL or OSMesa), reading the RGBA pixels (1.3 ms at 1080p) and painting them as an
image costs ~6 ms instead, and the window's other widgets are left alone. While the camera
moves, frames are drawn at half resolution (see :data:`MOVING_DIVISOR`). On a HiDPI screen
frames are drawn at the screen's device pixels (``devicePixelRatio`` times the view's size in
Qt's logical pixels), so the picture is as sharp as the screen.

:class:`RasterView` forwards Qt's mouse, wheel and key events to the VisPy canvas, so cameras,
picking and level of detail behave as in the OpenGL widget.
"""

from __future__ import annotations

import sys

import numpy as np
from PyQt5.QtCore import QRect, Qt
from PyQt5.QtGui import QImage, QPainter, QTransform
from PyQt5.QtWidgets import QWidget
from vispy.util import keys

from orbitviz._vispy import compat

MOVING_DIVISOR = 2
"""While the camera moves (the canvas is ``coarse``), frames are drawn at 1/2 resolution and
stretched: measured at 1920x1080 with llvmpipe, the Philae scene's moving frame takes ~25 ms
instead of ~36 ms (the pixels it saves, not the geometry, set the difference)."""

BUTTONS = {Qt.LeftButton: 1, Qt.RightButton: 2, Qt.MiddleButton: 3}
MODIFIERS = (
    (Qt.ShiftModifier, keys.SHIFT),
    (Qt.ControlModifier, keys.CONTROL),
    (Qt.AltModifier, keys.ALT),
    (Qt.MetaModifier, keys.META),
)
KEYS = {
    Qt.Key_Shift: keys.SHIFT,
    Qt.Key_Control: keys.CONTROL,
    Qt.Key_Alt: keys.ALT,
    Qt.Key_Meta: keys.META,
    Qt.Key_Left: keys.LEFT,
    Qt.Key_Up: keys.UP,
    Qt.Key_Right: keys.RIGHT,
    Qt.Key_Down: keys.DOWN,
    Qt.Key_PageUp: keys.PAGEUP,
    Qt.Key_PageDown: keys.PAGEDOWN,
    Qt.Key_Home: keys.HOME,
    Qt.Key_End: keys.END,
    Qt.Key_Escape: keys.ESCAPE,
    Qt.Key_Space: keys.SPACE,
    Qt.Key_Return: keys.ENTER,
    Qt.Key_Enter: keys.ENTER,
    Qt.Key_Tab: keys.TAB,
}


def _modifiers(event) -> tuple:
    return tuple(key for flag, key in MODIFIERS if event.modifiers() & flag)


def _buttons(event) -> list[int]:
    return [number for flag, number in BUTTONS.items() if event.buttons() & flag]


class RasterView(QWidget):
    """Shows ``scene_canvas`` (an offscreen :class:`orbitviz._vispy.SceneCanvas`), redrawn
    whenever the canvas asks for it and resized with the widget."""

    def __init__(self, scene_canvas, parent=None):
        super().__init__(parent)
        self.scene_canvas = scene_canvas
        self._pixels: np.ndarray | None = None
        self.setMouseTracking(True)  # moves without a button pressed: picking
        self.setFocusPolicy(Qt.StrongFocus)
        self.setAttribute(Qt.WA_OpaquePaintEvent)  # every pixel is painted: no background
        scene_canvas.canvas.on_update = self.update
        self.resize(*scene_canvas.size)

    # -- drawing ----------------------------------------------------------------------------
    def frame_size(self) -> tuple[int, int]:
        """Pixels (w, h) of the next frame: the screen's device pixels under the view (a
        HiDPI screen's 2x, so the picture is as sharp as the screen), divided while moving."""
        ratio = max(1.0, float(self.devicePixelRatioF()))
        w, h = (max(1, round(side * ratio)) for side in self.scene_canvas.size)
        if self.scene_canvas.coarse:  # the camera moves: half the resolution, a quarter the pixels
            w, h = max(1, w // MOVING_DIVISOR), max(1, h // MOVING_DIVISOR)
        return w, h

    def paintEvent(self, event) -> None:
        w, h = self.frame_size()
        if self._pixels is None or self._pixels.shape[:2] != (h, w):
            self._pixels = np.empty((h, w, 4), np.uint8)
        self.scene_canvas.render_into(self._pixels, bgra=sys.byteorder == "little")
        layout = QImage.Format_RGB32 if sys.byteorder == "little" else QImage.Format_RGBX8888
        image = QImage(self._pixels.data, w, h, 4 * w, layout)  # painted without a conversion
        painter = QPainter(self)
        painter.setTransform(QTransform(1, 0, 0, -1, 0, self.height()))  # GL rows: bottom first
        painter.drawImage(QRect(0, 0, *self.scene_canvas.size), image)
        painter.end()

    def grab_image(self) -> QImage:
        """The view as shown (a new frame, as an independent RGB image)."""
        rgb = np.ascontiguousarray(self.scene_canvas.render())
        h, w = rgb.shape[:2]
        return QImage(rgb.data, w, h, 3 * w, QImage.Format_RGB888).copy()

    def resizeEvent(self, event) -> None:
        size = (max(1, self.width()), max(1, self.height()))
        if size != tuple(self.scene_canvas.size):
            self.scene_canvas.resize(size)
        super().resizeEvent(event)

    def close_view(self) -> None:
        self.scene_canvas.canvas.on_update = None

    # -- events to VisPy --------------------------------------------------------------------
    def _mouse(self, event) -> dict:
        return {
            "native": event,
            "pos": (event.pos().x(), event.pos().y()),
            "buttons": _buttons(event),
            "modifiers": _modifiers(event),
        }

    def mousePressEvent(self, event) -> None:
        compat.mouse_press(
            self.scene_canvas.canvas, button=BUTTONS.get(event.button(), 0), **self._mouse(event)
        )

    def mouseReleaseEvent(self, event) -> None:
        compat.mouse_release(
            self.scene_canvas.canvas, button=BUTTONS.get(event.button(), 0), **self._mouse(event)
        )

    def mouseMoveEvent(self, event) -> None:
        compat.mouse_move(self.scene_canvas.canvas, **self._mouse(event))

    def wheelEvent(self, event) -> None:
        delta = event.angleDelta()
        self.scene_canvas.canvas.events.mouse_wheel(
            delta=(delta.x() / 120.0, delta.y() / 120.0), **self._mouse(event)
        )

    def _key(self, emit, event) -> None:
        code = int(event.key())
        key = KEYS.get(code) or (keys.Key(chr(code)) if 32 <= code <= 127 else None)
        emit(native=event, key=key, text=str(event.text()), modifiers=_modifiers(event))

    def keyPressEvent(self, event) -> None:
        self._key(self.scene_canvas.canvas.events.key_press, event)

    def keyReleaseEvent(self, event) -> None:
        self._key(self.scene_canvas.canvas.events.key_release, event)
