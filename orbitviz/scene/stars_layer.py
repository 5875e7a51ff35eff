"""The sky behind a scene: stars as points at infinity (directions, not places), sized and
dimmed by their magnitude, drawn behind every body and never in the way of the camera."""

from __future__ import annotations

import numpy as np

from ..errors import SceneError
from .events import Evented
from .layer import Layer


class StarsLayer(Layer):
    """Stars towards ``directions`` (N, 3; unit vectors in the scene's frame) of magnitudes
    ``mag`` (N,). ``limit_mag``: the faintest drawn; ``size_px``: the size of a magnitude-0
    star (fainter ones smaller and dimmer, 1 pixel at the limit).

    >>> sky = StarsLayer("stars", [[1.0, 0.0, 0.0], [0.0, 0.0, 2.0]], [0.0, 5.0])
    >>> sky.directions.tolist(), sky.sizes_px().round(2).tolist()
    ([[1.0, 0.0, 0.0], [0.0, 0.0, 1.0]], [3.5, 1.42])
    """

    kind = "stars"
    limit_mag = Evented(float)
    size_px = Evented(float)

    def __init__(
        self,
        name: str,
        directions,
        mag,
        *,
        color="white",
        opacity: float = 0.9,
        visible: bool = True,
        limit_mag: float = 6.0,
        size_px: float = 3.5,
    ):
        super().__init__(name, visible=visible, color=color, opacity=opacity)
        d = np.asarray(directions, dtype=np.float64).reshape(-1, 3)
        m = np.asarray(mag, dtype=np.float64).reshape(-1)
        norm = np.linalg.norm(d, axis=1)
        if len(m) != len(d) or not (norm > 0).all() or not np.isfinite(m).all():
            raise SceneError(
                f"stars {name!r}: {len(d)} directions (non-zero) and {len(m)} finite magnitudes "
                "expected, one per star"
            )
        self.directions = d / norm[:, None]
        self.mag = m
        self.limit_mag = limit_mag
        self.size_px = size_px

    def shown(self) -> np.ndarray:
        """Which stars are drawn (brighter than ``limit_mag``)."""
        return self.mag <= self.limit_mag

    def sizes_px(self) -> np.ndarray:
        """Marker size of each drawn star: ``size_px`` at magnitude 0 (and brighter), falling
        to 1 pixel at magnitude 6 (never under 1)."""
        m = self.mag[self.shown()]
        return np.clip(self.size_px - (self.size_px - 1.0) * m / 6.0, 1.0, 1.5 * self.size_px)

    def alphas(self) -> np.ndarray:
        """Opacity of each drawn star: full at magnitude 1, a quarter at magnitude 6."""
        m = self.mag[self.shown()]
        return self.opacity * np.clip(1.0 - 0.15 * (m - 1.0), 0.25, 1.0)
