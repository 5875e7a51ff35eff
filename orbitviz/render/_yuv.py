"""RGBA frames to the YUV 4:2:0 an MP4 holds, compiled: BT.709 matrix, limited range, chroma
the mean of each 2x2 block, rows flipped from OpenGL's bottom-first order.

The renderer's frame writer converts here, on its own thread beside the render loop, so that
ffmpeg receives 1.5 bytes a pixel it only has to encode: at 1280x720 ffmpeg's own conversion
and the larger pipe cost 3.4 ms of CPU a frame (12.8 -> 9.4 ms for the same x264 settings),
this 2.1 ms. Luma is ffmpeg's (``scale=out_color_matrix=bt709:out_range=tv``) to within 1;
chroma differs from its filter by a few levels at hard edges only (see
``tests/test_render_video.py``).

    >>> import numpy as np
    >>> red = np.zeros((2, 2, 4), np.uint8); red[..., 0] = 255
    >>> yuv420_bt709(red).tolist()  # Y Y Y Y U V: BT.709's red, limited range
    [63, 63, 63, 63, 102, 240]
"""

from __future__ import annotations

from pathlib import Path

import numpy as np

from orbitviz.data import compiled

FRAMES = compiled.group("frames", [Path(__file__)], "MP4 colour conversion")
"""Cached in orbitviz's cache folder like the N-body engine (:mod:`orbitviz.data.compiled`)."""

_ONE = 1 << 16  # fixed point: 16 fractional bits
_KR, _KB = 0.2126, 0.0722  # BT.709
_KG = 1.0 - _KR - _KB
Y_RGB = tuple(round(k * 219 / 255 * _ONE) for k in (_KR, _KG, _KB))
U_RGB = tuple(
    round(k * 224 / 255 * _ONE) for k in (-_KR / (2 - 2 * _KB), -_KG / (2 - 2 * _KB), 0.5)
)
V_RGB = tuple(
    round(k * 224 / 255 * _ONE) for k in (0.5, -_KG / (2 - 2 * _KR), -_KB / (2 - 2 * _KR))
)
"""Luma and chroma weights of R, G, B (0-255), scaled to limited range (219 and 224 levels)."""


@FRAMES.njit(cache=True, inline="always")
def _rgb(rgba, row, x):  # pragma: no cover - compiled
    return np.int32(rgba[row, x, 0]), np.int32(rgba[row, x, 1]), np.int32(rgba[row, x, 2])


@FRAMES.njit(cache=True, nogil=True, boundscheck=False)
def _convert(rgba, out, yr, yg, yb, ur, ug, ub, vr, vg, vb):  # pragma: no cover - compiled
    h, w = rgba.shape[0], rgba.shape[1]
    cw = w // 2
    u0 = h * w
    v0 = u0 + (h // 2) * cw
    luma = (16 << 16) + (1 << 15)  # offset 16, rounded
    chroma = (128 << 18) + (1 << 17)  # offset 128 for a sum of four pixels, rounded
    for by in range(h // 2):
        top = h - 1 - 2 * by  # bottom row first in, top row first out
        c = by * cw
        for bx in range(cw):
            r = g = b = 0
            for dy in range(2):  # the block's two rows: output rows 2 by and 2 by + 1
                row = 2 * by + dy
                for dx in range(2):
                    x = 2 * bx + dx
                    pr, pg, pb = _rgb(rgba, top - dy, x)
                    out[row * w + x] = (yr * pr + yg * pg + yb * pb + luma) >> 16
                    r, g, b = r + pr, g + pg, b + pb
            out[u0 + c + bx] = (ur * r + ug * g + ub * b + chroma) >> 18
            out[v0 + c + bx] = (vr * r + vg * g + vb * b + chroma) >> 18


def yuv420_bt709(rgba: np.ndarray, out: np.ndarray | None = None) -> np.ndarray:
    """``rgba`` (h, w, 4 or 3) uint8, bottom row first, as one planar yuv420p frame (Y, then
    U, then V; top row first) in ``out`` (h * w * 3 / 2 uint8, made when None). ``h`` and ``w``
    must be even. Releases the GIL while it works."""
    h, w = rgba.shape[:2]
    if h % 2 or w % 2 or rgba.dtype != np.uint8 or rgba.ndim != 3 or rgba.shape[2] < 3:
        raise ValueError(f"yuv420_bt709: an (even h, even w, 3 or 4) uint8 frame, not {rgba.shape}")
    if out is None:
        out = np.empty(h * w * 3 // 2, np.uint8)
    _convert(rgba, out, *Y_RGB, *U_RGB, *V_RGB)
    return out
