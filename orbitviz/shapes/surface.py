"""Surface queries on a :class:`Mesh`, vectorised over many points or rays.

- :func:`nearest_points`: exact closest point on the surface: an upper bound from the faces of
  the nearest centroids (cKDTree), then branch and bound down an 8-ary box tree, then exact
  point-triangle distances for the faces no box or bounding sphere rules out.
- :func:`altitude_km`: signed distance to the surface, positive outside; the sign comes from
  angle-weighted pseudo-normals (Baerentzen & Aanaes 2005), right for concave bodies such as
  the two-lobed 67P when the mesh is closed.
- :func:`ray_intersect`: first hit of each ray (Moeller-Trumbore) through an 8-ary bounding-box
  tree over the faces in Morton order. Cost: O(R log M) box tests plus O(R k) triangle tests for
  R rays, M faces and k faces in the leaf boxes a ray crosses (a few hundred on a small body).
- :func:`lat_lon_deg`: planetocentric latitude and east longitude of body-fixed points.

Example:
    >>> from orbitviz import data
    >>> from orbitviz.shapes import load_mesh
    >>> deimos = load_mesh(data.fetch("deimos-thomas.ply"), body="DEIMOS")
    >>> altitude_km(deimos, [[0.0, 0.0, 20.0], [0.0, 0.0, 0.0]]).round(2).tolist()  # centre: inside
    [14.25, -3.58]
    >>> hit, t_km, face, point_km = ray_intersect(deimos, [[0, 0, 50.0], [50, 0, 0]],
    ...                                           [[0, 0, -1.0], [0, 1, 0]])
    >>> hit.tolist(), t_km.round(2).tolist(), face.tolist()
    ([True, False], [44.37, inf], [5016, -1])
"""

from __future__ import annotations

import weakref

import numpy as np
from scipy.spatial import cKDTree

from orbitviz.errors import InvalidArgument
from orbitviz.shapes.mesh import Mesh

_BRANCH = 8  # children per box in the ray-casting tree
_CHUNK_PAIRS = 1 << 20  # (point or ray, face) pairs handled at once, to bound memory


def lat_lon_deg(points_km) -> tuple[np.ndarray, np.ndarray]:
    """Planetocentric latitude [-90, 90] and east longitude [0, 360) of body-fixed points.

    >>> lat_lon_deg([[0.0, -1.0, 1.0]])
    (array([45.]), array([270.]))
    """
    p = np.asarray(points_km, dtype=np.float64).reshape(-1, 3)
    lat = np.degrees(np.arctan2(p[:, 2], np.hypot(p[:, 0], p[:, 1])))
    lon = np.degrees(np.arctan2(p[:, 1], p[:, 0])) % 360.0
    return lat, np.where(lon >= 360.0, 0.0, lon)


def _vectors(values, argument: str, *, finite: bool = True) -> np.ndarray:
    """``values`` as an (n, 3) float array: one 3-vector or a stack of them; else
    InvalidArgument naming the argument, its shape and the first bad row."""
    try:
        arr = np.asarray(values, dtype=np.float64)
    except (TypeError, ValueError):
        raise InvalidArgument(
            f"{argument}: expected numbers (km), shape (3,) or (n, 3); got {type(values).__name__}"
            f" {str(values)[:40]!r}",
            argument=argument,
            value=type(values).__name__,
        ) from None
    if arr.ndim not in (1, 2) or arr.shape[-1] != 3:
        raise InvalidArgument(
            f"{argument}: expected shape (3,) or (n, 3), got {arr.shape}",
            argument=argument,
            value=arr.shape,
        )
    arr = arr.reshape(-1, 3)
    if finite:
        bad = ~np.isfinite(arr).all(1)
        if bad.any():
            k = int(np.flatnonzero(bad)[0])
            raise InvalidArgument(
                f"{argument}: {int(bad.sum())} of {len(arr)} rows are not finite, first row "
                f"{k} = {arr[k].tolist()}; drop or fill them before asking",
                argument=argument,
                value=arr[k].tolist(),
            )
    return arr


