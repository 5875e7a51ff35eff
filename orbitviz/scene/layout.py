"""One label layout for a whole view, in screen pixels: boxes in, positions out.

Overlays (title, readouts, credits, scale bar, axes) are stacked into the corners first
(:func:`stack_corners`); the labels of every layer are then placed greedily, highest priority
first (:func:`place_labels`): each tries a ring of candidate boxes around its anchor, avoiding
the frame's edges, the overlays and the labels already placed (hard), and the drawn lines and
markers (soft, counted in an :class:`ObstacleGrid`); when no box next to the anchor is free, one
further out is joined to it by a leader line; when none is, the label is hidden.

Pixels: x right, y down, origin top left. Nothing here knows of OpenGL; the VisPy side
measures the texts and projects the anchors (``orbitviz._vispy.label_adapter``).

>>> frame = Box(0, 0, 200, 100)
>>> a = Label("a", (100, 50), (60, 12), priority=2)
>>> b = Label("b", (102, 50), (60, 12), priority=1)
>>> placed = {p.key: p for p in place_labels([a, b], frame)}
>>> placed["a"].box.x0 > 100, placed["a"].box.intersects(placed["b"].box)
(True, False)
"""

from __future__ import annotations

import functools
import math
from collections.abc import Callable, Hashable, Sequence
from dataclasses import dataclass

import numpy as np

from ..errors import SceneError

ELLIPSIS = "\u2026"


@dataclass(frozen=True)
class Box:
    """An axis-aligned pixel box from (x0, y0) (top left) to (x1, y1)."""

    x0: float
    y0: float
    x1: float
    y1: float

    @classmethod
    def sized(cls, x0: float, y0: float, w: float, h: float) -> Box:
        return cls(float(x0), float(y0), float(x0 + w), float(y0 + h))

    @property
    def width(self) -> float:
        return self.x1 - self.x0

    @property
    def height(self) -> float:
        return self.y1 - self.y0

    def intersects(self, other: Box, pad: float = 0.0) -> bool:
        """Whether the boxes share area (touching edges do not), ``pad`` px apart at least."""
        return (
            self.x0 < other.x1 + pad
            and other.x0 < self.x1 + pad
            and self.y0 < other.y1 + pad
            and other.y0 < self.y1 + pad
        )

    def inside(self, other: Box) -> bool:
        return (
            self.x0 >= other.x0
            and self.y0 >= other.y0
            and self.x1 <= other.x1
            and self.y1 <= other.y1
        )

    def inset(self, px: float) -> Box:
        return Box(self.x0 + px, self.y0 + px, self.x1 - px, self.y1 - px)

    def distance_to(self, x: float, y: float) -> float:
        """How far (x, y) is from the box (0 inside it)."""
        return float(
            np.hypot(max(self.x0 - x, 0.0, x - self.x1), max(self.y0 - y, 0.0, y - self.y1))
        )

    def nearest_point(self, x: float, y: float) -> tuple[float, float]:
        """The point of the box closest to (x, y) (where a leader line meets it)."""
        return min(max(x, self.x0), self.x1), min(max(y, self.y0), self.y1)

    def crosses_segment(self, a, b) -> bool:
        """Whether the segment a-b passes through the box (Liang-Barsky clipping)."""
        (ax, ay), (bx, by) = a, b
        dx, dy = bx - ax, by - ay
        t0, t1 = 0.0, 1.0
        for p, q in (
            (-dx, ax - self.x0),
            (dx, self.x1 - ax),
            (-dy, ay - self.y0),
            (dy, self.y1 - ay),
        ):
            if p == 0.0:
                if q < 0.0:
                    return False
                continue
            t = q / p
            if p < 0.0:
                t0 = max(t0, t)
            else:
                t1 = min(t1, t)
            if t0 > t1:
                return False
        return True


