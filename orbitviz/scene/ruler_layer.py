"""A ruler: the line between two objects of a scene (bodies, markers), with their distance, both
ends following the clock.

>>> import numpy as np
>>> from orbitviz.scene import MarkerLayer, SphereLayer
>>> earth = SphereLayer("Earth", 6378.1366, opacity=1.0, lit=True)
>>> rock = MarkerLayer("rock", [[0, 0, 0], [0, 60000.0, 0]], et=[0.0, 10.0], labels=["rock"])
>>> ruler = RulerLayer("ruler", RulerEnd(earth), RulerEnd(rock))
>>> ruler.text_at(5.0)
'Earth \u2013 rock: 30,000 km (4.70 Earth radii)'
>>> distance_text(1.5e6), distance_text(0.1234)
('1,500,000 km (3.902 LD)', '0.123 km')
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np

from ..errors import SceneError
from ..units import AU_KM, LD_KM
from .direction_layer import DirectionLayer
from .layer import Layer

RADII_BELOW_KM = 100_000.0  # closer than this a distance reads in the body's radii, then in LD


def distance_text(dist_km: float, body: tuple[str, float] | None = None) -> str:
    """A distance in km, with radii of ``body`` (its name and radius in km, when the ruler
    starts or ends at a body) under 100,000 km, lunar distances under 0.05 au, or
    astronomical units beside it."""
    d = float(dist_km)
    km = f"{d:,.0f} km" if d >= 100.0 else f"{d:,.3f} km"
    if d < RADII_BELOW_KM:
        return f"{km} ({d / body[1]:.2f} {body[0]} radii)" if body else km
    if d < 0.05 * AU_KM:
        return f"{km} ({d / LD_KM:.3f} LD)"
    return f"{km} ({d / AU_KM:.4f} au, {d / LD_KM:,.0f} LD)"


@dataclass(frozen=True)
class RulerEnd:
    """One end of a ruler: a sphere's centre, or point ``index`` of a marker layer (a moving
    marker has one)."""

    layer: Layer
    index: int = 0

    def __post_init__(self):
        if self.layer.kind not in ("sphere", "markers"):
            raise SceneError(
                f"a ruler measures between bodies and markers, not a {self.layer.kind} layer "
                f"({self.layer.name!r})"
            )

    @property
    def name(self) -> str:
        """The object's name: a marker's label, else its layer's name."""
        labels = getattr(self.layer, "labels", None) or []
        text = labels[self.index] if self.index < len(labels) else ""
        return str(text).strip() or self.layer.name

    def position_at(self, et: float) -> np.ndarray:
        """Where the object is (3,) km at scene time ``et``."""
        layer = self.layer
        if layer.kind == "sphere":
            return layer.center_at(et)  # type: ignore[attr-defined]
        return layer.positions_at(et)[self.index]  # type: ignore[attr-defined]


class RulerLayer(DirectionLayer):
    """The line from ``start`` to ``end`` (two :class:`RulerEnd`), labelled at its middle with
    the two names and their distance (:func:`distance_text`) at the clock's time."""

    kind = "ruler"

    def __init__(
        self,
        name: str,
        start: RulerEnd,
        end: RulerEnd,
        *,
        color="#ffe060",
        width_px: float = 1.5,
        font_size_pt: float = 10.0,
    ):
        if start == end:
            raise SceneError("a ruler needs two different objects")
        self.start, self.end = start, end
        super().__init__(
            name,
            [0.0, 0.0, 0.0],
            [1.0, 0.0, 0.0],
            color=color,
            width_px=width_px,
            label=f"{start.name} \u2013 {end.name}",
            font_size_pt=font_size_pt,
        )

    def segment_at(self, et: float) -> np.ndarray:
        return np.stack([self.start.position_at(et), self.end.position_at(et)])

    def distance_km_at(self, et: float) -> float:
        """The distance between the two objects at ``et`` (NaN when one is not shown)."""
        a, b = self.segment_at(et)
        return float(np.linalg.norm(b - a))

    def text_at(self, et: float) -> str:
        """The label: both names and their distance (or that one of them is not there now).

        >>> from orbitviz.scene import MarkerLayer, SphereLayer
        >>> rock = MarkerLayer("rock", [[0, 0, 0], [1, 0, 0]], et=[0.0, 1.0], hold_ends=False)
        >>> RulerLayer("r", RulerEnd(SphereLayer("Earth", 1.0)), RulerEnd(rock)).text_at(5.0)
        'Earth – rock: not both shown at this time'
        """
        distance = self.distance_km_at(et)
        if not np.isfinite(distance):
            return f"{self.label}: not both shown at this time"
        return f"{self.label}: {distance_text(distance, self.body)}"

    @property
    def body(self) -> tuple[str, float] | None:
        """The body (a lit sphere: its name and radius) the distance is also given in radii
        of: the ruler's first end that is one, else None (a marker to a marker, a shell)."""
        for end in (self.start, self.end):
            if end.layer.kind == "sphere" and getattr(end.layer, "lit", False):
                return end.name, float(end.layer.radius_km)  # type: ignore[attr-defined]
        return None

    def label_point_at(self, et: float) -> np.ndarray:
        """Where the label goes: the middle of the line."""
        return self.segment_at(et).mean(axis=0)

    def bounds_km(self) -> None:
        return None  # the objects it measures are in the scene already
