"""Surface queries near axis-aligned and tiny meshes: exact against brute force (issue #13).

The pruning of ``nearest_points`` once had no tolerance: on a cube ~20% of points came back
at inf/-inf and a tetrahedron raised IndexError.
"""

from __future__ import annotations

import numpy as np
import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from orbitviz.shapes import Mesh, load_mesh
from orbitviz.shapes.surface import _closest_on_triangles, altitude_km, nearest_points


def box(nx: int, ny: int, nz: int, size=(1.0, 1.0, 1.0), origin=(0.0, 0.0, 0.0)) -> Mesh:
    """A closed, outward-facing axis-aligned box, each side cut into a grid of squares."""
    size, origin = np.asarray(size, float), np.asarray(origin, float)
    counts = (nx, ny, nz)
    vertices, faces = [], []
    for axis in range(3):
        u, v = (axis + 1) % 3, (axis + 2) % 3
        for side in (0.0, 1.0):
            nu, nv = counts[u], counts[v]
            s, t = np.meshgrid(np.linspace(0, 1, nu + 1), np.linspace(0, 1, nv + 1), indexing="ij")
            grid = np.zeros((nu + 1, nv + 1, 3))
            grid[..., axis], grid[..., u], grid[..., v] = side, s, t
            start = sum(len(x) for x in vertices)
            vertices.append(grid.reshape(-1, 3))
            idx = np.arange((nu + 1) * (nv + 1)).reshape(nu + 1, nv + 1) + start
            a, b, c, d = idx[:-1, :-1], idx[1:, :-1], idx[1:, 1:], idx[:-1, 1:]
            quads = np.stack([a, b, c, d], -1).reshape(-1, 4)
            tri = np.r_[quads[:, [0, 1, 2]], quads[:, [0, 2, 3]]]
            faces.append(tri if side == 1.0 else tri[:, ::-1])
    verts = np.concatenate(vertices) * size + origin
    mesh_faces = np.concatenate(faces)
    # weld the shared edge vertices so that the box is closed (signs need neighbours)
    keys, inverse = np.unique(np.round(verts, 12), axis=0, return_inverse=True)
    return Mesh(keys, inverse.ravel()[mesh_faces])


TETRA = Mesh(
    np.array([[0, 0, 0], [1, 0, 0], [0, 1, 0], [0, 0, 1.0]]),
    np.array([[0, 2, 1], [0, 1, 3], [0, 3, 2], [1, 2, 3]]),
)
MESHES = {
    "cube": box(1, 1, 1),
    "box-3x4x5": box(3, 4, 5, size=(3.0, 4.0, 5.0), origin=(-1.0, 2.0, -3.0)),
    "box-10800": box(30, 30, 30, size=(2.0, 2.0, 2.0)),  # 6 * 2 * 900 = 10,800 faces
    "slab": box(20, 20, 1, size=(10.0, 10.0, 1e-3)),
    "tetra": TETRA,
}


def brute_force(mesh: Mesh, points) -> np.ndarray:
    p = np.asarray(points, float).reshape(-1, 3)
    a, b, c = (mesh.vertices[mesh.faces[:, k]] for k in range(3))
    m = len(a)
    q, _ = _closest_on_triangles(
        np.repeat(p, m, 0),
        np.tile(a, (len(p), 1)),
        np.tile(b, (len(p), 1)),
        np.tile(c, (len(p), 1)),
    )
    return np.linalg.norm(np.repeat(p, m, 0) - q, axis=1).reshape(len(p), m).min(1)


def special_points(mesh: Mesh) -> np.ndarray:
    """Vertices, edge midpoints, face centroids and points just off them, plus far points."""
    v, f = mesh.vertices, mesh.faces
    a, b, c = (v[f[:, k]] for k in range(3))
    centre, span = v.mean(0), np.ptp(v, 0).max()
    points = [v, (a + b) / 2, (b + c) / 2, (a + b + c) / 3, (a + b + c) / 3 + 1e-9]
    points.append(centre + np.array([[1e6, 0, 0], [0, -1e6, 0], [3e3, 4e3, -5e3]]) * span)
    points.append(np.array([centre]))
    return np.concatenate(points)


