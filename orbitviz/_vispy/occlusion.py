"""What the bodies in front hide: markers and labels are drawn on top of everything (screen-sized
sprites and texts, no depth test), so a point behind an opaque body is found here and its
marker and label are left out.

A point is hidden when the ray from the eye to it meets an opaque, visible body first: a shape
model (cast with the ray caster of :mod:`orbitviz.shapes.surface`, the one picking uses) or an
opaque sphere at its true size (a body drawn larger to stay a few pixels across is a symbol
there: the markers beside it stay on top of it). A point on a surface, or a little under it (a lander at rest, a touchdown), is not
hidden by that surface: the ray must meet it ``tolerance`` before the point. A point inside a
sphere (the label at a body's centre) is not hidden by that sphere.
"""

from __future__ import annotations

import weakref

import numpy as np

from orbitviz.scene import DirectionLayer, LabelLayer, MarkerLayer, MeshLayer, SphereLayer
from orbitviz.shapes.surface import ray_intersect

SURFACE_TOLERANCE = 0.01
"""How far in front of a point (as a share of the hiding shape's size) the ray must meet the
surface to hide it: a lander a few metres under a 4 km comet's model is on it, not behind it."""


def eye_km(canvas) -> np.ndarray:
    """The camera's position in the scene (km)."""
    return np.asarray(canvas.view.camera.transform.map([0.0, 0.0, 0.0])[:3], dtype=np.float64)


def hidden(canvas, points_km) -> np.ndarray:
    """Whether each of ``points_km`` (N, 3) is behind an opaque body of ``canvas``'s scene, as
    seen from its camera now (False for points that are not finite).

    One ray cast a frame: the first question of a frame (a new view, time or set of shown
    layers) answers for every point the frame will ask about (:func:`frame_points`: markers,
    label anchors, direction labels) at once, and the answers are kept per point for the rest of
    the frame; a point no layer names is cast when asked (and kept too)."""
    points = np.asarray(points_km, dtype=np.float64).reshape(-1, 3)
    shown = tuple(id(layer) for layer in canvas.scene.layers if layer.visible)
    moment = (canvas.view_signature(), canvas.scene.clock.et, shown)
    known = canvas.__dict__.get("_hidden_points")
    if known is None or canvas.__dict__.get("_hidden_moment") != moment:
        canvas._hidden_moment = moment
        known = canvas._hidden_points = {}
        points_now = np.concatenate([points, frame_points(canvas.scene, canvas.scene.clock.et)])
    else:
        points_now = points
    rows = [row.tobytes() for row in points_now]
    missing = {}
    for row, key in zip(points_now, rows):
        if key not in known and key not in missing:
            missing[key] = row
    if missing:
        answers = _hidden(canvas, np.array(list(missing.values())).reshape(-1, 3))
        known.update(zip(missing, answers.tolist()))
    return np.fromiter((known[key] for key in rows[: len(points)]), bool, len(points))


def frame_points(scene, et: float) -> np.ndarray:
    """The points (N, 3) a frame at scene time ``et`` asks :func:`hidden` about: visible
    markers, label layers' anchors and the tips of labelled directions."""
    found = [np.zeros((0, 3))]
    for layer in scene.layers:
        if not layer.visible:
            continue
        if isinstance(layer, MarkerLayer) and (layer.symbol is not None or layer.labels):
            points = layer.positions_at(et)
            found.append(points if layer.symbol is not None else points[: len(layer.labels)])
        elif isinstance(layer, LabelLayer) and layer.texts:
            found.append(layer.positions_km)
        elif isinstance(layer, DirectionLayer) and layer.label:
            found.append(layer.segment_at(et)[1:])
    return np.concatenate([np.asarray(p, dtype=np.float64).reshape(-1, 3) for p in found])


def _hidden(canvas, points: np.ndarray) -> np.ndarray:
    out = np.zeros(len(points), bool)
    finite = np.isfinite(points).all(axis=1)
    if not finite.any():
        return out
    eye = eye_km(canvas)
    rel = points[finite] - eye
    dist = np.linalg.norm(rel, axis=1)
    safe = dist > 0
    directions = np.where(safe[:, None], rel / np.where(safe, dist, 1.0)[:, None], 0.0)
    behind = np.zeros(len(rel), bool)
    for layer in canvas.scene.layers:
        if not layer.visible or layer.color[3] * layer.opacity < 1.0:
            continue
        if isinstance(layer, MeshLayer):
            behind |= _behind_mesh(layer, eye, directions, dist)
        elif isinstance(layer, SphereLayer):
            centre = layer.center_at(canvas.scene.clock.et)
            behind |= _behind_sphere(centre, layer.radius_km, eye, directions, dist)
    out[finite] = behind & safe
    return out


_SIZES: weakref.WeakKeyDictionary = weakref.WeakKeyDictionary()


def _size_km(mesh) -> float:
    """The diagonal of a mesh's bounding box, computed once per mesh."""
    size = _SIZES.get(mesh)
    if size is None:
        low, high = mesh.bounds
        size = _SIZES[mesh] = float(np.linalg.norm(high - low))
    return size


def _behind_mesh(layer: MeshLayer, eye, directions, dist) -> np.ndarray:
    tolerance = SURFACE_TOLERANCE * _size_km(layer.mesh)
    reach = dist - tolerance  # only a hit in front of the point hides it: look no farther
    hit, _, _, _ = ray_intersect(layer.mesh, eye, directions, t_max_km=np.maximum(reach, 0.0))
    return hit & (reach > 0)


def _behind_sphere(centre, radius, eye, directions, dist) -> np.ndarray:
    """Rays from ``eye`` along ``directions`` that meet the sphere before ``dist``; a point
    inside the sphere is not hidden by it."""
    oc = eye - np.asarray(centre, dtype=np.float64)
    b = directions @ oc
    c = float(oc @ oc) - radius * radius
    disc = b * b - c
    with np.errstate(invalid="ignore"):
        t_near = -b - np.sqrt(np.where(disc >= 0, disc, np.nan))
    points = eye + directions * dist[:, None]
    inside = np.linalg.norm(points - np.asarray(centre), axis=1) <= radius * (1 + 1e-9)
    return (disc >= 0) & (t_near > 0) & (t_near < dist * (1 - 1e-9)) & ~inside & (c > 0)
