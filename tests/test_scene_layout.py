"""The label layout (orbitviz.scene.layout): boxes in, positions out, no OpenGL."""

import itertools

import numpy as np
import pytest

from orbitviz.scene.layout import (
    Box,
    Label,
    ObstacleGrid,
    ellipsize,
    place_labels,
    stack_corners,
)

FRAME = Box(0, 0, 640, 480)


def _gap(a, b):
    """Pixels between two boxes, measured here (not by Box.intersects, which the layout uses):
    the larger of the horizontal and vertical gaps, negative when they overlap."""
    return max(b.x0 - a.x1, a.x0 - b.x1, b.y0 - a.y1, a.y0 - b.y1)


def _disjoint(boxes, pad=0.0):
    return all(_gap(a, b) >= pad for a, b in itertools.combinations(boxes, 2))


def test_boxes_intersect_when_nearer_than_the_padding():
    a, b, c = Box(0, 0, 10, 10), Box(13, 4, 20, 8), Box(2, 14, 8, 20)  # b right, c below a
    for near, gap in ((b, 3.0), (c, 4.0)):
        assert not a.intersects(near) and not near.intersects(a)
        assert not a.intersects(near, pad=gap) and not near.intersects(a, pad=gap)  # just enough
        assert a.intersects(near, pad=gap + 0.5) and near.intersects(a, pad=gap + 0.5)
    assert a.intersects(Box(9, 9, 12, 12)) and not a.intersects(Box(10, 0, 12, 10))  # touching


def test_labels_on_one_point_share_it_without_overlapping():
    labels = [Label(i, (320, 240), (120, 16), priority=-i, gap_px=5) for i in range(6)]
    placed = place_labels(labels, FRAME)
    boxes = [p.box for p in placed]
    assert all(p.shown for p in placed)
    assert _disjoint(boxes, pad=2.0)  # 2 px apart at least
    assert all(box.inside(FRAME) for box in boxes)
    # the first takes the preferred place: right of the point, centred on it, gap away
    assert boxes[0] == Box(325, 232, 445, 248) and placed[0].leader is None


def test_a_label_prefers_its_side_and_keeps_clear_of_its_marker():
    (right,) = place_labels([Label("r", (300, 200), (80, 14), gap_px=6)], FRAME)
    (left,) = place_labels([Label("l", (300, 200), (80, 14), gap_px=6, side="left")], FRAME)
    assert right.box.x0 == 306 and left.box.x1 == 294


def test_overlays_are_never_covered_and_labels_stay_in_the_frame():
    corner = Box(500, 440, 640, 480)  # e.g. the scale bar
    label = Label("near the corner", (400, 450), (100, 16), gap_px=4)
    (placed,) = place_labels([label], FRAME, reserved=[corner])
    assert placed.shown and not placed.box.intersects(corner) and placed.box.inside(FRAME)
    (free,) = place_labels([label], FRAME)
    assert free.box.intersects(corner)  # its first choice, were the corner not reserved


def test_when_nothing_fits_the_lowest_priority_label_is_hidden():
    frame = Box(0, 0, 200, 40)
    labels = [Label(k, (100, 30), (150, 20), priority=p) for k, p in (("low", 1), ("high", 5))]
    low, high = place_labels(labels, frame)
    assert high.shown and not low.shown


def test_crowded_labels_move_out_on_a_leader_line():
    # six labels stack in a list each side of the point, the next ones go further out with a
    # leader line; when the point is walled in, the lowest-priority ones are hidden
    labels = [Label(i, (320, 240), (90, 16), priority=10 - i, gap_px=4) for i in range(10)]
    placed = place_labels(labels, FRAME)
    assert [p.shown for p in placed] == [True] * 8 + [False] * 2
    # beside the point (no leader), a line up or down (a short one), further out (a long one)
    assert [p.leader is not None for p in placed[:8]] == [False, True, True] * 2 + [True] * 2
    shown = [p for p in placed if p.shown]
    assert _disjoint([p.box for p in shown], pad=2.0)
    assert {p.box.x0 for p in shown[:3]} == {324.0} and {p.box.x1 for p in shown[3:6]} == {316.0}
    for p in (p for p in shown if p.leader):
        (ax, ay), end = p.leader
        assert (ax, ay) == (320, 240)
        assert end == p.box.nearest_point(ax, ay)  # the line ends on its box
        # and it crosses no other label's box
        assert not any(q.box.crosses_segment((ax, ay), end) for q in shown if q is not p)


def test_labels_keep_off_drawn_lines_when_they_can():
    grid = ObstacleGrid((640, 480))
    grid.add_polyline([[300, 240], [640, 240]])  # a track leaving the point to the right
    (placed,) = place_labels([Label("a", (300, 240), (100, 16), gap_px=4)], FRAME, obstacles=grid)
    assert grid.count(placed.box) == 0
    (free,) = place_labels([Label("a", (300, 240), (100, 16), gap_px=4)], FRAME)
    assert grid.count(free.box) > 0  # without the grid it would have sat on the line


