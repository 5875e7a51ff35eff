"""Cameras of the scene model: a camera state (one view), camera tracks (one view per video
frame, as arrays) and the camera paths that make them (fixed, turntable, follow, keyframes).

Convention (the same as VisPy's turntable camera, z up): the eye sits at
``center + distance * (sin(az) cos(el), -cos(az) cos(el), sin(el))``; azimuth 0 looks along +y,
azimuth 90 looks along -x, elevation 90 looks straight down.

>>> (CameraState((0, 0, 0), 90.0, 0.0, 10.0).eye_km.round(6) + 0.0).tolist()
[10.0, 0.0, 0.0]

A scene may name views of its own, its :class:`CameraPreset` s (the flyby's ``sun``, ``north``,
``follow``, ``earth``; Philae's ``touchdown1`` ...): the window lists them in its Camera menu,
``--camera NAME`` starts a view or a video with one.

Camera words (``--camera north``, ``turntable``, a keyframe file) become paths in
:mod:`orbitviz.recipes.cameras`; keyframe files are read by :mod:`orbitviz.recipes.keyframes`.

A path answers ``track(t_s, et, duration_s)``: video times ``t_s`` (F,), the scene times shown
then ``et`` (F,), and the video length; it returns a :class:`CameraTrack`.

>>> import numpy as np
>>> spin = Turntable((0, 0, 0), distance_km=10.0, elevation_deg=20.0)
>>> spin.track(np.array([0.0, 5.0]), np.zeros(2), duration_s=10.0).azimuth_deg.tolist()
[0.0, 180.0]
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np

from ..errors import CameraPathError
from .easing import interpolate_keys
from .marker_layer import MarkerLayer


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


def view_axes(azimuth_deg: float, elevation_deg: float) -> np.ndarray:
    """The camera's axes (3, 3) in the scene: back (centre -> eye), right and up on screen."""
    back = eye_offsets(azimuth_deg, elevation_deg, 1.0)
    az = np.radians(azimuth_deg)
    right = np.array([np.cos(az), np.sin(az), 0.0])
    return np.stack([back, right, np.cross(back, right)])


def fit_distance(
    points_km, center_km, azimuth_deg, elevation_deg, fov_deg=30.0, aspect=1.5, margin=1.03
) -> float:
    """The smallest distance from ``center_km`` at which a camera with these angles sees all
    ``points_km`` (N, 3), in a view ``aspect`` (>= 1) times wider than high, with ``margin``.

    >>> round(fit_distance([[1, 0, 0], [-1, 0, 0]], (0, 0, 0), 0, 0, 90.0, 1.0, 1.0), 6)
    1.0
    """
    back, right, up = view_axes(azimuth_deg, elevation_deg)
    rel = np.asarray(points_km, dtype=np.float64).reshape(-1, 3) - np.asarray(center_km, float)
    t = np.tan(np.radians(fov_deg) / 2.0)
    need = np.maximum(np.abs(rel @ up) / t, np.abs(rel @ right) / (t * aspect)) + rel @ back
    return float(margin * need.max())


def _xyz(vector) -> tuple[float, float, float]:
    x, y, z = (float(c) for c in vector)
    return x, y, z


def width_fraction(points_km, state: CameraState, aspect=1.5) -> float:
    """How much of a view's width (``aspect`` times its height) ``points_km`` (N, 3) span."""
    back, right, _ = view_axes(state.azimuth_deg, state.elevation_deg)
    rel = np.asarray(points_km, dtype=np.float64).reshape(-1, 3) - np.asarray(state.center_km)
    depth = state.distance_km - rel @ back
    x = (rel @ right) / depth / (np.tan(np.radians(state.fov_deg) / 2.0) * aspect)
    return float(np.ptp(x) / 2.0)


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
    def looking_from(
        cls, center_km, azimuth_deg: float, elevation_deg: float, distance_km: float, fov_deg=30.0
    ) -> CameraState:
        """The state of these angles and distance about ``center_km`` (any 3 numbers)."""
        return cls(
            _xyz(center_km), float(azimuth_deg), float(elevation_deg), float(distance_km), fov_deg
        )

    @classmethod
    def looking_at(cls, eye_km, center_km, fov_deg: float = 30.0) -> CameraState:
        az, el, dist = angles_from_offsets(np.asarray(eye_km, float) - np.asarray(center_km, float))
        return cls(_xyz(center_km), float(az), float(el), float(dist), fov_deg)


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
            _xyz(self.center_km[i]),
            float(self.azimuth_deg[i]),
            float(self.elevation_deg[i]),
            float(self.distance_km[i]),
            float(self.fov_deg[i]),
        )

    @property
    def eye_km(self) -> np.ndarray:
        return self.center_km + eye_offsets(self.azimuth_deg, self.elevation_deg, self.distance_km)


