"""Load shape models through a binary cache, so that the second load of any mesh is instant.

The cache file is ``cache_dir()/meshes/<sha256 of the source>-v2.npy``: the vertex and the
face arrays, two ``.npy`` records one after the other (read with ``allow_pickle=False``; no zip
container, whose CRC check cost ~90% of a cached load of the .npz of v1). Keyed by content,
it survives renames and notices edits. A file
whose size and mtime are unchanged is not hashed again (:func:`orbitviz._files.sha256_file`
with its ``meshes/sha256/`` memos).

Example:
    >>> from orbitviz import data
    >>> deimos = load_mesh(data.fetch("deimos-thomas.ply"), body="DEIMOS")   # parsed, cached
    >>> again = load_mesh(data.fetch("deimos-thomas.ply"), body="DEIMOS")    # from the cache
    >>> again.faces.shape, bool((again.vertices == deimos.vertices).all())
    ((5040, 3), True)
"""

from __future__ import annotations

import contextlib
import stat
from pathlib import Path

import numpy as np

from orbitviz._files import atomic_open, check_input, sha256_file
from orbitviz.arguments import path as argument_path
from orbitviz.data.paths import cache_dir
from orbitviz.errors import ShapeFormatError
from orbitviz.shapes.mesh import Mesh
from orbitviz.shapes.readers import read_shape

_FORMAT = "v2"  # bump when the cached arrays change meaning


def mesh_cache_path(path: str | Path) -> Path:
    """Where the cached arrays of the shape file ``path`` live."""
    return cache_dir() / "meshes" / f"{_content_key(Path(path))}-{_FORMAT}.npy"


def _content_key(path: Path) -> str:
    """The file's sha256, remembered (like git's index) against its size and mtime, in this
    process and in ``meshes/sha256/`` for the next one; any change means a fresh hash."""
    return sha256_file(path, memo_dir=cache_dir() / "meshes" / "sha256")


def load_mesh(
    path: str | Path, use_cache: bool = True, *, body: str | None = None, frame: str | None = None
) -> Mesh:
    """Read a shape model (see :func:`read_shape`), through the mesh cache unless ``use_cache``
    is False. A damaged cache file is ignored and rewritten."""
    path = argument_path("path", path, error=ShapeFormatError)
    info = check_input(path, what="shape file", error=ShapeFormatError, pipes=True)
    if not use_cache or (info is not None and stat.S_ISFIFO(info.st_mode)):  # a pipe: once
        return read_shape(path, body=body, frame=frame)
    try:
        cached = mesh_cache_path(path)
    except FileNotFoundError:
        raise ShapeFormatError(
            f"shape file {path} does not exist; check the path, or fetch it "
            "with orbitviz.data.fetch(name)"
        ) from None
    except OSError as exc:
        raise ShapeFormatError(f"cannot read shape file {path}: {exc.strerror or exc}") from None
    mesh = _read_cache(cached, path, body, frame)
    if mesh is None:
        mesh = read_shape(path, body=body, frame=frame)
        _write_cache(cached, mesh)
    return mesh


def _read_cache(cached: Path, source: Path, body, frame) -> Mesh | None:
    try:
        with open(cached, "rb") as stream:
            vertices = np.load(stream, allow_pickle=False)
            faces = np.load(stream, allow_pickle=False)
            if stream.read(1):
                return None  # not what we wrote: rewrite it
        return Mesh(vertices, faces, body, frame, source)
    except (OSError, ValueError, EOFError):
        return None  # missing, unreadable or damaged (ShapeFormatError is a ValueError)


def _write_cache(cached: Path, mesh: Mesh) -> None:
    faces = mesh.faces
    if len(mesh.vertices) < 2**31 and faces.dtype != np.int32:
        faces = faces.astype(np.int32)
    with contextlib.suppress(OSError):  # a read-only or full cache only costs speed next time
        cached.parent.mkdir(parents=True, exist_ok=True)
        with atomic_open(cached, "wb") as stream:
            np.save(stream, mesh.vertices, allow_pickle=False)
            np.save(stream, faces, allow_pickle=False)
