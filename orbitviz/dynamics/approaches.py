"""Closest approaches of many small bodies to one body, by the N-body engine, in batches.

Each request is an object (a row of a conics array, at its own epoch) and a guessed time; the
answer is the distance minimum nearest the guess within ``+-half_window_s``. Objects sharing an
epoch are integrated together (:func:`orbitviz.dynamics.nbody.propagate_nbody` takes N bodies
of one epoch: the perturbers are evaluated once per step for all of them), in batches of
``batch_size`` ordered by time, over the span of their requests only; the perturbers' records
are read once for everything. An object whose integration fails is retried alone, so one bad
orbit does not lose its batch. Used by ``orbitviz validate cad`` (against JPL's answers) and by
the screening's N-body refinement.

>>> import numpy as np
>>> from orbitviz.smallbodies import resolve_target
>>> from orbitviz.spice import KernelSet, to_et
>>> apophis, _ = resolve_target("Apophis")
>>> with KernelSet("default"):
...     found = closest_approaches(
...         apophis.to_conics()[None, :], [0], [to_et("2029-04-13T21:00")], "EARTH",
...         nongrav=[apophis.nongrav],
...     )
>>> round(float(found.dist_km[0]), 1)                       # JPL (orbit 199): 37,724.5 km
37724.5
"""

from __future__ import annotations

from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass
from typing import Any

import numpy as np
from numpy.typing import ArrayLike

from .. import spice
from ..errors import CoverageError, ElementsError
from ..units import DAY_S
from .events import refine_roots
from .impacts import Impact, find_impacts
from .nbody import RTOL, Perturbers, propagate_nbody, relative_state_function
from .relative import distance_rate_kms

HALF_WINDOW_S = DAY_S
BATCH_SIZE = 64
XTOL_S = 1e-3
# The bracketing grid needs one point between neighbouring extrema of the distance, which
# are days apart at the least (a pass itself is one minimum however fast; the Earth's monthly
# wobble about the Earth-Moon barycentre is the quickest other wiggle): 6 h leaves a margin of
# several, and the brackets are then refined to xtol_s.
GRID_STEP_S = 6 * 3600.0
MARGIN_S = 60.0


@dataclass
class Approaches:
    """One entry per request: ``et``, ``dist_km``, ``v_rel_kms`` (NaN where none was found,
    with the reason in ``reasons[i]``) and the method string of the integration."""

    et: np.ndarray
    dist_km: np.ndarray
    v_rel_kms: np.ndarray
    reasons: dict[int, str]
    method: str
    guess_dist_km: np.ndarray | None = None
    """The distance at the time asked (JPL's, for a validation), and ``guess_rate_kms`` the
    range rate there: a time asked that is not at a minimum shows a rate far from 0."""
    guess_rate_kms: np.ndarray | None = None
    impacts: dict[int, Impact] | None = None
    """Requests whose track enters the body (:mod:`~orbitviz.dynamics.impacts`): for those
    the approach found is the body's surface entry point, not a minimum through the body."""


def nearest_minima(rel_of, objects, guesses_et, halves_s, xtol_s: float) -> np.ndarray:
    """``(et, dist_km, v_rel_kms)`` (R, 3) of the distance minimum nearest ``guesses_et[r]``
    within ``+-halves_s[r]`` of object ``objects[r]``, for every request ``r`` together (NaN
    rows where there is none): one grid per request (step <= 6 h, 4 or more points across it),
    the rising zeros of d|r|/dt bracketed on them and refined all at once. ``rel_of(et, objs)``
    gives the relative state (Q, 6) of object ``objs[q]`` at ``et[q]``."""
    objects = np.asarray(objects, dtype=int)
    guesses = np.asarray(guesses_et, dtype=float)
    halves = np.asarray(halves_s, dtype=float)
    out = np.full((len(objects), 3), np.nan)
    if not len(objects):
        return out
    points = np.maximum(np.ceil(2.0 * halves / np.minimum(GRID_STEP_S, halves / 4.0)), 3) + 1
    points = points.astype(int)
    owner = np.repeat(np.arange(len(objects)), points)
    first = np.cumsum(points) - points
    place = np.arange(owner.size) - first[owner]
    t = guesses[owner] - halves[owner] + (2.0 * halves / (points - 1))[owner] * place
    rate = distance_rate_kms(rel_of(t, objects[owner]))
    j = np.flatnonzero((rate[:-1] < 0.0) & (rate[1:] >= 0.0) & (owner[:-1] == owner[1:]))
    if not j.size:
        return out
    whose = objects[owner[j]]
    t_min = refine_roots(
        lambda x, k: distance_rate_kms(rel_of(x, whose[k])),
        t[j],
        t[j + 1],
        rate[j],
        rate[j + 1],
        xtol_s,
        indexed=True,
    )
    request = owner[j]
    order = np.lexsort((np.abs(t_min - guesses[request]), request))  # nearest first, per request
    keep = order[np.r_[True, request[order][1:] != request[order][:-1]]]
    state = rel_of(t_min[keep], whose[keep])
    out[request[keep]] = np.c_[
        t_min[keep], np.linalg.norm(state[:, :3], axis=1), np.linalg.norm(state[:, 3:], axis=1)
    ]
    return out