@pytest.mark.parametrize("name", list(MESHES))
def test_nearest_is_exact_on_faces_edges_vertices_and_far(name):
    mesh = MESHES[name]
    points = special_points(mesh)
    rng = np.random.default_rng(13)
    if len(points) > 600:
        points = points[rng.choice(len(points), 600, replace=False)]
    _, face, dist = nearest_points(mesh, points)
    assert np.isfinite(dist).all()
    assert ((face >= 0) & (face < len(mesh.faces))).all()
    np.testing.assert_allclose(dist, brute_force(mesh, points), rtol=1e-9, atol=1e-9)
    alt = altitude_km(mesh, points)
    assert np.isfinite(alt).all()
    np.testing.assert_allclose(np.abs(alt), dist, rtol=0, atol=0)


coordinate = st.one_of(
    st.sampled_from([-1.0, -0.5, 0.0, 0.25, 0.5, 1.0, 2.0, 1e-12, -1e-12]),
    st.floats(-3.0, 3.0, allow_nan=False),
    st.floats(-1e7, 1e7, allow_nan=False),
)


@settings(max_examples=60, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(
    name=st.sampled_from(["cube", "box-3x4x5", "tetra", "slab"]),
    points=st.lists(st.tuples(coordinate, coordinate, coordinate), min_size=1, max_size=40),
)
def test_random_points_match_brute_force(name, points):
    mesh = MESHES[name]
    p = np.array(points, float)
    _, _, dist = nearest_points(mesh, p)
    np.testing.assert_allclose(dist, brute_force(mesh, p), rtol=1e-9, atol=1e-9)


def test_cube_signs_inside_outside():
    cube = MESHES["cube"]
    alt = altitude_km(cube, [[0.5, 0.5, 0.5], [0.5, 0.5, 1.5], [0.5, 0.5, 1.0], [2, 2, 2]])
    np.testing.assert_allclose(alt, [-0.5, 0.5, 0.0, np.sqrt(3)], atol=1e-12)


def test_real_67p_against_brute_force(mirror):
    mesh = load_mesh(mirror / "shapes" / "67p-4k.obj")
    rng = np.random.default_rng(67)
    v = mesh.vertices
    span = np.ptp(v, 0).max()
    points = np.concatenate(
        [
            v[rng.choice(len(v), 40, replace=False)],  # exactly on vertices
            (v[mesh.faces[:40, 0]] + v[mesh.faces[:40, 1]]) / 2,  # on edges
            rng.normal(size=(80, 3)) * span,  # around and inside
            rng.normal(size=(10, 3)) * span * 1e4,  # far away
        ]
    )
    _, _, dist = nearest_points(mesh, points)
    np.testing.assert_allclose(dist, brute_force(mesh, points), rtol=1e-9, atol=1e-9)


# -- meshes whose every answer would be meaningless (#26 item 5) ------------------------------
@pytest.mark.parametrize(
    ("text", "words"),
    [
        ("v 0 0 0\nv 1 0 0\nv 2 0 0\nf 1 2 3\nf 3 2 1\n", "have zero area"),  # on a line
        ("v 1 1 1\nv 1 1 1\nv 1 1 1\nf 1 2 3\n", "have zero area"),  # one point
        ("v 0 0 0\nv 1e308 0 0\nv 0 1e308 0\nf 1 2 3\n", "lies 1e+308 km from the origin"),
    ],
)
def test_a_mesh_without_a_surface_is_one_line(tmp_path, capsys, text, words):
    """These gave rc 0 with area 0, inf or nan (and an AssertionError for 1e308 in the viewer);
    ``lander`` reported touchdowns on the zero-size shape."""
    from conftest import one_error_line

    bad = tmp_path / "bad.obj"
    bad.write_text(text)
    assert words in one_error_line(capsys, "shape", "info", str(bad))
