"""Scene builders: turn analyses and files into a :class:`Scene` that viewers and videos show.

What a builder must provide (the contract the window and ``render_video`` rely on):

- every layer's data sampled up front into numpy arrays (positions, Sun directions, altitudes):
  drawing never calls SPICE;
- ``scene.clock`` spanning the interesting time range (``Clock(start_et, stop_et)``), with a
  ``rate`` that plays it in a few tens of seconds of wall time;
- ``scene.frame`` (the frame all positions are in), ``scene.title`` and ``scene.credits`` (data
  credit lines, e.g. ``orbitviz.data.entry(name).credit``);
- ``scene.readouts``: :class:`Readout` texts vectorised over et (altitude, distance in km and
  LD), computed from sampled arrays;
- ``scene.follow_target``: the name of the moving MarkerLayer a follow camera chases (if any);
- for a shape lit by SPICE, ``MeshLayer(sun_dir=(K, 3), sun_et=(K,))`` and, when the rotation
  is approximate, ``lighting_approximate=True`` with a ``lighting_note`` saying why.

``shape_scene`` below is the generic builder for any OBJ/PLY/DSK file.
"""

from __future__ import annotations

from pathlib import Path

from ..shapes.cache import load_mesh
from .clock import Clock
from .mesh_layer import MeshLayer
from .scene import Scene


def _resolve(source) -> tuple[Path, object | None]:
    """A file path and its manifest entry (if any); a data name (``"67p-4k.obj"``) is fetched."""
    from .. import data
    from ..errors import UnknownDataName

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
    """A scene with one shape model (a path, a data name or a Mesh) lit from ``sun_dir``.

    >>> scene = shape_scene("67p-4k.obj")            # doctest: +SKIP
    >>> scene["shape"].mesh.faces.shape              # doctest: +SKIP
    (4000, 3)
    """
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