@dataclass(frozen=True)
class Label:
    """A text box ``size_px`` (w, h) to place next to ``anchor_px`` (x, y): at least
    ``gap_px`` from it (e.g. its marker's radius), on the ``side`` it prefers first
    (``"right"`` or ``"left"``). Higher ``priority`` is placed first, and so kept longest."""

    key: Hashable
    anchor_px: tuple[float, float]
    size_px: tuple[float, float]
    priority: float = 0.0
    gap_px: float = 4.0
    side: str = "right"


@dataclass(frozen=True)
class Placed:
    """Where a label went: its ``box`` (None: hidden, nothing fitted) and whether a leader
    line joins it to its anchor (from ``leader[0]``, the anchor, to ``leader[1]``)."""

    key: Hashable
    box: Box | None
    leader: tuple[tuple[float, float], tuple[float, float]] | None = None

    @property
    def shown(self) -> bool:
        return self.box is not None


# candidate boxes next to an anchor, for a label preferring the right side (mirrored for the
# left): the box's top left corner at anchor + (fx * w + gx * gap, fy * h + gy * gap) shifted
# by `lines` text lines (h + pad) down. Beside the point, then a line up or down (labels of
# points close together stack like a list), above, below, then the other side.
_NEXT_TO = (
    (0, -0.5, 1, 0, 0),  # right, centred on the anchor
    (0, -0.5, 1, 0, -1),  # right, a line up
    (0, -0.5, 1, 0, 1),  # right, a line down
    (-0.5, -1, 0, -1, 0),  # above
    (-0.5, 0, 0, 1, 0),  # below
    (-1, -0.5, -1, 0, 0),  # left
    (-1, -0.5, -1, 0, -1),  # left, a line up
    (-1, -0.5, -1, 0, 1),  # left, a line down
)
LEADER_DIRECTIONS = 16
NEXT_TO_COST = 1.0  # per step down the list of candidates next to the anchor
LEADER_COST = 8.0  # a leader line costs this much more than a box next to its anchor...
LEADER_STEP_COST = 2.0  # ...and this per ring further out
OBSTACLE_COST = 2.0  # per grid cell of a drawn line or marker a box covers
CROSSING_COST = 20.0  # a leader line crossing another one
AMBIGUOUS_COST = 5.0  # a box nearer another label's point than its own (it gets a leader)


def _next_to(label: Label, pad_px: float) -> list[tuple[Box, bool]]:
    """The candidate boxes beside the anchor, each with whether it is a line up or down
    (those get a short leader line: beside a neighbour's point, whose they are is unclear)."""
    (ax, ay), (w, h), g = label.anchor_px, label.size_px, label.gap_px
    boxes = []
    for fx, fy, gx, gy, lines in _NEXT_TO:
        if label.side == "left":
            fx, gx = -1.0 - fx, -gx
        y0 = ay + fy * h + gy * g + lines * (h + pad_px)
        boxes.append((Box.sized(ax + fx * w + gx * g, y0, w, h), lines != 0))
    return boxes


def _further_out(label: Label, ring: int, step_px: float) -> list[Box]:
    """Boxes on ring ``ring`` (1, 2, ...): their nearest point ``gap + ring * step`` px away."""
    (ax, ay), (w, h) = label.anchor_px, label.size_px
    r = label.gap_px + ring * step_px
    angles = np.arange(LEADER_DIRECTIONS) * (2 * np.pi / LEADER_DIRECTIONS)
    boxes = []
    for angle in angles:
        dx, dy = float(np.cos(angle)), float(np.sin(angle))
        cx = ax + dx * r + np.sign(round(dx, 6)) * w / 2
        cy = ay + dy * r + np.sign(round(dy, 6)) * h / 2
        boxes.append(Box(cx - w / 2, cy - h / 2, cx + w / 2, cy + h / 2))
    return boxes