@dataclass(frozen=True)
class FixedCamera:
    """The same view for every frame."""

    state: CameraState

    def track(self, t_s, et, duration_s: float) -> CameraTrack:
        s = self.state
        return CameraTrack.build(
            len(np.atleast_1d(t_s)),
            s.center_km,
            s.azimuth_deg,
            s.elevation_deg,
            s.distance_km,
            s.fov_deg,
        )


@dataclass(frozen=True)
class Turntable:
    """Circle around ``center_km``: ``turns`` full azimuth sweeps over the video."""

    center_km: tuple[float, float, float]
    distance_km: float
    elevation_deg: float = 25.0
    azimuth_start_deg: float = 0.0
    turns: float = 1.0
    fov_deg: float = 30.0

    @classmethod
    def around(cls, state: CameraState, turns: float = 1.0) -> Turntable:
        return cls(
            state.center_km,
            state.distance_km,
            state.elevation_deg,
            state.azimuth_deg,
            turns,
            state.fov_deg,
        )

    def track(self, t_s, et, duration_s: float) -> CameraTrack:
        t = np.atleast_1d(np.asarray(t_s, dtype=np.float64))
        azimuth = self.azimuth_start_deg + 360.0 * self.turns * t / (duration_s or 1.0)
        return CameraTrack.build(
            len(t), self.center_km, azimuth, self.elevation_deg, self.distance_km, self.fov_deg
        )


@dataclass(frozen=True)
class FollowTarget:
    """Keep a moving marker in the centre, seen from a fixed direction and distance
    (optionally turning ``turns`` times around it over the video)."""

    target: MarkerLayer
    distance_km: float
    elevation_deg: float = 30.0
    azimuth_deg: float = 0.0
    turns: float = 0.0
    fov_deg: float = 30.0

    def __post_init__(self) -> None:
        if not isinstance(self.target, MarkerLayer) or not self.target.moving:
            raise CameraPathError(
                f"cannot follow {self.target!r}: the follow camera needs a "
                "moving MarkerLayer (one with sample times et)"
            )

    def track(self, t_s, et, duration_s: float) -> CameraTrack:
        t = np.atleast_1d(np.asarray(t_s, dtype=np.float64))
        centers = self.target.track_at(np.atleast_1d(et), hold=True)
        azimuth = self.azimuth_deg + 360.0 * self.turns * t / (duration_s or 1.0)
        return CameraTrack.build(
            len(t), centers, azimuth, self.elevation_deg, self.distance_km, self.fov_deg
        )


@dataclass(frozen=True)
class KeyframedPath:
    """Camera keys at video times (seconds, or fractions of the video when ``fractions``),
    interpolated smoothly (Catmull-Rom) or linearly, each segment eased by its easing."""

    times: np.ndarray
    center_km: np.ndarray
    azimuth_deg: np.ndarray
    elevation_deg: np.ndarray
    distance_km: np.ndarray
    fov_deg: np.ndarray
    easings: tuple[str, ...]
    smooth: bool = True
    fractions: bool = False

    def track(self, t_s, et, duration_s: float) -> CameraTrack:
        t = np.atleast_1d(np.asarray(t_s, dtype=np.float64))
        knots = self.times * duration_s if self.fractions else self.times
        values = np.column_stack(
            [
                self.center_km,
                self.azimuth_deg,
                self.elevation_deg,
                np.log(self.distance_km),
                self.fov_deg,
            ]
        )
        out = interpolate_keys(knots, values, t, easings=self.easings, smooth=self.smooth)
        return CameraTrack(out[:, :3], out[:, 3], out[:, 4], np.exp(out[:, 5]), out[:, 6])


def _half_height(state: CameraState) -> float:
    """Half the height of what a view shows at its centre's distance (km)."""
    return state.distance_km * float(np.tan(np.radians(state.fov_deg) / 2.0))


