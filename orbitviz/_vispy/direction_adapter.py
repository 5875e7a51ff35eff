"""DirectionLayer -> a two-point line that turns with the clock."""

from __future__ import annotations

from typing import ClassVar

import numpy as np
from vispy.scene.visuals import Line

from orbitviz.scene.direction_layer import DirectionLayer

from .layer_adapter import LINES, LayerAdapter


class DirectionAdapter(LayerAdapter):
    handlers: ClassVar[dict[str, str]] = {"length_km": "_restyle", "width_px": "_restyle"}
    layer: DirectionLayer
    order = LINES

    def _build(self, parent):
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
        node.set_data(color=(r, g, b, a * self.layer.opacity), width=self.layer.width_px)

    def _restyle(self, event) -> None:
        self._style(self.node)
        self._on_time(self.clock.et)

    def _on_time(self, et: float) -> None:
        self.node.set_data(pos=self.layer.segment_at(et).astype(np.float32))
