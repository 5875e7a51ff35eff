"""The 3D view in a notebook: a jupyter_rfb ``RemoteFrameBuffer`` showing an offscreen
:class:`orbitviz._vispy.SceneCanvas` (EGL or OSMesa: no display, no Qt).

The browser sends pointer, wheel, key and resize events; they go to the VisPy canvas as its
backend would deliver them (:mod:`orbitviz._vispy.compat`, as the desktop window's raster
view does), so the window's cameras (:class:`orbitviz._vispy.cameras.CameraModes`) orbit and
zoom here too. Every canvas update asks jupyter_rfb for a frame; jupyter_rfb calls
:meth:`SceneView.get_frame`, JPEG-encodes the array (simplejpeg), sends it, and sends a
lossless PNG once the view is still. While the camera moves, frames are drawn at half
resolution with the decimated mesh (the window's level of detail) and stretched by the
browser; so are they while the time slider moves (Play), and a full-resolution frame follows
when the motion stops.
"""

from __future__ import annotations

import asyncio

import numpy as np
from jupyter_rfb import RemoteFrameBuffer
from vispy.util import keys

from orbitviz._vispy import SceneCanvas, compat
from orbitviz._vispy.cameras import CameraModes
from orbitviz.recipes import PreparedScene
from orbitviz.render import select_backend

MOVING_DIVISOR = 2  # while the camera moves: 1/2 the resolution, a quarter of the pixels
SETTLE_S = 0.25  # full resolution again this long after the last wheel step
WHEEL_UNIT = 100.0  # browser wheel pixels per VisPy wheel step (as VisPy's jupyter_rfb backend)
MODIFIERS = {"Shift": keys.SHIFT, "Control": keys.CONTROL, "Alt": keys.ALT, "Meta": keys.META}
KEYS = {
    "ArrowLeft": keys.LEFT,
    "ArrowUp": keys.UP,
    "ArrowRight": keys.RIGHT,
    "ArrowDown": keys.DOWN,
    "PageUp": keys.PAGEUP,
    "PageDown": keys.PAGEDOWN,
    "Home": keys.HOME,
    "End": keys.END,
    "Escape": keys.ESCAPE,
    " ": keys.SPACE,
    "Enter": keys.ENTER,
    "Tab": keys.TAB,
    **MODIFIERS,
}


def _modifiers(event: dict) -> tuple:
    return tuple(MODIFIERS[m] for m in event.get("modifiers", ()) if m in MODIFIERS)


def _key(name: str):
    if name in KEYS:
        return KEYS[name]
    return keys.Key(name.upper()) if len(name) == 1 else None


