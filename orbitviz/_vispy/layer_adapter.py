"""The base of the per-layer adapters: follow a layer's events and the clock, own one node."""

from __future__ import annotations

from orbitviz.scene.events import Event
from orbitviz.scene.layer import Layer


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

    order = 0

    def _build(self, parent):
        raise NotImplementedError

    def _on_layer(self, event: Event) -> None:
        """Redraw after ``layer.<event.type>`` changed."""

    def _on_time(self, et: float) -> None:
        """Follow the scene time."""

    def set_coarse(self, coarse: bool) -> None:
        """Level of detail: draw cheaply while the camera moves (meshes only)."""

    def _on_any(self, event: Event) -> None:
        if event.type == "visible":
            self.node.visible = event.value
            if event.value:
                self._on_time(self.clock.et)
        else:
            self._on_layer(event)
        self.node.update()

    def _on_clock(self, event: Event) -> None:
        if self.layer.visible:
            self._on_time(event.value)

    def close(self) -> None:
        self.layer.events.disconnect(self._on_any)
        self.clock.events.disconnect(self._on_clock)
        self.node.parent = None
