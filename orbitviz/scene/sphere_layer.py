"""A sphere: a body drawn to scale or a translucent sphere of influence, fixed or moving."""

from __future__ import annotations

import numpy as np

from .events import Evented
from .layer import Layer
from .sampling import check_samples, interp_rows


def _positive(value) -> float:
    value = float(value)
    if not value > 0:
        raise ValueError(f"a sphere radius must be > 0 km, got {value}")
    return value


class SphereLayer(Layer):
    """A sphere of ``radius_km`` at ``center_km`` (3,), or moving through ``center_km`` (N, 3)
    at times ``et`` (N,). ``lit``: shaded from ``sun_dir`` (a body) or flat (an SOI shell)."""

    kind = "sphere"
    radius_km = Evented(_positive)

    def __init__(
        self,
        name: str,
        radius_km: float,
        center_km=(0.0, 0.0, 0.0),
        *,
        et=None,
        color="steelblue",
        opacity: float = 0.25,
        visible: bool = True,
        lit: bool = False,
        sun_dir=(1.0, 0.0, 0.0),
    ):
        super().__init__(name, visible=visible, color=color, opacity=opacity)
        centers = np.asarray(center_km, dtype=np.float64).reshape(-1, 3)
        if et is None:
            self.et, self.centers_km = None, centers[:1]
        else:
            self.et, self.centers_km = check_samples(et, centers, f"sphere {name!r}")
        self.radius_km = radius_km
        self.lit = bool(lit)
        self.sun_dir = np.asarray(sun_dir, dtype=np.float64) / np.linalg.norm(sun_dir)

    @property
    def moving(self) -> bool:
        return self.et is not None

    def center_at(self, et: float) -> np.ndarray:
        """Centre (3,) km at scene time ``et``."""
        if not self.moving:
            return self.centers_km[0]
        return interp_rows(self.et, self.centers_km, np.array([float(et)]))[0]

    def bounds_km(self) -> np.ndarray:
        r = self.radius_km
        return np.stack([self.centers_km.min(axis=0) - r, self.centers_km.max(axis=0) + r])
