"""What is under the mouse: a ray from the camera through a pixel, cast on the shape model;
and the track or marker drawn nearest to the pixel (its time, distance and altitude).

Works with any VisPy camera: the ray comes from un-projecting the pixel at two depths, and
tracks are compared with the pointer on screen, after projection.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np

from orbitviz.scene import Layer, RulerEnd
from orbitviz.shapes.surface import altitude_km, lat_lon_deg, ray_intersect

from .overlays import ui_scale
from .sphere_adapter import km_per_px_at


def pixel_ray(canvas, x_px: float, y_px: float) -> tuple[np.ndarray, np.ndarray]:
    """Origin (on the near clipping plane) and unit direction (3,) in scene km of the ray
    through canvas pixel (x right, y down)."""
    to_pixels = canvas.view.scene.node_transform(canvas.canvas.scene)
    ends = to_pixels.imap(np.array([[x_px, y_px, -1.0, 1.0], [x_px, y_px, 0.0, 1.0]]))
    near, far = ends[:, :3] / ends[:, 3:4]
    direction = far - near
    return near, direction / np.linalg.norm(direction)


@dataclass(frozen=True)
class SurfacePoint:
    """A picked point on a shape: planetocentric latitude, east longitude, distance from the
    body's centre and from the camera."""

    lat_deg: float
    lon_deg: float
    radius_km: float
    range_km: float

    def __str__(self) -> str:
        return (
            f"lat {self.lat_deg:+.2f}°  lon {self.lon_deg:.2f}° E  "
            f"radius {self.radius_km:.3f} km  range {self.range_km:.3f} km"
        )


def pick_surface(canvas, mesh, x_px: float, y_px: float) -> SurfacePoint | None:
    """The point of ``mesh`` (in scene coordinates) under the pixel, or None."""
    origin, direction = pixel_ray(canvas, x_px, y_px)
    hit, _, _, points = ray_intersect(mesh, origin, direction)
    if not hit[0]:
        return None
    point = points[0]
    lat, lon = lat_lon_deg(point)
    eye = canvas.view.camera.transform.map([0.0, 0.0, 0.0])[:3]
    return SurfacePoint(
        float(lat[0]),
        float(lon[0]),
        float(np.linalg.norm(point)),
        float(np.linalg.norm(point - eye)),
    )


# -- tracks and markers ------------------------------------------------------------------------
PICK_RADIUS_PX = 6.0
"""How close (screen pixels) the mouse must come to a drawn track, or to a marker's edge."""


@dataclass(frozen=True)
class PathPoint:
    """A picked point of a trajectory or marker layer: where (scene km), when (``et``, None for
    a fixed marker that lies on no track), its distance from the camera, and the marker's
    label when it has one."""

    layer: Layer
    position_km: np.ndarray
    et: float | None
    range_km: float
    label: str = ""


def _segment_nearest(xy: np.ndarray, points: np.ndarray, drawn: np.ndarray):
    """For screen points (M, 2), the drawn segment (i, i+1) nearest to ``xy``: (index, fraction
    along it, distance px), or None. ``drawn`` (M,): the points shown."""
    a, b = points[:-1], points[1:]
    ok = drawn[:-1] & drawn[1:] & np.isfinite(a).all(axis=1) & np.isfinite(b).all(axis=1)
    if len(a) == 0 or not ok.any():
        return None
    ab = b - a
    length2 = np.einsum("ij,ij->i", ab, ab)
    with np.errstate(invalid="ignore", divide="ignore"):
        t = np.clip(np.einsum("ij,ij->i", xy - a, ab) / length2, 0.0, 1.0)
    t = np.where(length2 > 0, t, 0.0)
    dist = np.linalg.norm(a + t[:, None] * ab - xy, axis=1)
    dist[~ok] = np.inf
    i = int(np.argmin(dist))
    return i, float(t[i]), float(dist[i])


