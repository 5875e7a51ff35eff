"""The base of the per-layer adapters: follow a layer's events and the clock, own one node."""

from __future__ import annotations

from orbitviz.scene.events import Event
from orbitviz.scene.layer import Layer

# draw order: opaque surfaces, lines (depth-tested), translucent surfaces (depth-tested, not
# written, so what is inside them stays visible), then screen-sized markers and labels on top
OPAQUE, LINES, TRANSLUCENT, MARKERS, LABELS = range(5)


class LayerAdapter:
    """Keeps a VisPy node in sync with a :class:`Layer`.

    Subclasses create ``self.node`` in ``_build()``, redraw what changed in ``_on_layer(event)``
    and follow the scene time in ``_on_time(et)``.
    """

    def __init__(self, layer: Layer, parent, clock, fonts):
        self.layer = layer
        self.clock = clock
        self.fonts = fonts  # the canvas's shared font atlas (a VisPy FontManager)
        self.node = self._build(parent)
        self.node.visible = layer.visible
        self.node.order = self.order
        layer.events.connect(self._on_any)
        clock.events.connect(self._on_clock, "time")
        self._on_time(clock.et)

    order = OPAQUE

    def _build(self, parent):
        raise NotImplementedError

    def _on_layer(self, event: Event) -> None:
        """Redraw after ``layer.<event.type>`` changed."""

    def _on_time(self, et: float) -> None:
        """Follow the scene time."""

    def set_coarse(self, coarse: bool) -> None:
        """Level of detail: draw cheaply while the camera moves (meshes only)."""

    def set_output_size(self, size_px: tuple[int, int]) -> None:
        """Follow the output size (markers and texts grow with its height)."""

    def on_view(self, canvas) -> None:
        """Follow a changed camera or output size, just before a frame is drawn (``canvas``:
        the SceneCanvas, e.g. for projecting points)."""

    def _on_any(self, event: Event) -> None:
        if event.type == "visible":
            self.node.visible = event.value
            if event.value:
                self._on_time(self.clock.et)
        else:
            self._on_layer(event)
            self._update_order()
        self.node.update()

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
        self.layer.events.disconnect(self._on_any)
        self.clock.events.disconnect(self._on_clock)
        self.node.parent = None


class SurfaceAdapter(LayerAdapter):
    """A mesh or a sphere: drawn with the opaque things, or after them when translucent."""

    @property
    def order(self) -> int:
        return TRANSLUCENT if self._alpha < 1.0 else OPAQUE

    @property
    def _alpha(self) -> float:
        return self.layer.color[3] * self.layer.opacity
