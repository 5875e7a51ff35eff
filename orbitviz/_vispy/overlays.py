"""Screen-space overlays: corner texts (title, time, readouts, credits), a km scale bar and an
axes triad that turns with the camera. Everything is placed in canvas pixels."""

from __future__ import annotations

import math
import textwrap

import numpy as np
from vispy.scene.visuals import Line, Text

from orbitviz.scene.cameras import CameraState, eye_offsets

AXIS_COLORS = ((0.95, 0.3, 0.3, 1.0), (0.3, 0.9, 0.3, 1.0), (0.35, 0.55, 1.0, 1.0))
REFERENCE_SIZE_PX = (1280, 720)  # font and marker sizes are given for this output height
GLYPH_EM = 0.6  # a generous mean advance of OpenSans glyphs, in em (measured 0.48-0.57)
SCALE_BAR_LABEL_CHARS = 12  # "1,000,000 km"


def ui_scale(size_px: tuple[int, int]) -> float:
    """How much overlay fonts and margins grow with the output height (1 at 720 px)."""
    return size_px[1] / REFERENCE_SIZE_PX[1]


def margin_px(size_px: tuple[int, int]) -> float:
    return max(4.0, 10.0 * ui_scale(size_px))


def font_pt(base_pt: float, size_px: tuple[int, int]) -> float:
    """``base_pt`` scaled with the output height, never below half of it or 5 pt."""
    return max(base_pt * ui_scale(size_px), 0.5 * base_pt, 5.0)


def chars_per_width(width_px: float, font_size_pt: float, dpi: float = 96.0) -> int:
    """How many characters surely fit in ``width_px`` at ``font_size_pt``."""
    return max(int(width_px / (GLYPH_EM * font_size_pt * dpi / 72.0)), 1)


def declutter(xy: np.ndarray, widths_px, line_px: float, max_steps: int = 6) -> np.ndarray:
    """Downward shifts (px) for labels anchored bottom-left at ``xy`` (N, 2; y down) so that
    their boxes (``widths_px`` wide, ``line_px`` high) do not overlap: labels are placed from
    the top of the screen down, each moved a line at a time while it overlaps one already
    placed (at most ``max_steps`` lines). NaN positions (behind the camera) stay put."""
    xy = np.asarray(xy, dtype=float).reshape(-1, 2)
    dy = np.zeros(len(xy))
    placed: list[tuple[float, float, float, float]] = []
    for i in np.argsort(xy[:, 1], kind="stable"):
        x, y = xy[i]
        if not (np.isfinite(x) and np.isfinite(y)):
            continue
        x1 = x + float(widths_px[i])
        for _ in range(max_steps):
            bottom = y + dy[i]
            if not any(
                x < bx1 and bx0 < x1 and bottom - line_px < by1 and by0 < bottom
                for bx0, by0, bx1, by1 in placed
            ):
                break
            dy[i] += line_px
        placed.append((x, y + dy[i] - line_px, x1, y + dy[i]))
    return dy


def fit_lines(lines, width_chars: int, max_lines: int | None = None) -> list[str]:
    """``lines`` wrapped to ``width_chars``; beyond ``max_lines`` every entry is cut to one line
    ending in an ellipsis (and the list, too, when still longer)."""
    entries = [line for line in lines if line]
    wrapped = [part for line in entries for part in textwrap.wrap(line, width_chars)]
    if max_lines is None or len(wrapped) <= max_lines:
        return wrapped
    short = [textwrap.shorten(line, width_chars, placeholder="\u2026") for line in entries]
    return short[: max_lines - 1] + ["\u2026"] if len(short) > max_lines else short


def scale_bar_width_px(size_px: tuple[int, int], dpi: float = 96.0) -> float:
    """Room taken at the bottom right by the scale bar and its label."""
    label = SCALE_BAR_LABEL_CHARS * GLYPH_EM * font_pt(ScaleBar.font_size_pt, size_px) * dpi / 72
    return max(0.2 * size_px[0], label) + margin_px(size_px)


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


def km_per_px(camera: CameraState, size_px: tuple[int, int]) -> float:
    """Size of one pixel at the camera's centre of interest (perspective)."""
    visible_km = 2.0 * camera.distance_km * math.tan(math.radians(camera.fov_deg) / 2.0)
    return visible_km / min(size_px)


def screen_axes(camera: CameraState) -> np.ndarray:
    """Unit x, y, z axes as seen on screen: (3, 2) pixel directions (y down)."""
    forward = -eye_offsets(camera.azimuth_deg, camera.elevation_deg, 1.0)
    right = np.cross(forward, (0.0, 0.0, 1.0))
    norm = np.linalg.norm(right)
    right = (
        right / norm
        if norm > 1e-9
        else np.array(
            [
                math.cos(math.radians(camera.azimuth_deg)),
                math.sin(math.radians(camera.azimuth_deg)),
                0,
            ]
        )
    )
    up = np.cross(right, forward)
    return np.stack([right, -up], axis=1)  # row k: (right . e_k, -up . e_k)


