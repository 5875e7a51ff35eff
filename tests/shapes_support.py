"""Synthetic meshes with known answers, and writers for OBJ/PLY test files."""

from __future__ import annotations

from pathlib import Path

import numpy as np

CUBE_VERTICES = np.array(
    [[0, 0, 0], [1, 0, 0], [1, 1, 0], [0, 1, 0], [0, 0, 1], [1, 0, 1], [1, 1, 1], [0, 1, 1]], float
)
CUBE_FACES = np.array(
    [
        [0, 2, 1],
        [0, 3, 2],
        [4, 5, 6],
        [4, 6, 7],
        [0, 1, 5],
        [0, 5, 4],
        [3, 7, 6],
        [3, 6, 2],
        [0, 4, 7],
        [0, 7, 3],
        [1, 2, 6],
        [1, 6, 5],
    ]
)
TETRA_VERTICES = np.array([[0, 0, 0], [1, 0, 0], [0, 1, 0], [0, 0, 1.0]])
TETRA_FACES = np.array([[0, 2, 1], [0, 1, 3], [0, 3, 2], [1, 2, 3]])


def icosphere(subdivisions: int, radius: float = 1.0) -> tuple[np.ndarray, np.ndarray]:
    """A geodesic sphere: 20 * 4**subdivisions outward triangles, vertices on the sphere."""
    t = (1 + 5**0.5) / 2
    v = np.array(
        [
            [-1, t, 0],
            [1, t, 0],
            [-1, -t, 0],
            [1, -t, 0],
            [0, -1, t],
            [0, 1, t],
            [0, -1, -t],
            [0, 1, -t],
            [t, 0, -1],
            [t, 0, 1],
            [-t, 0, -1],
            [-t, 0, 1],
        ],
        float,
    )
    f = np.array(
        [
            [0, 11, 5],
            [0, 5, 1],
            [0, 1, 7],
            [0, 7, 10],
            [0, 10, 11],
            [1, 5, 9],
            [5, 11, 4],
            [11, 10, 2],
            [10, 7, 6],
            [7, 1, 8],
            [3, 9, 4],
            [3, 4, 2],
            [3, 2, 6],
            [3, 6, 8],
            [3, 8, 9],
            [4, 9, 5],
            [2, 4, 11],
            [6, 2, 10],
            [8, 6, 7],
            [9, 8, 1],
        ]
    )
    for _ in range(subdivisions):
        edges = np.sort(np.concatenate([f[:, [0, 1]], f[:, [1, 2]], f[:, [2, 0]]]), axis=1)
        unique, inverse = np.unique(edges, axis=0, return_inverse=True)
        mid = len(v) + inverse.ravel().reshape(3, -1).T  # midpoints of ab, bc, ca
        v = np.concatenate([v, v[unique].mean(axis=1)])
        a, b, c = f.T
        ab, bc, ca = mid.T
        f = np.concatenate(
            [np.stack(x, 1) for x in ([a, ab, ca], [b, bc, ab], [c, ca, bc], [ab, bc, ca])]
        )
    v = v / np.linalg.norm(v, axis=1, keepdims=True) * radius
    return v, f


def obj_text(vertices, faces, offset: int = 1) -> str:
    lines = [f"v {x!r} {y!r} {z!r}" for x, y, z in np.asarray(vertices).tolist()]
    lines += ["f " + " ".join(str(i + offset) for i in face) for face in faces]
    return "\n".join(lines) + "\n"


def write_ply(
    path: Path,
    vertices,
    polygons,
    fmt: str = "binary_little_endian",
    count_type: str = "uchar",
    index_type: str = "int",
    extras: bool = True,
) -> Path:
    """A PLY with extra vertex properties (normal, colour) and an element after the faces."""
    vertices = np.asarray(vertices, float)
    n = len(vertices)
    header = [
        "ply",
        f"format {fmt} 1.0",
        "comment written by the orbitviz tests",
        f"element vertex {n}",
        "property float x",
        "property double y",
        "property float z",
    ]
    if extras:
        header += ["property float nx", "property uchar red"]
    header += [
        f"element face {len(polygons)}",
        f"property list {count_type} {index_type} vertex_indices",
    ]
    if extras:
        header += ["element edge 1", "property int vertex1", "property int vertex2"]
    header.append("end_header")
    head = ("\n".join(header) + "\n").encode()
    if fmt == "ascii":
        rows = [
            " ".join(
                [repr(float(np.float32(x))), repr(y), repr(float(np.float32(z)))]
                + (["0.5", "200"] if extras else [])
            )
            for x, y, z in vertices.tolist()
        ]
        rows += [" ".join(map(str, [len(p), *p])) for p in polygons]
        rows += ["0 1"] if extras else []
        path.write_bytes(head + ("\n".join(rows) + "\n").encode())
        return path
    order = "<" if fmt == "binary_little_endian" else ">"
    types = {"uchar": "u1", "int": "i4", "uint": "u4", "ushort": "u2"}
    vdtype = [("x", order + "f4"), ("y", order + "f8"), ("z", order + "f4")]
    if extras:
        vdtype += [("nx", order + "f4"), ("red", "u1")]
    vrec = np.zeros(n, vdtype)
    vrec["x"], vrec["y"], vrec["z"] = vertices.T
    body = [vrec.tobytes()]
    for p in polygons:
        body.append(np.array([len(p)], order + types[count_type]).tobytes())
        body.append(np.array(p, order + types[index_type]).tobytes())
    if extras:
        body.append(np.array([0, 1], order + "i4").tobytes())
    path.write_bytes(head + b"".join(body))
    return path


def as_float32_xz(vertices) -> np.ndarray:
    """What write_ply stores: x and z as float32, y as double."""
    v = np.array(vertices, float)
    v[:, 0] = v[:, 0].astype(np.float32)
    v[:, 2] = v[:, 2].astype(np.float32)
    return v