class ObstacleGrid:
    """What labels should rather not cover (drawn lines, markers), as occupied cells of
    ``cell_px`` on a ``size_px`` (w, h) frame; :meth:`count` of a box counts the cells under it.

    >>> grid = ObstacleGrid((100, 50), cell_px=5)
    >>> grid.add_polyline([[0, 25], [100, 25]])
    >>> grid.count(Box(10, 20, 30, 30)), grid.count(Box(10, 0, 30, 10))
    (4, 0)
    """

    def __init__(self, size_px: tuple[int, int], cell_px: float = 4.0):
        self.cell_px = float(cell_px)
        self.shape = (
            max(math.ceil(size_px[1] / cell_px), 1),
            max(math.ceil(size_px[0] / cell_px), 1),
        )
        self._cells = np.zeros(self.shape, bool)

    def _mark(self, xy: np.ndarray) -> None:
        """The cells of points (N, 2) px; points off the grid or not finite mark nothing."""
        cell = np.floor(xy / self.cell_px)  # NaN stays NaN and fails every test below
        col, row = cell[:, 0], cell[:, 1]
        keep = (row >= 0) & (row < self.shape[0]) & (col >= 0) & (col < self.shape[1])
        self._cells[row[keep].astype(np.intp), col[keep].astype(np.intp)] = True

    def add_polyline(self, xy) -> None:
        """Points (N, 2) joined in order; a NaN row breaks the line."""
        xy = np.asarray(xy, dtype=float).reshape(-1, 2)
        if len(xy) < 2:
            self._mark(xy)
            return
        finite = np.isfinite(xy).all(axis=1)
        limit = 4.0 * max(self.shape) * self.cell_px  # segments mostly off screen: clipped
        xy = np.clip(xy, -limit, limit)
        a, b = xy[:-1], xy[1:]
        ok = finite[:-1] & finite[1:]
        if not ok.all():
            a, b = a[ok], b[ok]
        span = np.abs(b - a).max(axis=1, initial=0.0)
        # points every half cell along each segment, both ends included
        steps = np.clip(np.ceil(span / (0.5 * self.cell_px)), 1, 4 * max(self.shape)).astype(int)
        index = np.repeat(np.arange(len(a)), steps + 1)
        k = np.arange(len(index)) - np.repeat(np.cumsum(steps + 1) - (steps + 1), steps + 1)
        t = (k / steps[index])[:, None]
        self._mark(a[index] * (1 - t) + b[index] * t)

    def add_disc(self, xy, radius_px: float) -> None:
        """Discs (markers) of ``radius_px`` around points (N, 2)."""
        xy = np.asarray(xy, dtype=float).reshape(-1, 2)
        disc = _disc(max(float(radius_px), 0.5 * self.cell_px), 0.5 * self.cell_px)
        self._mark((xy[:, None, :] + disc[None]).reshape(-1, 2))

    def merged(self, other: ObstacleGrid) -> ObstacleGrid:
        """A grid with the cells of both (of the same shape)."""
        out = ObstacleGrid.__new__(ObstacleGrid)
        out.cell_px, out.shape = self.cell_px, self.shape
        out._cells = self._cells | other._cells
        return out

    def count(self, box: Box) -> int:
        """Occupied cells that the box touches."""
        rows, cols = self.shape
        c0 = min(max(math.floor(box.x0 / self.cell_px), 0), cols)
        c1 = min(max(math.ceil(box.x1 / self.cell_px), 0), cols)
        r0 = min(max(math.floor(box.y0 / self.cell_px), 0), rows)
        r1 = min(max(math.ceil(box.y1 / self.cell_px), 0), rows)
        return int(np.count_nonzero(self._cells[r0:r1, c0:c1]))


@functools.lru_cache(maxsize=64)
def _disc(radius_px: float, step_px: float) -> np.ndarray:
    """Offsets (K, 2) every ``step_px`` inside a disc of ``radius_px`` (read-only)."""
    offsets = np.arange(-radius_px, radius_px + 1e-9, step_px)
    ox, oy = (v.ravel() for v in np.meshgrid(offsets, offsets))
    disc = np.c_[ox, oy][ox**2 + oy**2 <= radius_px * radius_px]
    disc.flags.writeable = False
    return disc