class SceneView(RemoteFrameBuffer):
    """The interactive view of ``prepared`` (see :func:`orbitviz.recipes.prepare`), ``size``
    (w, h) CSS pixels; the browser may resize it. ``frame()`` renders one full-resolution
    RGB frame (top row first) without sending it."""

    def __init__(self, prepared: PreparedScene, *, size=(960, 540), **kwargs):
        select_backend()  # EGL, else OSMesa: offscreen (Xvfb only when neither works)
        w, h = int(size[0]), int(size[1])
        super().__init__(css_width=f"{w}px", css_height=f"{h}px", **kwargs)
        self.prepared = prepared
        self.canvas = SceneCanvas(prepared.scene, size=(w, h), time_text=prepared.utc)
        self.cameras = CameraModes(self.canvas)
        self.canvas.canvas.on_update = self.request_draw
        self._buttons: list[int] = []
        self._pressed_at: tuple | None = None  # where the last press was (a click or a drag)
        self._pixels: np.ndarray | None = None
        self._settle: asyncio.TimerHandle | None = None
        self.frames_drawn = 0

    # -- frames -----------------------------------------------------------------------------
    def get_frame(self) -> np.ndarray:
        """The next frame for jupyter_rfb: RGB (h, w, 3) uint8, top row first; half the
        resolution while the camera moves."""
        w, h = self.canvas.size
        if self.canvas.coarse:
            w, h = max(1, w // MOVING_DIVISOR), max(1, h // MOVING_DIVISOR)
        if self._pixels is None or self._pixels.shape[:2] != (h, w):
            self._pixels = np.empty((h, w, 3), np.uint8)
        self.canvas.render_into(self._pixels)
        self.frames_drawn += 1
        # read as RGB and flipped top-first in one row-by-row copy (contiguous, as the JPEG
        # encoder wants, and a frame of its own: jupyter_rfb keeps the last one for its
        # snapshot); reading RGBA and dropping alpha here cost ~12 ms more at 1280x720
        return np.ascontiguousarray(self._pixels[::-1])

    def frame(self) -> np.ndarray:
        """A full-resolution RGB frame of the view as it is now (top row first)."""
        return np.ascontiguousarray(self.canvas.render())

    # -- events from the browser ------------------------------------------------------------
    def handle_event(self, event: dict) -> None:
        kind = event.get("type") or event.get("event_type")
        canvas = self.canvas.canvas
        if kind == "resize":  # CSS pixels (not x devicePixelRatio): a HiDPI screen stretches
            size = (max(1, round(event["width"])), max(1, round(event["height"])))
            if size != tuple(self.canvas.size):
                self.canvas.resize(size)
            self.request_draw()
        elif kind in ("pointer_down", "pointer_up", "pointer_move"):
            self._pointer(kind, event)
        elif kind == "wheel":
            canvas.events.mouse_wheel(
                native=event,
                pos=(event["x"], event["y"]),
                delta=(-event["dx"] / WHEEL_UNIT, -event["dy"] / WHEEL_UNIT),
                buttons=list(self._buttons),
                modifiers=_modifiers(event),
            )
            self.moving()
        elif kind in ("key_down", "key_up"):
            emit = canvas.events.key_press if kind == "key_down" else canvas.events.key_release
            emit(
                native=event,
                key=_key(event["key"]),
                text=event["key"] if len(event["key"]) == 1 else "",
                modifiers=_modifiers(event),
            )
        elif kind == "close":
            self.close_view()

    def _pointer(self, kind: str, event: dict) -> None:
        button = int(event.get("button", 0))
        if kind == "pointer_down" and button and button not in self._buttons:
            self._buttons.append(button)
        elif kind == "pointer_up" and button in self._buttons:
            self._buttons.remove(button)
        fields = {
            "native": event,
            "pos": (event["x"], event["y"]),
            "buttons": list(self._buttons),
            "modifiers": _modifiers(event),
        }
        canvas = self.canvas.canvas
        if kind == "pointer_down":
            self._pressed_at = fields["pos"]
            compat.mouse_press(canvas, button=button, **fields)
        elif kind == "pointer_up":
            compat.mouse_release(canvas, button=button, **fields)
            if not self._buttons:
                self.canvas.set_coarse(False)
            self._clicked(fields["pos"])
        else:
            if self._buttons and not self.canvas.coarse:
                self.canvas.set_coarse(True)  # a drag: level of detail until the release
            compat.mouse_move(canvas, **fields)

    def _clicked(self, pos) -> None:
        """A click (no drag) on the light curve moves the clock to the time under it."""
        pressed, self._pressed_at = self._pressed_at, None
        if pressed is None or np.hypot(pos[0] - pressed[0], pos[1] - pressed[1]) > 3.0:
            return
        et = self.canvas.time_at(*pos)
        if et is not None:
            self.prepared.scene.clock.et = et

    def moving(self) -> None:
        """Something moves (the wheel, the time slider or Play): frames at the level of detail
        until nothing has moved for ``SETTLE_S``, then one at full resolution (which
        jupyter_rfb sends again losslessly once the view stays still)."""
        self.canvas.set_coarse(True)
        if self._settle is not None:
            self._settle.cancel()
        try:
            loop = asyncio.get_running_loop()
        except RuntimeError:  # no event loop (a script driving the view): settle at once
            self._settled()
            return
        self._settle = loop.call_later(SETTLE_S, self._settled)

    def _settled(self) -> None:
        self._settle = None
        if self.canvas is not None and not self._buttons:  # a drag ends at its release
            self.canvas.set_coarse(False)

    def close_view(self) -> None:
        """Free the canvas (also done when the widget is closed)."""
        if self.canvas is None:
            return
        if self._settle is not None:
            self._settle.cancel()
        self.canvas.canvas.on_update = None
        self.cameras.close()
        self.canvas.close()
        self.canvas = None
