"""What is under the mouse: a ray from the camera through a pixel, cast on the shape model.

Works with any VisPy camera: the ray comes from un-projecting the pixel at two depths.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np

from orbitviz.shapes.surface import lat_lon_deg, ray_intersect


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
