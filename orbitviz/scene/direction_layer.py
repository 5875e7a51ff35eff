"""A direction that changes with time, drawn as a line from a fixed point (the Sun's direction
over a landing site): ``origin_km`` + ``length_km`` * the unit direction at the clock's time.

>>> import numpy as np
>>> sun = DirectionLayer("Sun", [0, 0, 0], [[1, 0, 0], [0, 1, 0]], et=[0.0, 10.0], length_km=2)
>>> sun.segment_at(0.0).tolist()
[[0.0, 0.0, 0.0], [2.0, 0.0, 0.0]]
"""

from __future__ import annotations

import numpy as np

from ..errors import SceneError
from .events import Evented
from .layer import Layer
from .sampling import check_samples, interp_rows

END_ON_PX = (6.0, 30.0)
"""A line shorter than the first on screen is hidden (with its label); fully drawn from the
second."""


def end_on_alpha(length_px: float) -> float:
    """How much of a line's opacity to keep when it spans ``length_px`` on screen.

    >>> end_on_alpha(2.0), end_on_alpha(18.0), end_on_alpha(100.0)
    (0.0, 0.5, 1.0)
    """
    low, high = END_ON_PX
    if not np.isfinite(length_px):
        return 1.0
    return float(np.clip((length_px - low) / (high - low), 0.0, 1.0))


class DirectionLayer(Layer):
    """A line from ``origin_km`` (3,) along ``directions`` (N, 3) sampled at ``et`` (N,) (or
    one fixed direction (3,)), ``length_km`` long; ``width_px`` wide on screen; ``label``
    (optional) names it at its far end ("to Earth"). The origin may move too (``origin_km``
    (N, 3) at the same ``et``) and the length follow the samples (``lengths_km`` (N,)): a drop
    line from a hopping lander down to the ground.

    Seen end-on a line is a meaningless dot (the line of sight, seen from Earth): viewers fade
    it, and hide its label, as it gets shorter than ``END_ON_PX`` on screen."""

    kind = "direction"
    length_km = Evented(float)
    width_px = Evented(float)
    label = Evented(str)
    font_size_pt = Evented(float)

    def __init__(
        self,
        name: str,
        origin_km,
        directions,
        *,
        et=None,
        length_km: float = 1.0,
        color="#ffd040",
        opacity: float = 1.0,
        visible: bool = True,
        width_px: float = 2.0,
        label: str = "",
        font_size_pt: float = 10.0,
        lengths_km=None,
    ):
        super().__init__(name, visible=visible, color=color, opacity=opacity)
        self.label, self.font_size_pt = label, font_size_pt
        origins = np.asarray(origin_km, dtype=np.float64).reshape(-1, 3)
        d = np.asarray(directions, dtype=np.float64).reshape(-1, 3)
        d = d / np.linalg.norm(d, axis=1, keepdims=True)
        if et is None:
            self.et, self.directions = None, d[:1]
        else:
            self.et, self.directions = check_samples(et, d, f"direction {name!r}")
        n = len(self.directions)
        if len(origins) not in (1, n) or (lengths_km is not None and np.size(lengths_km) != n):
            raise SceneError(
                f"direction {name!r}: one origin or one per sample ({n}), and one length per sample"
            )
        self.origins_km = np.broadcast_to(origins, (n, 3)).copy()
        self.lengths_km = None if lengths_km is None else np.asarray(lengths_km, float).ravel()
        self.length_km, self.width_px = length_km, width_px

    @property
    def origin_km(self) -> np.ndarray:
        """The (first) origin (3,)."""
        return self.origins_km[0]

    def _lengths(self) -> np.ndarray:
        return (
            self.lengths_km
            if self.lengths_km is not None
            else np.full(len(self.directions), self.length_km)
        )

    def tips_km(self) -> np.ndarray:
        """The line's far end at every sample (N, 3)."""
        return self.origins_km + self._lengths()[:, None] * self.directions

    def segment_at(self, et: float) -> np.ndarray:
        """The line's two ends (2, 3) at scene time ``et`` (end values held outside)."""
        if self.et is None:
            return np.stack([self.origins_km[0], self.tips_km()[0]])
        at = np.array([float(et)])
        origin = interp_rows(self.et, self.origins_km, at, outside="hold")[0]
        d = interp_rows(self.et, self.directions, at, outside="hold")[0]
        d = d / np.linalg.norm(d)
        length = float(np.interp(at[0], self.et, self._lengths()))
        return np.stack([origin, origin + length * d])

    def text_at(self, et: float) -> str:
        """The label's text at scene time ``et``."""
        return self.label

    def label_point_at(self, et: float) -> np.ndarray:
        """Where the label goes (3,) at scene time ``et``: the line's far end."""
        return self.segment_at(et)[1]

    def bounds_km(self) -> np.ndarray | None:
        points = np.vstack([self.origins_km, self.tips_km()])
        return np.stack([points.min(axis=0), points.max(axis=0)])