class CornerText:
    """Lines of text stacked from one corner of the canvas, sized for the output.

    ``font_size_pt`` is the size at 720 px height (it scales with the height). The top corners
    share the width (each gets half: a title never runs into the readouts); the bottom-left
    text leaves room for the scale bar and shortens its entries to one line each (with an
    ellipsis) when wrapping them would take more than a fifth of the height.
    """

    def __init__(
        self,
        parent,
        fonts,
        corner: str,
        font_size_pt: float = 11.0,
        color="white",
        dpi: float = 96.0,
    ):
        self.corner, self.base_pt, self.dpi = corner, font_size_pt, dpi
        top = corner.startswith("top")
        self.node = Text(
            parent=parent,
            font_manager=fonts,
            color=color,
            font_size=font_size_pt,
            anchor_x="left" if corner.endswith("left") else "right",
            anchor_y="bottom" if top else "top",
        )  # VisPy: y grows upward
        self.node.set_gl_state("translucent", depth_test=False)
        self.lines: list[str] = []

    def layout(self, size_px: tuple[int, int]) -> tuple[float, float, int | None]:
        """Font size (pt), line step (px) and the maximum number of lines at ``size_px``."""
        size_pt = font_pt(self.base_pt, size_px)
        step = 1.9 * size_pt * self.dpi / 96.0
        top = self.corner.startswith("top")
        return size_pt, step, None if top else max(int(0.2 * size_px[1] / step), 1)

    def width_px(self, size_px: tuple[int, int]) -> float:
        """The width the text may take."""
        w, _ = size_px
        margin = margin_px(size_px)
        if self.corner.startswith("top"):
            return w / 2.0 - 1.5 * margin
        return w - 2.0 * margin - scale_bar_width_px(size_px, self.dpi)

    def set_lines(self, lines, size_px: tuple[int, int]) -> None:
        w, h = size_px
        size_pt, step, max_lines = self.layout(size_px)
        width_chars = chars_per_width(self.width_px(size_px), size_pt, self.dpi)
        self.lines = fit_lines(lines, width_chars, max_lines)
        self.node.visible = bool(self.lines)
        if not self.lines:
            return
        margin = margin_px(size_px)
        x = margin if self.corner.endswith("left") else w - margin
        rows = np.arange(len(self.lines)) * step
        y = margin + rows if self.corner.startswith("top") else h - margin - rows[::-1]
        self.node.font_size = size_pt
        self.node.text = self.lines
        self.node.pos = np.c_[np.full(len(rows), x), y]


class ScaleBar:
    """A horizontal bar of a round number of km at the bottom right, with its length."""

    font_size_pt = 10.0  # at 720 px height

    def __init__(self, parent, fonts, color="white"):
        self.line = Line(parent=parent, color=color, width=2.0, method="gl")
        self.label = Text(
            parent=parent,
            font_manager=fonts,
            color=color,
            font_size=self.font_size_pt,
            anchor_x="center",
            anchor_y="top",
        )  # VisPy's anchors assume y grows upward
        for node in (self.line, self.label):
            node.set_gl_state("translucent", depth_test=False)

    def update(self, camera: CameraState, size_px: tuple[int, int]) -> float:
        """Place the bar; returns its length in km."""
        w, h = size_px
        scale, margin, ui = km_per_px(camera, size_px), margin_px(size_px), ui_scale(size_px)
        length_km = nice_length(0.2 * w * scale)
        length_px = length_km / scale
        tick = max(2.0, 4.0 * ui)
        x1, y = w - 2 * margin, h - 2 * margin - max(8.0, 12.0 * ui)
        x0 = x1 - length_px
        self.line.set_data(
            pos=np.array([[x0, y - tick], [x0, y], [x1, y], [x1, y - tick]]),
            width=max(1.0, 2.0 * ui),
        )
        self.label.font_size = font_pt(self.font_size_pt, size_px)
        self.label.text = format_km(length_km)
        self.label.pos = ((x0 + x1) / 2.0, y - tick - 2)
        return length_km

    @property
    def visible(self) -> bool:
        return self.line.visible

    @visible.setter
    def visible(self, value: bool) -> None:
        self.line.visible = self.label.visible = value


class AxesTriad:
    """x (red), y (green), z (blue) of the scene frame, bottom left, turning with the camera."""

    def __init__(self, parent, fonts, length_px: float = 36.0):
        self.length_px = length_px
        colors = np.repeat(np.asarray(AXIS_COLORS), 2, axis=0)
        self.lines = Line(parent=parent, color=colors, width=2.0, connect="segments", method="gl")
        self.letters = Text(
            text=["x", "y", "z"],
            parent=parent,
            font_manager=fonts,
            color=list(AXIS_COLORS),
            font_size=9,
        )
        for node in (self.lines, self.letters):
            node.set_gl_state("translucent", depth_test=False)

    def update(self, camera: CameraState, size_px: tuple[int, int], bottom_offset_px=0.0) -> None:
        margin = margin_px(size_px)
        origin = np.array(
            [
                margin + self.length_px + 8,
                size_px[1] - margin - self.length_px - 8 - bottom_offset_px,
            ]
        )
        tips = origin + screen_axes(camera) * self.length_px
        self.lines.set_data(
            pos=np.column_stack([np.repeat(origin[None], 3, 0), tips]).reshape(6, 2)
        )
        self.letters.pos = origin + screen_axes(camera) * (self.length_px + 9)

    @property
    def visible(self) -> bool:
        return self.lines.visible

    @visible.setter
    def visible(self, value: bool) -> None:
        self.lines.visible = self.letters.visible = value
