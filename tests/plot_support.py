"""Reading report plots back: the artists a figure draws (by gid) and the colours of a PNG."""

from __future__ import annotations

from pathlib import Path

import numpy as np

from orbitviz.reports.figures import find_artist, find_artists

PNG_MAGIC = b"\x89PNG\r\n\x1a\n"

__all__ = ["PNG_MAGIC", "find_artist", "find_artists", "pixels_of", "seconds", "x_of"]


def x_of(artist) -> np.ndarray:
    """The x data of a line as given to matplotlib (datetime64 for a time axis)."""
    return np.asarray(artist.get_xdata(orig=True))


def seconds(a, b) -> np.ndarray:
    """|a - b| in seconds for datetime64 values or arrays."""
    a, b = np.asarray(a, dtype="datetime64[ms]"), np.asarray(b, dtype="datetime64[ms]")
    return np.abs((a - b) / np.timedelta64(1, "s"))


def pixels_of(png: Path, color, tol: float = 0.06) -> int:
    """How many pixels of ``png`` are within ``tol`` (per channel, 0..1) of ``color``."""
    from matplotlib.colors import to_rgb
    from matplotlib.image import imread

    image = imread(png)[..., :3]
    assert image.ndim == 3, f"{png} is not an RGB(A) picture"
    return int((np.abs(image - np.asarray(to_rgb(color))).max(axis=-1) < tol).sum())
