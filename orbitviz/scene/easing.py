"""Easing functions on 0..1 and a cubic Hermite (Catmull-Rom) curve through keys, vectorised.

>>> import numpy as np
>>> float(EASINGS["ease-in-out"](np.array(0.5)))
0.5
"""

from __future__ import annotations

import numpy as np

from ..errors import SceneError

EASINGS = {
    "linear": lambda u: u,
    "ease-in": lambda u: u**3,
    "ease-out": lambda u: 1.0 - (1.0 - u) ** 3,
    "ease-in-out": lambda u: u * u * (3.0 - 2.0 * u),
}


def check_easing(name: str, where: str) -> str:
    if name not in EASINGS:
        raise SceneError(f"{where}: unknown easing {name!r}; choose one of {', '.join(EASINGS)}")
    return name


def _segments(knots: np.ndarray, x: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    """Segment index i (knots[i] <= x < knots[i+1]) and local parameter u in 0..1."""
    i = np.clip(np.searchsorted(knots, x, side="right") - 1, 0, len(knots) - 2)
    u = np.clip((x - knots[i]) / (knots[i + 1] - knots[i]), 0.0, 1.0)
    return i, u


def interpolate_keys(knots, values, x, *, easings=None, smooth: bool = True) -> np.ndarray:
    """Values (K, d) at increasing ``knots`` (K,) evaluated at ``x`` (F,) -> (F, d).

    ``smooth``: Catmull-Rom (cubic Hermite with finite-difference tangents, C1, passes through
    every key); else piecewise linear. ``easings`` (K-1 names): the local parameter of each
    segment is eased (e.g. ``ease-in-out`` stops smoothly at both keys). Constant outside.
    """
    knots = np.asarray(knots, dtype=np.float64)
    values = np.asarray(values, dtype=np.float64).reshape(len(knots), -1)
    x = np.clip(np.atleast_1d(np.asarray(x, dtype=np.float64)), knots[0], knots[-1])
    if len(knots) == 1:
        return np.repeat(values, len(x), axis=0)
    i, u = _segments(knots, x)
    if easings is not None:
        eased = np.empty_like(u)
        names = np.asarray(easings)[i]
        for name in set(names.tolist()):
            pick = names == name
            eased[pick] = EASINGS[name](u[pick])
        u = eased
    u = u[:, None]
    p0, p1 = values[i], values[i + 1]
    if not smooth:
        return p0 + (p1 - p0) * u
    tangents = np.gradient(values, knots, axis=0)  # d value / d knot, one-sided at the ends
    h = (knots[i + 1] - knots[i])[:, None]
    m0, m1 = tangents[i] * h, tangents[i + 1] * h
    u2, u3 = u * u, u * u * u
    return (
        (2 * u3 - 3 * u2 + 1) * p0
        + (u3 - 2 * u2 + u) * m0
        + (-2 * u3 + 3 * u2) * p1
        + (u3 - u2) * m1
    )
