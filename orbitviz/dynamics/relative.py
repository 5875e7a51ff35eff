"""Relative states: the distance between two bodies and its rate, from a relative state.

A relative state is ``target - body`` as an array ``(..., 6)`` (km, km/s; time along axis 0 or
any leading axes). The distance rate ``d|r|/dt = r . v / |r|`` is negative while they close in
and crosses zero, rising, at every closest approach: the function whose roots
:func:`orbitviz.dynamics.events.refine_roots` refines to find approaches precisely.

>>> import numpy as np
>>> state = np.array([[3.0, 4.0, 0.0, -1.0, 0.0, 0.0]])   # 5 km away, moving in -x at 1 km/s
>>> distance_km(state), distance_rate_kms(state)
(array([5.]), array([-0.6]))
"""

from __future__ import annotations

from collections.abc import Callable

import numpy as np

__all__ = ["distance_functions", "distance_km", "distance_rate_kms"]

StateFunction = Callable[[np.ndarray], np.ndarray]


def distance_km(state: np.ndarray) -> np.ndarray:
    """|r| of relative states ``(..., 6)`` (or positions ``(..., 3)``): shape ``(...)``."""
    return np.linalg.norm(np.asarray(state)[..., :3], axis=-1)


def distance_rate_kms(state: np.ndarray) -> np.ndarray:
    """d|r|/dt = r . v / |r| of relative states ``(..., 6)``: shape ``(...)``."""
    state = np.asarray(state)
    r, v = state[..., :3], state[..., 3:6]
    return np.einsum("...i,...i->...", r, v) / np.linalg.norm(r, axis=-1)


def distance_functions(rel_state: StateFunction) -> tuple[StateFunction, StateFunction]:
    """``(dist(et), rate(et))`` of a vectorised relative-state function ``rel_state(et) ->
    (..., 6)``: the function and derivative :func:`~orbitviz.dynamics.events.find_minima`
    takes to find closest approaches."""

    def dist(et):
        return distance_km(rel_state(et))

    def rate(et):
        return distance_rate_kms(rel_state(et))

    return dist, rate
