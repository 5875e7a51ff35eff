"""An offscreen framebuffer that stays allocated between frames, read into reused buffers."""

from __future__ import annotations

import ctypes

import numpy as np
from vispy import gloo
from vispy.gloo import gl

from . import compat

_read_pixels = None
GL_BGRA = 0x80E1  # OpenGL 1.2 (core since), not in VisPy's ES 2 constant set


def _native_read_pixels():
    """glReadPixels writing straight into a numpy buffer (vispy's wrapper copies to bytes)."""
    global _read_pixels
    if _read_pixels is None:
        _read_pixels = compat.gl_function(
            "glReadPixels",
            None,
            (
                ctypes.c_int,
                ctypes.c_int,
                ctypes.c_int,
                ctypes.c_int,
                ctypes.c_uint,
                ctypes.c_uint,
                ctypes.c_void_p,
            ),
        )
    return _read_pixels


class Framebuffer:
    """Colour + depth render buffers of ``size`` (w, h) pixels."""

    def __init__(self, size: tuple[int, int]):
        self.size = (int(size[0]), int(size[1]))
        shape = self.size[::-1]
        self.fbo = gloo.FrameBuffer(color=gloo.RenderBuffer(shape), depth=gloo.RenderBuffer(shape))

    def delete(self) -> None:
        """Free the GPU buffers (the canvas's context must be current)."""
        for obj in (self.fbo.color_buffer, self.fbo.depth_buffer, self.fbo):
            obj.delete()

    def read_into(self, out: np.ndarray, *, bgra: bool = False) -> np.ndarray:
        """Read the bound framebuffer into ``out``: (h, w, 3) for RGB or (h, w, 4) for RGBA,
        uint8, BOTTOM row first (OpenGL order: flip with ``out[::-1]`` or let the encoder flip).
        RGBA is the renderer's own layout: llvmpipe reads it ~4x faster than RGB at 1080p.
        ``bgra`` (4 channels only): blue, green, red, alpha -- Qt's ``QImage.Format_RGB32`` on a
        little-endian machine, which Qt paints without converting (1.5 ms a 1080p frame)."""
        w, h = self.size
        if (
            out.shape not in ((h, w, 3), (h, w, 4))
            or out.dtype != np.uint8
            or not out.flags.c_contiguous
        ):
            raise ValueError(
                f"read buffer must be a C-contiguous uint8 array of shape {(h, w, 3)} "
                f"or {(h, w, 4)}"
            )
        gloo.flush()
        gl.glPixelStorei(gl.GL_PACK_ALIGNMENT, 1)
        layout = gl.GL_RGBA if out.shape[2] == 4 else gl.GL_RGB
        if bgra:
            if out.shape[2] != 4:
                raise ValueError("bgra=True reads 4 channels: pass an (h, w, 4) buffer")
            layout = GL_BGRA
        _native_read_pixels()(0, 0, w, h, layout, gl.GL_UNSIGNED_BYTE, out.ctypes.data)
        return out
