"""VisPy's Markers, compiled with only the symbols they draw.

VisPy's marker shader picks each pixel's shape from all fifteen symbols (one if-else chain on a
per-marker value), and a software renderer such as llvmpipe runs every branch of a per-pixel
choice: every marker pixel paid for fifteen shapes. :class:`Markers` is VisPy's node whose
shader holds the symbols of its last ``set_data`` only (the same code, the same picture).
"""

from __future__ import annotations

import numpy as np
from vispy.scene.visuals import create_visual_node
from vispy.visuals.markers import MarkersVisual

from . import compat


class SymbolMarkersVisual(MarkersVisual):
    """A ``MarkersVisual`` that recompiles its symbol function when the symbols it draws
    change (``set_data`` and the ``symbol`` setter both come through :meth:`set_data`)."""

    _shaded: frozenset | None = None  # a class attribute: VisPy's visuals are frozen

    def set_data(self, pos=None, *args, symbol="o", **kwargs):
        names = frozenset(["o"] if symbol is None else np.atleast_1d(symbol).tolist())
        if names != self._shaded:
            compat.shade_only_symbols(self, names)
            self._shaded = names
        return super().set_data(pos, *args, symbol=symbol, **kwargs)


Markers = create_visual_node(SymbolMarkersVisual)
