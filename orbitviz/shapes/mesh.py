"""A triangle mesh in body-fixed km, with the geometry a small-body viewer needs.

Example:
    >>> import numpy as np
    >>> tetra = Mesh(np.array([[0, 0, 0], [1, 0, 0], [0, 1, 0], [0, 0, 1.0]]),
    ...              np.array([[0, 2, 1], [0, 1, 3], [0, 3, 2], [1, 2, 3]]))
    >>> round(tetra.volume_km3, 6), tetra.is_watertight
    (0.166667, True)
"""

from __future__ import annotations

from dataclasses import dataclass
from functools import cached_property
from pathlib import Path

import numpy as np

from orbitviz.errors import ShapeFormatError


def _where(source: Path | str | None) -> str:
    return f" in {source}" if source else ""


def _has_surface(vertices: np.ndarray, faces: np.ndarray, first: int = 256) -> bool:
    """Whether any face has an area: the first ``first`` faces answer for any real mesh (a
    cached load must not pay for every cross product), all of them only when those are flat."""
    for chosen in (faces[:first], faces[first:]):
        a, b, c = vertices[chosen[:, 0]], vertices[chosen[:, 1]], vertices[chosen[:, 2]]
        if np.any(np.cross(b - a, c - a)):
            return True
    return False


MAX_COORDINATE_KM = 1e8
"""No shape orbitviz draws reaches this far from its origin (the Sun's radius is 7e5 km); a
vertex beyond it is damage or a unit mistake (and 1e308 overflowed the area to inf)."""


