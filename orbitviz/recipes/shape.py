"""The shape scene: one shape model (OBJ, PLY, SPICE DSK, or a known shape name) lit from a
fixed direction.

>>> scene = shape_scene("67p-4k.obj")
>>> scene.layers.names, scene.title
(['shape'], '67P/CHURYUMOV-GERASIMENKO')
"""

from __future__ import annotations

from pathlib import Path

from .. import data
from ..data import DataFile
from ..errors import UnknownDataName
from ..scene import Clock, MeshLayer, Scene
from ..shapes.cache import load_mesh


def _resolve(source) -> tuple[Path, DataFile | None]:
    """A file path and its manifest entry (if any); a data name (``"67p-4k.obj"``) is fetched."""
    path = Path(source)
    name = path.name if path.exists() else str(source)
    try:
        item = data.entry(name)
    except UnknownDataName:
        return path, None  # not a data name: the reader reports a missing file
    return (path if path.exists() else data.fetch(name)), item


def shape_scene(
    source, *, title: str | None = None, sun_dir=(1.0, 0.3, 0.5), credit: str | None = None
) -> Scene:
    """A scene with one shape model (a path, a data name or a Mesh) lit from ``sun_dir``."""
    if hasattr(source, "vertices"):
        mesh, found_credit = source, ""
    else:
        path, item = _resolve(source)
        extra = item.extra if item else {}
        mesh = load_mesh(path, body=extra.get("body"), frame=extra.get("frame"))
        found_credit = item.credit if item else ""
    credit = found_credit if credit is None else credit
    name = mesh.body or (mesh.source.name if mesh.source else "shape")
    scene = Scene(
        frame=mesh.frame or "body-fixed",
        clock=Clock(0.0, 0.0),
        title=name if title is None else title,
        credits=[credit] if credit else [],
    )
    scene.add(MeshLayer("shape", mesh, sun_dir=sun_dir, credit=credit))
    return scene