@dataclass(frozen=True)
class CameraTour:
    """A video's camera: views ``keys`` at video fractions (0..1, increasing), eased from one
    to the next (smoothstep: each move starts and stops gently), held before the first and
    after the last. Angles take the short way round; the height shown and the field of view
    change log-linearly (a zoom looks steady, a narrowing field too); the centre moves with
    the height shown, so that a zoom towards a point keeps that point where it is on screen
    (``zoom_anchored``), else linearly.

    >>> wide = CameraState((0, 0, 0), 0.0, 20.0, 1000.0)
    >>> close = CameraState((10, 0, 0), 30.0, 20.0, 10.0)
    >>> tour = CameraTour(((0.2, wide), (0.6, close)))
    >>> track = tour.track([0.0, 4.0, 10.0], [0.0] * 3, 10.0)
    >>> track.distance_km.round(3).tolist(), track.azimuth_deg.round(3).tolist()
    ([1000.0, 100.0, 10.0], [0.0, 15.0, 30.0])
    """

    keys: tuple[tuple[float, CameraState], ...]
    zoom_anchored: bool = True

    def __post_init__(self) -> None:
        times = [float(t) for t, _ in self.keys]
        if not times or (np.diff(times) <= 0).any():
            raise CameraPathError("a camera tour needs keys at increasing video fractions")

    def track(self, t_s, et, duration_s: float) -> CameraTrack:
        u = np.atleast_1d(np.asarray(t_s, dtype=np.float64)) / (duration_s or 1.0)
        knots = np.array([float(t) for t, _ in self.keys])
        states = [state for _, state in self.keys]
        i = np.clip(np.searchsorted(knots, u, side="right") - 1, 0, max(len(knots) - 2, 0))
        if len(knots) == 1:
            w = np.zeros_like(u)
            i = np.zeros(len(u), int)
        else:
            w = np.clip((u - knots[i]) / (knots[i + 1] - knots[i]), 0.0, 1.0)
            w = w * w * (3.0 - 2.0 * w)
        n = len(u)
        out = {k: np.empty(n) for k in ("az", "el", "dist", "fov")}
        centres = np.empty((n, 3))
        for k in range(max(len(states) - 1, 1)):
            pick = i == k
            if not pick.any():
                continue
            a = states[k]
            b = states[min(k + 1, len(states) - 1)]
            f = w[pick]
            turn = (b.azimuth_deg - a.azimuth_deg + 180.0) % 360.0 - 180.0
            out["az"][pick] = a.azimuth_deg + turn * f
            out["el"][pick] = a.elevation_deg + (b.elevation_deg - a.elevation_deg) * f
            ha, hb = _half_height(a), _half_height(b)
            half = ha * (hb / ha) ** f
            fov = a.fov_deg * (b.fov_deg / a.fov_deg) ** f
            out["fov"][pick] = fov
            out["dist"][pick] = half / np.tan(np.radians(fov) / 2.0)
            if self.zoom_anchored and abs(np.log(hb / ha)) > 1e-6:
                g = (half - ha) / (hb - ha)
            else:
                g = f
            ca, cb = np.asarray(a.center_km), np.asarray(b.center_km)
            centres[pick] = ca + (cb - ca) * g[:, None]
        return CameraTrack(centres, out["az"], out["el"], out["dist"], out["fov"])


@dataclass(frozen=True)
class CameraPreset:
    """A named view of a scene: ``name`` (the ``--camera`` word), ``title`` (the menu text),
    ``state``, and ``follow``: keep the scene's ``follow_target`` in the centre (seen at the
    state's angles and distance; its ``center_km`` is then only the first view's). ``et``: the
    scene time the view is about (a touchdown, the closest approach); choosing the preset
    moves the clock there (None: the clock stays)."""

    name: str
    title: str
    state: CameraState
    follow: bool = False
    et: float | None = None

    def path(self, scene) -> FixedCamera | FollowTarget:
        """The camera path of this view in ``scene`` (a follow preset moves with its target)."""
        if not self.follow:
            return FixedCamera(self.state)
        return FollowTarget(
            follow_layer(scene),
            distance_km=self.state.distance_km,
            elevation_deg=self.state.elevation_deg,
            azimuth_deg=self.state.azimuth_deg,
            fov_deg=self.state.fov_deg,
        )

    def state_at(self, scene, et: float) -> CameraState:
        """The view at scene time ``et``."""
        return self.path(scene).track([0.0], [float(et)], 1.0)[0]


def follow_layer(scene) -> MarkerLayer:
    """The moving marker a follow camera keeps in the centre: the scene's ``follow_target``."""
    target = scene.follow_target
    if target is None or target not in scene.layers:
        unset = "unset" if target is None else f"{target.name!r}, not in the scene"
        raise CameraPathError(
            f"this scene has nothing to follow (scene.follow_target is {unset}); use "
            "--camera turntable or a keyframe file"
        )
    return target
