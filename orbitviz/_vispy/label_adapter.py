"""The labels of every layer, laid out together on screen.

Label layers (:class:`LabelLayer`), marker labels (:class:`MarkerLayer` ``labels``) and the
labels of directions (:class:`DirectionLayer` ``label``, hidden when the line is seen end-on)
are not drawn at their 3D points: each frame, :class:`ViewLabels` projects their anchors, measures
their texts and asks :func:`orbitviz.scene.layout.place_labels` for boxes that overlap neither
each other nor the overlays (whose boxes the canvas reserves first), preferring boxes clear of
the drawn tracks and markers; it then draws them in canvas pixels, with a leader line where a
label had to move away from its point, and hides what does not fit (lowest priority first).

Priorities: a moving marker's label (the lander, the asteroid) first, then label layers (in
scene order, each layer's texts in order), then fixed markers' labels.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import ClassVar

import numpy as np
from vispy.scene import Node
from vispy.scene.visuals import Line

from orbitviz.scene.direction_layer import END_ON_PX, DirectionLayer
from orbitviz.scene.label_layer import LabelLayer
from orbitviz.scene.layout import Box, Label, ObstacleGrid, place_labels
from orbitviz.scene.marker_layer import MarkerLayer

from .direction_adapter import segment_px
from .layer_adapter import LABELS, LayerAdapter
from .occlusion import hidden
from .overlays import font_pt, set_line, show, ui_scale
from .text_metrics import PAD_PX, text_size_px

MOVING_PRIORITY, LAYER_PRIORITY, FIXED_PRIORITY = 3000.0, 2000.0, 1000.0
LEADER_ALPHA = 0.85


class LabelAdapter(LayerAdapter):
    """A label layer's node: empty, its texts are drawn by the view's :class:`ViewLabels`
    (one layout for the whole view); it keeps the layer in the canvas's adapter set."""

    layer: LabelLayer
    order = LABELS
    handlers: ClassVar[dict[str, str]] = {"font_size_pt": "_ignore"}  # the canvas lays labels out

    def _build(self, parent):
        return Node(parent=parent)


@dataclass(frozen=True)
class LabelSource:
    """Texts of one layer to lay out: ``texts`` (K,) at ``positions_km`` (K, 3) now."""

    layer: str
    texts: list[str]
    positions_km: np.ndarray
    color: tuple
    font_size_pt: float
    priority: float
    gap_px: float
    side: str
    segment_km: np.ndarray | None = None  # a direction's line: hidden with it when end-on


def label_sources(scene, et: float, size_px, view_km: float = np.inf) -> list[LabelSource]:
    """What every visible layer wants labelled at scene time ``et`` in a view ``view_km``
    high (layers meant for wider views say nothing)."""
    ui = max(ui_scale(size_px), 0.5)
    sources = []
    for rank, layer in enumerate(scene.layers):
        if not (layer.visible and layer.in_view_range(view_km)):
            continue
        if isinstance(layer, LabelLayer) and layer.texts:
            r, g, b, a = layer.color
            sources.append(
                LabelSource(
                    layer.name,
                    layer.texts,
                    layer.positions_km,
                    (r, g, b, a * layer.opacity),
                    layer.font_size_pt,
                    LAYER_PRIORITY - rank,
                    5.0 * ui,
                    "right",
                )
            )
        elif isinstance(layer, DirectionLayer) and layer.label:
            r, g, b, a = layer.color
            segment = layer.segment_at(et)
            sources.append(
                LabelSource(
                    layer.name,
                    [layer.text_at(et)],
                    layer.label_point_at(et)[None, :],
                    (r, g, b, a * layer.opacity),
                    layer.font_size_pt,
                    LAYER_PRIORITY - rank,
                    0.5 * layer.width_px * ui + 4.0,
                    "right",
                    segment,
                )
            )
        elif isinstance(layer, MarkerLayer) and layer.labels:
            r, g, b, a = layer.label_color
            sources.append(
                LabelSource(
                    layer.name,
                    layer.labels,
                    layer.positions_at(et)[: len(layer.labels)],
                    (r, g, b, a * layer.opacity),
                    layer.font_size_pt,
                    (MOVING_PRIORITY if layer.moving else FIXED_PRIORITY) - rank,
                    0.5 * layer.size_px * ui + 3.0,
                    "left" if layer.moving else "right",
                )
            )
    return sources


