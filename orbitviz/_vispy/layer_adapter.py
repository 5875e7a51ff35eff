"""The base of the per-layer adapters: follow a layer's events and the clock, own one node."""

from __future__ import annotations

from collections.abc import Callable
from typing import ClassVar

import numpy as np

from orbitviz.scene.events import Event
from orbitviz.scene.layer import Layer
from orbitviz.scene.layout import Box

# draw order: opaque surfaces, lines (depth-tested), translucent surfaces (depth-tested, not
# written, so what is inside them stays visible), then screen-sized markers and labels on top
OPAQUE, LINES, TRANSLUCENT, MARKERS, LABELS = range(5)


class LayerAdapter:
    """Keeps a VisPy node in sync with a :class:`Layer`.

    Subclasses create ``self.node`` in ``_build()``, follow the scene time in ``_on_time(et)``
    and name one handler per event their layer class declares in ``handlers`` (event ->
    method; the base class's are added): ``_restyle`` redraws what the layer's settings
    change, ``_ignore`` marks an event the node does not show. A misspelt event is an
    AttributeError when the adapter is made.
    """

    handlers: ClassVar[dict[str, str]] = {
        "visible": "_on_visible",
        "color": "_restyle",
        "opacity": "_restyle",
        "name": "_ignore",  # names are label texts: the canvas lays labels out
    }

    def __init__(self, layer: Layer, parent, clock, fonts, markers=None):
        self.layer = layer
        self.clock = clock
        self.fonts = fonts  # the canvas's shared font atlas (a VisPy FontManager)
        self.markers = markers  # the view's MarkerBatch: every marker layer in one visual
        self.node = self._build(parent)
        self.node.visible = layer.visible
        self.node.order = self.order
        self._connections = [
            (getattr(layer.events, event), self._handling(getattr(self, method)))
            for event, method in self.event_handlers().items()
        ]
        for emitter, callback in self._connections:
            emitter.connect(callback)
        clock.events.time.connect(self._on_clock)
        self._on_time(clock.et)

    order = OPAQUE

    @classmethod
    def event_handlers(cls) -> dict[str, str]:
        """Event name -> handler method, this class's over its bases'."""
        out: dict[str, str] = {}
        for klass in reversed(cls.__mro__):
            out.update(vars(klass).get("handlers", {}))
        return out

    def _handling(self, handler: Callable[[Event], None]) -> Callable[[Event], None]:
        def handle(event: Event) -> None:
            handler(event)
            self._update_order()
            self.node.update()

        return handle

    def _build(self, parent):
        raise NotImplementedError

    def _on_visible(self, event: Event) -> None:
        self.node.visible = event.value
        if event.value:
            self._on_time(self.clock.et)

    def _restyle(self, event: Event) -> None:
        """Redraw after one of the layer's settings changed."""

    def _ignore(self, event: Event) -> None:
        """An event the node does not show."""

    def _on_time(self, et: float) -> None:
        """Follow the scene time."""

    def set_coarse(self, coarse: bool) -> None:
        """Level of detail: draw cheaply while the camera moves (meshes only)."""

    def set_output_size(self, size_px: tuple[int, int]) -> None:
        """Follow the output size (markers and texts grow with its height)."""

    def on_view(self, canvas) -> None:
        """Follow a changed camera or output size, just before a frame is drawn (``canvas``:
        the SceneCanvas, e.g. for projecting points)."""

    def on_frame(self, canvas) -> None:
        """Just before a frame whose camera, time or layers changed is drawn, after
        :meth:`on_view`: e.g. hide the markers that a body in front now hides."""

    def _update_order(self) -> None:
        """Apply a changed ``order`` (VisPy keeps its draw order until the scene graph changes,
        so the node is re-attached)."""
        if self.node.order != self.order:
            parent = self.node.parent
            self.node.order = self.order
            self.node.parent = None
            self.node.parent = parent

    def _on_clock(self, event: Event) -> None:
        if self.layer.visible:
            self._on_time(event.value)

    def close(self) -> None:
        for emitter, callback in self._connections:
            emitter.disconnect(callback)
        self.clock.events.time.disconnect(self._on_clock)
        self.node.parent = None


class SurfaceAdapter(LayerAdapter):
    """A mesh or a sphere: drawn with the opaque things, or after them when translucent.

    Translucent surfaces are drawn back to front: :func:`sort_translucent` ranks them by the
    distance from the eye to their far side before each frame (``depth_rank`` in 0..1)."""

    depth_rank = 0.0

    @property
    def order(self) -> float:
        return TRANSLUCENT + self.depth_rank if self._alpha < 1.0 else OPAQUE

    def far_distance(self, eye_km: np.ndarray) -> float:
        """Distance from ``eye_km`` (scene km) to the far side of the node's bounding sphere."""
        centre, radius = self.node.bounding_sphere
        transform = self.node.transform
        centre = np.asarray(centre, dtype=np.float64)
        ends = np.asarray(transform.map(np.stack([centre, centre + [1.0, 0.0, 0.0]])))
        mapped = ends[0, :3] / ends[0, 3]
        scale = float(np.linalg.norm(ends[1, :3] / ends[1, 3] - mapped))  # a uniform scale
        return float(np.linalg.norm(mapped - eye_km) + radius * scale)

    @property
    def _alpha(self) -> float:
        return self.layer.color[3] * self.layer.opacity


class PanelAdapter(LayerAdapter):
    """A 2D panel drawn over the 3D view in canvas pixels (the light curve): the canvas
    parents its node to the overlays (not to the 3D scene), docks it in the view's one layout
    (:meth:`panel_height`, then :meth:`place` with its box) and asks it for the time under a
    click (:meth:`time_at`)."""

    order = LABELS

    def panel_height(self, size_px) -> float:
        """The height (px) the panel asks for in a view of ``size_px``."""
        raise NotImplementedError

    def place(self, box: Box | None, dpi: float = 96.0) -> None:
        """Draw in ``box`` (canvas pixels; None: hidden, nothing to draw)."""
        raise NotImplementedError

    def time_at(self, x_px: float, y_px: float) -> float | None:
        """The scene time under a canvas pixel of the panel, or None."""
        return None


def sort_translucent(adapters, eye_km) -> None:
    """Rank the translucent surfaces among ``adapters`` farthest first (painter's order: each
    is blended over those behind it) and re-attach those whose place changed."""
    surfaces = [
        a for a in adapters if isinstance(a, SurfaceAdapter) and a._alpha < 1.0 and a.node.visible
    ]
    if len(surfaces) < 2:
        return
    surfaces.sort(key=lambda a: -a.far_distance(np.asarray(eye_km, dtype=np.float64)))
    for rank, adapter in enumerate(surfaces):
        adapter.depth_rank = rank / len(surfaces)
        adapter._update_order()
