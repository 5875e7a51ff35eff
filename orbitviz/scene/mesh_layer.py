"""A shape model in its body-fixed frame, lit by the Sun's direction sampled over time."""

from __future__ import annotations

from functools import cached_property

import numpy as np

from ..shapes.clusters import ClusteredMesh
from .events import Evented
from .layer import Layer
from .sampling import check_samples, interp_unit, unit

DEFAULT_SUN_DIR = (1.0, 0.0, 0.0)


LOD_FACES = 20_000
"""Faces drawn while the camera moves (for meshes of more than twice this). Measured with
llvmpipe at 1920x1080, frame read back: 67P's 96,834-face model takes 65-75 ms a frame, decimated
to 20,000 faces 32-35 ms (about 30 fps); the frame's size matters much less (960x540: 31 ms)."""


class MeshLayer(Layer):
    """A :class:`orbitviz.shapes.mesh.Mesh` (km, body-fixed) lit from the Sun.

    ``sun_dir`` is one unit vector (3,) towards the Sun in the mesh frame, or samples (K, 3) at
    times ``sun_et`` (K,). ``lighting_approximate`` (with ``lighting_note``) says that the
    direction comes from an approximate rotation model; viewers show the note.
    ``lod_faces``: meshes with more than twice as many faces are drawn decimated to about this
    many while the camera moves.
    """

    kind = "mesh"
    ambient = Evented(float)
    extra_events = ("sun",)  # set_sun

    def __init__(
        self,
        name: str,
        mesh,
        *,
        color="#b8b0a8",
        opacity: float = 1.0,
        visible: bool = True,
        sun_dir=DEFAULT_SUN_DIR,
        sun_et=None,
        lighting_approximate: bool = False,
        lighting_note: str = "",
        ambient: float = 0.06,
        lod_faces: int = LOD_FACES,
        credit: str = "",
    ):
        super().__init__(name, visible=visible, color=color, opacity=opacity)
        self.mesh = mesh
        self.ambient = ambient
        self.lighting_approximate = bool(lighting_approximate)
        self.lighting_note = lighting_note
        self.lod_faces = int(lod_faces)
        self.credit = credit
        self.set_sun(sun_dir, sun_et)

    @property
    def has_lod(self) -> bool:
        """Decimate only when it at least halves the work (32k faces -> 20k gains nothing)."""
        return len(self.mesh.faces) > 2 * self.lod_faces

    @cached_property
    def drawn(self) -> ClusteredMesh:
        """The mesh prepared for drawing (computed once; viewers warm it off the GUI thread)."""
        return ClusteredMesh.from_mesh(self.mesh)

    @cached_property
    def drawn_coarse(self) -> ClusteredMesh:
        """The decimated mesh drawn while the camera moves (the full one without LOD)."""
        if not self.has_lod:
            return self.drawn
        return ClusteredMesh.from_mesh(self.mesh.decimated(self.lod_faces))

    def prepare_drawing(self) -> None:
        """Compute :attr:`drawn` and :attr:`drawn_coarse` now (seconds for millions of faces),
        e.g. on a worker thread before a window shows the layer."""
        _ = self.drawn, self.drawn_coarse

    def set_sun(self, sun_dir, sun_et=None) -> None:
        """Replace the Sun direction(s); emits ``sun``."""
        if sun_et is None:
            self._sun_et = np.zeros(1)
            self._sun_dir = unit(np.asarray(sun_dir, dtype=np.float64).reshape(1, 3))
        else:
            self._sun_et, dirs = check_samples(sun_et, sun_dir, f"sun directions of {self.name!r}")
            self._sun_dir = unit(dirs.reshape(-1, 3))
        self.events.sun(None)

    def sun_direction_at(self, et) -> np.ndarray:
        """Unit vector(s) towards the Sun in the mesh frame: (3,) for a scalar et, else (F, 3)."""
        out = interp_unit(self._sun_et, self._sun_dir, et)
        return out[0] if np.ndim(et) == 0 else out

    def bounds_km(self) -> np.ndarray:
        return self.mesh.bounds
