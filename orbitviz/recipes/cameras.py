"""The words that name a camera: a scene's presets (``north``, ``touchdown1``), ``turntable``,
``follow``, ``home``, or a keyframe file, as ``--camera`` and ``render_video(camera=...)`` take
them, turned into camera paths of the scene model (:mod:`orbitviz.scene.cameras`)."""

from __future__ import annotations

import os
from pathlib import Path

import numpy as np

from ..errors import CameraPathError
from ..scene.cameras import CameraState, FixedCamera, FollowTarget, Turntable, follow_layer
from .keyframes import read_keyframes

GENERIC_CAMERAS = ("turntable", "follow", "home")


def camera_words(scene) -> tuple[str, ...]:
    """The camera words ``scene`` takes: its presets', then the generic ones."""
    return (*scene.camera_presets, *(w for w in GENERIC_CAMERAS if w not in scene.camera_presets))


def camera_from_spec(scene, spec, *, turns: float = 1.0):
    """A camera path from a CLI-style spec: one of the scene's ``camera_presets`` by name,
    ``"turntable"``, ``"follow"`` (the scene's ``follow_target``), ``"home"`` (fixed), a TOML
    keyframe file, or a path object / state. A preset named like a generic word wins."""
    if hasattr(spec, "track"):
        return spec
    if isinstance(spec, CameraState):
        return FixedCamera(spec)
    if spec in scene.camera_presets:
        return scene.camera_presets[spec].path(scene)
    home = scene.home_camera()
    if spec in (None, "turntable"):
        return Turntable.around(home, turns=turns)
    if spec == "home":
        return FixedCamera(home)
    if spec == "follow":
        target = follow_layer(scene)
        reach = float(np.ptp(target.bounds_km(), axis=0).max()) or home.distance_km / 4
        return FollowTarget(
            target,
            distance_km=max(reach, home.distance_km / 4),
            elevation_deg=home.elevation_deg,
            azimuth_deg=home.azimuth_deg,
            fov_deg=home.fov_deg,
        )
    if not isinstance(spec, (str, os.PathLike)):
        raise CameraPathError(
            f"camera {spec!r}: give a preset name ({', '.join(camera_words(scene))}), a .toml "
            "keyframe file, a camera path or a CameraState"
        )
    path = Path(spec)
    if path.suffix.lower() == ".toml":
        return read_keyframes(path)
    raise CameraPathError(
        f"unknown camera {spec!r}: use {', '.join(camera_words(scene))} or a .toml keyframe file"
    )
