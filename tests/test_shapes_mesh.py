"""Mesh geometry on meshes with known answers, validation and level of detail."""

import sys

import numpy as np
import pytest
from shapes_support import (
    CUBE_FACES,
    CUBE_VERTICES,
    TETRA_FACES,
    TETRA_VERTICES,
    icosphere,
)

from orbitviz.errors import ShapeFormatError
from orbitviz.shapes import Mesh


def test_unit_cube_geometry():
    cube = Mesh(CUBE_VERTICES, CUBE_FACES)
    assert cube.area_km2 == pytest.approx(6.0)
    assert cube.volume_km3 == pytest.approx(1.0)
    assert np.allclose(cube.centroid, [0.5, 0.5, 0.5])
    assert np.allclose(cube.extent_km, [1, 1, 1])
    assert np.allclose(cube.bounds, [[0, 0, 0], [1, 1, 1]])
    assert cube.equivalent_radius_km == pytest.approx((3 / (4 * np.pi)) ** (1 / 3))
    assert cube.is_watertight
    # outward unit normals: the two triangles of the top (z = 1) face point up
    assert np.allclose(cube.face_normals[2:4], [0, 0, 1])
    assert np.allclose(np.linalg.norm(cube.face_normals, axis=1), 1)


def test_tetrahedron_and_shifted_centroid():
    tetra = Mesh(TETRA_VERTICES + [10, -3, 2], TETRA_FACES)
    assert tetra.volume_km3 == pytest.approx(1 / 6)
    assert np.allclose(tetra.centroid, np.array([0.25, 0.25, 0.25]) + [10, -3, 2])
    assert tetra.area_km2 == pytest.approx(1.5 + np.sqrt(3) / 2)
    assert tetra.is_watertight


def test_a_pyramid_has_its_centroid_a_quarter_up_not_at_its_vertex_mean():
    """Every shape above has its centroid at the mean of its vertices; a square pyramid of
    height 1 has it at z = 1/4 (its vertices' mean: 1/5), volume 1/3."""
    v = np.array([[0, 0, 0], [1, 0, 0], [1, 1, 0], [0, 1, 0], [0.5, 0.5, 1.0]])
    f = np.array([[0, 2, 1], [0, 3, 2], [0, 1, 4], [1, 2, 4], [2, 3, 4], [3, 0, 4]])
    pyramid = Mesh(v + [3.0, -2.0, 7.0], f)
    assert pyramid.is_watertight and pyramid.volume_km3 == pytest.approx(1 / 3)
    assert np.allclose(pyramid.centroid, np.array([0.5, 0.5, 0.25]) + [3.0, -2.0, 7.0])


def test_icosphere_matches_the_sphere():
    v, f = icosphere(4, radius=2.0)
    sphere = Mesh(v, f)
    assert sphere.volume_km3 == pytest.approx(4 / 3 * np.pi * 8, rel=0.01)
    assert sphere.area_km2 == pytest.approx(4 * np.pi * 4, rel=0.01)
    assert np.allclose(sphere.centroid, 0, atol=1e-9)
    assert sphere.is_watertight
    radial = v / np.linalg.norm(v, axis=1, keepdims=True)
    assert np.einsum("ij,ij->i", sphere.vertex_normals, radial).min() > 0.999


def test_inward_normals_give_negative_volume_and_a_flipped_face_breaks_watertightness():
    assert Mesh(CUBE_VERTICES, CUBE_FACES[:, ::-1]).volume_km3 == pytest.approx(-1.0)
    flipped = CUBE_FACES.copy()
    flipped[0] = flipped[0, ::-1]
    assert not Mesh(CUBE_VERTICES, flipped).is_watertight
    assert not Mesh(CUBE_VERTICES, CUBE_FACES[:-1]).is_watertight  # a hole
    assert not Mesh(CUBE_VERTICES, np.r_[CUBE_FACES, CUBE_FACES[:1]]).is_watertight


def test_arrays_are_read_only_and_the_caller_keeps_its_own():
    vertices = CUBE_VERTICES.copy()
    cube = Mesh(vertices, CUBE_FACES)
    with pytest.raises(ValueError, match="read-only"):
        cube.vertices[0, 0] = 5.0
    vertices[0, 0] = 5.0  # the caller's array stays writable
    assert "8 vertices, 12 faces" in repr(cube)


@pytest.mark.parametrize(
    "vertices, faces, message",
    [
        (CUBE_VERTICES, np.r_[CUBE_FACES, [[0, 1, 8]]], "refers to vertex 8"),
        (CUBE_VERTICES, np.r_[CUBE_FACES, [[0, -1, 2]]], "refers to vertex -1"),
        (np.r_[CUBE_VERTICES[:-1], [[np.nan, 0, 0]]], CUBE_FACES, "NaN"),
        (np.r_[CUBE_VERTICES[:-1], [[np.inf, 0, 0]]], CUBE_FACES, "NaN or infinite"),
        (np.zeros((0, 3)), np.zeros((0, 3), int), "no vertices"),
        (CUBE_VERTICES, np.zeros((0, 3), int), "no triangles"),
        (CUBE_VERTICES, CUBE_FACES.astype(float), "not integers"),
    ],
)
def test_invalid_meshes_raise_shape_format_error(vertices, faces, message):
    with pytest.raises(ShapeFormatError, match=message) as err:
        Mesh(vertices, faces, source="model.obj")
    assert "model.obj" in str(err.value)


@pytest.mark.parametrize("library", [True, False])
def test_decimated_keeps_shape_and_metadata(monkeypatch, library):
    if library:
        pytest.importorskip("fast_simplification")
    else:
        monkeypatch.setitem(sys.modules, "fast_simplification", None)  # force the fallback
    v, f = icosphere(5, radius=2.0)
    sphere = Mesh(v, f, body="ball", frame="BALL_FIXED")
    coarse = sphere.decimated(2000)
    assert 500 <= len(coarse.faces) <= 2400
    assert coarse.body == "ball" and coarse.frame == "BALL_FIXED"
    assert coarse.volume_km3 == pytest.approx(sphere.volume_km3, rel=0.1)
    assert np.allclose(np.linalg.norm(coarse.vertices, axis=1), 2.0, atol=0.15)
    assert sphere.decimated(10**6) is sphere