def test_anchors_off_screen_or_behind_the_camera_are_hidden():
    labels = [Label("nan", (np.nan, np.nan), (50, 10)), Label("off", (-30, 100), (50, 10))]
    assert [p.shown for p in place_labels(labels, FRAME)] == [False, False]


def test_obstacle_grid_counts_lines_and_discs():
    grid = ObstacleGrid((100, 100), cell_px=4)
    grid.add_polyline([[0, 50], [100, 50], [np.nan, np.nan], [50, 0], [50, 10]])
    grid.add_disc([[80, 80]], 6)
    assert grid.count(Box(0, 40, 100, 60)) == 25  # the line across: one cell per 4 px
    assert grid.count(Box(45, 0, 55, 12)) > 0 and grid.count(Box(20, 0, 40, 30)) == 0
    assert grid.count(Box(74, 74, 86, 86)) >= 9 and grid.count(Box(0, 0, 30, 30)) == 0
    both = grid.merged(ObstacleGrid((100, 100), cell_px=4))
    assert both.count(Box(0, 0, 100, 100)) == grid.count(Box(0, 0, 100, 100))


def test_obstacle_counts_are_the_marked_cells_a_box_touches():
    """Against a count cell by cell: a cell [k, k + 1) * cell_px counts when it overlaps the
    box (boxes partly off the frame included); every segment's cells along it are marked."""
    rng = np.random.default_rng(7)
    for _ in range(40):
        cell = float(rng.choice([3.0, 4.0, 5.5]))
        grid = ObstacleGrid((200, 120), cell_px=cell)
        path = rng.uniform(-40, 240, (int(rng.integers(2, 12)), 2))
        grid.add_polyline(path)
        for a, b in itertools.pairwise(path):  # a dense walk along each segment
            for t in np.linspace(0.0, 1.0, 400):
                x, y = a + t * (b - a)
                if 0 <= x < 200 and 0 <= y < 120:
                    row, col = min(int(y // cell), grid.shape[0] - 1), int(x // cell)
                    near = grid._cells[max(row - 1, 0) : row + 2, max(col - 1, 0) : col + 2]
                    assert near.any()  # marked within one cell of the walk
        occupied = np.argwhere(grid._cells)
        for _ in range(10):
            x0, y0 = rng.uniform(-30, 220), rng.uniform(-30, 140)
            box = Box(x0, y0, x0 + rng.uniform(0, 90), y0 + rng.uniform(0, 40))
            touched = sum(
                1
                for row, col in occupied
                if col * cell < box.x1
                and (col + 1) * cell > box.x0
                and row * cell < box.y1
                and (row + 1) * cell > box.y0
            )
            assert grid.count(box) == touched


def test_corners_stack_inwards_without_overlapping():
    blocks = {
        "top-left": [(300, 20)],
        "top-right": [(200, 60)],
        "bottom-left": [(400, 12), (60, 60)],
        "bottom-right": [(128, 30)],
    }
    boxes = stack_corners(FRAME, blocks, 10)
    flat = [b for corner in boxes.values() for b in corner]
    assert _disjoint(flat, pad=10) and all(b.inside(FRAME.inset(10)) for b in flat)
    credits, axes = boxes["bottom-left"]
    assert credits.y1 == 470 and axes.y1 == credits.y0 - 10 and axes.x0 == 10
    assert boxes["top-right"][0].x1 == 630
    with pytest.raises(ValueError, match="unknown corner"):
        stack_corners(FRAME, {"middle": [(1, 1)]}, 0)


@pytest.mark.parametrize("limit", [5, 12, 20, 40, 100])
def test_ellipsize_fits_the_width_and_ends_in_an_ellipsis(limit):
    text = "Shape: R. Gaskell, L. Jorda, C. Capanna: SPC SHAP5 Cartesian plate model"
    cut = ellipsize(text, limit, len)
    assert len(cut) <= limit
    assert cut == text if len(text) <= limit else cut.endswith("\u2026")
    assert text.startswith(cut.rstrip("\u2026"))
    assert ellipsize("word", 0, len) == ""


def test_a_label_is_never_nearer_another_point_than_its_own_without_a_leader():
    # B's label takes the place right of B; A, just left of B, would sit nearer B a line up or
    # down: it goes to its left side instead, or, with no room there, gets a leader line
    b = Label("B", (320, 240), (100, 16), priority=2, gap_px=4)
    for x, side_free in ((300, True), (6, False)):
        a = Label("A", (x, 240), (100, 16), priority=1, gap_px=4)
        b_at = Label("B", (x + 20, 240), b.size_px, priority=2, gap_px=4)
        placed_a, placed_b = place_labels([a, b_at], FRAME)
        box = placed_a.box
        own = box.distance_to(x, 240)
        nearer_b = box.distance_to(x + 20, 240) < own
        if side_free:
            assert box.x1 <= x and placed_a.leader is None and not nearer_b
        else:
            assert nearer_b and placed_a.leader == ((x, 240), box.nearest_point(x, 240))
        assert not box.intersects(placed_b.box)
