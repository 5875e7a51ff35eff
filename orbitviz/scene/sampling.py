"""Linear interpolation of sampled arrays (time along axis 0), vectorised over query times.

The paint path only ever calls these on arrays sampled up front: no SPICE, no loops over time.

>>> import numpy as np
>>> interp_rows(np.array([0.0, 10.0]), np.array([[0.0, 0, 0], [10.0, 0, 0]]), np.array([2.5]))
array([[2.5, 0. , 0. ]])
"""

from __future__ import annotations

import numpy as np

from ..errors import SceneError


def check_samples(et: np.ndarray, values: np.ndarray, what: str) -> tuple[np.ndarray, np.ndarray]:
    """``et`` (N,) strictly increasing and ``values`` (N, k) as float arrays, or ValueError."""
    et = np.asarray(et, dtype=np.float64)
    values = np.asarray(values, dtype=np.float64)
    if et.ndim != 1 or len(et) == 0 or values.shape[0] != len(et):
        raise SceneError(
            f"{what}: need et (N,) and values (N, ...) with the same N >= 1, got "
            f"et {et.shape} and values {values.shape}"
        )
    if len(et) > 1 and not (np.diff(et) > 0).all():
        raise SceneError(
            f"{what}: sample times must be strictly increasing; sort them and drop "
            "duplicates (np.unique) first"
        )
    return et, values


def interp_rows(
    et: np.ndarray, values: np.ndarray, at_et: np.ndarray, *, outside: str = "hold"
) -> np.ndarray:
    """``values`` (N, k) linearly interpolated at ``at_et`` (F,) -> (F, k).

    Outside the sampled span the end value is held (``outside="hold"``) or NaN (``"nan"``).
    """
    at = np.atleast_1d(np.asarray(at_et, dtype=np.float64))
    values = np.asarray(values, dtype=np.float64).reshape(len(et), -1)
    if len(et) == 1:
        out = np.repeat(values, len(at), axis=0)
    else:
        i = np.clip(np.searchsorted(et, at, side="right") - 1, 0, len(et) - 2)
        w = np.clip((at - et[i]) / (et[i + 1] - et[i]), 0.0, 1.0)[:, None]
        out = values[i] * (1.0 - w) + values[i + 1] * w
    if outside == "nan":
        out[(at < et[0]) | (at > et[-1])] = np.nan
    return out


def interp_unit(et: np.ndarray, directions: np.ndarray, at_et: np.ndarray) -> np.ndarray:
    """Unit vectors (N, 3) interpolated at ``at_et`` (F,) and renormalised -> (F, 3)."""
    out = interp_rows(et, directions, at_et)
    return out / np.linalg.norm(out, axis=1, keepdims=True)


def unit(vector) -> np.ndarray:
    """``vector`` (3,) or (N, 3) scaled to unit length (ValueError for a zero vector)."""
    v = np.asarray(vector, dtype=np.float64)
    norm = np.linalg.norm(v, axis=-1, keepdims=True)
    if (norm == 0).any() or not np.isfinite(norm).all():
        raise SceneError(f"cannot make a unit vector of {v.tolist()}: it is zero or not finite")
    return v / norm
