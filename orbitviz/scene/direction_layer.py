"""A direction that changes with time, drawn as a line from a fixed point (the Sun's direction
over a landing site): ``origin_km`` + ``length_km`` * the unit direction at the clock's time.

>>> import numpy as np
>>> sun = DirectionLayer("Sun", [0, 0, 0], [[1, 0, 0], [0, 1, 0]], et=[0.0, 10.0], length_km=2)
>>> sun.segment_at(0.0).tolist()
[[0.0, 0.0, 0.0], [2.0, 0.0, 0.0]]
"""

from __future__ import annotations

import numpy as np

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
    (optional) names it at its far end ("to Earth").

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
    ):
        super().__init__(name, visible=visible, color=color, opacity=opacity)
        self.label, self.font_size_pt = label, font_size_pt
        self.origin_km = np.asarray(origin_km, dtype=np.float64).reshape(3)
        d = np.asarray(directions, dtype=np.float64).reshape(-1, 3)
        d = d / np.linalg.norm(d, axis=1, keepdims=True)
        if et is None:
            self.et, self.directions = None, d[:1]
        else:
            self.et, self.directions = check_samples(et, d, f"direction {name!r}")
        self.length_km, self.width_px = length_km, width_px

    def tips_km(self) -> np.ndarray:
        """The line's far end at every sample (N, 3)."""
        return self.origin_km + self.length_km * self.directions

    def segment_at(self, et: float) -> np.ndarray:
        """The line's two ends (2, 3) at scene time ``et`` (end values held outside)."""
        if self.et is None:
            d = self.directions[0]
        else:
            d = interp_rows(self.et, self.directions, np.array([float(et)]), outside="hold")[0]
            d = d / np.linalg.norm(d)
        return np.stack([self.origin_km, self.origin_km + self.length_km * d])

    def bounds_km(self) -> np.ndarray:
        points = np.vstack([self.origin_km, self.tips_km()])
        return np.stack([points.min(axis=0), points.max(axis=0)])
