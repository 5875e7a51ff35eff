"""Screen-space overlays: corner texts (title, readouts, one line of credits), a km scale bar
and an axes triad that turns with the camera. Each measures the block it needs; the canvas
stacks the blocks into the corners (:func:`orbitviz.scene.layout.stack_corners`) before any
label is placed, and hands each its box. Everything is in canvas pixels (x right, y down)."""

from __future__ import annotations

import math
import weakref

import numpy as np
from vispy.color import Color
from vispy.scene.visuals import Line

from orbitviz.scene.cameras import CameraState, eye_offsets
from orbitviz.scene.layout import Box, ellipsize

from .text_metrics import PAD_PX, line_height_px, text_width_px

AXIS_COLORS = ((0.95, 0.3, 0.3, 1.0), (0.3, 0.9, 0.3, 1.0), (0.35, 0.55, 1.0, 1.0))
REFERENCE_SIZE_PX = (1280, 720)  # font and marker sizes are given for this output height
CREDIT_SEPARATOR = " \u00b7 "
SCALE_BAR_SHARE = 0.2  # the bar is at most this share of the width


def ui_scale(size_px: tuple[int, int]) -> float:
    """How much overlay fonts and margins grow with the output height (1 at 720 px)."""
    return size_px[1] / REFERENCE_SIZE_PX[1]


def margin_px(size_px: tuple[int, int]) -> float:
    return max(4.0, 10.0 * ui_scale(size_px))


def font_pt(base_pt: float, size_px: tuple[int, int]) -> float:
    """``base_pt`` scaled with the output height, never below half of it or 5 pt."""
    return max(base_pt * ui_scale(size_px), 0.5 * base_pt, 5.0)


def nice_length(limit: float) -> float:
    """The largest 1, 2 or 5 x 10^n not above ``limit`` (> 0)."""
    exponent = math.floor(math.log10(limit))
    for mantissa in (5.0, 2.0, 1.0):
        if mantissa * 10.0**exponent <= limit:
            return mantissa * 10.0**exponent
    return 10.0**exponent


def format_km(length_km: float) -> str:
    if length_km >= 1.0:
        return f"{length_km:,.0f} km"
    if length_km >= 1e-3:
        return f"{length_km * 1000:.0f} m"
    return f"{length_km * 1e5:.0f} cm"


def screen_axes(camera: CameraState) -> np.ndarray:
    """Unit x, y, z axes as seen on screen: (3, 2) pixel directions (y down)."""
    forward = -eye_offsets(camera.azimuth_deg, camera.elevation_deg, 1.0)
    right = np.cross(forward, (0.0, 0.0, 1.0))
    norm = np.linalg.norm(right)
    if norm > 1e-9:
        right = right / norm
    else:
        azimuth = math.radians(camera.azimuth_deg)
        right = np.array([math.cos(azimuth), math.sin(azimuth), 0.0])
    up = np.cross(right, forward)
    return np.stack([right, -up], axis=1)  # row k: (right . e_k, -up . e_k)


def _overlay(node):
    node.set_gl_state("translucent", depth_test=False)
    return node


_LINE_DATA: weakref.WeakKeyDictionary = weakref.WeakKeyDictionary()


def set_line(line, **data) -> None:
    """``line.set_data(**data)``, unless the line already holds exactly that data: overlays and
    leader lines are laid out again every frame of a moving view and mostly land where they
    were, and VisPy's Line uploads its vertices again after every ``set_data``."""
    held = _LINE_DATA.get(line)
    if (
        held is not None
        and held.keys() == data.keys()
        and all(np.array_equal(held[key], value) for key, value in data.items())
    ):
        return
    line.set_data(**data)
    _LINE_DATA[line] = data


def show(node, visible: bool) -> None:
    """Show or hide a VisPy node, asking for a redraw only when that changes (VisPy's own
    setter asks every time)."""
    if node.visible != bool(visible):
        node.visible = bool(visible)


