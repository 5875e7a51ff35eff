"""TrajectoryLayer -> a line with per-vertex colours (trail, lead and fade via alpha)."""

from __future__ import annotations

from typing import ClassVar

import numpy as np
from vispy.scene.visuals import Line
from vispy.visuals.transforms import STTransform

from orbitviz.scene.trajectory_layer import TrajectoryLayer

from .layer_adapter import LINES, LayerAdapter


class TrajectoryAdapter(LayerAdapter):
    layer: TrajectoryLayer
    order = LINES
    handlers: ClassVar[dict[str, str]] = {
        "width_px": "_on_width",
        "trail_s": "_restyle",
        "lead_s": "_restyle",
        "fade": "_restyle",
        "ahead_opacity": "_restyle",
    }

    def _build(self, parent):
        layer = self.layer
        node = Line(
            pos=np.asarray(layer.display_positions_km, dtype=np.float32),
            color=layer.colors_at(self.clock.et).astype(np.float32),
            width=layer.width_px,
            method="gl",
            antialias=False,
            parent=parent,
        )
        node.set_gl_state("translucent", depth_test=True)
        if layer.origin_et is not None:  # a path around a moving point: the line moves with it
            node.transform = STTransform(translate=layer.origin_at(self.clock.et))
        return node

    def _on_width(self, event) -> None:
        self.node.set_data(width=event.value)

    def _restyle(self, event) -> None:
        self._recolor(self.clock.et)

    def _on_time(self, et: float) -> None:
        if self.layer.time_dependent:
            self._recolor(et)
        if self.layer.origin_et is not None:
            self.node.transform.translate = self.layer.origin_at(et)

    def _recolor(self, et: float) -> None:
        self.node.set_data(color=self.layer.colors_at(et).astype(np.float32))
