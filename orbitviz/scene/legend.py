"""What the colours of a scene mean: a legend entry per drawn track (its colour and name, or
the two colours of a masked one), a colour bar per colour map (the quantity and its range).
The window, the notebook widget and videos draw the same entries (the canvas's ``legend``
overlay).

>>> import numpy as np
>>> from orbitviz.scene import Clock, Scene, TrajectoryLayer
>>> scene = Scene(frame="J2000", clock=Clock(0.0, 10.0))
>>> et = np.linspace(0.0, 10.0, 11)
>>> _ = scene.add(TrajectoryLayer("path", et, np.c_[et, et, et], color="red"))
>>> _ = scene.add(TrajectoryLayer("height", et, np.c_[et, et, et], color_by="scalar",
...               scalar=et * 10, scalar_name="altitude (m)", colormap="plasma"))
>>> [(e.kind, e.text) for e in legend_entries(scene)]
[('line', 'path'), ('bar', 'altitude (m)')]
>>> legend_entries(scene)[1].limits
(0.0, 100.0)
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np

from .colors import RGBA, colormap
from .trajectory_layer import TrajectoryLayer

BAR_STEPS = 64


@dataclass(frozen=True)
class LegendEntry:
    """``kind``: ``"line"`` (a track's colour and name) or ``"bar"`` (a colour map: its
    ``colors`` from low to high, the quantity ``text`` and its ``limits``)."""

    kind: str
    text: str
    colors: tuple[RGBA, ...]
    limits: tuple[float, float] | None = None


def _rgba(color, opacity: float = 1.0) -> RGBA:
    r, g, b, a = (float(c) for c in color)
    return (r, g, b, a * opacity)


def legend_entries(scene) -> list[LegendEntry]:
    """The legend of the visible trajectories of ``scene``, in scene order."""
    entries: list[LegendEntry] = []
    for layer in scene.layers:
        if not (layer.visible and isinstance(layer, TrajectoryLayer) and layer.legend):
            continue
        if layer.color_by == "solid":
            entries.append(LegendEntry("line", layer.name, (_rgba(layer.color, layer.opacity),)))
        elif layer.color_by == "mask":
            inside, outside = layer.mask_labels
            for color, words in ((layer.color_true, inside), (layer.color_false, outside)):
                text = f"{layer.name}: {words}"
                entries.append(LegendEntry("line", text, (_rgba(color, layer.opacity),)))
        else:
            if layer.color_by == "time":
                low, high = float(layer.et[0]), float(layer.et[-1])
                text = f"{layer.name}: time"
            else:
                assert layer.scalar is not None
                low, high = layer.clim or (
                    float(np.nanmin(layer.scalar)),
                    float(np.nanmax(layer.scalar)),
                )
                text = layer.scalar_name or layer.name
            steps = colormap(layer.colormap, np.linspace(low, high, BAR_STEPS), (low, high))
            colors = tuple(_rgba(c) for c in steps)
            entries.append(LegendEntry("bar", text, colors, (float(low), float(high))))
    return entries
