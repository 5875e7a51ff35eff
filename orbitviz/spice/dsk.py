"""Reading the plates of a SPICE DSK (type 2) into plain arrays."""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path

import numpy as np
import spiceypy

from ..errors import ShapeFormatError
from .bodies import body_name
from .errors import spice_errors
from .files import sniff


@dataclass(frozen=True)
class DskPlates:
    """Vertices (km, body-fixed), 0-based triangle indices, and who they belong to."""

    vertices_km: np.ndarray
    faces: np.ndarray
    body: str
    body_id: int
    frame: str


def read_dsk(path: str | Path) -> DskPlates:
    """All type-2 segments of a DSK file, merged into one vertex/face set."""
    kernel = sniff(path)
    if kernel.kind != "DSK":
        raise ShapeFormatError(f"{path}: a {kernel.kind} kernel, not a DSK shape model")
    verts, faces, meta = [], [], None
    offset = 0
    with spice_errors(f"cannot read DSK {path}"):
        handle = spiceypy.dasopr(str(kernel.path))
        try:
            with spiceypy.no_found_check():
                dladsc, found = spiceypy.dlabfs(handle)
            while found:
                desc = spiceypy.dskgd(handle, dladsc)
                if desc.dtype != 2:
                    raise ShapeFormatError(
                        f"{path}: DSK segment of data type {desc.dtype}; only type 2 (plates) "
                        "can be drawn"
                    )
                nv, npl = spiceypy.dskz02(handle, dladsc)
                v = np.asarray(spiceypy.dskv02(handle, dladsc, 1, nv), dtype=float)
                p = np.asarray(spiceypy.dskp02(handle, dladsc, 1, npl), dtype=np.int64) - 1
                verts.append(v)
                faces.append(p + offset)
                offset += len(v)
                meta = meta or (int(desc.center), int(desc.frmcde))
                with spiceypy.no_found_check():
                    dladsc, found = spiceypy.dlafns(handle, dladsc)
        finally:
            spiceypy.dascls(handle)
    if meta is None:
        raise ShapeFormatError(f"{path}: the DSK file has no segments")
    center, frame_code = meta
    return DskPlates(
        vertices_km=np.vstack(verts),
        faces=np.vstack(faces),
        body=body_name(center),
        body_id=center,
        frame=spiceypy.frmnam(frame_code) or str(frame_code),
    )