def place_labels(
    labels: Sequence[Label],
    frame: Box,
    *,
    reserved: Sequence[Box] = (),
    obstacles: ObstacleGrid | None = None,
    pad_px: float = 2.0,
    max_leader_px: float | None = None,
) -> list[Placed]:
    """Place ``labels`` (in their order, one :class:`Placed` each) inside ``frame``.

    Highest ``priority`` first (ties: in the order given), each takes the cheapest free box:
    next to its anchor (right, a line up, a line down, above, below, then the left side;
    mirrored for ``side="left"``; a line up or down first, so that the labels of points close
    together stack like a list), else on rings further out, up to ``max_leader_px`` (default:
    4 line heights), joined by a leader line. Free: inside the frame, ``pad_px`` clear of the
    ``reserved`` boxes (overlays) and of the labels already placed, its leader crossing none of
    them. Cheapest: fewest ``obstacles`` cells covered, fewest leader crossings, nearest
    candidate, not nearer another label's point than its own (when it is, a leader line
    joins it to its point). A label with no free box, or whose anchor is outside the frame or not finite
    (behind the camera), is hidden.
    """
    order = sorted(range(len(labels)), key=lambda i: -labels[i].priority)
    anchors = [
        tuple(float(v) for v in label.anchor_px)
        for label in labels
        if np.isfinite(label.anchor_px[0]) and np.isfinite(label.anchor_px[1])
    ]
    taken: list[Box] = list(reserved)
    leaders: list[tuple[tuple[float, float], tuple[float, float]]] = []
    result: dict[int, Placed] = {}
    for i in order:
        label = labels[i]
        ax, ay = label.anchor_px
        if not (np.isfinite(ax) and np.isfinite(ay)) or not (
            frame.x0 <= ax <= frame.x1 and frame.y0 <= ay <= frame.y1
        ):
            result[i] = Placed(label.key, None)
            continue
        near = max(label.gap_px, 4.0)  # points this close share their labels' places
        others = [a for a in anchors if np.hypot(a[0] - ax, a[1] - ay) > near]
        best = _best_box(label, frame, taken, leaders, obstacles, pad_px, max_leader_px, others)
        result[i] = Placed(label.key, *best) if best else Placed(label.key, None)
        if best:
            taken.append(best[0])
            if best[1] is not None:
                leaders.append(best[1])
    return [result[i] for i in range(len(labels))]


