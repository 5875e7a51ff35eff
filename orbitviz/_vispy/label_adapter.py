"""LabelLayer -> text anchored at scene points."""

from __future__ import annotations

import numpy as np
from vispy.scene.visuals import Text

from orbitviz.scene.label_layer import LabelLayer

from .layer_adapter import LABELS, LayerAdapter
from .overlays import GLYPH_EM, REFERENCE_SIZE_PX, declutter, font_pt

LINE_EM = 1.4  # a label's box height, in em


class LabelAdapter(LayerAdapter):
    layer: LabelLayer
    order = LABELS

    def _build(self, parent):
        self._size_px = REFERENCE_SIZE_PX
        layer = self.layer
        node = Text(
            text=layer.texts,
            pos=layer.positions_km.astype(np.float32),
            anchor_x="left",
            anchor_y="bottom",
            parent=parent,
            font_manager=self.fonts,
        )
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

    def on_view(self, canvas) -> None:
        """Move labels that would overlap on screen down a line or more (their points stay)."""
        positions = self.layer.positions_km
        if len(positions) < 2:
            return
        em_px = font_pt(self.layer.font_size_pt, self._size_px) * 96.0 / 72.0
        widths = [GLYPH_EM * em_px * (len(text) + 1) for text in self.layer.texts]
        dy = declutter(canvas.project(positions), widths, LINE_EM * em_px)
        shown = positions if not dy.any() else canvas.shifted_on_screen(positions, dy)
        self.node.pos = shown.astype(np.float32)
