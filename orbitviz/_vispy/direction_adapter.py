"""DirectionLayer -> a two-point line that turns with the clock, faded out when seen end-on."""

from __future__ import annotations

from typing import ClassVar

import numpy as np
from vispy.scene.visuals import Line

from orbitviz.scene.direction_layer import DirectionLayer, end_on_alpha

from .layer_adapter import LINES, LayerAdapter


class DirectionAdapter(LayerAdapter):
    handlers: ClassVar[dict[str, str]] = {
        "length_km": "_restyle",
        "width_px": "_restyle",
        "label": "_ignore",  # the canvas lays labels out
        "font_size_pt": "_ignore",
    }
    layer: DirectionLayer
    order = LINES

    def _build(self, parent):
        self._canvas = None  # known from the first on_view: the line's length on screen
        self._end_on = 1.0
        node = Line(
            pos=self.layer.segment_at(self.clock.et).astype(np.float32),
            width=self.layer.width_px,
            method="gl",
            antialias=False,
            parent=parent,
        )
        node.set_gl_state("translucent", depth_test=True)
        self._style(node)
        return node

    def _style(self, node) -> None:
        r, g, b, a = self.layer.color
        alpha = a * self.layer.opacity * self._end_on
        node.set_data(color=(r, g, b, alpha), width=self.layer.width_px)

    def _restyle(self, event) -> None:
        self._style(self.node)
        self._on_time(self.clock.et)

    def on_view(self, canvas) -> None:
        self._canvas = canvas
        self._on_time(self.clock.et)

    def _on_time(self, et: float) -> None:
        segment = self.layer.segment_at(et)
        self.node.set_data(pos=segment.astype(np.float32))
        if self._canvas is not None:
            end_on = end_on_alpha(segment_px(self._canvas, segment))
            if end_on != self._end_on:
                self._end_on = end_on
                self._style(self.node)


def segment_px(canvas, segment_km) -> float:
    """How long a segment (2, 3) km is on screen (inf when an end is behind the camera)."""
    xy = canvas.project(segment_km)
    return float(np.linalg.norm(xy[1] - xy[0])) if np.isfinite(xy).all() else float("inf")