def obstacle_grid(canvas, size_px, *, moving: bool) -> ObstacleGrid:
    """The drawn tracks and markers on screen, as cells labels would rather not cover:
    the fixed ones (``moving=False``, kept while the view stays) or the moving markers."""
    grid = ObstacleGrid(size_px, cell_px=max(3.0, 4.0 * ui_scale(size_px)))
    ui = max(ui_scale(size_px), 0.5)
    et = canvas.scene.clock.et
    for layer in canvas.scene.layers:
        if not layer.visible:
            continue
        if not layer.in_view_range(canvas.view_km):
            continue
        if layer.kind == "trajectory" and not moving:
            grid.add_polyline(canvas.project(layer.drawn_positions_km(et)))
        elif isinstance(layer, MarkerLayer) and layer.moving == moving:
            grid.add_disc(canvas.project(layer.positions_at(et)), 0.5 * layer.size_px * ui)
    return grid


@dataclass(frozen=True)
class ShownLabel:
    """A label as drawn: its text, its box in canvas pixels, its leader line (or None)."""

    layer: str
    index: int
    text: str
    box: Box | None
    leader: tuple | None


class ViewLabels:
    """Draws the labels of every layer of ``canvas.scene`` in canvas pixels (see the module).

    ``shown``: the last layout, one :class:`ShownLabel` per label (``box`` None: hidden)."""

    def __init__(self, parent, texts):
        self.root = Node(parent=parent)
        self.texts = texts.group(anchor_x="left")  # every label, each in its size and colour
        self._leaders = Line(parent=self.root, connect="segments", method="gl", width=1.0)
        self._leaders.set_gl_state("translucent", depth_test=False)
        self._leaders.visible = False
        self._fixed: ObstacleGrid | None = None
        self.shown: list[ShownLabel] = []

    def view_changed(self) -> None:
        """The camera, the size or the layers changed: the drawn tracks moved on screen."""
        self._fixed = None

    def update(self, canvas, reserved: list[Box], frame: Box) -> None:
        size_px, dpi = canvas.size, canvas.dpi
        sources = [
            source
            for source in label_sources(
                canvas.scene, canvas.scene.clock.et, size_px, canvas.view_km
            )
            if source.segment_km is None or segment_px(canvas, source.segment_km) > END_ON_PX[0]
        ]
        if self._fixed is None:
            self._fixed = obstacle_grid(canvas, size_px, moving=False)
        grid = self._fixed.merged(obstacle_grid(canvas, size_px, moving=True))
        labels, texts = [], []
        for source in sources:
            anchors = canvas.project(source.positions_km)
            anchors[hidden(canvas, source.positions_km)] = np.nan  # behind a body: not shown
            size_pt = font_pt(source.font_size_pt, size_px)
            for i, (text, anchor) in enumerate(zip(source.texts, anchors)):
                labels.append(
                    Label(
                        (source.layer, i),
                        (float(anchor[0]), float(anchor[1])),
                        text_size_px(text, size_pt, dpi),
                        priority=source.priority - 1e-3 * i,
                        gap_px=source.gap_px,
                        side=source.side,
                    )
                )
                texts.append(text)
        placed = place_labels(
            labels, frame, reserved=reserved, obstacles=grid, max_leader_px=0.25 * frame.height
        )
        self.shown = [
            ShownLabel(p.key[0], p.key[1], text, p.box, p.leader) for p, text in zip(placed, texts)
        ]
        self._draw(sources, size_px)

    def _draw(self, sources: list[LabelSource], size_px) -> None:
        """The labels in the canvas's text batch, each in its layer's size and colour;
        leader lines in one line visual."""
        wanted = {source.layer: source for source in sources}
        drawn = [
            (label, wanted[label.layer])
            for label in self.shown
            if label.box is not None and label.layer in wanted
        ]
        self.texts.set(
            [label.text for label, _ in drawn],
            [(label.box.x0 + PAD_PX, (label.box.y0 + label.box.y1) / 2.0) for label, _ in drawn],
            [font_pt(source.font_size_pt, size_px) for _, source in drawn],
            [source.color for _, source in drawn] or (1.0, 1.0, 1.0, 1.0),
        )
        segments, colors = [], []
        for label in self.shown:
            source = wanted.get(label.layer)
            if label.box is None or label.leader is None or source is None:
                continue
            r, g, b, a = source.color
            (ax, ay), (bx, by) = label.leader
            d = np.hypot(bx - ax, by - ay) or 1.0
            start = (ax + (bx - ax) * source.gap_px / d, ay + (by - ay) * source.gap_px / d)
            segments += [start, (bx, by)]
            colors += [(r, g, b, a * LEADER_ALPHA)] * 2
        show(self._leaders, bool(segments))
        if segments:
            set_line(self._leaders, pos=np.array(segments), color=np.array(colors))

    def close(self) -> None:
        self.root.parent = None
