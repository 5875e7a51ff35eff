"""Colours as RGBA float tuples, and colormaps applied to arrays (matplotlib's tables)."""

from __future__ import annotations

import numpy as np

from ..errors import SceneError

RGBA = tuple[float, float, float, float]


def to_rgba(color) -> RGBA:
    """Any matplotlib colour (name, ``"#rrggbb"``, RGB or RGBA floats in 0..1) as an RGBA tuple."""
    from matplotlib.colors import to_rgba as _to_rgba

    try:
        return tuple(float(c) for c in _to_rgba(color))  # type: ignore[return-value]
    except ValueError:
        raise SceneError(
            f"{color!r} is not a colour; use a name ('orange'), '#ff8800' or "
            "(r, g, b[, a]) floats in 0..1"
        ) from None


def colormap(name: str, values: np.ndarray, clim: tuple[float, float]) -> np.ndarray:
    """RGBA (N, 4) of ``values`` (N,) through colormap ``name`` scaled to ``clim``."""
    import matplotlib

    try:
        cmap = matplotlib.colormaps[name]
    except KeyError:
        raise SceneError(
            f"unknown colormap {name!r}; try 'viridis', 'plasma' or 'coolwarm'"
        ) from None
    low, high = clim
    scaled = (np.asarray(values, dtype=np.float64) - low) / ((high - low) or 1.0)
    return cmap(np.clip(scaled, 0.0, 1.0))
