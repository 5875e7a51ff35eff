"""Camera keyframes from a TOML file: a :class:`~orbitviz.scene.cameras.KeyframedPath`."""

from __future__ import annotations

import tomllib
from pathlib import Path
from typing import Any

import numpy as np

from .._files import check_input
from ..errors import CameraPathError
from ..scene.cameras import KeyframedPath, angles_from_offsets
from ..scene.easing import check_easing

_KEY_FIELDS = {
    "t",
    "center_km",
    "azimuth_deg",
    "elevation_deg",
    "distance_km",
    "position_km",
    "fov_deg",
    "easing",
}


_SCALARS = ("azimuth_deg", "elevation_deg", "distance_km", "fov_deg")
MAX_KM = 1e12
"""No scene is wider (6,700 au); 1e308 km made the camera's maths fail (LinAlgError)."""


def _finite(value, what: str) -> float:
    """``value`` as a finite float (TOML allows nan and inf), else ValueError naming ``what``."""
    if isinstance(value, bool) or not isinstance(value, (int, float)):
        raise ValueError(f"{what} = {value!r} must be a number")
    if not np.isfinite(value):
        raise ValueError(f"{what} = {value} must be a finite number")
    return float(value)


def _vector3(value, what: str) -> list[float]:
    """``value`` as 3 finite floats, else ValueError naming ``what`` and what it holds."""
    if not isinstance(value, list) or len(value) != 3:
        raise ValueError(f"{what} = {value!r} must be 3 numbers [x, y, z] in km")
    return [_finite(v, f"{what}[{i}]") for i, v in enumerate(value)]


def read_keyframes(path: str | Path) -> KeyframedPath:
    """A :class:`KeyframedPath` from a TOML file such as::

        time = "seconds"            # key times t: "seconds" of video (default) or "fraction"
        interpolation = "smooth"    # "smooth" (Catmull-Rom, default) or "linear"
        easing = "ease-in-out"      # default easing of every segment (default "linear")

        [[key]]
        t = 0
        center_km = [0, 0, 0]
        azimuth_deg = 0
        elevation_deg = 30
        distance_km = 12
        fov_deg = 30

        [[key]]
        t = 6
        position_km = [0, -8, 2]    # or the camera position: az/el/distance about center_km
        easing = "linear"           # easing of the segment that starts at this key

    A key's missing values repeat the previous key's. Azimuths are taken literally (write 370,
    not 10, to keep turning the same way). Distances are interpolated in log space.
    """
    path = Path(path)
    check_input(path, what="camera path", error=CameraPathError, max_bytes=16 * 1024**2)
    try:
        doc = tomllib.loads(path.read_text(encoding="utf-8"))
    except (OSError, UnicodeDecodeError, tomllib.TOMLDecodeError) as exc:
        raise CameraPathError(
            f"cannot read camera path {path}: {exc}; it must be a TOML file "
            "with [[key]] tables (see orbitviz.recipes.read_keyframes)"
        ) from None
    try:
        return _keyframes(doc)
    except (ValueError, TypeError, KeyError) as exc:
        raise CameraPathError(f"camera path {path}: {exc}") from None


def _keyframes(doc: dict) -> KeyframedPath:
    keys = doc.get("key", [])
    if not keys:
        raise ValueError(
            "no [[key]] tables; add at least one key with t, azimuth_deg, "
            "elevation_deg and distance_km (or position_km)"
        )
    unit = doc.get("time", "seconds")
    if unit not in ("seconds", "fraction"):
        raise ValueError(f"time = {unit!r}: use 'seconds' or 'fraction'")
    interpolation = doc.get("interpolation", "smooth")
    if interpolation not in ("smooth", "linear"):
        raise ValueError(f"interpolation = {interpolation!r}: use 'smooth' or 'linear'")
    default_easing = check_easing(doc.get("easing", "linear"), "easing")
    fov_deg = _finite(doc.get("fov_deg", 30.0), "fov_deg")
    if not 0 < fov_deg < 180:
        raise ValueError(f"fov_deg = {fov_deg:g} must be in (0, 180) degrees")
    state: dict[str, Any] = {"center_km": [0.0, 0.0, 0.0], "fov_deg": fov_deg}
    rows, easings, times = [], [], []
    for n, key in enumerate(keys, start=1):
        unknown = set(key) - _KEY_FIELDS
        if unknown:
            raise ValueError(
                f"key {n}: unknown field(s) {sorted(unknown)}; known: {sorted(_KEY_FIELDS)}"
            )
        if "t" not in key:
            raise ValueError(f"key {n} has no time t")
        times.append(_finite(key["t"], f"key {n}: t"))
        for name in _SCALARS:
            if name in key:
                _finite(key[name], f"key {n}: {name}")
        for name in ("center_km", "position_km"):
            if name in key:
                _vector3(key[name], f"key {n}: {name}")
        if "fov_deg" in key and not 0 < float(key["fov_deg"]) < 180:
            raise ValueError(f"key {n}: fov_deg = {key['fov_deg']} must be in (0, 180) degrees")
        state.update({k: key[k] for k in key if k not in ("t", "position_km", "easing")})
        if "position_km" in key:
            offset = np.asarray(key["position_km"], float) - np.asarray(state["center_km"], float)
            az, el, dist = angles_from_offsets(offset)
            state.update(azimuth_deg=float(az), elevation_deg=float(el), distance_km=float(dist))
        missing = {"azimuth_deg", "elevation_deg", "distance_km"} - set(state)
        if missing:
            raise ValueError(f"key {n} lacks {sorted(missing)} (or position_km)")
        row = [
            *map(float, state["center_km"]),
            float(state["azimuth_deg"]),
            float(state["elevation_deg"]),
            float(state["distance_km"]),
            float(state["fov_deg"]),
        ]
        names = ("center_km", "center_km", "center_km", "azimuth_deg", "elevation_deg")
        for name, value in zip((*names, "distance_km", "fov_deg", "t"), (*row, times[-1])):
            if not np.isfinite(value):
                raise ValueError(f"key {n}: {name} = {value} must be a finite number")
        if not 0 < row[5] <= MAX_KM:
            raise ValueError(f"key {n}: distance_km = {row[5]} must be > 0 and <= {MAX_KM:.0e}")
        if max(abs(v) for v in row[:3]) > MAX_KM:
            raise ValueError(f"key {n}: center_km = {row[:3]} lies beyond {MAX_KM:.0e} km")
        if not 0 < row[6] < 180:
            raise ValueError(f"key {n}: fov_deg = {row[6]} must be > 0 and < 180")
        rows.append(row)
        easings.append(check_easing(key.get("easing", default_easing), f"key {n}"))
    times_arr = np.asarray(times)
    if (np.diff(times_arr) <= 0).any():
        raise ValueError(f"key times must increase, got {times}")
    table = np.asarray(rows)
    return KeyframedPath(
        times_arr,
        table[:, :3],
        table[:, 3],
        table[:, 4],
        table[:, 5],
        table[:, 6],
        tuple(easings[:-1]) or ("linear",),
        smooth=interpolation == "smooth",
        fractions=unit == "fraction",
    )
