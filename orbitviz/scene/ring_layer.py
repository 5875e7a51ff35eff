"""A flat ring (an annulus) in the scene: a habitable zone in a planetary system's orbital
plane, a planet's rings. Drawn translucent by default, flat (not lit), seen from both sides.

>>> import numpy as np
>>> zone = RingLayer("habitable zone", 1.0, 2.0, normal=(0, 0, 1))
>>> zone.bounds_km().tolist()
[[-2.0, -2.0, 0.0], [2.0, 2.0, 0.0]]
>>> zone.vertices_km(segments=4)[:, 2].tolist()   # in the plane z = 0
[0.0, 0.0, 0.0, 0.0, 0.0, 0.0, 0.0, 0.0]
"""

from __future__ import annotations

import numpy as np

from ..errors import SceneError
from .layer import Layer
from .sampling import unit


class RingLayer(Layer):
    """The annulus between ``inner_km`` and ``outer_km`` around ``center_km`` (3,), in the
    plane whose normal is ``normal`` (3,)."""

    kind = "ring"

    def __init__(
        self,
        name: str,
        inner_km: float,
        outer_km: float,
        *,
        center_km=(0.0, 0.0, 0.0),
        normal=(0.0, 0.0, 1.0),
        color="#40c057",
        opacity: float = 0.25,
        visible: bool = True,
    ):
        super().__init__(name, visible=visible, color=color, opacity=opacity)
        inner_km, outer_km = float(inner_km), float(outer_km)
        if not (np.isfinite(inner_km) and np.isfinite(outer_km) and 0 <= inner_km < outer_km):
            raise SceneError(
                f"ring {name!r}: need 0 <= inner < outer radius, got {inner_km} .. {outer_km} km"
            )
        self.inner_km, self.outer_km = inner_km, outer_km
        self.center_km = np.asarray(center_km, dtype=np.float64).reshape(3)
        self.normal = unit(np.asarray(normal, dtype=np.float64).reshape(3))

    def axes(self) -> tuple[np.ndarray, np.ndarray]:
        """Two unit vectors (3,) spanning the ring's plane."""
        helper = np.eye(3)[int(np.argmin(np.abs(self.normal)))]
        u = unit(np.cross(self.normal, helper))
        return u, np.cross(self.normal, u)

    def vertices_km(self, segments: int = 256) -> np.ndarray:
        """Points (2 * segments, 3): the inner and the outer circle, alternating."""
        u, v = self.axes()
        angle = np.linspace(0.0, 2.0 * np.pi, segments, endpoint=False)
        circle = np.cos(angle)[:, None] * u + np.sin(angle)[:, None] * v
        radii = np.array([self.inner_km, self.outer_km])
        points = circle[:, None, :] * radii[None, :, None]
        return (self.center_km + points).reshape(-1, 3)

    def bounds_km(self) -> np.ndarray:
        reach = self.outer_km * np.sqrt(np.clip(1.0 - self.normal**2, 0.0, 1.0))
        return np.stack([self.center_km - reach, self.center_km + reach])