class CornerText:
    """Lines of text for one corner (``top-left``, ``top-right`` or ``bottom-left``), each
    cut to the width it is given with an ellipsis. ``font_size_pt`` is the size at 720 px
    height (it scales with the height)."""

    def __init__(self, texts, corner: str, font_size_pt: float = 11.0, color="white"):
        self.corner, self.base_pt = corner, font_size_pt
        self.right = corner.endswith("right")
        self.color = Color(color).rgba
        self.text = texts.group(anchor_x="right" if self.right else "left")
        self.lines: list[str] = []
        self._fitted: tuple = ()

    def fit(self, lines, max_width_px: float, size_px, dpi: float) -> tuple[float, float]:
        """Keep the non-empty ``lines``, each ellipsized to ``max_width_px``; returns the
        block (w, h) they take (0, 0 when none)."""
        self.size_pt = font_pt(self.base_pt, size_px)
        self.dpi = dpi
        key = (tuple(lines), max_width_px, self.size_pt, dpi)
        if key != self._fitted:  # the same lines again (the title, each frame): as they were
            fitted = [
                ellipsize(line, max_width_px, self._width)
                for line in lines
                if line and line.strip()
            ]
            self.lines = [line for line in fitted if line]
            self.line_px = line_height_px(self.size_pt, dpi)
            self._block = (
                (max(self._width(line) for line in self.lines), self.line_px * len(self.lines))
                if self.lines
                else (0.0, 0.0)
            )
            self._fitted = key
        return self._block

    def _width(self, text: str) -> float:
        return text_width_px(text, self.size_pt, self.dpi)

    def place(self, box: Box | None) -> None:
        self.text.visible = box is not None and bool(self.lines)
        if not self.text.visible:
            return
        rows = box.y0 + (np.arange(len(self.lines)) + 0.5) * self.line_px
        x = box.x1 - PAD_PX if self.right else box.x0 + PAD_PX
        self.text.set(self.lines, np.c_[np.full(len(rows), x), rows], self.size_pt, self.color)


def credit_line(entries) -> str:
    """The credits (and notes) as one line."""
    return CREDIT_SEPARATOR.join(entry.strip() for entry in entries if entry and entry.strip())


class ScaleBar:
    """A horizontal bar of a round number of km with its length above it.

    The length is exact where the bar is drawn: on the plane through the camera's centre of
    interest, facing the camera (the plane the view is framed on; a perspective camera has
    the same scale all over such a plane, smaller in front of it, larger behind it). The
    canvas measures it by unprojecting the bar's ends onto that plane
    (:meth:`SceneCanvas.km_between`), so it holds for any size, field of view and camera.
    """

    font_size_pt = 10.0  # at 720 px height

    def __init__(self, parent, texts, color="white"):
        self.line = _overlay(Line(parent=parent, color=color, width=2.0, method="gl"))
        self.color = Color(color).rgba
        self.label = texts.group(anchor_x="center")
        self.length_km = self.length_px = math.nan

    def block(self, size_px, dpi: float) -> tuple[float, float]:
        """The box (w, h) it needs at ``size_px``."""
        ui = ui_scale(size_px)
        self.size_pt = font_pt(self.font_size_pt, size_px)
        self.text_px = line_height_px(self.size_pt, dpi)
        self.tick_px = max(2.0, 4.0 * ui)
        self.dpi = dpi
        label_px = text_width_px("1,000,000 km", self.size_pt, dpi)
        return max(SCALE_BAR_SHARE * size_px[0], label_px), self.text_px + self.tick_px + 2.0

    def place(self, box: Box | None, km_between, size_px) -> float:
        """Draw it in ``box`` (right-aligned); ``km_between(p0, p1)``: km between two pixels
        on the plane it measures. Returns its length in km (NaN when hidden)."""
        self.visible = box is not None
        if box is None:
            return math.nan
        y = box.y1 - 1.0
        x1 = box.x1
        probe = min(box.width, SCALE_BAR_SHARE * size_px[0])
        km = km_between((x1 - probe, y), (x1, y))
        if not (np.isfinite(km) and km > 0):
            self.visible = False
            return math.nan
        length_km = nice_length(km)
        length_px = probe * length_km / km
        x0 = x1 - length_px
        ui = ui_scale(size_px)
        tick = self.tick_px
        set_line(
            self.line,
            pos=np.array([[x0, y - tick], [x0, y], [x1, y], [x1, y - tick]]),
            width=max(1.0, 2.0 * ui),
        )
        anchor = ((x0 + x1) / 2.0, box.y0 + self.text_px / 2.0)
        self.label.set([format_km(length_km)], [anchor], self.size_pt, self.color)
        self.length_km, self.length_px, self.ends_px = length_km, length_px, ((x0, y), (x1, y))
        return length_km

    @property
    def visible(self) -> bool:
        return self.line.visible

    @visible.setter
    def visible(self, value: bool) -> None:
        show(self.line, value)
        self.label.visible = value


class AxesTriad:
    """x (red), y (green), z (blue) of the scene frame, turning with the camera (its block
    holds the axes in any direction, with their letters)."""

    font_size_pt = 9.0
    length_at_720_px = 36.0

    def __init__(self, parent, texts):
        colors = np.repeat(np.asarray(AXIS_COLORS), 2, axis=0)
        self.lines = _overlay(
            Line(parent=parent, color=colors, width=2.0, connect="segments", method="gl")
        )
        self.letters = texts.group(anchor_x="center")
        self.box: Box | None = None

    def block(self, size_px, dpi: float) -> tuple[float, float]:
        ui = max(ui_scale(size_px), 0.5)
        self.length_px = self.length_at_720_px * ui
        self.size_pt = font_pt(self.font_size_pt, size_px)
        self.letter_px = line_height_px(self.size_pt, dpi)
        side = 2.0 * (self.length_px + self.letter_px)
        return side, side

    def place(self, box: Box | None, camera: CameraState) -> None:
        self.box = box
        self.visible = box is not None
        if box is None:
            return
        origin = np.array([(box.x0 + box.x1) / 2.0, (box.y0 + box.y1) / 2.0])
        axes = screen_axes(camera)
        tips = origin + axes * self.length_px
        set_line(
            self.lines, pos=np.column_stack([np.repeat(origin[None], 3, 0), tips]).reshape(6, 2)
        )
        letters = origin + axes * (self.length_px + 0.5 * self.letter_px)
        self.letters.set(["x", "y", "z"], letters, self.size_pt, AXIS_COLORS)

    @property
    def visible(self) -> bool:
        return self.lines.visible

    @visible.setter
    def visible(self, value: bool) -> None:
        show(self.lines, value)
        self.letters.visible = value


