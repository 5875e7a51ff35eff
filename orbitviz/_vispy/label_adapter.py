"""LabelLayer -> text anchored at scene points."""

from __future__ import annotations

import numpy as np
from vispy.scene.visuals import Text

from orbitviz.scene.label_layer import LabelLayer

from .layer_adapter import LABELS, LayerAdapter
from .overlays import REFERENCE_SIZE_PX, font_pt


class LabelAdapter(LayerAdapter):
    layer: LabelLayer
    order = LABELS

    def _build(self, parent):
        self._size_px = REFERENCE_SIZE_PX
        layer = self.layer
        node = Text(text=layer.texts, pos=layer.positions_km.astype(np.float32),
                    anchor_x="left", anchor_y="bottom", parent=parent,
                    font_manager=self.fonts)
        node.set_gl_state("translucent", depth_test=False)
        self._style(node)
        return node

    def _style(self, node) -> None:
        r, g, b, a = self.layer.color
        node.color = (r, g, b, a * self.layer.opacity)
        node.font_size = font_pt(self.layer.font_size_pt, self._size_px)

    def _on_layer(self, event) -> None:
        self._style(self.node)

    def set_output_size(self, size_px: tuple[int, int]) -> None:
        self._size_px = size_px
        self._style(self.node)
