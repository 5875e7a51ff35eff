"""Load shape models through a binary cache, so that the second load of any mesh is instant.

The cache file is ``cache_dir()/meshes/<sha256 of the source>-v1.npz`` (uncompressed, read
with ``allow_pickle=False``): keyed by content, it survives renames and notices edits. A file
whose size, mtime and inode are unchanged is not hashed again (``meshes/sha256/`` memos).

Example:
    >>> from orbitviz import data
    >>> deimos = load_mesh(data.fetch("deimos-thomas.ply"), body="DEIMOS")   # parsed, cached
    >>> again = load_mesh(data.fetch("deimos-thomas.ply"), body="DEIMOS")    # from the cache
    >>> again.faces.shape, bool((again.vertices == deimos.vertices).all())
    ((5040, 3), True)
"""

from __future__ import annotations

import hashlib
import os
import tempfile
import zipfile
from pathlib import Path

import numpy as np

from orbitviz.data.paths import cache_dir
from orbitviz.errors import ShapeFormatError
from orbitviz.shapes.mesh import Mesh
from orbitviz.shapes.readers import read_shape

_FORMAT = "v1"  # bump when the cached arrays change meaning
_CHUNK = 1 << 22


def file_sha256(path: str | Path) -> str:
    """Hex sha256 of a file, read in 4 MiB chunks."""
    digest = hashlib.sha256()
    with open(path, "rb") as stream:
        while chunk := stream.read(_CHUNK):
            digest.update(chunk)
    return digest.hexdigest()


def mesh_cache_path(path: str | Path) -> Path:
    """Where the cached arrays of the shape file ``path`` live."""
    return cache_dir() / "meshes" / f"{_content_key(Path(path))}-{_FORMAT}.npz"


def _content_key(path: Path) -> str:
    """The file's sha256, remembered (like git's index) against its size, mtime and inode so
    that an unchanged file is not hashed again; any change to those means a fresh hash."""
    info = path.stat()
    stamp = f"{info.st_size} {info.st_mtime_ns} {info.st_ino}"
    memo = (
        cache_dir() / "meshes" / "sha256" / hashlib.sha256(str(path.resolve()).encode()).hexdigest()
    )
    try:
        known_stamp, digest = memo.read_text().rsplit(" ", 1)
        if known_stamp == stamp and len(digest) == 64:
            return digest
    except (OSError, ValueError):
        pass
    digest = file_sha256(path)
    _write_atomically(memo, lambda stream: stream.write(f"{stamp} {digest}".encode()))
    return digest


def load_mesh(
    path: str | Path, use_cache: bool = True, *, body: str | None = None, frame: str | None = None
) -> Mesh:
    """Read a shape model (see :func:`read_shape`), through the mesh cache unless ``use_cache``
    is False. A damaged cache file is ignored and rewritten."""
    path = Path(path)
    if not use_cache:
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
        with np.load(cached, allow_pickle=False) as arrays:
            return Mesh(arrays["vertices"], arrays["faces"], body, frame, source)
    except (OSError, ValueError, KeyError, EOFError, zipfile.BadZipFile):
        return None  # missing, unreadable or damaged (ShapeFormatError is a ValueError)


def _write_cache(cached: Path, mesh: Mesh) -> None:
    faces = mesh.faces
    if len(mesh.vertices) < 2**31 and faces.dtype != np.int32:
        faces = faces.astype(np.int32)
    _write_atomically(cached, lambda stream: np.savez(stream, vertices=mesh.vertices, faces=faces))


def _write_atomically(target: Path, write) -> None:
    """A temporary file in the same folder, then os.replace: readers never see half a file."""
    try:
        target.parent.mkdir(parents=True, exist_ok=True)
        handle, temporary = tempfile.mkstemp(dir=target.parent, suffix=".tmp")
        try:
            with os.fdopen(handle, "wb") as stream:
                write(stream)
            os.replace(temporary, target)
        except BaseException:
            Path(temporary).unlink(missing_ok=True)
            raise
    except OSError:
        pass  # a read-only or full cache only costs speed next time
