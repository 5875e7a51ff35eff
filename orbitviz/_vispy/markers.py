"""VisPy's Markers, compiled with only the symbols they draw, and drawn in one batch.

VisPy's marker shader picks each pixel's shape from all fifteen symbols (one if-else chain on a
per-marker value), and a software renderer such as llvmpipe runs every branch of a per-pixel
choice: every marker pixel paid for fifteen shapes. :class:`Markers` is VisPy's node whose
shader holds the symbols of its last ``set_data`` only (the same code, the same picture).

:class:`MarkerBatch` draws the markers of every marker layer of a view with one such visual:
each visual costs a software renderer's main thread ~0.35 ms a frame to draw, whatever it
holds, and a flyby or Philae scene has several marker layers of a few points each.
"""

from __future__ import annotations

import numpy as np
from vispy.scene import Node
from vispy.scene.visuals import create_visual_node
from vispy.visuals.markers import MarkersVisual

from . import compat


class SymbolMarkersVisual(MarkersVisual):
    """A ``MarkersVisual`` that recompiles its symbol function when the symbols it draws
    change (``set_data`` and the ``symbol`` setter both come through :meth:`set_data`)."""

    _shaded: frozenset | None = None  # a class attribute: VisPy's visuals are frozen

    def set_data(self, pos=None, *args, symbol="o", **kwargs):
        names = frozenset(["o"] if symbol is None else np.atleast_1d(symbol).tolist())
        if names != self._shaded:
            compat.shade_only_symbols(self, names)
            self._shaded = names
        return super().set_data(pos, *args, symbol=symbol, **kwargs)


Markers = create_visual_node(SymbolMarkersVisual)


class MarkerBatch:
    """One :class:`Markers` visual for the markers of many owners (a view's marker layers),
    drawn on top of the scene (no depth test; the owners hide what bodies hide).

    Each owner keeps a :class:`MarkerGroup` (:meth:`group`) under a node of its own, sets its
    points and style there, and shows or hides that node as usual: a hidden node's markers are
    left out. What changed is handed to VisPy at :meth:`upload`, once a frame. Groups are drawn
    in the order they were made (later ones on top), as separate visuals of the same draw order
    were."""

    def __init__(self, parent, order: int = 0):
        self.node = Node(parent=parent)  # a plain node: no bounds for the camera's ranges
        self.node.order = order
        self.visual = Markers(parent=self.node)
        self.visual.set_gl_state("translucent", depth_test=False)
        self.visual.visible = False
        self._groups: list[MarkerGroup] = []
        self._dirty = False

    def group(self, parent) -> MarkerGroup:
        group = MarkerGroup(self, parent)
        self._groups.append(group)
        return group

    def remove(self, group: MarkerGroup) -> None:
        if group in self._groups:
            self._groups.remove(group)
            self.changed()

    def changed(self) -> None:
        """A group's points, style or visibility changed: :meth:`upload` before the next draw
        (several layers change on one clock tick: one upload, ~0.4 ms, not one each)."""
        self._dirty = True

    def upload(self) -> None:
        """Hand VisPy what the visible groups hold, if anything changed since the last time
        (the canvas calls it just before each frame is drawn)."""
        if not self._dirty:
            return
        self._dirty = False
        shown = [g for g in self._groups if g.node.visible and len(g.points)]
        if not shown:
            self.visual.visible = False
            return
        counts = [len(g.points) for g in shown]
        self.visual.set_data(
            np.concatenate([g.points for g in shown]).astype(np.float32),
            size=np.repeat([g.size_px for g in shown], counts),
            edge_width=1.0,
            face_color=np.repeat([g.face for g in shown], counts, axis=0),
            edge_color=np.repeat([g.edge for g in shown], counts, axis=0),
            symbol=np.repeat([g.symbol for g in shown], counts),
        )
        self.visual.visible = True


class _GroupNode(Node):
    """An owner's node in the scene graph; showing or hiding it shows or hides its markers."""

    _group: MarkerGroup | None = None  # a class attribute: VisPy's nodes are frozen

    @property
    def visible(self):
        return self._visible

    @visible.setter
    def visible(self, value):
        changed = bool(value) != self._visible
        Node.visible.fset(self, value)
        if changed and self._group is not None:
            self._group.batch.changed()


class MarkerGroup:
    """An owner's markers in a :class:`MarkerBatch`: ``set`` them, ``leave`` when done;
    ``node`` is the owner's node (shown or hidden with it)."""

    def __init__(self, batch: MarkerBatch, parent):
        self.batch = batch
        self.node = _GroupNode(parent=parent)
        self.node._group = self
        self.points = np.zeros((0, 3))
        self.size_px, self.symbol = 10.0, "disc"
        self.face = self.edge = (1.0, 1.0, 1.0, 1.0)

    def set(self, points, *, size_px: float, face, edge, symbol: str) -> None:
        """Points (N, 3) in the scene, all of one size (px), colour and symbol (none: N = 0)."""
        self.points = np.asarray(points, dtype=np.float64).reshape(-1, 3)
        self.size_px, self.face, self.edge, self.symbol = float(size_px), face, edge, symbol
        self.batch.changed()

    def leave(self) -> None:
        self.node._group = None
        self.node.parent = None
        self.batch.remove(self)