@dataclass(frozen=True, eq=False)
class Mesh:
    """Triangles ``faces`` (M, 3) indexing ``vertices`` (N, 3, km); arrays are read-only views."""

    vertices: np.ndarray
    faces: np.ndarray
    body: str | None = None
    frame: str | None = None
    source: Path | None = None

    def __post_init__(self) -> None:
        where = _where(self.source)
        vertices = np.asarray(self.vertices, dtype=np.float64)
        faces = np.asarray(self.faces)
        if vertices.ndim != 2 or vertices.shape[1] != 3 or len(vertices) == 0:
            raise ShapeFormatError(
                f"no vertices{where} (expected an (N, 3) array, got shape "
                f"{vertices.shape}); is this a shape-model file?"
            )
        if faces.ndim != 2 or faces.shape[1] != 3 or len(faces) == 0:
            raise ShapeFormatError(
                f"no triangles{where} (faces have shape {faces.shape}); "
                "a point cloud cannot be shown as a surface"
            )
        if not np.issubdtype(faces.dtype, np.integer):
            raise ShapeFormatError(f"face indices{where} are {faces.dtype}, not integers")
        size = float(np.abs(vertices).max())  # NaN or inf where any coordinate is (one pass)
        if not np.isfinite(size):
            bad = int(np.flatnonzero(~np.isfinite(vertices).all(axis=1))[0])
            raise ShapeFormatError(
                f"vertex {bad}{where} has a NaN or infinite coordinate "
                f"{vertices[bad].tolist()}; the file is damaged, re-export it"
            )
        if size > MAX_COORDINATE_KM:
            bad = int(np.abs(vertices).max(axis=1).argmax())
            raise ShapeFormatError(
                f"vertex {bad}{where} lies {size:.3g} km from the origin, more than any body "
                f"orbitviz draws ({MAX_COORDINATE_KM:.0e} km): the file is damaged or not in km"
            )
        low, high = faces.min(), faces.max()
        if low < 0 or high >= len(vertices):
            bad = low if low < 0 else high
            raise ShapeFormatError(
                f"a face{where} refers to vertex {int(bad)} but there are only "
                f"{len(vertices)} vertices (0-based); the file is truncated "
                "or damaged, re-download it"
            )
        if faces.dtype not in (np.int32, np.int64):
            faces = faces.astype(np.int64)
        vertices, faces = vertices.view(), faces.view()
        vertices.flags.writeable = False
        faces.flags.writeable = False
        object.__setattr__(self, "vertices", vertices)
        object.__setattr__(self, "faces", faces)
        if self.source is not None:
            object.__setattr__(self, "source", Path(self.source))
        if not _has_surface(vertices, faces):  # every answer (area, contacts) meaningless
            raise ShapeFormatError(
                f"all {len(faces)} faces{where} have zero area (their corners lie on a line or "
                "a point): the mesh has no surface; the file is damaged, re-export it"
            )

    def __repr__(self) -> str:
        return (
            f"Mesh({len(self.vertices)} vertices, {len(self.faces)} faces, body={self.body!r}, "
            f"frame={self.frame!r}, source={str(self.source) if self.source else None!r})"
        )

    @cached_property
    def _corners(self) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
        v = self.vertices
        return v[self.faces[:, 0]], v[self.faces[:, 1]], v[self.faces[:, 2]]

    @cached_property
    def _cross(self) -> np.ndarray:
        a, b, c = self._corners
        return np.cross(b - a, c - a)

    @cached_property
    def face_areas_km2(self) -> np.ndarray:
        """Area of each triangle (km^2)."""
        return 0.5 * np.linalg.norm(self._cross, axis=1)

    @cached_property
    def area_km2(self) -> float:
        """Total surface area (km^2)."""
        return float(self.face_areas_km2.sum())

    @cached_property
    def face_normals(self) -> np.ndarray:
        """Unit normal of each triangle (right-hand rule); zero for degenerate triangles."""
        length = np.linalg.norm(self._cross, axis=1, keepdims=True)
        with np.errstate(invalid="ignore", divide="ignore"):
            return np.where(length > 0, self._cross / length, 0.0)

    @cached_property
    def vertex_normals(self) -> np.ndarray:
        """Area-weighted unit normal at each vertex."""
        n = len(self.vertices)
        flat = np.repeat(self._cross, 3, axis=0)  # |cross| = 2 * area: area weighting for free
        idx = self.faces.ravel()
        summed = np.stack([np.bincount(idx, flat[:, k], minlength=n) for k in range(3)], axis=1)
        length = np.linalg.norm(summed, axis=1, keepdims=True)
        with np.errstate(invalid="ignore", divide="ignore"):
            return np.where(length > 0, summed / length, 0.0)

    @cached_property
    def _signed_tetra(self) -> tuple[np.ndarray, np.ndarray]:
        """Signed volumes of tetrahedra (reference point, triangle) and the reference point."""
        ref = self.vertices.mean(axis=0)
        a, b, c = (corner - ref for corner in self._corners)
        return np.einsum("ij,ij->i", a, np.cross(b, c)) / 6.0, ref

    @property
    def volume_km3(self) -> float:
        """Enclosed volume (km^3), positive when normals point outward (closed meshes only)."""
        return float(self._signed_tetra[0].sum())

    @property
    def centroid(self) -> np.ndarray:
        """Centre of volume (km) of a closed mesh of uniform density."""
        vol, ref = self._signed_tetra
        a, b, c = self._corners
        return (vol @ ((a + b + c + ref) / 4.0)) / vol.sum()

    @property
    def bounds(self) -> np.ndarray:
        """Axis-aligned bounding box, ``[[xmin, ymin, zmin], [xmax, ymax, zmax]]`` (km)."""
        return np.stack([self.vertices.min(axis=0), self.vertices.max(axis=0)])

    @property
    def extent_km(self) -> np.ndarray:
        """Size of the bounding box along x, y, z (km)."""
        low, high = self.bounds
        return high - low

    @property
    def equivalent_radius_km(self) -> float:
        """Radius of the sphere with the same volume (km)."""
        return float(np.cbrt(3.0 * abs(self.volume_km3) / (4.0 * np.pi)))

    @cached_property
    def is_watertight(self) -> bool:
        """True when every edge is shared by exactly two faces that traverse it in opposite
        directions (a closed, consistently oriented surface)."""
        f = self.faces.astype(np.int64)
        if (f[:, 0] == f[:, 1]).any() or (f[:, 1] == f[:, 2]).any() or (f[:, 0] == f[:, 2]).any():
            return False
        n = len(self.vertices)
        start, end = f.ravel(), f[:, [1, 2, 0]].ravel()
        directed = np.sort(start * n + end)
        if (directed[1:] == directed[:-1]).any():
            return False  # an edge used twice in the same direction: flipped face or non-manifold
        reverse = end * n + start
        pos = np.searchsorted(directed, reverse).clip(max=len(directed) - 1)
        return bool((directed[pos] == reverse).all())

    def decimated(self, target_faces: int, *, aggressiveness: int = 7) -> Mesh:
        """A coarser mesh with about ``target_faces`` triangles, for level-of-detail display.

        Uses ``fast_simplification`` (quadric decimation, with its ``agg``: lower is slower and
        closer to the original) when installed, otherwise vertex clustering on a uniform grid
        (fast, but may open small holes: not for volumes).
        """
        if target_faces >= len(self.faces):
            return self
        try:
            import fast_simplification
        except ImportError:
            vertices, faces = _cluster_vertices(self, target_faces)
        else:
            vertices, faces = fast_simplification.simplify(
                self.vertices.astype(np.float32),
                self.faces.astype(np.int32),
                target_reduction=1.0 - target_faces / len(self.faces),
                agg=int(aggressiveness),
            )
        return Mesh(vertices, faces, self.body, self.frame, self.source)


def _cluster_vertices(mesh: Mesh, target_faces: int) -> tuple[np.ndarray, np.ndarray]:
    """Vertex clustering: merge vertices per grid cell, drop collapsed and duplicate faces."""
    low = mesh.vertices.min(axis=0)
    # A closed surface has ~2 faces per vertex and ~area / cell^2 occupied cells.
    cell = np.sqrt(mesh.area_km2 / max(target_faces / 2.0, 1.0))
    for _ in range(8):
        keys = np.floor((mesh.vertices - low) / cell).astype(np.int64)
        _, cluster, counts = np.unique(keys, axis=0, return_inverse=True, return_counts=True)
        cluster = cluster.ravel()
        faces = cluster[mesh.faces]
        keep = (
            (faces[:, 0] != faces[:, 1])
            & (faces[:, 1] != faces[:, 2])
            & (faces[:, 0] != faces[:, 2])
        )
        faces = faces[keep]
        _, first = np.unique(np.sort(faces, axis=1), axis=0, return_index=True)
        faces = faces[np.sort(first)]
        if len(faces) <= 1.2 * target_faces and len(faces) >= 4:
            break
        cell *= np.sqrt(len(faces) / target_faces) if len(faces) > target_faces else 0.8
    sums = np.stack([np.bincount(cluster, mesh.vertices[:, k]) for k in range(3)], axis=1)
    vertices = sums / counts[:, None]
    used, faces = np.unique(faces, return_inverse=True)
    return vertices[used], faces.reshape(-1, 3)
