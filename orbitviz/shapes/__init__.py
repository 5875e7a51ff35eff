"""Shape models: :class:`Mesh`, OBJ/PLY readers with a binary cache, and surface queries.

Example:
    >>> from orbitviz import data, shapes
    >>> comet = shapes.load_mesh(data.fetch("67p-spc.ply"), body="67P")
    >>> comet
    Mesh(48420 vertices, 96834 faces, body='67P', frame=None, source='...67p-spc.ply')
    >>> shapes.altitude_km(comet, [[0.0, 0.0, 5.0]]).round(3).tolist()   # km above the surface
    [3.544]
"""

from orbitviz.shapes.cache import load_mesh
from orbitviz.shapes.mesh import Mesh
from orbitviz.shapes.readers import read_obj, read_ply, read_shape
from orbitviz.shapes.surface import (
    altitude_km,
    lat_lon_deg,
    nearest_points,
    ray_intersect,
)

__all__ = [
    "Mesh",
    "altitude_km",
    "lat_lon_deg",
    "load_mesh",
    "nearest_points",
    "ray_intersect",
    "read_obj",
    "read_ply",
    "read_shape",
]