def closest_approaches(
    conics: np.ndarray,
    objects: ArrayLike,
    guesses_et: ArrayLike,
    body: str,
    *,
    nongrav: Sequence | Mapping[int, Any] | None = None,
    perturbers: Perturbers | None = None,
    half_window_s: ArrayLike = HALF_WINDOW_S,
    batch_size: int = BATCH_SIZE,
    xtol_s: float = XTOL_S,
    rtol: float = RTOL,
    on_done: Callable[[int], None] | None = None,
) -> Approaches:
    """The approach to ``body`` of object ``objects[i]`` (a row of ``conics`` (M, 8)) nearest
    ``guesses_et[i]``, for every request ``i``. ``nongrav[m]``: the non-gravitational model of
    row ``m`` (a mapping or :class:`~orbitviz.dynamics.nbody.NonGrav`, None for none).
    ``half_window_s``: one for all, or one per request. ``rtol``: the integrator's tolerance
    (:func:`~orbitviz.dynamics.nbody.propagate_nbody`; looser is cheaper and less exact).
    ``on_done(n)`` is called as requests finish (a progress bar). Needs the kernels loaded."""
    objects = np.asarray(objects, dtype=int)
    guesses = np.asarray(guesses_et, dtype=float)
    n = len(objects)
    halves = np.broadcast_to(np.asarray(half_window_s, dtype=float), (n,))
    out = np.full((n, 3), np.nan)
    at_guess = np.full((n, 2), np.nan)
    impacts: dict[int, Impact] = {}
    reasons: dict[int, str] = {}
    method = "nbody"
    if n == 0:
        return Approaches(out[:, 0], out[:, 1], out[:, 2], reasons, method, impacts=impacts)
    requests: dict[int, list[int]] = {}
    for i, obj in enumerate(objects):
        requests.setdefault(int(obj), []).append(i)
    if perturbers is None:
        epochs = conics[list(requests), 6]
        lo = float(min(epochs.min(), (guesses - halves).min())) - MARGIN_S
        hi = float(max(epochs.max(), (guesses + halves).max())) + MARGIN_S
        perturbers = Perturbers.load(lo, hi)
    by_epoch: dict[float, list[int]] = {}
    for obj in sorted(requests, key=lambda o: (conics[o, 6], guesses[requests[o]].min())):
        by_epoch.setdefault(float(conics[obj, 6]), []).append(obj)
    batches = [
        group[k : k + batch_size]
        for group in by_epoch.values()
        for k in range(0, len(group), batch_size)
    ]

    body_code = spice.body_id(body)
    span = (float((guesses - halves).min()) - MARGIN_S, float((guesses + halves).max()) + MARGIN_S)

    def finish(traj, objs):
        asked = np.concatenate([requests[o] for o in objs])
        index = np.concatenate([np.full(len(requests[o]), k) for k, o in enumerate(objs)])
        try:
            rel_of = relative_state_function(traj, body_code, *span)
            hits = nearest_minima(rel_of, index, guesses[asked], halves[asked], xtol_s)
        except (CoverageError, ElementsError) as exc:
            for i in asked:
                reasons[int(i)] = f"no minimum: {exc}"
        else:
            out[asked] = hits
            state = rel_of(guesses[asked], index)
            at_guess[asked, 0] = np.linalg.norm(state[:, :3], axis=1)
            at_guess[asked, 1] = distance_rate_kms(state)
            # a track that meets the body: its approach is the surface entry, not a
            # minimum found by integrating through a point mass
            found = np.flatnonzero(np.isfinite(hits[:, 0]))
            entries = find_impacts(rel_of, index[found], hits[found, 0], hits[found, 1], body_code)
            for p, entry in zip(found, entries):
                if entry is not None and entry.surface is not None:
                    i, hit = int(asked[p]), entry.surface
                    impacts[i] = entry
                    state = rel_of(np.array([hit.et]), index[[p]])[0]
                    out[i] = hit.et, float(np.linalg.norm(state[:3])), hit.speed_kms
            for i in asked[~np.isfinite(hits[:, 0])]:
                hours = halves[i] / 3600.0
                reasons[int(i)] = f"no distance minimum within +-{hours:g} h of the time asked"
        if on_done:
            on_done(len(asked))

    for batch in batches:
        asked = np.concatenate([requests[o] for o in batch])
        window = (
            (guesses[asked] - halves[asked]).min() - MARGIN_S,
            (guesses[asked] + halves[asked]).max() + MARGIN_S,
        )
        models = [nongrav[o] or None for o in batch] if nongrav is not None else None
        try:
            runs = [
                (
                    propagate_nbody(
                        conics[batch], *window, nongrav=models, perturbers=perturbers, rtol=rtol
                    ),
                    batch,
                )
            ]
        except (CoverageError, ElementsError):
            runs = []  # one at a time: find which object fails, keep the others
            for k, obj in enumerate(batch):
                try:
                    one = propagate_nbody(
                        conics[obj],
                        *window,
                        nongrav=models[k] if models else None,
                        perturbers=perturbers,
                        rtol=rtol,
                    )
                except (CoverageError, ElementsError) as exc:
                    for i in requests[obj]:
                        reasons[i] = f"N-body integration failed: {exc}"
                        if on_done:
                            on_done(1)
                else:
                    runs.append((one, [obj]))
        for traj, objs in runs:
            method = traj.method if method == "nbody" else method
            finish(traj, objs)
    return Approaches(
        out[:, 0], out[:, 1], out[:, 2], reasons, method, at_guess[:, 0], at_guess[:, 1], impacts
    )