def _best_box(label, frame, taken, leaders, obstacles, pad_px, max_leader_px, others):
    step = max(label.size_px[1], 4.0)
    rings = int((max_leader_px if max_leader_px is not None else 4 * step) // step)
    anchor = tuple(float(v) for v in label.anchor_px)

    def free(box: Box) -> bool:
        return box.inside(frame) and not any(box.intersects(t, pad_px) for t in taken)

    def cost(box: Box) -> float:
        return OBSTACLE_COST * obstacles.count(box) if obstacles is not None else 0.0

    def ambiguous(box: Box) -> bool:
        own = box.distance_to(*anchor)
        return any(box.distance_to(*other) < own for other in others)

    best, best_cost = None, np.inf
    for k, (box, shifted) in enumerate(_next_to(label, pad_px)):
        c = NEXT_TO_COST * k + cost(box)
        if c >= best_cost or not free(box):
            continue
        if ambiguous(box):  # nearer another point: a leader says whose it is
            c += AMBIGUOUS_COST
            if c >= best_cost:
                continue
        leader = (anchor, box.nearest_point(*anchor)) if shifted or ambiguous(box) else None
        best, best_cost = (box, leader), c
    if best is not None and best_cost == NEXT_TO_COST * 0:
        return best
    for ring in range(1, rings + 1):
        base = LEADER_COST + LEADER_STEP_COST * ring
        if base >= best_cost:
            break
        for box in _further_out(label, ring, step):
            c = base + cost(box)
            if c >= best_cost or not free(box):
                continue
            end = box.nearest_point(*anchor)
            if any(t.crosses_segment(anchor, end) for t in taken):
                continue
            c += CROSSING_COST * sum(_segments_cross((anchor, end), other) for other in leaders)
            if c < best_cost:
                best, best_cost = (box, (anchor, end)), c
    return best


def _segments_cross(s, t) -> bool:
    (p, q), (r, u) = s, t

    def orient(a, b, c) -> float:
        return (b[0] - a[0]) * (c[1] - a[1]) - (b[1] - a[1]) * (c[0] - a[0])

    return orient(p, q, r) * orient(p, q, u) < 0 and orient(r, u, p) * orient(r, u, q) < 0


CORNERS = ("top-left", "top-right", "bottom-left", "bottom-right")


def stack_corners(
    frame: Box, blocks: dict[str, Sequence[tuple[float, float]]], margin_px: float
) -> dict[str, list[Box]]:
    """Boxes for blocks (w, h) stacked from each corner of ``frame`` inwards, ``margin_px``
    from its edges and from each other: ``{"bottom-left": [(w, h) credits, (w, h) axes]}`` puts
    the credits in the corner and the axes above them.

    >>> stack_corners(Box(0, 0, 100, 50), {"bottom-right": [(20, 10), (8, 8)]}, 2)
    {'bottom-right': [Box(x0=78.0, y0=38.0, x1=98.0, y1=48.0), Box(x0=90.0, y0=28.0, x1=98.0, y1=36.0)]}
    """
    out: dict[str, list[Box]] = {}
    for corner, sizes in blocks.items():
        if corner not in CORNERS:
            raise SceneError(f"unknown corner {corner!r}; choose from {CORNERS}")
        top, left = corner.startswith("top"), corner.endswith("left")
        y = frame.y0 + margin_px if top else frame.y1 - margin_px
        boxes = []
        for w, h in sizes:
            x0 = frame.x0 + margin_px if left else frame.x1 - margin_px - w
            y0 = y if top else y - h
            boxes.append(Box.sized(x0, y0, w, h))
            y = y0 + h + margin_px if top else y0 - margin_px
        out[corner] = boxes
    return out


def ellipsize(text: str, max_px: float, width_of: Callable[[str], float]) -> str:
    """``text`` cut at a word (or, for one long word, a character) and ended with an
    ellipsis so that ``width_of`` it is at most ``max_px``; "" when not even that fits.

    >>> ellipsize("Shape: R. Gaskell et al., SPC SHAP5", 12, len)
    'Shape: R.\u2026'
    """
    if width_of(text) <= max_px:
        return text
    words = text.split(" ")

    def at_word(n: int) -> str:
        return " ".join(words[:n]).rstrip(",;:-\u00b7 ") + ELLIPSIS

    def at_char(n: int) -> str:
        return text[:n].rstrip() + ELLIPSIS

    for cut, count in ((at_word, len(words) - 1), (at_char, len(text) - 1)):
        # the longest cut that fits (widths grow with the cut): a binary search
        low, high = 0, count
        while low < high:
            mid = (low + high + 1) // 2
            if width_of(cut(mid)) <= max_px:
                low = mid
            else:
                high = mid - 1
        if low > 0:
            return cut(low)
    return ""


def dock_bottom(
    frame: Box, heights: Sequence[float], *, below_px: float, margin_px: float
) -> list[Box]:
    """Full-width panels (e.g. a light curve) of ``heights`` px, stacked upwards from
    ``below_px`` above the bottom of ``frame`` (room for a line of credits under them),
    ``margin_px`` from its sides and from each other; the first is the lowest. The overlays
    of the bottom corners go above them (:func:`stack_corners` on the frame cut at
    ``boxes[-1].y0``).

    >>> dock_bottom(Box(0, 0, 200, 100), [30], below_px=12, margin_px=4)
    [Box(x0=4.0, y0=54.0, x1=196.0, y1=84.0)]
    """
    boxes = []
    y1 = float(frame.y1 - below_px - margin_px)
    for h in heights:
        boxes.append(Box(float(frame.x0 + margin_px), y1 - h, float(frame.x1 - margin_px), y1))
        y1 -= h + margin_px
    return boxes