def time_on_paths(scene, point_km: np.ndarray) -> float | None:
    """The time at which a trajectory of ``scene`` passes through ``point_km`` (within its
    local sample spacing), or None: the time of a fixed marker that sits on a
    track (a touchdown, a closest approach)."""
    best, best_gap = None, np.inf
    for layer in scene.layers:
        if layer.kind != "trajectory" or len(layer.et) < 2:
            continue
        p, et = layer.positions_km, layer.et
        a, ab = p[:-1], np.diff(p, axis=0)
        length2 = np.einsum("ij,ij->i", ab, ab)
        with np.errstate(invalid="ignore", divide="ignore"):
            t = np.clip(np.einsum("ij,ij->i", point_km - a, ab) / length2, 0.0, 1.0)
        t = np.where(length2 > 0, t, 0.0)
        gap = np.linalg.norm(a + t[:, None] * ab - point_km, axis=1)
        i = int(np.argmin(gap))
        if gap[i] <= np.sqrt(length2[i]) + 1e-9 and gap[i] < best_gap:
            best, best_gap = float(et[i] + t[i] * (et[i + 1] - et[i])), gap[i]
    return best


def _label_at(scene, point_km: np.ndarray) -> str:
    """The text of a label layer's label placed at ``point_km`` (a marker's label), or ""."""
    for layer in scene.layers:
        if layer.kind == "labels" and len(layer.positions_km):
            gap = np.linalg.norm(layer.positions_km - point_km, axis=1)
            k = int(np.argmin(gap))
            if gap[k] <= 1e-9 * max(1.0, float(np.linalg.norm(point_km))):
                return layer.texts[k]
    return ""


def pick_path(canvas, x_px: float, y_px: float, radius_px: float = PICK_RADIUS_PX):
    """The trajectory point or marker drawn nearest to the pixel (x right, y down), within
    ``radius_px`` of a track or of a marker's edge, as a :class:`PathPoint`; None if none.
    Only what is drawn counts: visible layers, the shown part of a trail. Markers are drawn on
    top of everything, so they win over a track at the same distance."""
    scene, et_now = canvas.scene, canvas.scene.clock.et
    xy = np.array([x_px, y_px], dtype=np.float64)
    eye = canvas.view.camera.transform.map([0.0, 0.0, 0.0])[:3]
    found: tuple[float, PathPoint] | None = None
    for layer in scene.layers:
        if not (layer.visible and layer.in_view_range(canvas.view_km)):
            continue
        if layer.kind == "markers":
            points = layer.positions_at(et_now)
            screen = canvas.project(points)
            gap = np.linalg.norm(screen - xy, axis=1) - layer.size_px / 2.0
            gap[~np.isfinite(gap)] = np.inf
            if len(gap) == 0 or gap.min() > radius_px:
                continue
            k = int(np.argmin(gap))
            point = points[k]
            et = et_now if layer.moving else time_on_paths(scene, point)
            label = layer.labels[k] if k < len(layer.labels) else _label_at(scene, point)
            candidate = PathPoint(
                layer, point, et, float(np.linalg.norm(point - eye)), label.strip()
            )
            score = max(float(gap[k]), 0.0) - radius_px  # markers first
        elif layer.kind == "trajectory":
            points_km = layer.drawn_positions_km(et_now)
            drawn = layer.colors_at(et_now)[:, 3] > 0.0
            hit = _segment_nearest(xy, canvas.project(points_km), drawn)
            if hit is None or hit[2] > radius_px:
                continue
            i, t, score = hit
            point = points_km[i] + t * (points_km[i + 1] - points_km[i])
            times = layer.display_et
            et = float(times[i] + t * (times[i + 1] - times[i]))
            if layer.origin_et is not None:  # around a moving point (an orbit): no one time
                et = None
            candidate = PathPoint(layer, point, et, float(np.linalg.norm(point - eye)))
        else:
            continue
        if found is None or (score, candidate.range_km) < (found[0], found[1].range_km):
            found = (score, candidate)
    return None if found is None else found[1]


