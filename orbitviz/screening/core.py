"""Screen one chunk of objects against one body: coarse grid, candidate brackets, refinement.

All objects of a chunk are propagated together on the coarse grid (two-body, vectorised: one
``propagate`` call of shape (K, T)). Candidate intervals are those where the distance rate
``r . v / |r|`` (:func:`orbitviz.dynamics.relative.distance_rate_kms`; the sign of ``rv = r . v``)
turns from negative to positive and the Lipschitz lower bound of
the distance inside the interval is below the threshold (see :mod:`orbitviz.screening.params`
for why this misses nothing). All candidates of the chunk are then refined *together*: each
Illinois (regula falsi) round is one vectorised propagation plus one body-state query per
still-open bracket, until every bracket is narrower than 0.1 ms.

The closest-approach time is the zero of the distance rate: precise to the bracket width,
unlike a derivative-free search on ``d`` itself, which is flat at its minimum.

(The refinement is :func:`orbitviz.dynamics.events.refine_roots` in its indexed form: every
bracket belongs to another object.)

Example
-------
>>> from orbitviz.smallbodies import resolve_target
>>> from orbitviz.spice import KernelSet, to_et
>>> names = ["Apophis", "2021 WP"]
>>> conics = np.stack([resolve_target(name)[0].to_conics() for name in names])
>>> with KernelSet("default"):
...     p = ScreeningParams("EARTH", to_et("2029-01-01"), to_et("2030-01-01"), 7.48e6, 9.2e5)
...     track = BodyTrack.compute("EARTH", p.grid())
...     rows = screen_chunk(conics, names, p, track)
>>> rows[["designation", "dist_km", "method"]].round(-3)    # two-body: far from JPL's 38,000 km
  designation   dist_km    method
0     Apophis  543000.0  two-body
"""

from __future__ import annotations

import numpy as np
import pandas as pd

from orbitviz import spice
from orbitviz.dynamics.events import refine_roots
from orbitviz.dynamics.kepler import distance_and_rate, propagate
from orbitviz.dynamics.relative import distance_km, distance_rate_kms
from orbitviz.screening.bodies import BodyTrack
from orbitviz.screening.params import METHOD_TWO_BODY, REFINE_XTOL_S, ScreeningParams

RAW_COLUMNS = ["designation", "et", "dist_km", "v_rel_kms", "method"]


def perihelion_speed_kms(conics: np.ndarray) -> np.ndarray:
    """Largest heliocentric speed on each conic (at perihelion): sqrt(mu (1 + e) / q)."""
    return np.sqrt(conics[:, 7] * (1.0 + conics[:, 1]) / conics[:, 0])


def find_candidates(conics: np.ndarray, params: ScreeningParams, track: BodyTrack):
    """Object index and bracket [t0, t1] of every grid interval that may hold an approach.

    Returns ``(obj, t0, t1)`` arrays. Vectorised over objects x grid times.
    """
    grid = track.et
    h = float(np.max(np.diff(grid)))
    dist, rate = distance_and_rate(conics, grid, track.state)  # (K, T) each
    v_bound = perihelion_speed_kms(conics) + track.v_max_kms  # (K,)
    lower = 0.5 * (dist[:, :-1] + dist[:, 1:] - v_bound[:, None] * h)
    turning = (rate[:, :-1] < 0.0) & (rate[:, 1:] >= 0.0)
    limit = params.candidate_km(conics[:, 6, None], grid[None, :-1])
    obj, k = np.nonzero(turning & (lower <= limit))
    return obj, grid[k], grid[k + 1]


def relative_states(conics: np.ndarray, et: np.ndarray, body: str | BodyTrack) -> np.ndarray:
    """Object-minus-body states (n, 6) for paired conics (n, 8) and times (n,) (two-body);
    ``body`` a name (SPICE) or its :class:`BodyTrack` (its SPK records, within the grid)."""
    if isinstance(body, BodyTrack):
        return propagate(conics, et, outer=False) - body.states_at(et)
    return propagate(conics, et, outer=False) - spice.states(body, et, observer="SUN")


def _distance_rate_kms(conics, et, body):
    return distance_rate_kms(relative_states(conics, et, body))


def closest_approach_times(
    conics: np.ndarray,
    t0: np.ndarray,
    t1: np.ndarray,
    body: str | BodyTrack,
    xtol_s: float = REFINE_XTOL_S,
) -> np.ndarray:
    """Closest-approach time in each bracket: the rising zero of the distance rate, all
    brackets refined together as roots by :func:`orbitviz.dynamics.events.refine_roots`;
    ``conics`` is (n, 8), one row per bracket. Returns the times (n,) to within ``xtol_s``."""
    a, b = np.asarray(t0, dtype=float), np.asarray(t1, dtype=float)
    if a.size == 0:
        return a
    return refine_roots(
        lambda t, idx: _distance_rate_kms(conics[idx], t, body),
        a,
        b,
        _distance_rate_kms(conics, a, body),
        _distance_rate_kms(conics, b, body),
        xtol_s,
        indexed=True,
    )


def screen_chunk(
    conics: np.ndarray, designations, params: ScreeningParams, track: BodyTrack
) -> pd.DataFrame:
    """Two-body close approaches of one chunk: columns :data:`RAW_COLUMNS`, unsorted.

    One row per approach with refined time inside [start, stop] and distance below the
    threshold (with ``refine="nbody"``: the candidates, inside the wider span and limit of
    :meth:`ScreeningParams.candidate_span_et` / :meth:`~ScreeningParams.candidate_km`, for the
    N-body run to decide). SPICE kernels must be loaded (the body's states come from the SPK).
    """
    conics = np.asarray(conics, dtype=float)
    names = np.asarray(designations, dtype=object)
    obj, t0, t1 = find_candidates(conics, params, track)
    t_min = closest_approach_times(conics[obj], t0, t1, track)
    rel = relative_states(conics[obj], t_min, track) if obj.size else np.empty((0, 6))
    dist = distance_km(rel)
    lo, hi = params.candidate_span_et()
    keep = (dist <= params.candidate_km(conics[obj, 6], t_min)) & (t_min >= lo) & (t_min <= hi)
    return pd.DataFrame(
        {
            "designation": names[obj[keep]].astype(str),
            "et": t_min[keep],
            "dist_km": dist[keep],
            "v_rel_kms": np.linalg.norm(rel[keep, 3:], axis=1),
            "method": METHOD_TWO_BODY,
        },
        columns=RAW_COLUMNS,
    )