def _format_limit(value: float) -> str:
    if value != 0 and (abs(value) >= 1e5 or abs(value) < 1e-2):
        return f"{value:.2g}"
    return f"{value:,.0f}" if abs(value) >= 10 else f"{value:.2g}"


class Legend:
    """What the colours mean (:func:`orbitviz.scene.legend.legend_entries`): a short line of
    each track's colour before its name, and for a colour map a bar from its low to its high
    end with the quantity and the range. One line of text per entry."""

    font_size_pt = 9.0
    swatch_em = 2.2  # a line swatch, in ems of the font
    bar_em = 7.0  # a colour bar

    def __init__(self, parent, texts):
        self.lines = _overlay(Line(parent=parent, connect="segments", method="gl", width=2.0))
        self.texts = texts.group(anchor_x="left")
        self.entries: list = []
        self._shown: tuple = ()
        self.visible = False

    def _caption(self, entry) -> str:
        if entry.kind == "bar" and entry.limits is not None:
            low, high = entry.limits
            return f"{_format_limit(low)} \u2013 {_format_limit(high)}  {entry.text}"
        return entry.text

    def block(self, entries, max_width_px: float, size_px, dpi: float) -> tuple[float, float]:
        """The box (w, h) the entries take, each line cut to ``max_width_px``."""
        self.entries = list(entries)
        self.size_pt = font_pt(self.font_size_pt, size_px)
        self.dpi = dpi
        self.line_px = line_height_px(self.size_pt, dpi)
        em = self.size_pt * dpi / 72.0
        self.swatch_px, self.bar_px, self.gap_px = self.swatch_em * em, self.bar_em * em, 0.5 * em
        widths = []
        self.captions = []
        for entry in self.entries:
            lead = (self.bar_px if entry.kind == "bar" else self.swatch_px) + self.gap_px
            room = max_width_px - lead
            caption = ellipsize(self._caption(entry), room, self._width)
            self.captions.append(caption)
            widths.append(lead + self._width(caption) if caption else 0.0)
        if not self.entries or not any(widths):
            return 0.0, 0.0
        return max(widths), self.line_px * len(self.entries)

    def _width(self, text: str) -> float:
        return text_width_px(text, self.size_pt, self.dpi)

    def place(self, box: Box | None) -> None:
        shown = (box, tuple(self.captions), tuple(e.colors for e in self.entries), self.size_pt)
        if box is None or not self.entries:
            self.visible = False
            self._shown = ()
            return
        self.visible = True
        if shown == self._shown:
            return
        self._shown = shown
        segments, colors, texts, anchors = [], [], [], []
        for k, (entry, caption) in enumerate(zip(self.entries, self.captions)):
            y = box.y0 + (k + 0.5) * self.line_px
            x0 = box.x0 + PAD_PX
            width = self.bar_px if entry.kind == "bar" else self.swatch_px
            steps = entry.colors if entry.kind == "bar" else entry.colors * 2
            n = len(steps) - (1 if entry.kind == "line" else 0)
            xs = x0 + width * np.arange(len(steps) + (1 if entry.kind == "bar" else 0)) / max(
                n if entry.kind == "line" else len(steps), 1
            )
            if entry.kind == "line":
                segments += [(x0, y), (x0 + width, y)]
                colors += [steps[0], steps[0]]
            else:  # the bar: one short thick segment per colour step, as tall as the text
                half = 0.3 * self.line_px
                for i, color in enumerate(steps):
                    for xx in np.linspace(xs[i], xs[i + 1], 3)[:-1]:
                        segments += [(xx, y - half), (xx, y + half)]
                        colors += [color, color]
            if caption:
                texts.append(caption)
                anchors.append((x0 + width + self.gap_px, y))
        set_line(self.lines, pos=np.array(segments, float), color=np.array(colors, float))
        self.texts.set(texts, np.array(anchors, float).reshape(-1, 2), self.size_pt)

    @property
    def visible(self) -> bool:
        return self.lines.visible

    @visible.setter
    def visible(self, value: bool) -> None:
        show(self.lines, value)
        self.texts.visible = bool(value)
