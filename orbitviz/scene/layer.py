"""The base of every layer: a name, visibility, a colour and an opacity, with change events.

Layers hold arrays sampled ahead of time (positions, sun directions) and answer questions about
a scene time ``et`` with numpy; they know nothing of OpenGL.
"""

from __future__ import annotations

import numpy as np

from ..errors import SceneError
from .colors import to_rgba
from .events import EmitterGroup, Evented, declared_events


def _opacity(value) -> float:
    value = float(value)
    if not 0.0 <= value <= 1.0:
        raise SceneError(f"opacity must be within 0..1, got {value}")
    return value


class Layer:
    """One thing shown in a scene. Each :class:`~orbitviz.scene.events.Evented` attribute
    declares an event of its name on ``layer.events`` (here ``visible``, ``color``,
    ``opacity``, ``name``; a subclass adds its own), emitted when the value changes. A layer
    is itself, whatever its name: a scene keeps names unique (renaming one to a name taken
    makes it ``"A [2]"``)."""

    kind = "layer"
    min_view_km = 0.0
    """Drawn only while the view spans at least this many km (its height at the camera's
    centre of interest); 0: at any scale. A layer with one is left out of the scene's bounds
    (what the fitted first view shows): it belongs to a wider view than the scene's own."""
    visible = Evented(bool)
    color = Evented(to_rgba)
    opacity = Evented(_opacity)
    name = Evented(str)

    def __init__(self, name: str, *, visible: bool = True, color="white", opacity: float = 1.0):
        self.events = EmitterGroup(self, declared_events(type(self)))
        self.name = name
        self.visible = visible
        self.color = color
        self.opacity = opacity

    def in_view_range(self, view_km: float) -> bool:
        """Whether a view ``view_km`` high is wide enough for the layer (:attr:`min_view_km`).

        >>> layer = Layer("Mars orbit"); layer.min_view_km = 5e7
        >>> layer.in_view_range(2e6), layer.in_view_range(6e7)
        (False, True)
        """
        return float(view_km) >= self.min_view_km

    def bounds_km(self) -> np.ndarray | None:
        """``[[xmin, ymin, zmin], [xmax, ymax, zmax]]`` of what the layer draws, or None."""
        return None

    def __repr__(self) -> str:
        return f"{type(self).__name__}({self.name!r}, visible={self.visible})"
