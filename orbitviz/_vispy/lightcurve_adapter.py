"""LightCurveLayer -> a 2D panel drawn over the 3D view, in canvas pixels.

The canvas docks the panel (:func:`orbitviz.scene.layout.dock_bottom`) in its one layout of
the view and hands it its box (:meth:`LightCurveAdapter.place`); everything else follows the
layer and the clock: the window of time shown, the points and the model in it, the transits
shaded in their planets' colours with their labels, the cursor at the clock's time, the tick
labels, and the overview strip with the window's bracket. Drawn in the window, in videos and
in the notebook alike: it is part of the canvas.
"""

from __future__ import annotations

from typing import ClassVar

import numpy as np
from vispy.scene import Node
from vispy.scene.visuals import Line, Mesh

from orbitviz.scene.layout import Box
from orbitviz.scene.lightcurve_layer import LightCurveLayer, PlotArea, panel_areas, ticks

from .layer_adapter import PanelAdapter
from .markers import Markers
from .overlays import font_pt, ui_scale
from .text_batch import TextBatch
from .text_metrics import PAD_PX, line_height_px, text_width_px

BACKGROUND = (0.0, 0.0, 0.0, 1.0)
FRAME = (0.55, 0.55, 0.55, 1.0)
GRID = (0.35, 0.35, 0.35, 0.6)
TEXT = (0.85, 0.85, 0.85, 1.0)
CURSOR = (1.0, 0.82, 0.25, 1.0)
SPAN_ALPHA = 0.22
FONT_PT = 9.0  # at 720 px high, like the other overlays
X_TICK_PX = 110.0  # about one time label per this many pixels


def _overlay(node):
    node.set_gl_state("translucent", depth_test=False)
    return node


def _quads(x0, x1, y0, y1) -> tuple[np.ndarray, np.ndarray]:
    """Vertices (4K, 3) and faces (2K, 3) of K axis-aligned rectangles."""
    x0, x1, y0, y1 = (np.atleast_1d(np.asarray(v, dtype=np.float64)) for v in (x0, x1, y0, y1))
    n = len(x0)
    y0, y1 = np.broadcast_to(y0, (n,)), np.broadcast_to(y1, (n,))
    corners = np.stack(
        [np.c_[x0, y0], np.c_[x1, y0], np.c_[x1, y1], np.c_[x0, y1]], axis=1
    ).reshape(-1, 2)
    base = 4 * np.arange(n)[:, None]
    faces = (base + np.array([[0, 1, 2], [0, 2, 3]]).reshape(1, 6)).reshape(-1, 3)
    return np.c_[corners, np.zeros(len(corners))].astype(np.float32), faces.astype(np.uint32)


def _outline(box: Box) -> np.ndarray:
    return np.array(
        [[box.x0, box.y0], [box.x1, box.y0], [box.x1, box.y1], [box.x0, box.y1], [box.x0, box.y0]]
    )


def _decimals(step: float) -> int:
    return max(0, int(-np.floor(np.log10(step) + 1e-9))) if step > 0 else 0


