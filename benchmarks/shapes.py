"""Shape-model reading and surface queries: ours against the usual ways, in the same run.

Writes a >= 1 million face OBJ (a bumpy subdivided icosphere) into a temporary folder and times
our reader (first parse, then a cached load), the notebooks' pandas ``read_csv(sep=" ")``,
``vispy.io.read_mesh`` and ``trimesh.load`` (peers that are not installed are skipped), then
``altitude_km`` for 7,000 points around 67P against trimesh's ``signed_distance`` if present.

Run:  ORBITVIZ_DATA_MIRROR=../shared/data python benchmarks/shapes.py
"""

from __future__ import annotations

import os
import tempfile
import time
from pathlib import Path

import numpy as np

from orbitviz import data
from orbitviz.shapes import altitude_km, load_mesh, read_shape


def best_time(function, repeat: int = 3) -> tuple[float, object]:
    best, result = np.inf, None
    for _ in range(repeat):
        start = time.perf_counter()
        result = function()
        best = min(best, time.perf_counter() - start)
    return best, result


def bumpy_sphere(subdivisions: int) -> tuple[np.ndarray, np.ndarray]:
    """Icosphere with 20 * 4**subdivisions faces, radius perturbed by a few percent (km)."""
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
        ]
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
        mid = len(v) + inverse.ravel().reshape(3, -1).T
        v = np.concatenate([v, v[unique].mean(axis=1)])
        (a, b, c), (ab, bc, ca) = f.T, mid.T
        f = np.concatenate(
            [np.stack(x, 1) for x in ([a, ab, ca], [b, bc, ab], [c, ca, bc], [ab, bc, ca])]
        )
    v /= np.linalg.norm(v, axis=1, keepdims=True)
    v *= 2.0 * (1 + 0.05 * np.sin(5 * v[:, :1]) * np.cos(3 * v[:, 1:2]))
    return v, f


def pandas_notebook(path: Path):
    """The notebooks' way: read_csv on the OBJ with sep=" ", then split v and f rows."""
    import pandas as pd

    table = pd.read_csv(path, sep=" ", header=None, names=["TYPE", "X1", "X2", "X3"], comment="#")
    vertices = table[table["TYPE"] == "v"][["X1", "X2", "X3"]].to_numpy(np.float64)
    faces = table[table["TYPE"] == "f"][["X1", "X2", "X3"]].to_numpy(np.int64) - 1
    return vertices, faces


def vispy_read(path: Path):
    import vispy.io

    return vispy.io.read_mesh(str(path))


def trimesh_read(path: Path):
    import trimesh

    return trimesh.load(str(path), process=False)


def report(name: str, ours_s: float, peer_s: float, peer: str) -> None:
    print(f"{name}: ours {ours_s:.3f} s, peer {peer_s:.3f} s ({peer}), ratio {peer_s / ours_s:.1f}")


def main() -> None:
    with tempfile.TemporaryDirectory() as folder:
        os.environ["ORBITVIZ_CACHE_DIR"] = str(Path(folder) / "cache")
        vertices, faces = bumpy_sphere(8)
        path = Path(folder) / "bumpy.obj"
        with open(path, "w") as stream:
            np.savetxt(stream, vertices, fmt="v %.6f %.6f %.6f")
            np.savetxt(stream, faces + 1, fmt="f %d %d %d")
        mega_faces = len(faces) / 1e6
        print(
            f"# {path.name}: {len(vertices):,} vertices, {len(faces):,} faces, "
            f"{path.stat().st_size / 1e6:.1f} MB"
        )

        ours_s, mesh = best_time(lambda: read_shape(path))
        assert np.array_equal(mesh.faces, faces)
        peers = {
            "pandas read_csv (notebooks)": lambda: pandas_notebook(path),
            "vispy.io.read_mesh": lambda: vispy_read(path),
            "trimesh.load": lambda: trimesh_read(path),
        }
        timings = {}
        for peer, run in peers.items():
            try:
                timings[peer] = best_time(run, repeat=1 if "vispy" in peer else 3)[0]
            except ImportError:
                print(f"# {peer}: not installed, skipped")
                continue
            report(f"OBJ first parse {mega_faces:.2f}M faces", ours_s, timings[peer], peer)
        fastest = min(timings, key=timings.get)

        load_mesh(path)  # fill the cache
        cached_s, cached = best_time(lambda: load_mesh(path))
        assert np.array_equal(cached.faces, faces)
        report(f"OBJ cached load {mega_faces:.2f}M faces", cached_s, timings[fastest], fastest)
        print(
            f"# cached load: {cached_s / mega_faces * 1e3:.1f} ms per million faces (file "
            "unchanged, so its sha256 comes from the size/mtime memo)"
        )
        memo = Path(os.environ["ORBITVIZ_CACHE_DIR"]) / "meshes" / "sha256"
        for stale in memo.iterdir():
            stale.unlink()
        rehash_s = best_time(lambda: load_mesh(path), repeat=1)[0]
        print(
            f"# cached load with the sha256 recomputed: {rehash_s / mega_faces * 1e3:.1f} ms "
            "per million faces"
        )

    comet = read_shape(data.fetch("67p-spc.ply"))
    rng = np.random.default_rng(0)
    pick = rng.integers(0, len(comet.vertices), 7000)
    points = comet.vertices[pick] + comet.vertex_normals[pick] * rng.uniform(-0.2, 2.0, (7000, 1))
    altitude_km(comet, points[:10])  # build the search structures once
    ours_s, alt = best_time(lambda: altitude_km(comet, points), repeat=2)
    try:
        import trimesh

        tm = trimesh.Trimesh(comet.vertices, comet.faces, process=False)
        peer_s, signed = best_time(lambda: trimesh.proximity.signed_distance(tm, points), repeat=1)
        assert np.allclose(-signed, alt, atol=1e-6)  # trimesh: positive inside
        report(
            "altitude_km 7000 points, 67p-spc.ply (96,834 faces)",
            ours_s,
            peer_s,
            "trimesh signed_distance",
        )
    except ImportError:
        print(f"altitude_km 7000 points, 67p-spc.ply: ours {ours_s:.3f} s (no trimesh+rtree)")


if __name__ == "__main__":
    main()