def nearest_points(mesh: Mesh, points_km) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """Closest surface point, its face index and the (unsigned) distance in km, for each point."""
    q, face, dist, _ = _nearest(mesh, points_km)
    return q, face, dist


def altitude_km(mesh: Mesh, points_km) -> np.ndarray:
    """Signed distance (km) from each point to the surface: positive outside, negative inside.

    >>> tetra = Mesh(np.array([[0, 0, 0], [1, 0, 0], [0, 1, 0], [0, 0, 1.0]]),
    ...              np.array([[0, 2, 1], [0, 1, 3], [0, 3, 2], [1, 2, 3]]))
    >>> altitude_km(tetra, [[0.0, 0.0, 2.0], [0.1, 0.1, 0.1]]).tolist()
    [1.0, -0.1]
    """
    p = _vectors(points_km, "points_km")
    q, face, dist, feature = _nearest(mesh, p)
    index = _index(mesh)
    normal = index.pseudo_normals(face, feature)
    side = np.einsum("ij,ij->i", p - q, normal)
    return np.where(side < 0, -dist, dist)


def ray_intersect(mesh: Mesh, origins_km, directions, t_min_km: float = 0.0, t_max_km=np.inf):
    """First intersection of each ray with the surface (either side of a face).

    Returns ``hit`` (bool), ``t_km`` (distance along the unit direction, inf for a miss),
    ``face`` (-1 for a miss) and ``points_km`` (NaN for a miss). Use ``t_min_km`` > 0 to start
    shadow rays just off the surface. ``t_max_km`` (one number, or one per ray): hits farther
    along are not looked for (misses), which skips the boxes beyond: "is anything in front of
    this point?" costs less than "what is the first hit?".
    """
    o = _vectors(origins_km, "origins_km")
    d = _vectors(directions, "directions")
    if len(o) != len(d) and 1 not in (len(o), len(d)):
        raise InvalidArgument(
            f"{len(o)} origins and {len(d)} directions: give as many of each, or one",
            argument="directions",
            value=(len(o), len(d)),
        )
    o, d = np.broadcast_arrays(o, d)
    t_max = np.broadcast_to(np.asarray(t_max_km, dtype=np.float64), (len(o),))
    length = np.linalg.norm(d, axis=1, keepdims=True)
    with np.errstate(invalid="ignore", divide="ignore"):
        d = np.where(length > 0, d / length, np.nan)
    index = _index(mesh)
    t, face = index.cast(o, d, t_min_km, t_max)
    hit = face >= 0
    points = np.where(hit[:, None], o + d * np.where(hit, t, 0.0)[:, None], np.nan)
    return hit, t, face, points


def _nearest(mesh: Mesh, points_km):
    p = _vectors(points_km, "points_km")
    index = _index(mesh)
    out: tuple[np.ndarray, ...] = (
        np.zeros((len(p), 3)),
        np.zeros(len(p), np.int64),
        np.zeros(len(p)),
        np.zeros(len(p), np.int8),
    )
    for start in range(0, len(p), 1024):
        rows = slice(start, start + 1024)
        for array, part in zip(out, index.nearest(p[rows])):
            array[rows] = part
    q, face, dist, feature = out
    return q, face, dist, feature


_INDEXES: weakref.WeakKeyDictionary = weakref.WeakKeyDictionary()


def _index(mesh: Mesh) -> _SurfaceIndex:
    index = _INDEXES.get(mesh)
    if index is None:
        index = _INDEXES[mesh] = _SurfaceIndex(mesh)
    return index


