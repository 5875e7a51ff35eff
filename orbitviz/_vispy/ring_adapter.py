"""RingLayer -> a flat translucent annulus (a habitable zone), drawn from both sides."""

from __future__ import annotations

import numpy as np

from orbitviz.scene.ring_layer import RingLayer

from .layer_adapter import SurfaceAdapter
from .lit_mesh_visual import LitMesh

SEGMENTS = 256


def ring_faces(segments: int) -> np.ndarray:
    """Triangles (2 * segments, 3) joining the alternating inner/outer vertices of
    :meth:`RingLayer.vertices_km`."""
    i = np.arange(segments)
    inner, outer = 2 * i, 2 * i + 1
    inner_next, outer_next = 2 * ((i + 1) % segments), 2 * ((i + 1) % segments) + 1
    return np.concatenate(
        [np.c_[inner, outer, outer_next], np.c_[inner, outer_next, inner_next]]
    ).astype(np.uint32)


class RingAdapter(SurfaceAdapter):
    layer: RingLayer

    def _build(self, parent):
        layer = self.layer
        vertices = layer.vertices_km(SEGMENTS).astype(np.float32)
        normals = np.tile(layer.normal.astype(np.float32), (len(vertices), 1))
        node = LitMesh(parent=parent)
        node.set_data(vertices, ring_faces(SEGMENTS), normals, closed=False)
        self._style(node)
        return node

    def _style(self, node) -> None:
        node.set_style(color=(*self.layer.color[:3], self._alpha), lit=False)
        node.set_translucent(self._alpha < 1.0)

    def _restyle(self, event) -> None:
        self._style(self.node)