class LightCurveAdapter(PanelAdapter):
    """The light-curve panel: a :class:`PanelAdapter`, so the canvas parents it to its
    overlays (not to the 3D scene) and docks it (:meth:`panel_height`, :meth:`place`)."""

    layer: LightCurveLayer
    handlers: ClassVar[dict[str, str]] = {
        "window_s": "_restyle",
        "overview": "_restyle",
        "point_size_px": "_restyle",
        "model_color": "_restyle",
        # where the panel sits: the canvas docks it anew and places it in its new box
        "height_frac": "_ignore",
        "placement": "_ignore",
    }

    def _build(self, parent):
        self._box: Box | None = None
        self._size = (1280, 720)
        self._dpi = 96.0
        self._drawn = None  # what the window parts show now (skip a redraw of the same)
        self.areas: dict[str, Box] = {}
        self.plot_area: PlotArea | None = None
        self.overview_area: PlotArea | None = None
        node = Node(parent=parent)
        self.background = _overlay(Mesh(parent=node, color=BACKGROUND))
        self.spans = _overlay(Mesh(parent=node))
        self.grid = _overlay(Line(parent=node, color=GRID, connect="segments", method="gl"))
        self.envelope = _overlay(Line(parent=node, connect="segments", method="gl"))
        self.points = _overlay(Markers(parent=node))
        self.model = _overlay(Line(parent=node, method="gl", width=1.5))
        self.frame = _overlay(Line(parent=node, color=FRAME, connect="segments", method="gl"))
        self.marks = _overlay(Line(parent=node, connect="segments", method="gl", width=2.0))
        self.bracket = _overlay(Line(parent=node, color=CURSOR, method="gl", width=1.0))
        self.cursor = _overlay(Line(parent=node, color=CURSOR, method="gl", width=2.0))
        batch = TextBatch(parent=node, font_manager=self.fonts)  # the panel's texts: one draw
        batch.order = 1
        anchors = {"title": "left", "legend": "left", "x_ticks": "center", "y_ticks": "right"}
        anchors["labels"] = "center"
        self.texts = {name: batch.group(anchor_x=anchor) for name, anchor in anchors.items()}
        for child in node.children:
            child.visible = False
        return node

    # -- the canvas's side -------------------------------------------------------------------
    def set_output_size(self, size_px) -> None:
        self._size = (int(size_px[0]), int(size_px[1]))

    def panel_height(self, size_px) -> float:
        """The height (px) the panel asks for in a view of ``size_px``."""
        return float(self.layer.height_frac * size_px[1])

    def place(self, box: Box | None, dpi: float = 96.0) -> None:
        """Draw in ``box`` (canvas pixels; None: nothing to draw)."""
        if box == self._box and dpi == self._dpi:
            return
        self._box, self._dpi = box, float(dpi)
        self._drawn = None
        for child in self.node.children:
            child.visible = box is not None
        if box is not None:
            self._draw_static()
            self._draw_window(self.clock.et)

    def time_at(self, x_px: float, y_px: float) -> float | None:
        """The scene time under a pixel of the plot or the overview strip (a click there
        moves the clock), or None."""
        for area in (self.plot_area, self.overview_area):
            if (
                area is not None
                and area.box.x0 <= x_px <= area.box.x1
                and (area.box.y0 <= y_px <= area.box.y1)
            ):
                first, last = self.layer.span_et
                return min(max(area.et_at(x_px), first), last)
        return None

    # -- events ---------------------------------------------------------------------------
    def _restyle(self, event) -> None:
        if self._box is not None:
            self._drawn = None
            self._draw_static()
            self._draw_window(self.clock.et)

    def _on_time(self, et: float) -> None:
        if self._box is not None:
            self._draw_window(et)

    # -- drawing --------------------------------------------------------------------------
    @property
    def _font_pt(self) -> float:
        return font_pt(FONT_PT, self._size)

    @property
    def _alpha(self) -> float:
        return self.layer.opacity

    def _faded(self, rgba) -> tuple:
        r, g, b, a = rgba
        return (r, g, b, a * self._alpha)

    def _draw_static(self) -> None:
        """The background, the title and legend, the frame and the overview's curve."""
        layer, box = self.layer, self._box
        pt, dpi = self._font_pt, self._dpi
        line_px = line_height_px(pt, dpi)
        label_px = text_width_px("-10,000", pt, dpi) + 2 * PAD_PX
        pad = max(3.0, 4.0 * ui_scale(self._size))
        self.areas = panel_areas(
            box, line_px=line_px, label_px=label_px, overview=layer.overview, pad_px=pad
        )
        vertices, faces = _quads(box.x0, box.x1, box.y0, box.y1)
        self.background.set_data(vertices=vertices, faces=faces, color=self._faded(BACKGROUND))
        title = self.areas["title"]
        self._text("title", [layer.title], [(title.x0, 0.5 * (title.y0 + title.y1))])
        self._legend(title)
        plot = self.areas["plot"]
        outlines = [_outline(plot)]
        strip = self.areas.get("overview")
        self.overview_area = None
        if strip is not None:
            outlines.append(_outline(strip))
            self._draw_overview(strip)
        segments = np.concatenate([np.repeat(o, 2, axis=0)[1:-1] for o in outlines])
        self.frame.set_data(pos=segments, color=self._faded(FRAME), width=1.0)
        self.envelope.visible = strip is not None

    def _legend(self, title: Box) -> None:
        """Each planet's label in its colour, right-aligned on the title line."""
        series = self.layer.transits
        if not series:
            self.texts["legend"].visible = False
            return
        pt, dpi = self._font_pt, self._dpi
        widths = np.array([text_width_px(s.label, pt, dpi) for s in series])
        gap = text_width_px("  ", pt, dpi)
        x = title.x1 - np.cumsum((widths + gap)[::-1])[::-1]
        self._text(
            "legend",
            [s.label for s in series],
            np.c_[x, np.full(len(series), 0.5 * (title.y0 + title.y1))],
            colors=[self._faded(s.color) for s in series],
        )

    def _draw_overview(self, strip: Box) -> None:
        """The whole light curve in ``strip``: each pixel column's lowest to highest point."""
        layer = self.layer
        first, last = layer.span_et
        deepest = max((s.depth for s in layer.transits), default=0.0)
        base = 4.0 * max(layer.noise, 1e-6)
        area = PlotArea(strip.inset(1.0), first, last, 1.0 - deepest - base, 1.0 + base)
        self.overview_area = area
        columns = np.clip(area.x(layer.et).astype(int), int(strip.x0), int(strip.x1))
        starts = np.r_[0, np.nonzero(np.diff(columns))[0] + 1]
        lows = np.minimum.reduceat(layer.flux, starts)
        highs = np.maximum.reduceat(layer.flux, starts)
        x = columns[starts] + 0.5
        y_low = np.clip(area.y(lows), strip.y0, strip.y1)
        y_high = np.clip(area.y(highs), strip.y0, strip.y1) - 0.5  # a point is a pixel at least
        pos = np.stack([np.c_[x, y_low], np.c_[x, y_high]], axis=1).reshape(-1, 2)
        colors = np.tile(self._faded(layer.color), (len(pos), 1))
        # each transit: a tick of its planet's colour from the strip's top
        tick = max(3.0, 0.3 * strip.height)
        for series in layer.transits:
            if len(series.mid_et):
                tx = np.repeat(area.x(series.mid_et), 2)
                ty = np.tile([strip.y0, strip.y0 + tick], len(series.mid_et))
                pos = np.concatenate([pos, np.c_[tx, ty]])
                colors = np.concatenate([colors, np.tile(self._faded(series.color), (len(tx), 1))])
        self.envelope.set_data(pos=pos, color=colors, width=1.0)

    def _draw_window(self, et: float) -> None:
        """What follows the clock: the window's points, model, transits and ticks, the
        cursor and the overview's bracket."""
        layer = self.layer
        t0, t1 = layer.window_at(et)
        lo, hi = layer.flux_range_at(et)
        key = (t0, t1, lo, hi, self._box, self._alpha)
        plot = self.areas["plot"]
        if key != self._drawn:
            self._drawn = key
            self.plot_area = area = PlotArea(plot, t0, t1, lo, hi)
            self._draw_points(area)
            self._draw_transits(area)
            self._draw_ticks(area)
        area = self.plot_area
        x = float(np.clip(area.x(et), plot.x0, plot.x1))
        self.cursor.set_data(pos=np.array([[x, plot.y0], [x, plot.y1]]), color=self._faded(CURSOR))
        if self.overview_area is not None:
            # the window's bracket in the strip, with a tick at the clock's time
            ov = self.overview_area
            top, bottom = ov.box.y0, ov.box.y1
            bx0, cx = float(ov.x(t0)), float(ov.x(et))
            bx1 = max(float(ov.x(t1)), bx0 + 2.0)
            xs = [bx0, bx0, cx, cx, cx, bx1, bx1]
            ys = [bottom, top, top, bottom, top, top, bottom]
            self.bracket.set_data(pos=np.c_[xs, ys], color=self._faded(CURSOR))
        self.bracket.visible = self.overview_area is not None

    def _draw_points(self, area: PlotArea) -> None:
        layer, box = self.layer, area.box
        shown = layer.visible_points(area.t0_et, area.t1_et)
        xy = np.c_[area.x(layer.et[shown]), area.y(layer.flux[shown])]
        inside = (xy[:, 1] >= box.y0) & (xy[:, 1] <= box.y1)
        xy = xy[inside]
        size = max(1.5, layer.point_size_px * ui_scale(self._size))
        self.points.visible = len(xy) > 0
        if len(xy):
            self.points.set_data(
                pos=xy, size=size, edge_width=0.0, face_color=self._faded(layer.color)
            )
        model = layer.visible_model(area.t0_et, area.t1_et)
        self.model.visible = model.stop - model.start > 1
        if self.model.visible:
            mx = np.clip(area.x(layer.model_et[model]), box.x0, box.x1)
            my = np.clip(area.y(layer.model_flux[model]), box.y0, box.y1)
            self.model.set_data(
                pos=np.c_[mx, my],
                color=self._faded(layer.model_color),
                width=max(1.0, 1.5 * ui_scale(self._size)),
            )

    def _draw_transits(self, area: PlotArea) -> None:
        """Each transit in the window: a span in its planet's colour, a tick at mid-transit
        and the planet's label above the plot."""
        layer, box = self.layer, area.box
        x0s, x1s, colors, ticks_xy, tick_colors, labels, label_xy, label_colors = (
            [], [], [], [], [], [], [], []
        )  # fmt: skip
        label_y = box.y0 - 0.5 * line_height_px(self._font_pt, self._dpi)
        tick_px = max(4.0, 6.0 * ui_scale(self._size))
        for series in layer.transits:
            half = 0.5 * series.duration_s
            mids = series.mid_et[
                (series.mid_et + half >= area.t0_et) & (series.mid_et - half <= area.t1_et)
            ]
            if not len(mids):
                continue
            r, g, b, a = self._faded(series.color)
            x0s.append(np.clip(area.x(mids - half), box.x0, box.x1))
            x1s.append(np.clip(area.x(mids + half), box.x0, box.x1))
            colors += [(r, g, b, a * SPAN_ALPHA)] * len(mids)
            for x in area.x(mids):
                if box.x0 <= x <= box.x1:
                    ticks_xy += [(x, box.y0), (x, box.y0 + tick_px)]
                    tick_colors += [(r, g, b, a)] * 2
                    labels.append(series.label)
                    label_xy.append((x, label_y))
                    label_colors.append((r, g, b, a))
        self.spans.visible = bool(x0s)
        if x0s:
            vertices, faces = _quads(np.concatenate(x0s), np.concatenate(x1s), box.y0, box.y1)
            self.spans.set_data(
                vertices=vertices, faces=faces, face_colors=np.repeat(np.array(colors), 2, axis=0)
            )
        self.marks.visible = bool(ticks_xy)
        if ticks_xy:
            self.marks.set_data(pos=np.array(ticks_xy), color=np.array(tick_colors))
        self._text("labels", labels, label_xy, colors=label_colors)

    def _draw_ticks(self, area: PlotArea) -> None:
        """Time labels under the plot (``time_axis`` values), relative flux in ppm left of it,
        and faint grid lines at the flux ticks."""
        layer, box = self.layer, area.box
        axis = layer.time_axis
        v0, v1 = axis.value(area.t0_et), axis.value(area.t1_et)
        count = max(2, int(box.width // (X_TICK_PX * max(ui_scale(self._size), 0.5))))
        values = ticks(float(v0), float(v1), count)
        step = values[1] - values[0] if len(values) > 1 else 1.0
        digits = _decimals(step)
        xs = area.x(values * axis.unit_s + axis.offset_et)
        row = self.areas["x_labels"]
        self._text(
            "x_ticks",
            [f"{v:,.{digits}f}" for v in values],
            np.c_[xs, np.full(len(values), 0.5 * (row.y0 + row.y1))],
        )
        ppm = ticks((area.lo - 1.0) * 1e6, (area.hi - 1.0) * 1e6, 4)
        ys = area.y(1.0 + ppm * 1e-6)
        column = self.areas["y_labels"]
        self._text(
            "y_ticks",
            [f"{v:,.0f}" for v in ppm],
            np.c_[np.full(len(ppm), column.x1), ys],
        )
        grid = np.stack(
            [np.c_[np.full(len(ys), box.x0), ys], np.c_[np.full(len(ys), box.x1), ys]], 1
        )
        tick_marks = np.stack(
            [np.c_[xs, np.full(len(xs), box.y1)], np.c_[xs, np.full(len(xs), box.y1 - 4.0)]], 1
        )
        segments = np.concatenate([grid.reshape(-1, 2), tick_marks.reshape(-1, 2)])
        self.grid.set_data(pos=segments, color=self._faded(GRID), width=1.0)

    def _text(self, name: str, strings, positions, *, colors=None) -> None:
        group = self.texts[name]
        strings = list(strings)
        group.visible = bool(strings) and self._box is not None
        if not strings:
            return
        group.set(
            strings,
            np.asarray(positions, dtype=np.float64).reshape(-1, 2),
            self._font_pt,
            colors if colors is not None else self._faded(TEXT),
        )