class _SurfaceIndex:
    """Acceleration structures of one mesh, built on first use and kept while the mesh lives."""

    def __init__(self, mesh: Mesh):
        self.mesh = mesh
        a, b, c = (mesh.vertices[mesh.faces[:, k]] for k in range(3))
        self.a, self.b, self.c = a, b, c
        self.centroid = centroid = (a + b + c) / 3.0
        self.tree = cKDTree(centroid)
        self.radius_km = np.sqrt(np.max([((v - centroid) ** 2).sum(1) for v in (a, b, c)], 0))
        self._normals = None
        self._boxes = None
        self._flat = None

    @property
    def boxes(self):
        if self._boxes is None:
            self._boxes = _box_tree(self.a, self.b, self.c)
        return self._boxes

    def nearest(self, p):
        """Closest point, face, distance and feature for each point (branch and bound).

        An upper bound comes from the faces of the 4 nearest centroids; the box tree is then
        walked down keeping only boxes no farther than that bound, and the faces left are
        checked exactly: the result is exact, however far the point is.
        """
        k = min(4, len(self.a))
        _, seed = self.tree.query(p, k=k)
        seed = seed.reshape(len(p), k)
        seed_q, seed_feature, seed_dist = self.exact(np.repeat(p, k, axis=0), seed.ravel())
        pick = np.arange(len(p)) * k + seed_dist.reshape(-1, k).argmin(1)
        # the seeds' best is the answer unless a face below beats it; the bound gets a
        # tolerance for rounding (a box bound can exceed the exact distance by an ulp or so,
        # and on axis-aligned meshes the true face sits exactly on the bound)
        upper = seed_dist[pick]
        slack = upper + self.tolerance_km(p)
        order, levels = self.boxes
        point = np.repeat(np.arange(len(p)), len(levels[-1][0]))
        node = np.tile(np.arange(len(levels[-1][0])), len(p))
        for lo, hi, normal, d_lo, d_hi in reversed(levels):
            x = p[point]
            gap = np.maximum(np.maximum(lo[node] - x, x - hi[node]), 0.0)
            along = np.einsum("ij,ij->i", x, normal[node])
            slab = np.maximum(np.maximum(d_lo[node] - along, along - d_hi[node]), 0.0)
            bound = np.maximum(np.einsum("ij,ij->i", gap, gap), slab * slab)
            keep = bound <= slack[point] ** 2
            point, node = np.repeat(point[keep], _BRANCH), node[keep]
            node = (node[:, None] * _BRANCH + np.arange(_BRANCH)).ravel()
        face = order[node]
        unique = np.r_[True, (face[1:] != face[:-1]) | (point[1:] != point[:-1])][: len(face)]
        point, face = point[unique], face[unique]  # padding repeats the last face
        centre = np.linalg.norm(p[point] - self.centroid[face], axis=1)
        keep = centre - self.radius_km[face] <= slack[point]
        point, face = point[keep], face[keep]
        best = (
            seed_q[pick],
            seed.ravel()[pick].astype(np.int64),
            upper.copy(),
            seed_feature[pick],
        )
        for lo in range(0, len(point), _CHUNK_PAIRS):
            pt, fc = point[lo : lo + _CHUNK_PAIRS], face[lo : lo + _CHUNK_PAIRS]
            q, feature, dist = self.exact(p[pt], fc)
            sort = np.lexsort((dist, pt))
            first = sort[np.r_[True, pt[sort][1:] != pt[sort][:-1]]]
            better = dist[first] < best[2][pt[first]]
            first, target = first[better], pt[first[better]]
            best[0][target], best[1][target] = q[first], fc[first]
            best[2][target], best[3][target] = dist[first], feature[first]
        return best

    def tolerance_km(self, p):
        """Rounding slack of the pruning bounds at points ``p``: a few ulps of the mesh's and
        the points' coordinates (the bounds and the exact distances are computed from them)."""
        size = np.abs(self.a).max() if len(self.a) else 0.0
        return 1e-9 * (size + np.abs(p).max(1))

    def exact(self, p, faces):
        """Closest points on the given faces (exact), feature codes, distances."""
        q, feature = _closest_on_triangles(p, self.a[faces], self.b[faces], self.c[faces])
        return q, feature, np.linalg.norm(p - q, axis=1)

    # ---- signs: pseudo-normals of faces, edges and vertices
    def pseudo_normals(self, faces, feature):
        """Angle-weighted pseudo-normal of the closest feature (0 face, 1-3 vertex, 4-6 edge)."""
        if self._normals is None:
            self._normals = _pseudo_normals(self.mesh, self.a, self.b, self.c)
        face_n, vertex_n, edge_n = self._normals
        out = face_n[faces].copy()
        for k in range(3):
            at_vertex = feature == 1 + k
            out[at_vertex] = vertex_n[self.mesh.faces[faces[at_vertex], k]]
            on_edge = feature == 4 + k
            out[on_edge] = edge_n[faces[on_edge], k]
        return out

    # ---- rays
    def cast(self, o, d, t_min_km, t_max_km=None):
        """Nearest hit (t, face) per ray, down the box tree one ray at a time (compiled:
        :mod:`orbitviz.shapes._rays`); boxes and hits beyond ``t_max_km`` (per ray) are left
        out."""
        from orbitviz.shapes import _rays

        t_max = np.full(len(o), np.inf) if t_max_km is None else np.asarray(t_max_km)
        order, levels = self.boxes
        if self._flat is None:  # every level's boxes in one array, finest first
            first = np.cumsum([0] + [len(level[0]) for level in levels])
            lo = np.concatenate([level[0] for level in levels])
            hi = np.concatenate([level[1] for level in levels])
            self._flat = (lo, hi, first)
        lo, hi, first = self._flat
        return _rays.cast(
            np.ascontiguousarray(o, dtype=np.float64),
            np.ascontiguousarray(d, dtype=np.float64),
            float(t_min_km),
            np.ascontiguousarray(t_max, dtype=np.float64),
            lo,
            hi,
            first,
            order,
            self.a,
            self.b,
            self.c,
            _BRANCH,
        )


