"""SphereLayer -> a unit sphere mesh scaled and moved by a transform (translucent or lit)."""

from __future__ import annotations

from functools import lru_cache

import numpy as np
from vispy.geometry import create_sphere
from vispy.visuals.transforms import STTransform

from orbitviz.scene.sphere_layer import SphereLayer

from .layer_adapter import LayerAdapter
from .lit_mesh_visual import LitMesh


@lru_cache(maxsize=1)
def _unit_sphere() -> tuple[np.ndarray, np.ndarray]:
    data = create_sphere(rows=48, cols=96, radius=1.0)
    return data.get_vertices().astype(np.float32), data.get_faces().astype(np.uint32)


class SphereAdapter(LayerAdapter):
    layer: SphereLayer
    order = 3  # translucent shells after the opaque things behind them

    def _build(self, parent):
        vertices, faces = _unit_sphere()
        node = LitMesh(parent=parent)
        node.set_data(vertices, faces, vertices)
        node.transform = STTransform()
        self._style(node)
        return node

    def _style(self, node) -> None:
        layer = self.layer
        r, g, b, a = layer.color
        alpha = a * layer.opacity
        node.set_style(color=(r, g, b, alpha), light_dir=layer.sun_dir, ambient=0.1,
                       lit=layer.lit)
        node.set_translucent(alpha < 1.0)
        node.transform.scale = (layer.radius_km,) * 3

    def _on_layer(self, event) -> None:
        self._style(self.node)

    def _on_time(self, et: float) -> None:
        self.node.transform.translate = self.layer.center_at(et)
