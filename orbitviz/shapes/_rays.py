"""The ray caster's walk down the box tree of :mod:`orbitviz.shapes.surface`, compiled: one
ray at a time, depth first in the tree's (Morton) order, leaving out every box beyond the
nearest hit found so far.

For the few rays a video frame asks (is this marker behind the comet?) a walk costs ~0.04 ms
(10 rays on 67P's 96,834 faces), where the level-by-level numpy walk it replaced cost 0.4 ms
of array overhead; 1000 rays: 1.7 ms (was 17). Hits are the nearest of all faces, the first
of equal ones in the tree's order (``tests/test_shapes_surface.py`` checks against a brute
force over every face).
"""

from __future__ import annotations

from pathlib import Path

import numpy as np

from orbitviz.data import compiled

RAYS = compiled.group("rays", [Path(__file__)], "ray caster")
"""Cached in orbitviz's cache folder like the N-body engine (:mod:`orbitviz.data.compiled`)."""
njit = RAYS.njit


@njit(cache=True, inline="always")
def _slab(o, inv, lo, hi, t_min, t_max):  # pragma: no cover - compiled
    """Whether the ray (origin ``o``, 1/direction ``inv``) crosses box [lo, hi] between
    ``t_min`` and ``t_max`` (0 x inf, a ray in the plane of a box's face, counts as unbounded;
    a relative slack of 1e-9 keeps boxes that touch)."""
    near, far = -np.inf, np.inf
    for k in range(3):
        t1 = (lo[k] - o[k]) * inv[k]
        t2 = (hi[k] - o[k]) * inv[k]
        if np.isnan(t1):
            t1 = -np.inf
        if np.isnan(t2):
            t2 = np.inf
        near = max(near, min(t1, t2))
        far = min(far, max(t1, t2))
    slack = 1e-9 * (1.0 + abs(far))
    return near <= far + slack and far >= t_min - slack and near <= t_max + slack


@njit(cache=True, inline="always")
def _moller_trumbore(o, d, a, b, c, t_min):  # pragma: no cover - compiled
    """Distance to the triangle (a, b, c) along the unit direction ``d`` (Moller-Trumbore;
    either side counts, edges with a 1e-10 tolerance), inf when the ray misses it."""
    e1x, e1y, e1z = b[0] - a[0], b[1] - a[1], b[2] - a[2]
    e2x, e2y, e2z = c[0] - a[0], c[1] - a[1], c[2] - a[2]
    px = d[1] * e2z - d[2] * e2y
    py = d[2] * e2x - d[0] * e2z
    pz = d[0] * e2y - d[1] * e2x
    det = e1x * px + e1y * py + e1z * pz
    if det == 0.0:
        return np.inf
    inv = 1.0 / det
    tx, ty, tz = o[0] - a[0], o[1] - a[1], o[2] - a[2]
    u = (tx * px + ty * py + tz * pz) * inv
    qx = ty * e1z - tz * e1y
    qy = tz * e1x - tx * e1z
    qz = tx * e1y - ty * e1x
    v = (d[0] * qx + d[1] * qy + d[2] * qz) * inv
    t = (e2x * qx + e2y * qy + e2z * qz) * inv
    eps = 1e-10
    if u >= -eps and v >= -eps and u + v <= 1.0 + eps and t >= t_min:
        return t
    return np.inf


@njit(cache=True, nogil=True, error_model="numpy")  # 1 / 0 = inf, as numpy
def cast(o, d, t_min, t_max, lo, hi, first, order, a, b, c, branch):  # pragma: no cover
    """Nearest hit ``(t, face)`` of each ray (origins ``o``, unit directions ``d``, (N, 3));
    inf and -1 for a miss, or a hit beyond ``t_max`` (N,). The tree: boxes ``lo``, ``hi`` of
    all levels, coarsest last, level ``l``'s from ``first[l]``; a box's children are
    ``branch * j + k`` one level down; level 0's hold faces ``order[branch * j + k]``."""
    n = o.shape[0]
    levels = first.shape[0] - 1
    t_out = np.full(n, np.inf)
    face_out = np.full(n, -1, np.int64)
    stack_level = np.empty(levels * branch + branch, np.int64)
    stack_node = np.empty(levels * branch + branch, np.int64)
    inv = np.empty(3)
    for r in range(n):
        for k in range(3):
            inv[k] = 1.0 / d[r, k]
        best, best_face = t_max[r], -1
        found = np.inf
        top = 0
        coarsest = levels - 1
        for j in range(first[coarsest + 1] - first[coarsest] - 1, -1, -1):
            stack_level[top], stack_node[top] = coarsest, j
            top += 1
        while top > 0:
            top -= 1
            level, node = stack_level[top], stack_node[top]
            box = first[level] + node
            if not _slab(o[r], inv, lo[box], hi[box], t_min, min(best, found)):
                continue
            if level > 0:
                for k in range(branch - 1, -1, -1):  # child 0 on top: walked first
                    stack_level[top], stack_node[top] = level - 1, branch * node + k
                    top += 1
                continue
            for k in range(branch):
                f = order[branch * node + k]
                t = _moller_trumbore(o[r], d[r], a[f], b[f], c[f], t_min)
                if t <= best and t < found:
                    found, best_face = t, f
        if best_face >= 0:
            t_out[r], face_out[r] = found, best_face
    return t_out, face_out
