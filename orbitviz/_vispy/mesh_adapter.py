"""MeshLayer -> an indexed lit mesh, drawn at the level of detail its size on screen needs
(:meth:`MeshLayer.detail_level`); a decimated copy is drawn while the camera moves."""

from __future__ import annotations

from typing import ClassVar

import numpy as np

from orbitviz.scene.mesh_layer import MeshLayer
from orbitviz.shapes.clusters import ClusteredMesh

from .layer_adapter import SurfaceAdapter
from .lit_mesh_visual import PER_VERTEX_FACES, LitMesh


class MeshAdapter(SurfaceAdapter):
    handlers: ClassVar[dict[str, str]] = {"ambient": "_restyle", "sun": "_restyle"}
    layer: MeshLayer

    def _build(self, parent):
        self._coarse = False
        node = LitMesh(per_vertex=len(self.layer.mesh.faces) >= PER_VERTEX_FACES, parent=parent)
        node.set_mesh(self.layer.drawn, levels=self._level if self.layer.has_lod else None)
        self._style(node)
        return node

    def _level(self, px_per_km: float) -> ClusteredMesh:
        """What the node draws at ``px_per_km``: the decimated copy while the camera moves (or
        the screen-size level when that has fewer faces), else the screen-size level."""
        layer = self.layer
        drawn = layer.drawn_at(px_per_km)
        if self._coarse and len(layer.drawn_coarse.faces) < len(drawn.faces):
            return layer.drawn_coarse
        return drawn

    def set_coarse(self, coarse: bool) -> None:
        if coarse == self._coarse or not self.layer.has_lod:
            return
        self._coarse = coarse
        self.node.update()

    def _style(self, node) -> None:
        layer = self.layer
        self._sun = layer.sun_direction_at(self.clock.et)
        node.set_style(
            color=(*layer.color[:3], self._alpha),
            ambient=layer.ambient,
            lit=True,
            light_dir=self._sun,
        )
        node.set_translucent(self._alpha < 1.0)

    def _restyle(self, event) -> None:
        self._style(self.node)

    def _on_time(self, et: float) -> None:
        sun = self.layer.sun_direction_at(et)
        if not np.array_equal(sun, self._sun):  # a fixed Sun is set once, not every frame
            self._sun = sun
            self.node.set_style(light_dir=sun)