def _closest_on_triangles(p, a, b, c):
    """Closest points of triangles (a, b, c) to points p, all (n, 3) (Ericson, Real-Time
    Collision Detection, 5.1.5), and the feature holding them: 0 interior, 1-3 vertex a/b/c,
    4 edge ab, 5 edge bc, 6 edge ca."""
    ab, ac, ap = b - a, c - a, p - a
    bp, cp = p - b, p - c

    def dot(u, v):
        return np.einsum("ij,ij->i", u, v)

    d1, d2 = dot(ab, ap), dot(ac, ap)
    d3, d4 = dot(ab, bp), dot(ac, bp)
    d5, d6 = dot(ab, cp), dot(ac, cp)
    va, vb, vc = d3 * d6 - d5 * d4, d5 * d2 - d1 * d6, d1 * d4 - d3 * d2

    def ratio(num, den):
        with np.errstate(invalid="ignore", divide="ignore"):
            return np.clip(np.where(den != 0, num / np.where(den != 0, den, 1.0), 0.0), 0, 1)

    total = va + vb + vc
    v_in, w_in = ratio(vb, total), ratio(vc, total)
    conditions = [
        (d1 <= 0) & (d2 <= 0),
        (d3 >= 0) & (d4 <= d3),
        (d6 >= 0) & (d5 <= d6),
        (vc <= 0) & (d1 >= 0) & (d3 <= 0),
        (va <= 0) & (d4 - d3 >= 0) & (d5 - d6 >= 0),
        (vb <= 0) & (d2 >= 0) & (d6 <= 0),
    ]
    feature = np.select(conditions, [1, 2, 3, 4, 5, 6], 0).astype(np.int8)
    s = np.select(
        conditions[3:],
        [ratio(d1, d1 - d3), ratio(d4 - d3, (d4 - d3) + (d5 - d6)), ratio(d2, d2 - d6)],
        0.0,
    )
    q = np.select(
        [feature[:, None] == k for k in range(1, 7)],
        [a, b, c, a + s[:, None] * ab, b + s[:, None] * (c - b), a + s[:, None] * ac],
        a + v_in[:, None] * ab + w_in[:, None] * ac,
    )
    return q, feature


