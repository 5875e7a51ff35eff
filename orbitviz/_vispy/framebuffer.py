"""An offscreen framebuffer that stays allocated between frames, read into reused buffers."""

from __future__ import annotations

import ctypes

import numpy as np
from vispy import gloo
from vispy.gloo import gl
from vispy.gloo.gl import _gl2

_read_pixels = None


def _native_read_pixels():
    """glReadPixels writing straight into a numpy buffer (vispy's wrapper copies to bytes)."""
    global _read_pixels
    if _read_pixels is None:
        _read_pixels = _gl2._get_gl_func("glReadPixels", None, (
            ctypes.c_int, ctypes.c_int, ctypes.c_int, ctypes.c_int, ctypes.c_uint, ctypes.c_uint,
            ctypes.c_void_p))
    return _read_pixels


class Framebuffer:
    """Colour + depth render buffers of ``size`` (w, h) pixels."""

    def __init__(self, size: tuple[int, int]):
        self.size = (int(size[0]), int(size[1]))
        shape = self.size[::-1]
        self.fbo = gloo.FrameBuffer(color=gloo.RenderBuffer(shape), depth=gloo.RenderBuffer(shape))

    def read_into(self, out: np.ndarray) -> np.ndarray:
        """Read the bound framebuffer as RGB into ``out`` (h, w, 3) uint8, BOTTOM row first
        (OpenGL order: flip with ``out[::-1]`` or let the encoder flip)."""
        w, h = self.size
        if out.shape != (h, w, 3) or out.dtype != np.uint8 or not out.flags.c_contiguous:
            raise ValueError(f"read buffer must be a C-contiguous uint8 array of shape {(h, w, 3)}")
        gloo.flush()
        gl.glPixelStorei(gl.GL_PACK_ALIGNMENT, 1)
        _native_read_pixels()(0, 0, w, h, gl.GL_RGB, gl.GL_UNSIGNED_BYTE, out.ctypes.data)
        return out
