"""Meshes prepared for drawing: the same surface in a new order, and clusters skipped only when
none of their triangles could appear in the picture."""

import numpy as np
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st
from shapes_support import icosphere

from orbitviz.data import fetch
from orbitviz.shapes import load_mesh
from orbitviz.shapes.clusters import ClusteredMesh, morton_order
from orbitviz.shapes.mesh import Mesh


@pytest.fixture(scope="module")
def comet():
    return load_mesh(fetch("67p-4k.obj"))


def look_at_clip(eye, target, fov_deg=30.0, aspect=16 / 9, near=0.01, far=100.0):
    """OpenGL's clip matrix (column vectors) of a camera at ``eye`` looking at ``target``."""
    forward = np.asarray(target, float) - eye
    forward /= np.linalg.norm(forward)
    up = np.array([0.0, 0.0, 1.0]) if abs(forward[2]) < 0.9 else np.array([0.0, 1.0, 0.0])
    right = np.cross(forward, up)
    right /= np.linalg.norm(right)
    up = np.cross(right, forward)
    view = np.eye(4)
    view[0, :3], view[1, :3], view[2, :3] = right, up, -forward
    view[:3, 3] = -view[:3, :3] @ eye
    f = 1.0 / np.tan(np.radians(fov_deg) / 2)
    projection = np.array(
        [
            [f / aspect, 0, 0, 0],
            [0, f, 0, 0],
            [0, 0, (far + near) / (near - far), 2 * far * near / (near - far)],
            [0, 0, -1, 0],
        ]
    )
    return projection @ view


def drawn_faces(drawn: ClusteredMesh, clip: np.ndarray, eye) -> np.ndarray:
    """Faces OpenGL would draw: front-facing with at least one corner inside the clip volume
    (a subset of what it draws, enough to catch a wrongly skipped cluster)."""
    corners = drawn.vertices[drawn.faces].astype(float)  # (F, 3, 3)
    homogeneous = np.concatenate([corners, np.ones(corners.shape[:2] + (1,))], axis=2)
    c = homogeneous @ clip.T
    inside = (np.abs(c[..., :3]) < c[..., 3:4]).all(axis=2).any(axis=1)
    a, b, d = corners[:, 0], corners[:, 1], corners[:, 2]
    normal = np.cross(b - a, d - a) * drawn.winding
    front = np.einsum("ij,ij->i", normal, eye - (a + b + d) / 3) > 0
    return inside & front


def test_reordering_keeps_every_triangle_and_its_normals(comet):
    drawn = ClusteredMesh.from_mesh(comet)

    def triangles(vertices, faces):  # each triangle as its rotated-to-smallest corner tuple
        tri = vertices.astype(np.float32)[faces].reshape(len(faces), 9).tolist()
        keys = [min(tuple(t[3 * k :]) + tuple(t[: 3 * k]) for k in range(3)) for t in tri]
        return sorted(keys)

    assert triangles(drawn.vertices, drawn.faces) == triangles(comet.vertices, comet.faces)
    assert drawn.closed and drawn.winding == (1 if comet.volume_km3 > 0 else -1)
    # a vertex keeps its (outward) normal wherever it moved
    moved = {tuple(v): n for v, n in zip(drawn.vertices.tolist(), drawn.normals)}
    outward = comet.vertex_normals * drawn.winding
    for v, n in zip(comet.vertices[:200].astype(np.float32).tolist(), outward[:200]):
        assert np.allclose(moved[tuple(v)], n, atol=1e-6)


