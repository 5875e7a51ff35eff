"""Offscreen canvases reused within a process, each with its font atlas.

VisPy builds a font atlas per text visual (~30 ms per glyph on a CPU renderer) and cannot
share EGL contexts, so every new canvas would rasterise the same glyphs again. Offscreen
canvases are therefore kept in a pool: a :class:`SceneCanvas` checks one out, attaches its
view and overlays, and gives it back (empty) when closed.
"""

from __future__ import annotations

from vispy import app as vapp
from vispy import scene as vscene
from vispy.visuals.text.text import FontManager

from . import compat

OFFSCREEN_APPS = ("egl", "osmesa")

compat.memoize_shader_parsing()  # every canvas builds the same few programs
compat.upload_text_kernels_once()  # texts bind their font's kernel, not upload it each frame

_free: list = []
_fonts: dict = {}


def _depth_writes_on(canvas) -> None:
    canvas.context.set_depth_mask(True)


@compat.before_draw_scene(_depth_writes_on)
class ClearingCanvas(vscene.SceneCanvas):
    """A VisPy SceneCanvas whose frames always start from a cleared depth buffer.

    glClear leaves the depth buffer alone while depth writes are off, and translucent visuals
    (drawn last, without depth writes) leave them off: VisPy's own clear would then keep the
    previous frame's depth, and lines of that frame would punch dark holes in this one.
    """

    on_update = None  # called after every update request (a raster view repaints then)

    def update(self, node=None):
        super().update(node)
        if self.on_update is not None:
            self.on_update()


def offscreen() -> bool:
    """True when VisPy renders without windows (EGL or OSMesa)."""
    return vapp.use_app().backend_name.lower() in OFFSCREEN_APPS


def checkout(size: tuple[int, int], bgcolor):
    """An offscreen VisPy canvas of ``size`` and its FontManager."""
    canvas = _free.pop() if _free else ClearingCanvas(size=size, show=False, keys=None)
    resize_offscreen(canvas, size)
    canvas.bgcolor = bgcolor
    fonts = _fonts.setdefault(canvas, FontManager(method="cpu"))
    return canvas, fonts


def resize_offscreen(canvas, size: tuple[int, int]) -> None:
    """Set an offscreen canvas's size and tell its widgets (EGL does not emit resize)."""
    if tuple(canvas.size) != tuple(size):
        canvas.size = size
        canvas.events.resize(size=size, physical_size=size)


def checkin(canvas) -> None:
    """Give back a canvas whose scene nodes have been detached."""
    canvas.on_update = None
    _free.append(canvas)


def new_fonts() -> FontManager:
    return FontManager(method="cpu")
