"""Surface queries: nearest points, signed altitude, rays and lat/lon, against exact answers."""

import numpy as np
import pytest
from shapes_support import CUBE_FACES, CUBE_VERTICES, icosphere

from orbitviz.shapes import (
    Mesh,
    altitude_km,
    lat_lon_deg,
    nearest_points,
    ray_intersect,
)
from orbitviz.shapes.surface import _closest_on_triangles

CUBE = Mesh(CUBE_VERTICES, CUBE_FACES)


def brute_force_distance(mesh, points):
    """Distance from each point to every triangle, minimum over all of them."""
    p = np.repeat(points, len(mesh.faces), axis=0)
    tri = np.tile(mesh.faces, (len(points), 1))
    v = mesh.vertices
    q, _ = _closest_on_triangles(p, v[tri[:, 0]], v[tri[:, 1]], v[tri[:, 2]])
    return np.linalg.norm(p - q, axis=1).reshape(len(points), -1).min(axis=1)


def test_closest_point_on_a_triangle_in_every_region():
    a, b, c = np.array([[0.0, 0, 0]]), np.array([[1.0, 0, 0]]), np.array([[0.0, 1, 0]])
    cases = {  # point: (closest point, feature)
        (0.2, 0.2, 1.0): ((0.2, 0.2, 0), 0),
        (-1, -1, 0): ((0, 0, 0), 1),
        (2, -0.5, 0): ((1, 0, 0), 2),
        (-0.5, 2, 3): ((0, 1, 0), 3),
        (0.5, -1, 0): ((0.5, 0, 0), 4),
        (1, 1, 0): ((0.5, 0.5, 0), 5),
        (-1, 0.5, 0): ((0, 0.5, 0), 6),
    }
    for point, (expected, feature) in cases.items():
        q, f = _closest_on_triangles(np.array([point], float), a, b, c)
        assert np.allclose(q[0], expected) and f[0] == feature, point


def test_cube_altitude_inside_outside_edges_and_corners():
    points = [
        [0.5, 0.5, 0.3],
        [0.5, 0.5, 1.2],
        [1.1, 1.1, 1.1],
        [1.5, 0.5, 1.5],
        [0.9, 0.5, 0.5],
        [0.5, 0.5, 1.0],
        [-2, 0.5, 0.5],
    ]
    expected = [-0.3, 0.2, np.sqrt(0.03), np.sqrt(0.5), -0.1, 0.0, 2.0]
    assert np.allclose(altitude_km(CUBE, points), expected)
    q, face, dist = nearest_points(CUBE, points)
    assert np.allclose(q[1], [0.5, 0.5, 1.0]) and face[1] in (2, 3)
    assert np.allclose(q[2], [1, 1, 1])
    assert np.allclose(dist, np.abs(expected))


def test_icosphere_altitude_is_exact_against_brute_force_near_and_far():
    v, f = icosphere(3, radius=2.0)
    rng = np.random.default_rng(1)
    mesh = Mesh(v * (1 + 0.05 * rng.standard_normal((len(v), 1))), f)  # bumpy, still closed
    directions = rng.standard_normal((400, 3))
    directions /= np.linalg.norm(directions, axis=1, keepdims=True)
    points = directions * rng.choice([0.1, 1.5, 1.95, 2.05, 3.0, 50.0], (400, 1))
    alt = altitude_km(mesh, points)
    assert np.allclose(np.abs(alt), brute_force_distance(mesh, points), rtol=0, atol=1e-12)
    radius = np.linalg.norm(points, axis=1)
    assert (alt[radius <= 1.5] < 0).all() and (alt[radius >= 3.0] > 0).all()


def test_rays_hit_the_cube_where_expected():
    hit, t, face, point = ray_intersect(
        CUBE,
        [[0.5, 0.5, 5], [0.5, 0.5, 5], [0.5, 0.5, 0.5], [0.25, 0.5, 5]],
        [[0, 0, -1], [0, 0, 1], [1, 0, 0], [0, 0, -10]],
    )
    assert hit.tolist() == [True, False, True, True]
    assert np.allclose(t[[0, 2, 3]], [4, 0.5, 4]) and np.isinf(t[1])
    assert face[0] in (2, 3) and face[1] == -1 and face[2] in (10, 11)
    assert np.allclose(point[0], [0.5, 0.5, 1]) and np.isnan(point[1]).all()
    # shadow rays start just off the surface
    hit, t, _, _ = ray_intersect(CUBE, [[0.5, 0.5, 1.0]], [[0, 0, -1]], t_min_km=1e-9)
    assert hit[0] and t[0] == pytest.approx(1.0)


