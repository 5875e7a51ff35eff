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

DETAIL_FACE_PX = 6.0
"""Screen-size level of detail (still frames and videos): the coarsest level is drawn whose mean
front-facing triangle, at the mesh's nearest point, covers at most this many pixels
(:meth:`MeshLayer.detail_level`). Calibrated on 67P (96,834 faces) at 1280x720, the video
benchmark's view (mean triangle 2.8 px there, 1.8 px at the centre): the half-face level (5.6
px) differs from the full mesh by 2.5-3 of 255 on the comet (mean; SSIM 0.95-0.97), a slight
softening of the darkest creases seen enlarged 2x; the quarter level (11 px) smooths craters
visibly (mean 5, SSIM 0.89). Zoomed in 2x the full mesh's triangles cover 11 px: full detail."""

MIN_LEVEL_FACES = 10_000
"""No screen-size level with fewer faces (a mesh this small costs little to draw)."""


class MeshLayer(Layer):
    """A :class:`orbitviz.shapes.mesh.Mesh` (km, body-fixed) lit from the Sun.

    ``sun_dir`` is one unit vector (3,) towards the Sun in the mesh frame, or samples (K, 3) at
    times ``sun_et`` (K,). ``lighting_approximate`` (with ``lighting_note``) says that the
    direction comes from an approximate rotation model; viewers show the note.
    ``lod_faces``: meshes with more than twice as many faces are drawn decimated to about this
    many while the camera moves. When still, a big mesh seen small is drawn at the level of
    detail its size on screen needs (:meth:`detail_level`: levels of 1/2, 1/4, ... the faces).
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

    @cached_property
    def _levels(self) -> dict:
        return {0: (self.mesh, self.drawn)}  # level -> (Mesh, ClusteredMesh)

    @property
    def n_levels(self) -> int:
        """Screen-size levels of detail: level k has about 1 / 2**k of the faces (level 0 is
        :attr:`drawn`), down to :data:`MIN_LEVEL_FACES`."""
        faces, n = len(self.mesh.faces), 1
        while faces >> n >= MIN_LEVEL_FACES:
            n += 1
        return n

    def level(self, k: int) -> ClusteredMesh:
        """Level ``k`` of detail, decimated from level k - 1 when first asked for (~0.2 s for
        67P's; :meth:`prepare_drawing` computes them all ahead)."""
        levels = self._levels
        if k not in levels:
            self.level(k - 1)
            finer = levels[k - 1]
            coarser = _closed_decimation(finer[0], len(self.mesh.faces) >> k)
            # a decimation that opened the surface: the finer level again
            levels[k] = finer if coarser is None else (coarser, ClusteredMesh.from_mesh(coarser))
        return levels[k][1]

    def face_px(self, k: int, px_per_km: float) -> float:
        """Pixels the mean front-facing triangle of level ``k`` covers at a scale of
        ``px_per_km``: a face of mean area a km^2 projects to a / 2 on average (over the
        directions of a hemisphere)."""
        return self.mesh.area_km2 / (len(self.mesh.faces) >> k) * px_per_km**2 / 2.0

    def detail_level(self, px_per_km: float) -> int:
        """The coarsest level whose mean front-facing triangle covers at most
        :data:`DETAIL_FACE_PX` pixels at ``px_per_km`` (pixels per km at the mesh's nearest
        point); 0 (full detail) when the full mesh's already covers more.

        >>> import numpy as np
        >>> from orbitviz.shapes.mesh import Mesh
        >>> from orbitviz.scene import MeshLayer
        >>> grid = np.stack(np.meshgrid(np.arange(201.0), np.arange(201.0)), -1).reshape(-1, 2)
        >>> i = np.arange(200 * 200).reshape(200, 200) // 200 * 201 + np.arange(200)
        >>> quads = np.stack([i, i + 1, i + 202, i + 201], -1).reshape(-1, 4)
        >>> faces = np.r_[quads[:, [0, 1, 2]], quads[:, [0, 2, 3]]]  # 80,000 faces of 0.5 km^2
        >>> layer = MeshLayer("plain", Mesh(np.c_[grid, np.zeros(len(grid))], faces))
        >>> [layer.detail_level(px_per_km) for px_per_km in (1.0, 2.0, 4.0, 10.0)]
        [3, 2, 0, 0]
        """
        if not self.has_lod:
            return 0
        k = 0
        while k + 1 < self.n_levels and self.face_px(k + 1, px_per_km) <= DETAIL_FACE_PX:
            k += 1
        return k

    def drawn_at(self, px_per_km: float) -> ClusteredMesh:
        """The mesh drawn at ``px_per_km`` (see :meth:`detail_level`)."""
        return self.level(self.detail_level(px_per_km))

    def prepare_drawing(self) -> None:
        """Compute :attr:`drawn`, :attr:`drawn_coarse` and the levels of detail now (seconds
        for millions of faces), e.g. on a worker thread before a window shows the layer."""
        _ = self.drawn, self.drawn_coarse
        if self.has_lod:
            self.level(self.n_levels - 1)

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
        if np.ndim(et) == 0 and len(self._sun_et) == 1:  # a fixed Sun (every frame asks)
            return self._sun_dir[0].copy()
        out = interp_unit(self._sun_et, self._sun_dir, et)
        return out[0] if np.ndim(et) == 0 else out

    def bounds_km(self) -> np.ndarray:
        return self.mesh.bounds


def _closed_decimation(mesh, faces: int):
    """``mesh`` decimated to about ``faces``, closed if ``mesh`` is (a closed mesh is drawn with
    back faces culled: an opened one would show holes, or cost twice as much unculled), else
    None. Quadric decimation sometimes folds an edge over (67P to 36,000-54,000 faces, at the
    default aggressiveness 7: two edges used twice the same way); a less aggressive pass
    avoids it (67P to 48,416 faces at 5: closed, 0.08 s)."""
    for aggressiveness in (7, 5, 3):
        coarser = mesh.decimated(faces, aggressiveness=aggressiveness)
        if coarser.is_watertight or not mesh.is_watertight:
            return coarser
    return None
