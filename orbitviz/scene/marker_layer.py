"""Points: one moving marker interpolated from samples (a lander, an asteroid) or fixed points
with labels (touchdown sites, the closest approach)."""

from __future__ import annotations

import numpy as np

from ..errors import SceneError
from .colors import to_rgba
from .events import Evented
from .layer import Layer
from .sampling import check_samples, interp_rows


class MarkerLayer(Layer):
    """Fixed points ``positions_km`` (K, 3), or, with ``et`` (N,), one point moving through
    ``positions_km`` (N, 3). A moving marker is hidden outside its sampled span unless
    ``hold_ends``. ``labels``: one text per fixed point, or one text for a moving marker.
    ``symbol=None`` draws the labels only (the label of a body that a SphereLayer draws, at
    its centre; ``size_px`` then says how big the thing labelled is on screen).

    >>> import numpy as np
    >>> lander = MarkerLayer("lander", [[0, 0, 0], [2, 0, 0]], et=[0.0, 10.0], labels=["Philae"])
    >>> lander.positions_at(5.0)
    array([[1., 0., 0.]])
    """

    kind = "markers"
    size_px = Evented(float)
    label_color = Evented(to_rgba)
    font_size_pt = Evented(float)

    def __init__(
        self,
        name: str,
        positions_km,
        *,
        et=None,
        labels=None,
        color="yellow",
        opacity: float = 1.0,
        visible: bool = True,
        size_px: float = 10.0,
        symbol: str | None = "disc",
        label_color="white",
        font_size_pt: float = 10.0,
        hold_ends: bool = False,
    ):
        super().__init__(name, visible=visible, color=color, opacity=opacity)
        positions = np.asarray(positions_km, dtype=np.float64).reshape(-1, 3)
        if et is None:
            self.et = None
            self.positions_km = positions
        else:
            self.et, self.positions_km = check_samples(et, positions, f"marker {name!r}")
        self.labels = [str(text) for text in (labels or [])]
        expected = 1 if self.moving else len(self.positions_km)
        if self.labels and len(self.labels) != expected:
            raise SceneError(f"marker {name!r}: {len(self.labels)} labels for {expected} points")
        self.symbol = symbol
        self.hold_ends = bool(hold_ends)
        self._shown_at: tuple | None = None  # (et, hold_ends), positions_at's last answer
        self.size_px, self.label_color, self.font_size_pt = size_px, label_color, font_size_pt

    @property
    def moving(self) -> bool:
        return self.et is not None

    def positions_at(self, et: float) -> np.ndarray:
        """Points (K, 3) shown at scene time ``et``; a moving marker gives (1, 3), NaN when hidden."""
        if not self.moving:
            return self.positions_km
        key = (float(et), self.hold_ends)  # a frame asks 3-4 times (markers, labels, layout)
        if self._shown_at is None or self._shown_at[0] != key:
            point = self.track_at(np.array([key[0]]), hold=self.hold_ends)
            point.flags.writeable = False
            self._shown_at = (key, point)
        return self._shown_at[1]

    def track_at(self, et, *, hold: bool = True) -> np.ndarray:
        """Positions (F, 3) of a moving marker at times ``et`` (F,) (end values held by default)."""
        if self.et is None:  # not moving
            raise SceneError(f"marker {self.name!r} has fixed points, not a track over time")
        return interp_rows(self.et, self.positions_km, et, outside="hold" if hold else "nan")

    def bounds_km(self) -> np.ndarray:
        return np.stack([self.positions_km.min(axis=0), self.positions_km.max(axis=0)])
