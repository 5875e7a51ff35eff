"""SphereLayer -> a unit sphere mesh scaled and moved by a transform (translucent or lit)."""

from __future__ import annotations

from functools import lru_cache

import numpy as np
from vispy.geometry import create_sphere
from vispy.visuals.transforms import STTransform

from orbitviz.scene.sphere_layer import SphereLayer

from .layer_adapter import SurfaceAdapter
from .lit_mesh_visual import LitMesh

RIM = 5.0  # an unlit translucent shell: alpha from 0.4x at its centre to 5.4x at its outline


@lru_cache(maxsize=1)
def _unit_sphere() -> tuple[np.ndarray, np.ndarray]:
    data = create_sphere(rows=48, cols=96, radius=1.0)
    return data.get_vertices().astype(np.float32), data.get_faces().astype(np.uint32)


class SphereAdapter(SurfaceAdapter):
    layer: SphereLayer

    def _build(self, parent):
        vertices, faces = _unit_sphere()
        node = LitMesh(rim=True, parent=parent)
        node.set_data(vertices, faces, vertices, closed=True)
        node.transform = STTransform()
        self._style(node)
        return node

    def _style(self, node) -> None:
        layer = self.layer
        translucent = self._alpha < 1.0
        node.set_style(
            color=(*layer.color[:3], self._alpha),
            light_dir=layer.sun_dir,
            ambient=0.1,
            lit=layer.lit,
            rim=RIM if translucent and not layer.lit else 0,
        )
        node.set_translucent(translucent)
        node.transform.scale = (layer.radius_km,) * 3

    def _on_layer(self, event) -> None:
        self._style(self.node)

    def _on_time(self, et: float) -> None:
        self.node.transform.translate = self.layer.center_at(et)
