"""SphereLayer -> a unit sphere mesh scaled and moved by a transform (translucent or lit).

A textured body (``SphereLayer.texture``) is turned with its body-fixed frame
(``SphereLayer.rotation``) at the clock's time: the unit sphere is the body-fixed frame, its
transform rotates, scales and moves it, and the Sun's direction is turned into that frame.

A body with a ``min_size_px`` is scaled up, before each frame and as it moves, to keep that
many pixels across on screen; while it is enlarged its night side is lit more (ambient light),
so the marker it has become shows the body's colour whatever the Sun's direction (a textured
body turns from its texture into its colour as it grows from 1x to 3x its true size: a 10-pixel
map of the Earth reads worse than a blue dot).
"""

from __future__ import annotations

from functools import lru_cache
from typing import ClassVar

import numpy as np
from vispy.geometry import create_sphere
from vispy.visuals.transforms import MatrixTransform

from orbitviz.scene.sphere_layer import SphereLayer

from .layer_adapter import SurfaceAdapter
from .lit_mesh_visual import LitMesh
from .overlays import ui_scale

RIM = 5.0  # an unlit translucent shell: alpha from 0.4x at its centre to 5.4x at its outline
AMBIENT = 0.1  # a body at true size: a dark night side
AMBIENT_MARKER = 0.6  # a body enlarged 3x or more: a marker of its colour
TEXTURE_PX = (12.0, 30.0)
"""A textured body is its plain colour under the first diameter on screen (a few pixels of map
read as noise; a blue dot reads as the Earth) and fully textured from the second (at a 720-pixel
high output, scaled with it), mixed between."""


@lru_cache(maxsize=1)
def _unit_sphere() -> tuple[np.ndarray, np.ndarray]:
    data = create_sphere(rows=48, cols=96, radius=1.0)
    return data.get_vertices().astype(np.float32), data.get_faces().astype(np.uint32)


def km_per_px_at(canvas, point_km: np.ndarray, probe_km: float) -> float:
    """Kilometres per screen pixel at ``point_km`` across the view (NaN when behind the
    camera): ``point_km`` and a point ``probe_km`` to its right on screen, projected."""
    transform = canvas.view.camera.transform
    origin = np.asarray(transform.map([0.0, 0.0, 0.0])[:3], dtype=np.float64)
    right = np.asarray(transform.map([1.0, 0.0, 0.0])[:3], dtype=np.float64) - origin
    right /= np.linalg.norm(right)
    xy = canvas.project(np.stack([point_km, point_km + probe_km * right]))
    span_px = float(np.linalg.norm(xy[1] - xy[0]))
    return probe_km / span_px if span_px > 0 else float("nan")


class SphereAdapter(SurfaceAdapter):
    handlers: ClassVar[dict[str, str]] = {
        "radius_km": "_restyle",
        "min_size_px": "_restyle",
        "limb_darkening": "_restyle",
    }
    layer: SphereLayer

    def _build(self, parent):
        self._canvas = None  # known from the first on_view (min_size_px needs its projection)
        self._enlarged = 1.0
        self._small = 0.0  # 1: too small on screen for its texture (TEXTURE_PX)
        self._et = self.clock.et
        vertices, faces = _unit_sphere()
        textured = self.layer.texture is not None
        node = LitMesh(rim=True, texture=textured, parent=parent)
        node.set_data(vertices, faces, vertices, closed=True)
        if textured:
            node.set_texture(self.layer.texture)
        node.transform = MatrixTransform()
        self._style(node)
        self._place(node)
        return node

    def _style(self, node) -> None:
        layer = self.layer
        translucent = self._alpha < 1.0
        node.set_style(
            color=(*layer.color[:3], self._alpha),
            light_dir=layer.rotation_at(self._et).T @ layer.sun_dir,  # in the body's own frame
            ambient=self._ambient(),
            lit=layer.lit,
            rim=RIM if translucent and not layer.lit else 0,
            limb=layer.limb_darkening,
            tint=self._tint(),
        )
        node.set_translucent(translucent)

    def _place(self, node) -> None:
        """Turn (body-fixed -> scene), scale (drawn radius) and move the unit sphere."""
        layer = self.layer
        matrix = np.eye(4)  # VisPy's convention: row vectors, p' = p @ matrix
        matrix[:3, :3] = (layer.radius_km * self._enlarged * layer.rotation_at(self._et)).T
        matrix[3, :3] = layer.center_at(self._et)
        node.transform.matrix = matrix

    def _grown(self) -> float:
        """0 at true size, 1 when enlarged 3x or more (a marker of the body's colour)."""
        return min(max((self._enlarged - 1.0) / 2.0, 0.0), 1.0)

    def _tint(self) -> float:
        """How much of the body's plain colour replaces its texture: enlarged, or small."""
        return max(self._grown(), self._small)

    def _ambient(self) -> float:
        return AMBIENT + (AMBIENT_MARKER - AMBIENT) * self._grown()

    def _restyle(self, event) -> None:
        self._style(self.node)
        self._place(self.node)
        self._fit(self.clock.et)

    def on_view(self, canvas) -> None:
        self._canvas = canvas
        self._fit(self.clock.et)

    def _on_time(self, et: float) -> None:
        self._et = float(et)
        if self.layer.rotation is not None:  # the Sun, in the body's turned frame
            self.node.set_style(light_dir=self.layer.rotation_at(et).T @ self.layer.sun_dir)
        self._place(self.node)
        self._fit(et)

    def _fit(self, et: float) -> None:
        """Scale to the layer's drawn radius at the current view (true size without one)."""
        layer, canvas = self.layer, self._canvas
        enlarged, small = 1.0, self._small
        textured = layer.texture is not None
        if (layer.min_size_px > 0 or textured) and canvas is not None:
            km_per_px = km_per_px_at(canvas, layer.center_at(et), layer.radius_km)
            if np.isfinite(km_per_px):
                scale = ui_scale(canvas.size)
                drawn = layer.drawn_radius_km(km_per_px, scale=scale)
                enlarged = drawn / layer.radius_km
                low, high = (scale * px for px in TEXTURE_PX)
                small = float(np.clip((high - 2.0 * drawn / km_per_px) / (high - low), 0.0, 1.0))
        if textured and small != self._small:
            self._small = small
            self.node.set_style(tint=self._tint())
        if enlarged != self._enlarged:
            self._enlarged = enlarged
            self._place(self.node)
            self.node.set_style(ambient=self._ambient(), tint=self._tint())
