"""MarkerLayer -> screen-sized markers (moving or fixed). Their labels are laid out with all the
others by the canvas (:class:`orbitviz._vispy.label_adapter.ViewLabels`)."""

from __future__ import annotations

from typing import ClassVar

import numpy as np

from orbitviz.scene.marker_layer import MarkerLayer

from .layer_adapter import MARKERS, LayerAdapter
from .occlusion import hidden
from .overlays import REFERENCE_SIZE_PX, ui_scale


class MarkerAdapter(LayerAdapter):
    handlers: ClassVar[dict[str, str]] = {
        "size_px": "_restyle",
        "label_color": "_restyle",
        "font_size_pt": "_restyle",
    }
    layer: MarkerLayer
    order = MARKERS

    def _build(self, parent):
        self._size_px = REFERENCE_SIZE_PX
        self._group = self.markers.group(parent)  # drawn by the view's batch, in one visual
        self._points = np.zeros((0, 3))
        self._hidden = np.zeros(0, bool)  # behind a body, as the last frame saw it
        return self._group.node

    def on_frame(self, canvas) -> None:
        hide = hidden(canvas, self._points) if self.layer.symbol is not None else self._hidden
        if not np.array_equal(hide, self._hidden):
            self._hidden = hide
            self._draw(self._points)

    def _restyle(self, event) -> None:
        self._draw(self._points)

    def set_output_size(self, size_px: tuple[int, int]) -> None:
        self._size_px = size_px
        self._draw(self._points)

    def _on_time(self, et: float) -> None:
        points = self.layer.positions_at(et)
        if self.layer.moving or len(self._points) != len(points):
            self._draw(points)

    def _draw(self, points: np.ndarray) -> None:
        layer = self.layer
        self._points = points
        shown = np.isfinite(points).all(axis=1)
        if len(self._hidden) == len(points):
            shown &= ~self._hidden
        if layer.symbol is None:
            shown[:] = False
        r, g, b, a = layer.color
        self._group.set(
            points[shown],
            size_px=layer.size_px * max(ui_scale(self._size_px), 0.5),
            face=(r, g, b, a * layer.opacity),
            edge=(0.0, 0.0, 0.0, a * layer.opacity),
            symbol=layer.symbol or "disc",
        )

    def close(self) -> None:
        super().close()
        self._group.leave()
