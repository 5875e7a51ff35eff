"""Camera keyframes from a TOML file: a :class:`~orbitviz.scene.cameras.KeyframedPath`."""

from __future__ import annotations

import itertools
import tomllib
from pathlib import Path
from typing import Any

import numpy as np

from .._files import atomic_write, check_input
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


def keyframes_toml(keys, *, easing: str = "ease-in-out") -> str:
    """The TOML text :func:`read_keyframes` reads back as the path through ``keys``
    (``(t_s, CameraState)`` pairs, increasing times). Azimuths are unwrapped (a view turned
    from 350 to 10 degrees is written 370: the path keeps turning the short way).

    >>> from orbitviz.scene import CameraState
    >>> text = keyframes_toml([(0.0, CameraState((0, 0, 0), 350.0, 20.0, 12.0)),
    ...                        (2.0, CameraState((0, 0, 0), 10.0, 20.0, 6.0))])
    >>> [line for line in text.splitlines() if line.startswith("azimuth")]
    ['azimuth_deg = 350.0', 'azimuth_deg = 370.0']
    """
    keys = list(keys)
    if not keys:
        raise CameraPathError("no camera keys to write: add a view first")
    times = [float(t) for t, _ in keys]
    if any(b <= a for a, b in itertools.pairwise(times)):
        raise CameraPathError(f"camera key times must increase, got {times}")
    check_easing(easing, "easing")
    azimuths = np.degrees(np.unwrap(np.radians([float(s.azimuth_deg) for _, s in keys])))
    lines = ['time = "seconds"', 'interpolation = "smooth"', f'easing = "{easing}"']
    for (t, state), azimuth in zip(keys, azimuths):
        centre = ", ".join(repr(float(c)) for c in state.center_km)
        lines += [
            "",
            "[[key]]",
            f"t = {float(t)!r}",
            f"center_km = [{centre}]",
            f"azimuth_deg = {round(float(azimuth), 9)!r}",
            f"elevation_deg = {float(state.elevation_deg)!r}",
            f"distance_km = {float(state.distance_km)!r}",
            f"fov_deg = {float(state.fov_deg)!r}",
        ]
    return "\n".join(lines) + "\n"


class CameraRecorder:
    """Views taken one after another (in the window or the notebook widget) become a camera
    path ``orbitviz render --camera FILE.toml`` plays: each :meth:`add` is a key
    ``step_s`` seconds of video after the previous one; :meth:`save` writes the TOML file.
    ``easing``: of every segment; views taken by hand ease in and out of each, a path recorded
    as the user moved (many close keys) is "linear" (the smooth spline through them).

    >>> from orbitviz.scene import CameraState
    >>> rec = CameraRecorder(step_s=3.0)
    >>> rec.add(CameraState((0, 0, 0), 0.0, 20.0, 12.0)), rec.add(CameraState((0, 0, 0), 90.0, 20.0, 6.0))
    (0.0, 3.0)
    """

    def __init__(self, step_s: float = 2.0, *, easing: str = "ease-in-out"):
        self.step_s = _finite(step_s, "step_s")
        if self.step_s <= 0:
            raise CameraPathError(f"step_s = {step_s} must be > 0 seconds")
        self.easing = check_easing(easing, "easing")
        self.keys: list = []

    def add(self, state, after_s: float | None = None) -> float:
        """Add ``state`` as the next key, ``after_s`` seconds of video after the previous one
        (default ``step_s``; a window recording as the user moves gives the time it took);
        returns its time (video seconds).

        >>> from orbitviz.scene import CameraState
        >>> rec = CameraRecorder()
        >>> rec.add(CameraState((0, 0, 0), 0.0, 20.0, 12.0)), rec.add(CameraState((0, 0, 0), 5.0, 20.0, 12.0), after_s=0.25)
        (0.0, 0.25)
        """
        step = self.step_s if after_s is None else _finite(after_s, "after_s")
        if step <= 0:
            raise CameraPathError(f"after_s = {after_s} must be > 0 seconds")
        t = self.keys[-1][0] + step if self.keys else 0.0
        self.keys.append((t, state))
        return t

    @property
    def last(self):
        """The last key's camera state (None when there is none)."""
        return self.keys[-1][1] if self.keys else None

    def clear(self) -> None:
        self.keys.clear()

    def save(self, path: str | Path) -> Path:
        """Write the keys as a TOML camera path (atomically); returns the path."""
        return atomic_write(path, keyframes_toml(self.keys, easing=self.easing))
