"""Camera states (one view) and camera tracks (one view per video frame, as arrays).

Convention (the same as VisPy's turntable camera, z up): the eye sits at
``center + distance * (sin(az) cos(el), -cos(az) cos(el), sin(el))``; azimuth 0 looks along +y,
azimuth 90 looks along -x, elevation 90 looks straight down.

>>> (CameraState((0, 0, 0), 90.0, 0.0, 10.0).eye_km.round(6) + 0.0).tolist()
[10.0, 0.0, 0.0]
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np


def eye_offsets(azimuth_deg, elevation_deg, distance_km) -> np.ndarray:
    """Eye minus centre (..., 3) km for arrays of azimuth, elevation and distance."""
    az, el = np.radians(azimuth_deg), np.radians(elevation_deg)
    d = np.asarray(distance_km, dtype=np.float64)
    return np.stack(
        [d * np.sin(az) * np.cos(el), -d * np.cos(az) * np.cos(el), d * np.sin(el)], axis=-1
    )


def angles_from_offsets(offset_km) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """Inverse of :func:`eye_offsets`: (azimuth_deg, elevation_deg, distance_km) arrays."""
    offset = np.asarray(offset_km, dtype=np.float64)
    distance = np.linalg.norm(offset, axis=-1)
    azimuth = np.degrees(np.arctan2(offset[..., 0], -offset[..., 1]))
    elevation = np.degrees(
        np.arcsin(np.clip(offset[..., 2] / np.where(distance > 0, distance, 1), -1, 1))
    )
    return azimuth, elevation, distance


@dataclass(frozen=True)
class CameraState:
    """Where the camera looks (``center_km``), from which direction and how far, with its
    vertical field of view (perspective) and the up axis."""

    center_km: tuple[float, float, float]
    azimuth_deg: float
    elevation_deg: float
    distance_km: float
    fov_deg: float = 30.0
    up: str = "+z"

    @property
    def eye_km(self) -> np.ndarray:
        return np.asarray(self.center_km, dtype=np.float64) + eye_offsets(
            self.azimuth_deg, self.elevation_deg, self.distance_km
        )

    @classmethod
    def looking_at(cls, eye_km, center_km, fov_deg: float = 30.0) -> CameraState:
        az, el, dist = angles_from_offsets(np.asarray(eye_km, float) - np.asarray(center_km, float))
        return cls(tuple(float(c) for c in center_km), float(az), float(el), float(dist), fov_deg)


@dataclass(frozen=True)
class CameraTrack:
    """One camera state per frame as arrays: ``center_km`` (F, 3), the rest (F,)."""

    center_km: np.ndarray
    azimuth_deg: np.ndarray
    elevation_deg: np.ndarray
    distance_km: np.ndarray
    fov_deg: np.ndarray

    @classmethod
    def build(
        cls, n: int, center_km, azimuth_deg, elevation_deg, distance_km, fov_deg
    ) -> CameraTrack:
        """Broadcast each quantity to ``n`` frames."""

        def frames(value, shape):
            return np.broadcast_to(np.asarray(value, dtype=np.float64), shape).copy()

        return cls(
            frames(center_km, (n, 3)),
            frames(azimuth_deg, (n,)),
            frames(elevation_deg, (n,)),
            frames(distance_km, (n,)),
            frames(fov_deg, (n,)),
        )

    def __len__(self) -> int:
        return len(self.azimuth_deg)

    def __getitem__(self, i: int) -> CameraState:
        return CameraState(
            tuple(float(c) for c in self.center_km[i]),
            float(self.azimuth_deg[i]),
            float(self.elevation_deg[i]),
            float(self.distance_km[i]),
            float(self.fov_deg[i]),
        )

    @property
    def eye_km(self) -> np.ndarray:
        return self.center_km + eye_offsets(self.azimuth_deg, self.elevation_deg, self.distance_km)
