"""StarsLayer -> points at infinity: each star is put, before each frame whose camera moved,
at the eye plus its direction times FAR times the distance to the camera's centre of interest
(a sphere around the eye, so parallax never moves a star; inside the far plane), depth-
tested: every body in front hides it."""

from __future__ import annotations

from typing import ClassVar

import numpy as np
from vispy.scene import Node

from orbitviz.scene.stars_layer import StarsLayer

from .layer_adapter import OPAQUE, LayerAdapter
from .markers import Markers
from .occlusion import eye_km
from .overlays import ui_scale

FAR = 9.8
"""The stars' sphere, in camera distances: just inside the far plane (10 distances: VisPy puts it
at sqrt(DEPTH_RANGE) camera distances), behind everything that is drawn at all (a body 8-10
distances away, e.g. the Moon behind the Earth in a close view, had stars on it when this was
8). 0.2 distance short of the plane is ~7 steps of a 16-bit depth buffer there: a body just in
front of the stars still wins the depth test."""


class StarsAdapter(LayerAdapter):
    handlers: ClassVar[dict[str, str]] = {"limit_mag": "_restyle", "size_px": "_restyle"}
    layer: StarsLayer
    order = OPAQUE - 1  # before everything

    def _build(self, parent):
        node = Node(parent=parent)
        self._markers = Markers(parent=node)
        # depth-tested, depth written (a depth_mask=False here would leak into the visuals
        # drawn after it: VisPy sets only the state a visual names)
        self._markers.set_gl_state("translucent", depth_test=True)
        self._scale = 1.0
        self._eye = None
        return node

    def set_output_size(self, size_px: tuple[int, int]) -> None:
        self._scale = max(ui_scale(size_px), 0.5)
        self._eye = None

    def _restyle(self, event) -> None:
        self._eye = None
        self.node.update()

    def on_view(self, canvas) -> None:
        eye = eye_km(canvas)
        radius = FAR * (float(np.linalg.norm(canvas.centre_of_interest() - eye)) or 1.0)
        self._eye = (eye, radius)
        self._draw()

    def _draw(self) -> None:
        if self._eye is None:
            return
        eye, radius = self._eye
        layer = self.layer
        shown = layer.shown()
        self._markers.visible = bool(shown.any())
        if not self._markers.visible:
            return
        r, g, b, _ = layer.color
        colors = np.tile([r, g, b, 1.0], (int(shown.sum()), 1))
        colors[:, 3] = layer.alphas()
        self._markers.set_data(
            (eye + radius * layer.directions[shown]).astype(np.float32),
            size=layer.sizes_px() * self._scale,
            face_color=colors,
            edge_width=0.0,
            symbol="disc",
        )