def test_rays_agree_with_brute_force_on_a_sphere():
    v, f = icosphere(4, radius=2.0)
    mesh = Mesh(v, f)
    rng = np.random.default_rng(2)
    origins = rng.uniform(-4, 4, (500, 3))
    directions = rng.standard_normal((500, 3))
    hit, t, _, point = ray_intersect(mesh, origins, directions)
    d = directions / np.linalg.norm(directions, axis=1, keepdims=True)
    b = np.einsum("ij,ij->i", origins, d)  # analytic sphere of radius r: the mesh is inside it
    disc = b**2 - (np.einsum("ij,ij->i", origins, origins) - 4.0)
    far_miss = disc < 0
    assert not hit[far_miss].any()
    assert np.allclose(np.linalg.norm(point[hit], axis=1), 2.0, atol=0.01)
    clear_hit = (disc > 0.2) & (-b - np.sqrt(np.maximum(disc, 0)) > 0.1)
    assert hit[clear_hit].all()
    assert np.allclose(t[clear_hit], -b[clear_hit] - np.sqrt(disc[clear_hit]), atol=0.01)


def test_rays_find_the_nearest_face_of_brute_force():
    """Each ray's first hit is the nearest of all faces (Moeller-Trumbore over every face, in
    numpy here): the same face and distance, for rays from outside and inside a dented sphere
    (concave: a ray meets it up to four times), axis-aligned ones (1/0 in the box tests)
    included, and none where no face is hit."""
    v, f = icosphere(3, radius=2.0)
    v = v * (1.0 - 0.35 * np.exp(-((v[:, 2:3] - 2.0) ** 2)))  # a dent at the north pole
    mesh = Mesh(v, f)
    rng = np.random.default_rng(5)
    origins = np.r_[rng.uniform(-4, 4, (300, 3)), rng.uniform(-0.8, 0.8, (60, 3))]
    directions = rng.standard_normal((360, 3))
    directions[:40] = np.eye(3)[rng.integers(0, 3, 40)] * rng.choice([-1.0, 1.0], (40, 1))
    hit, t, face, _ = ray_intersect(mesh, origins, directions)
    d = directions / np.linalg.norm(directions, axis=1, keepdims=True)
    a, b, c = (v[f[:, k]] for k in range(3))
    e1, e2 = b - a, c - a
    p = np.cross(d[:, None], e2[None])  # (rays, faces, 3)
    det = np.einsum("fk,rfk->rf", e1, p)
    with np.errstate(divide="ignore", invalid="ignore"):
        s = origins[:, None] - a[None]
        u = np.einsum("rfk,rfk->rf", s, p) / det
        q = np.cross(s, e1[None])
        w = np.einsum("rk,rfk->rf", d, q) / det
        dist = np.einsum("fk,rfk->rf", e2, q) / det
        ok = (det != 0) & (u >= -1e-10) & (w >= -1e-10) & (u + w <= 1 + 1e-10) & (dist >= 0)
    nearest = np.where(ok, dist, np.inf)
    assert 100 < hit.sum() < 360 and hit[300:].all()  # misses, hits, and all from inside
    assert hit.tolist() == np.isfinite(nearest.min(axis=1)).tolist()
    assert np.allclose(t[hit], nearest.min(axis=1)[hit], rtol=0, atol=1e-12)
    assert (face[hit] == nearest.argmin(axis=1)[hit]).all()
    assert (face[~hit] == -1).all()


def test_rays_look_no_farther_than_t_max():
    """``t_max_km`` (one per ray, or one for all): a hit beyond it is a miss, one before it is
    the first hit as without a limit; on the sphere, the same answers as the full cast cut at
    each ray's limit."""
    origins = [[0.5, 0.5, 5.0]] * 3
    down = [[0.0, 0.0, -1.0]] * 3
    hit, t, face, _ = ray_intersect(CUBE, origins, down, t_max_km=[3.9, 4.1, np.inf])
    assert hit.tolist() == [False, True, True] and np.isinf(t[0]) and face[0] == -1
    assert np.allclose(t[1:], 4.0)
    assert not ray_intersect(CUBE, origins[:1], down[:1], t_max_km=3.0)[0][0]
    v, f = icosphere(3, radius=2.0)
    mesh = Mesh(v, f)
    rng = np.random.default_rng(3)
    origins = rng.uniform(-5, 5, (300, 3))
    directions = rng.standard_normal((300, 3))
    limit = rng.uniform(0.0, 8.0, 300)
    full_hit, full_t, _, _ = ray_intersect(mesh, origins, directions)
    hit, t, _, _ = ray_intersect(mesh, origins, directions, t_max_km=limit)
    assert 20 < hit.sum() < full_hit.sum()  # some hits were beyond their limits
    assert hit.tolist() == (full_hit & (full_t <= limit)).tolist()
    assert np.allclose(t[hit], full_t[hit])


def test_lat_lon_deg():
    lat, lon = lat_lon_deg(
        [
            [1, 0, 0],
            [0, 1, 0],
            [-1, 0, 0],
            [0, -1, 0],
            [0, 0, 2],
            [1, -1e-18, 0],
            [1, 1, np.sqrt(2)],
        ]
    )
    assert np.allclose(lat, [0, 0, 0, 0, 90, 0, 45])
    assert np.allclose(lon, [0, 90, 180, 270, 0, 0, 45])
    assert ((lon >= 0) & (lon < 360)).all()