def pick_object(canvas, x_px: float, y_px: float, radius_px: float = PICK_RADIUS_PX):
    """The body (a lit sphere, as drawn: at least its ``min_size_px``) or marker drawn under
    the pixel, nearest the camera, as a :class:`~orbitviz.scene.RulerEnd`; None if none.
    Markers without a symbol (a label's anchor) and unlit shells (an SOI) are not objects."""
    scene, et = canvas.scene, canvas.scene.clock.et
    xy = np.array([x_px, y_px], dtype=np.float64)
    eye = canvas.view.camera.transform.map([0.0, 0.0, 0.0])[:3]
    found: tuple[float, float, RulerEnd] | None = None
    for layer in scene.layers:
        if not (layer.visible and layer.in_view_range(canvas.view_km)):
            continue
        if layer.kind == "sphere" and layer.lit:
            centre = layer.center_at(et)
            km_per_px = km_per_px_at(canvas, centre, layer.radius_km)
            if not np.isfinite(km_per_px):
                continue
            drawn_px = layer.drawn_radius_km(km_per_px, scale=ui_scale(canvas.size)) / km_per_px
            gap = float(np.linalg.norm(canvas.project(centre[None, :])[0] - xy)) - drawn_px
            candidates = [(gap, centre, RulerEnd(layer))]
        elif layer.kind == "markers" and layer.symbol is not None:
            points = layer.positions_at(et)
            gaps = np.linalg.norm(canvas.project(points) - xy, axis=1) - layer.size_px / 2.0
            candidates = [
                (float(g), p, RulerEnd(layer, k))
                for k, (g, p) in enumerate(zip(gaps, points))
                if np.isfinite(g)
            ]
        else:
            continue
        for gap, point, end in candidates:
            if not gap <= radius_px:
                continue
            key = (max(gap, 0.0), float(np.linalg.norm(point - eye)))
            if found is None or key < found[:2]:
                found = (*key, end)
    return None if found is None else found[2]


def _km(value: float) -> str:
    return f"{value:,.0f} km" if abs(value) >= 1000.0 else f"{value:.3f} km"


def central_body(scene):
    """(name, altitude(points (N, 3)) -> km) of the body at the scene's origin -- its shape
    model, else a lit sphere centred there -- or None when there is none."""
    for layer in scene.layers:
        if layer.kind == "mesh":
            return layer.name, lambda p, mesh=layer.mesh: altitude_km(mesh, p)
    for layer in scene.layers:
        at_origin = layer.kind == "sphere" and not layer.moving
        if at_origin and layer.lit and np.allclose(layer.center_at(0.0), 0.0):
            r = layer.radius_km
            return layer.name, lambda p, r=r: np.linalg.norm(p, axis=1) - r
    return None


def describe_path_point(scene, point: PathPoint, utc) -> str:
    """The status-bar text of a picked track or marker point: its label (else its layer), UTC time,
    distance from the scene's origin and altitude above its central body. ``utc(et)``: the
    scene's UTC formatter."""
    parts = [point.label or point.layer.name]  # a marker's label says more than its layer's name
    if point.et is not None:
        parts.append(utc(point.et))
    body = central_body(scene)
    dist = float(np.linalg.norm(point.position_km))
    if body is not None:
        name, altitude = body
        alt = float(altitude(point.position_km.reshape(1, 3))[0])
        parts.append(f"{_km(dist)} from {name}, altitude {_km(alt)}")
    else:
        parts.append(f"{_km(dist)} from the origin")
    return "  ".join(parts)


def describe_pick(canvas, mesh_layer, x_px: float, y_px: float, utc) -> str:
    """What the status bar says about the pixel: the marker or track drawn there (unless the
    shape hides the track), else the surface point of ``mesh_layer`` (None: no shape); empty
    when nothing is there."""
    point = pick_path(canvas, x_px, y_px)
    surface = None
    if mesh_layer is not None and mesh_layer.visible:
        surface = pick_surface(canvas, mesh_layer.mesh, x_px, y_px)
    if point is not None:
        on_top = point.layer.kind == "markers"  # drawn without depth test
        if on_top or surface is None or point.range_km <= surface.range_km:
            return describe_path_point(canvas.scene, point, utc)
    return f"{mesh_layer.name}: {surface}" if surface is not None else ""