def test_neighbouring_faces_end_up_close_in_the_index_list(comet):
    """The point of the reordering: a run of faces shares vertices (a renderer's vertex cache
    then shades each about once). Shuffled, 32 faces touch ~80 vertices; sorted, far fewer."""
    rng = np.random.default_rng(0)
    shuffled = Mesh(comet.vertices, comet.faces[rng.permutation(len(comet.faces))])
    drawn = ClusteredMesh.from_mesh(shuffled)

    def vertices_per_run(faces):
        runs = faces[: len(faces) // 32 * 32].reshape(-1, 96)
        return np.mean([len(np.unique(run)) for run in runs])

    assert vertices_per_run(drawn.faces) < 0.6 * vertices_per_run(shuffled.faces)


def test_morton_order_keeps_near_points_near():
    points = np.random.default_rng(1).random((4096, 3))
    ordered = points[morton_order(points)]
    step = np.linalg.norm(np.diff(ordered, axis=0), axis=1)
    assert np.median(step) < 0.25 * np.median(np.linalg.norm(np.diff(points, axis=0), axis=1))


@settings(max_examples=40, deadline=None)
@given(
    direction=st.tuples(*[st.floats(-1, 1)] * 3).filter(lambda v: np.linalg.norm(v) > 0.1),
    distance=st.floats(1.3, 6.0),
    aim=st.tuples(*[st.floats(-1.5, 1.5)] * 3),
    fov=st.floats(10.0, 90.0),
)
def test_no_cluster_with_a_visible_triangle_is_skipped(comet, direction, distance, aim, fov):
    drawn = ClusteredMesh.from_mesh(comet)
    radius = float(np.linalg.norm(comet.vertices, axis=1).max())
    eye = np.asarray(direction) / np.linalg.norm(direction) * distance * radius
    clip = look_at_clip(eye, aim, fov)
    kept = np.repeat(drawn.visible(clip), drawn.cluster_faces)[: len(drawn.faces)]
    must_draw = drawn_faces(drawn, clip, eye)
    assert not (must_draw & ~kept).any(), f"{(must_draw & ~kept).sum()} visible faces skipped"


def test_faces_turned_away_or_out_of_view_are_skipped():
    vertices, faces = icosphere(5)  # 20,480 faces, a smooth closed surface
    drawn = ClusteredMesh.from_mesh(Mesh(vertices, faces))
    eye = np.array([0.0, -6.0, 0.0])
    facing_us = drawn.visible(look_at_clip(eye, (0, 0, 0)))
    kept = len(drawn.faces_of(facing_us)) / len(drawn.faces)
    assert 0.45 < kept < 0.7  # about half the sphere faces the eye; no more than ~0.2 spare
    looking_away = drawn.visible(look_at_clip(eye, (0, -12.0, 0)))
    assert not looking_away.any()


@pytest.mark.parametrize("n_faces", [100, 490, 1000, 1280])
def test_each_cluster_gives_its_own_faces(n_faces):
    """faces_of(one cluster) is that cluster's run of faces, inside its bounding sphere, for
    any face count (100 faces are clusters of 32, 32, 32 and 4: the last one shorter; taking
    the size as faces / clusters, 25, handed out the wrong faces); several clusters give
    their faces in drawing order."""
    vertices, faces = icosphere(4)
    drawn = ClusteredMesh.from_mesh(Mesh(vertices, faces[:n_faces]))
    size = drawn.cluster_faces
    found = []
    for k in range(drawn.n_clusters):
        one = np.zeros(drawn.n_clusters, bool)
        one[k] = True
        mine = drawn.faces_of(one)
        assert len(mine) == min(size, n_faces - k * size)
        reach = np.linalg.norm(drawn.vertices[mine] - drawn.center[k], axis=2)
        assert (reach <= drawn.radius[k] * (1 + 1e-5) + 1e-6).all()
        found.append(mine)
    assert np.array_equal(np.concatenate(found), drawn.faces)
    some = np.arange(drawn.n_clusters) % 3 == 0
    assert np.array_equal(
        drawn.faces_of(some), np.concatenate([found[k] for k in np.flatnonzero(some)])
    )
    assert len(drawn.faces_of(np.zeros(drawn.n_clusters, bool))) == 0


def test_open_surfaces_are_only_tested_against_the_view():
    vertices, faces = icosphere(3)
    cap = Mesh(vertices, faces[vertices[faces].mean(axis=1)[:, 2] > 0])  # upper half: open
    drawn = ClusteredMesh.from_mesh(cap)
    assert not drawn.closed
    # from below, the inside of the cap shows: nothing may be skipped as "back-facing"
    assert drawn.visible(look_at_clip(np.array([0.0, 0.0, -5.0]), (0, 0, 0))).all()