def _pseudo_normals(mesh: Mesh, a, b, c):
    """Face normals, angle-weighted vertex normals and, per face edge, the sum of the normals
    of the two faces sharing it (the edge's own face alone if the mesh is open there)."""
    face_n = mesh.face_normals
    n_vert = len(mesh.vertices)
    angles = []
    for p, q, r in ((a, b, c), (b, c, a), (c, a, b)):  # interior angle at corner p
        u, v = q - p, r - p
        cos = np.einsum("ij,ij->i", u, v) / np.maximum(
            np.linalg.norm(u, axis=1) * np.linalg.norm(v, axis=1), 1e-300
        )
        angles.append(np.arccos(np.clip(cos, -1, 1)))
    weights = np.stack(angles, axis=1)  # (M, 3)
    idx = mesh.faces.ravel()
    flat = (face_n[:, None, :] * weights[:, :, None]).reshape(-1, 3)
    vertex_n = np.stack([np.bincount(idx, flat[:, k], minlength=n_vert) for k in range(3)], 1)
    faces = mesh.faces.astype(np.int64)
    start, end = faces, faces[:, [1, 2, 0]]
    code = (start * n_vert + end).ravel()
    order = np.argsort(code)
    reverse = (end * n_vert + start).ravel()
    pos = np.searchsorted(code[order], reverse).clip(max=len(code) - 1)
    own = np.arange(len(code)) // 3
    neighbour = np.where(code[order][pos] == reverse, order[pos] // 3, own)
    edge_n = (face_n[own] + face_n[neighbour]).reshape(-1, 3, 3)
    return face_n, vertex_n, edge_n


def _box_tree(a, b, c):
    """Faces in Morton order (padded) and, per level, the boxes of groups of BRANCH**level
    faces: corners ``lo``, ``hi`` and a slab ``normal``, ``d_lo``, ``d_hi`` (all the group's
    vertices v have d_lo <= v . normal <= d_hi; thin for smooth patches)."""
    centroid = (a + b + c) / 3.0
    low, high = centroid.min(0), centroid.max(0)
    cell = np.floor((centroid - low) / np.maximum(high - low, 1e-300) * 1023.999).astype(np.int64)
    code = np.zeros(len(a), np.int64)
    for bit in range(10):
        for axis in range(3):
            code |= ((cell[:, axis] >> bit) & 1) << (3 * bit + axis)
    order = np.argsort(code, kind="stable")
    n_nodes = [-(-len(order) // _BRANCH)]
    while n_nodes[-1] > _BRANCH:
        n_nodes.append(-(-n_nodes[-1] // _BRANCH))
    total = n_nodes[-1] * _BRANCH ** len(n_nodes)
    order = np.r_[order, np.full(total - len(order), order[-1])]
    corners = np.stack([a[order], b[order], c[order]], axis=1)  # (total, 3, 3)
    cross = np.cross(corners[:, 1] - corners[:, 0], corners[:, 2] - corners[:, 0])
    levels = []
    for level in range(1, len(n_nodes) + 1):
        group = corners.reshape(-1, _BRANCH**level * 3, 3)
        normal = cross.reshape(len(group), -1, 3).sum(1)
        length = np.linalg.norm(normal, axis=1, keepdims=True)
        normal = np.where(length > 0, normal / np.where(length > 0, length, 1.0), [1.0, 0, 0])
        along = np.einsum("gvi,gi->gv", group, normal)
        levels.append((group.min(1), group.max(1), normal, along.min(1), along.max(1)))
    return order, levels
