"""Screen-space overlays: corner texts (title, time, readouts, credits), a km scale bar and an
axes triad that turns with the camera. Everything is placed in canvas pixels."""

from __future__ import annotations

import math
import textwrap

import numpy as np
from vispy.scene.visuals import Line, Text

from orbitviz.scene.camera import CameraState, eye_offsets

AXIS_COLORS = ((0.95, 0.3, 0.3, 1.0), (0.3, 0.9, 0.3, 1.0), (0.35, 0.55, 1.0, 1.0))
MARGIN_PX = 10


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
    right = right / norm if norm > 1e-9 else np.array(
        [math.cos(math.radians(camera.azimuth_deg)), math.sin(math.radians(camera.azimuth_deg)), 0])
    up = np.cross(right, forward)
    return np.stack([right, -up], axis=1)  # row k: (right . e_k, -up . e_k)


class CornerText:
    """Lines of text stacked from one corner of the canvas."""

    def __init__(self, parent, fonts, corner: str, font_size_pt: float = 11.0, color="white"):
        self.corner, self.font_size_pt = corner, font_size_pt
        top = corner.startswith("top")
        self.node = Text(parent=parent, font_manager=fonts, color=color, font_size=font_size_pt,
                         anchor_x="left" if corner.endswith("left") else "right",
                         anchor_y="bottom" if top else "top")  # VisPy: y grows upward
        self.node.set_gl_state("translucent", depth_test=False)
        self.lines: list[str] = []

    def set_lines(self, lines, size_px: tuple[int, int]) -> None:
        w, h = size_px
        width_chars = max(int((w - 2 * MARGIN_PX) / (0.72 * self.font_size_pt)), 20)
        self.lines = [part for line in lines if line for part in textwrap.wrap(line, width_chars)]
        self.node.visible = bool(self.lines)
        if not self.lines:
            return
        step = self.font_size_pt * 1.9
        x = MARGIN_PX if self.corner.endswith("left") else w - MARGIN_PX
        rows = np.arange(len(self.lines)) * step
        y = MARGIN_PX + rows if self.corner.startswith("top") else h - MARGIN_PX - rows[::-1]
        self.node.text = self.lines
        self.node.pos = np.c_[np.full(len(rows), x), y]


class ScaleBar:
    """A horizontal bar of a round number of km at the bottom right, with its length."""

    def __init__(self, parent, fonts, color="white"):
        self.line = Line(parent=parent, color=color, width=2.0, method="gl")
        self.label = Text(parent=parent, font_manager=fonts, color=color, font_size=10, anchor_x="center",
                          anchor_y="top")  # VisPy's anchors assume y grows upward
        for node in (self.line, self.label):
            node.set_gl_state("translucent", depth_test=False)

    def update(self, camera: CameraState, size_px: tuple[int, int]) -> float:
        """Place the bar; returns its length in km."""
        w, h = size_px
        scale = km_per_px(camera, size_px)
        length_km = nice_length(0.2 * w * scale)
        length_px = length_km / scale
        x1, y = w - 2 * MARGIN_PX, h - 2 * MARGIN_PX - 22
        x0 = x1 - length_px
        self.line.set_data(pos=np.array([[x0, y - 4], [x0, y], [x1, y], [x1, y - 4]]))
        self.label.text = format_km(length_km)
        self.label.pos = ((x0 + x1) / 2.0, y - 6)
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
        self.letters = Text(text=["x", "y", "z"], parent=parent, font_manager=fonts, color=list(AXIS_COLORS),
                            font_size=9)
        for node in (self.lines, self.letters):
            node.set_gl_state("translucent", depth_test=False)

    def update(self, camera: CameraState, size_px: tuple[int, int], bottom_offset_px=0.0) -> None:
        origin = np.array([MARGIN_PX + self.length_px + 8,
                           size_px[1] - MARGIN_PX - self.length_px - 8 - bottom_offset_px])
        tips = origin + screen_axes(camera) * self.length_px
        self.lines.set_data(pos=np.column_stack([np.repeat(origin[None], 3, 0), tips]).reshape(6, 2))
        self.letters.pos = origin + screen_axes(camera) * (self.length_px + 9)

    @property
    def visible(self) -> bool:
        return self.lines.visible

    @visible.setter
    def visible(self, value: bool) -> None:
        self.lines.visible = self.letters.visible = value
