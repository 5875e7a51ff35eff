"""A sphere: a body drawn to scale or a translucent sphere of influence, fixed or moving.

A body far away would be a sub-pixel dot: ``min_size_px`` keeps it at least that many pixels
across on screen (a marker of the body's colour), and it grows into the true-size sphere as the
camera comes close enough for the true size to be bigger.

>>> earth = SphereLayer("Earth", 6371.0, min_size_px=10.0)
>>> earth.drawn_radius_km(km_per_px=5000.0)   # 2 million km across 400 px: 10 px is 50,000 km
25000.0
>>> earth.drawn_radius_km(km_per_px=100.0)    # close up: the true radius
6371.0
"""

from __future__ import annotations

import numpy as np

from ..errors import SceneError
from .events import Evented
from .layer import Layer
from .sampling import check_samples, interp_rows


def _size_px(value) -> float:
    value = float(value)
    if not value >= 0:
        raise SceneError(f"a minimum size must be >= 0 pixels, got {value}")
    return value


def _positive(value) -> float:
    value = float(value)
    if not value > 0:
        raise SceneError(f"a sphere radius must be > 0 km, got {value}")
    return value


def _limb(value) -> tuple[float, float]:
    u1, u2 = (float(u) for u in value)
    if not (np.isfinite(u1) and np.isfinite(u2) and u1 >= 0 and u1 + u2 <= 1):
        raise SceneError(
            f"limb darkening (u1, u2) = ({u1}, {u2}): need u1 >= 0 and u1 + u2 <= 1 "
            "(the limb no darker than black)"
        )
    return u1, u2


def _texture(value, name: str) -> np.ndarray | None:
    if value is None:
        return None
    image = np.asarray(value)
    if image.ndim != 3 or image.shape[2] not in (3, 4) or image.dtype != np.uint8:
        raise SceneError(
            f"sphere {name!r}: a texture is an (H, W, 3 or 4) uint8 image, got "
            f"{image.shape} {image.dtype}"
        )
    return image


class BodyRotation:
    """A body's orientation over time: ``matrices`` (N, 3, 3) take body-fixed vectors (x to the
    prime meridian, z to the north pole) into the scene's frame at times ``et`` (N,),
    interpolated between samples by spherical linear interpolation (exact for a steady spin
    about a steady pole; sample a few times per rotation at least).

    >>> spin = np.radians(np.array([0.0, 90.0]))
    >>> c, s = np.cos(spin), np.sin(spin)
    >>> m = np.zeros((2, 3, 3)); m[:, 0, 0], m[:, 0, 1], m[:, 1, 0], m[:, 1, 1] = c, -s, s, c
    >>> m[:, 2, 2] = 1.0
    >>> rot = BodyRotation([0.0, 10.0], m)
    >>> np.round(rot.at(5.0) @ [1.0, 0.0, 0.0], 4)      # halfway: turned 45 deg
    array([0.7071, 0.7071, 0.    ])
    """

    def __init__(self, et, matrices):
        from scipy.spatial.transform import Rotation, Slerp

        matrices = np.asarray(matrices, dtype=np.float64).reshape(-1, 3, 3)
        self.et, flat = check_samples(et, matrices.reshape(len(matrices), 9), "body rotation")
        self.matrices = flat.reshape(-1, 3, 3)
        if not np.allclose(np.linalg.det(self.matrices), 1.0, atol=1e-6):
            raise SceneError("body rotation: the matrices must be rotations (determinant 1)")
        rotations = Rotation.from_matrix(self.matrices)
        self._slerp = Slerp(self.et, rotations) if len(self.et) > 1 else None

    def at(self, et: float) -> np.ndarray:
        """The rotation (3, 3) body-fixed -> scene at ``et`` (the end ones held outside)."""
        if self._slerp is None:
            return self.matrices[0]
        return self._slerp(float(np.clip(et, self.et[0], self.et[-1]))).as_matrix()


class SphereLayer(Layer):
    """A sphere of ``radius_km`` at ``center_km`` (3,), or moving through ``center_km`` (N, 3)
    at times ``et`` (N,). ``lit``: shaded from ``sun_dir`` (a body) or flat (an SOI shell).
    ``min_size_px``: never drawn smaller than this diameter on screen (0: always true size; the
    size is for a 720-pixel-high output and grows with the output, as markers do).
    ``limb_darkening`` (u1, u2): a star's disk darkens towards its limb by the quadratic law
    (what a transit model assumes), ``1 - u1 (1 - mu) - u2 (1 - mu)^2``.
    ``texture``: an equirectangular image (H, W, 3) uint8 of the surface (longitude -180 deg at
    the left edge, latitude +90 deg in the first row) drawn in place of ``color``, turned with
    the body by ``rotation`` (a :class:`BodyRotation`; without one the body-fixed frame is the
    scene's)."""

    kind = "sphere"
    radius_km = Evented(_positive)
    min_size_px = Evented(_size_px)
    limb_darkening = Evented(_limb)

    def __init__(
        self,
        name: str,
        radius_km: float,
        center_km=(0.0, 0.0, 0.0),
        *,
        et=None,
        color="steelblue",
        opacity: float = 0.25,
        visible: bool = True,
        lit: bool = False,
        sun_dir=(1.0, 0.0, 0.0),
        min_size_px: float = 0.0,
        limb_darkening=(0.0, 0.0),
        texture=None,
        rotation: BodyRotation | None = None,
    ):
        super().__init__(name, visible=visible, color=color, opacity=opacity)
        centers = np.asarray(center_km, dtype=np.float64).reshape(-1, 3)
        if et is None:
            self.et, self.centers_km = None, centers[:1]
        else:
            self.et, self.centers_km = check_samples(et, centers, f"sphere {name!r}")
        self.radius_km = radius_km
        self.lit = bool(lit)
        self.sun_dir = np.asarray(sun_dir, dtype=np.float64) / np.linalg.norm(sun_dir)
        self.min_size_px = min_size_px
        self.limb_darkening = limb_darkening
        self.texture = _texture(texture, name)
        if rotation is not None and not isinstance(rotation, BodyRotation):
            raise SceneError(f"sphere {name!r}: rotation must be a BodyRotation")
        self.rotation = rotation

    @property
    def moving(self) -> bool:
        return self.et is not None

    def center_at(self, et: float) -> np.ndarray:
        """Centre (3,) km at scene time ``et``."""
        if self.et is None:  # not moving
            return self.centers_km[0]
        return interp_rows(self.et, self.centers_km, np.array([float(et)]))[0]

    def rotation_at(self, et: float) -> np.ndarray:
        """The rotation (3, 3) body-fixed -> scene frame at ``et`` (identity without one)."""
        return np.eye(3) if self.rotation is None else self.rotation.at(et)

    def drawn_radius_km(self, km_per_px: float, *, scale: float = 1.0) -> float:
        """The radius to draw where one pixel spans ``km_per_px`` at the sphere's centre: the
        true radius, or more to keep ``min_size_px * scale`` pixels across."""
        return max(self.radius_km, 0.5 * self.min_size_px * scale * float(km_per_px))

    def bounds_km(self) -> np.ndarray:
        r = self.radius_km
        return np.stack([self.centers_km.min(axis=0) - r, self.centers_km.max(axis=0) + r])
