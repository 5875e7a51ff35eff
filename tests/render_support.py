"""Shared setup of the rendering tests: an OpenGL backend (or a skip saying why not) and a
small 67P scene."""

import numpy as np
import pytest

from orbitviz.recipes import shape_scene
from orbitviz.scene import MarkerLayer, TrajectoryLayer
from orbitviz.scene.layout import Box


@pytest.fixture(scope="session")
def gl_backend():
    """EGL (surfaceless), OSMesa or Xvfb; skips when no OpenGL context can be made on a
    developer's machine (conftest.py turns that skip into a failure under CI=true: .ci/run
    installs Mesa's EGL)."""
    from orbitviz.render import NoGLBackend, select_backend

    try:
        return select_backend()
    except NoGLBackend as exc:
        pytest.skip(f"no OpenGL backend: {exc}")


def comet_scene(sun_dir=(1.0, 0.0, 0.0)):
    """67P (4k faces) with a red ring path at 3.5 km and a moving lander, over 100 s."""
    scene = shape_scene("67p-4k.obj", sun_dir=sun_dir)
    scene.clock.set_range(0.0, 100.0)
    et = np.linspace(0.0, 100.0, 201)
    angle = 2 * np.pi * et / 100.0
    ring = np.c_[3.5 * np.cos(angle), 3.5 * np.sin(angle), 0 * et]
    scene.add(TrajectoryLayer("path", et, ring, color="red", width_px=3))
    scene.add(MarkerLayer("lander", ring, et=et, color="yellow", labels=["Philae"]))
    scene.follow_target = "lander"
    return scene


def layout_boxes(canvas):
    """The boxes the canvas laid out: ``{name: Box}`` for the overlays and each shown label
    (``layer[i]: text``), and the labels' leader lines."""
    boxes = dict(canvas.overlay_boxes)
    leaders = []
    for label in canvas.labels.shown:
        if label.box is not None:
            boxes[f"{label.layer}[{label.index}]: {label.text}"] = label.box
            if label.leader is not None:
                leaders.append(label.leader)
    return boxes, leaders


def check_layout_pixels(full, bare, boxes, leaders, *, threshold=40):
    """The layout seen in pixels: ``full`` the frame, ``bare`` the same frame without labels
    and overlays (RGB, top row first). Checks that the boxes are inside the frame and apart,
    that each box has ink (something drawn in it), and that every pixel the labels and
    overlays drew lies in its box (1 px of antialiasing allowed) or on a leader line; returns
    the ink mask."""
    h, w = full.shape[:2]
    ink = np.abs(full.astype(int) - bare.astype(int)).max(axis=2) > threshold
    names = list(boxes)
    for i, a in enumerate(names):
        box = boxes[a]
        assert box.inside(Box(0, 0, w, h)), f"{a} {box} off frame"
        for b in names[i + 1 :]:
            assert not box.intersects(boxes[b]), f"{a} {box} overlaps {b} {boxes[b]}"
    covered = np.zeros_like(ink)
    for name, box in boxes.items():
        y0, y1 = max(int(np.floor(box.y0)) - 1, 0), int(np.ceil(box.y1)) + 1
        x0, x1 = max(int(np.floor(box.x0)) - 1, 0), int(np.ceil(box.x1)) + 1
        assert ink[y0:y1, x0:x1].sum() >= 3, f"nothing drawn in the box of {name} {box}"
        covered[y0:y1, x0:x1] = True
    yy, xx = np.mgrid[0:h, 0:w]
    for (ax, ay), (bx, by) in leaders:
        d = np.array([bx - ax, by - ay])
        t = np.clip(((xx - ax) * d[0] + (yy - ay) * d[1]) / max(d @ d, 1e-9), 0, 1)
        covered |= np.hypot(xx - ax - t * d[0], yy - ay - t * d[1]) <= 2.5
    stray = ink & ~covered
    ys, xs = np.nonzero(stray)
    assert not stray.any(), f"{stray.sum()} pixels drawn outside their boxes, e.g. at " + str(
        list(zip(xs[:5].tolist(), ys[:5].tolist()))
    )
    return ink


def check_overlays_follow_the_view(canvas, scene, image):
    """Every shown label sits next to (or is led to) its point as projected NOW, with ink in its
    box (``image``: the frame, RGB, top row first, at the canvas's size); the scale bar
    measures the view as it is now (its length in km between its ends)."""
    from orbitviz._vispy.label_adapter import label_sources

    anchors = {
        (source.layer, i): xy
        for source in label_sources(scene, scene.clock.et, canvas.size)
        for i, xy in enumerate(canvas.project(source.positions_km))
    }
    shown = [s for s in canvas.labels.shown if s.box is not None]
    assert shown, "no label shown"
    for label in shown:
        x, y = anchors[(label.layer, label.index)]
        reach = np.hypot(*np.subtract(label.leader[1], label.leader[0])) if label.leader else 0
        assert label.box.distance_to(x, y) <= reach + 30, (label.text, label.box, (x, y))
        x0, y0, x1, y1 = (
            round(v) for v in (label.box.x0, label.box.y0, label.box.x1, label.box.y1)
        )
        assert image[y0:y1, x0:x1].max() > 150, f"no text drawn in the box of {label.text}"
    bar = canvas._scale_bar
    (ax, ay), (bx, by) = bar.ends_px
    assert canvas.km_between((ax, ay), (bx, by)) == pytest.approx(bar.length_km, rel=0.02)
    rows = image[max(0, round(ay) - 1) : round(ay) + 2, round(ax) + 2 : round(bx) - 1]
    assert (rows.max(axis=2) > 150).any(axis=0).mean() > 0.9, "the scale bar is not drawn there"
    return bar.length_km / bar.length_px
