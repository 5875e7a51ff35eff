"""Text anchored at points of the scene (e.g. "closest approach 0.099 LD")."""

from __future__ import annotations

import numpy as np

from ..errors import SceneError
from .events import Evented
from .layer import Layer


class LabelLayer(Layer):
    """Texts (K,) drawn at ``positions_km`` (K, 3), starting just right of each point."""

    kind = "labels"
    font_size_pt = Evented(float)

    def __init__(
        self,
        name: str,
        positions_km,
        texts,
        *,
        color="white",
        opacity: float = 1.0,
        visible: bool = True,
        font_size_pt: float = 11.0,
    ):
        super().__init__(name, visible=visible, color=color, opacity=opacity)
        self.positions_km = np.asarray(positions_km, dtype=np.float64).reshape(-1, 3)
        self.texts = [str(text) for text in texts]
        if len(self.texts) != len(self.positions_km):
            raise SceneError(
                f"labels {name!r}: {len(self.texts)} texts for {len(self.positions_km)} positions"
            )
        self.font_size_pt = font_size_pt

    def bounds_km(self) -> np.ndarray:
        return np.stack([self.positions_km.min(axis=0), self.positions_km.max(axis=0)])
