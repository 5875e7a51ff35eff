"""N-body refinement of the two-body approaches: every candidate, in batches.

Two-body propagation ignores the planets, including the body's own pull during the encounter
(gravitational focusing: Apophis's 2029 pass is ~38,000 km in reality, ~48,000 km on a straight
line with the same v_inf). Every approach the two-body pass found (or the ``nbody_max`` closest,
when given) is recomputed by the N-body engine from its object's catalog epoch, objects of one
epoch integrated together (:func:`orbitviz.dynamics.approaches.closest_approaches`: Sun,
planets, Moon, Ceres and Vesta from the SPK, 1PN Sun, the catalog's non-gravitational terms
where it has them); the minimum is taken near the two-body time (:func:`search_half_width_s`), to 0.1 ms. The
rows say ``method = "nbody"`` and keep the two-body answer in ``two_body_et`` /
``two_body_dist_km``. An approach the N-body run does not find near the two-body time is looked
for over the whole window; one the N-body run puts beyond the threshold, outside the window, or nowhere, is
dropped (two-body was wrong about it; counted in ``attrs["nbody_dropped"]``). The two-body pass
hands over its minima up to a margin beyond the threshold (derived from the time to the
elements' epoch: :func:`orbitviz.screening.params.candidate_margin_km`), so that a pass inside
the threshold in reality is not lost because two-body puts it outside.

Most of those candidates are far from the threshold in reality, so they are integrated in two
stages (:func:`two_stage_approaches`): all at a loose tolerance, then again at the engine's own
those the loose run puts within a margin of the threshold, the rows being the exact run's.
"""

from __future__ import annotations

import numpy as np
import pandas as pd

from orbitviz import spice
from orbitviz.dynamics.approaches import closest_approaches
from orbitviz.dynamics.nbody import RTOL
from orbitviz.screening.params import (
    METHOD_NBODY,
    REFINE_XTOL_S,
    ScreeningParams,
    years_from_epoch,
)
from orbitviz.units import AU_KM, DAY_S, LD_KM

SEARCH_DAYS_PER_YEAR = 2.0
SEARCH_MIN_DAYS, SEARCH_MAX_DAYS = 5.0, 60.0
"""The N-body minimum is searched within +-(2 days per year between the object's epoch and the
two-body time), at least 5 and at most 60 days: two-body timing errors grow with the arc
(hours to ~2 days a few years from the epoch, see tests/test_screening_truth.py; a week for
NEODyS's 2022 elements in 2029)."""


PRESCREEN_RTOL = 1e-6
PRESCREEN_MIN = 100
PRESCREEN_FLOOR_KM = 50_000.0
PRESCREEN_KM_PER_YEAR2 = 20_000.0
"""The two-stage refinement (:func:`two_stage_approaches`). IAS15 at epsilon 1e-6 takes the
catalog-year's 7,707 candidates (NEODyS, 2029 against Earth at 0.05 au, elements of 2022: 7.5
years of integration each) in 0.55-0.6 of the CPU time of 1e-9; its distances differ from
1e-9's by 145 km at the median, 52,000 km at the 99th percentile and 316,631 km at most
among the 423 approaches within 2 thresholds (five beyond 20,000 km: objects whose earlier
encounters amplify any difference). The margin is 50,000 km + 20,000 km/year^2: 1.18e6 km at
7.5 years, 3.7x the largest difference). In that catalog-year (29 chunks of 1,000 objects) the
check fell back in two chunks: 2013 GM3 (loose 7.51e6 km, exact 5.53e6 km 4.2 days later: two
minima of a slow pass, the loose run picking the other) and 2022 JR (8.35e6 vs 7.58e6 km);
739 of the 7,707 candidates were integrated at 1e-9, those two chunks' included. The margin is
no bound, the check is what makes the prescreen safe: JPL's 2020 solutions (sbdb_query_neos_2020,
one chunk) fall back because of 2018 AL12, 420,000 km off at 1e-6 two years from its epoch
(tests/test_screening_truth.py). Below 100 candidates the prescreen would save less than it
costs."""


def search_half_width_s(epoch_et, event_et) -> np.ndarray:
    """The +-window (s) of the N-body search around each two-body time."""
    years = years_from_epoch(epoch_et, event_et)
    return np.clip(SEARCH_DAYS_PER_YEAR * years, SEARCH_MIN_DAYS, SEARCH_MAX_DAYS) * DAY_S


def refine_nbody(result: pd.DataFrame, table, params: ScreeningParams) -> pd.DataFrame:
    """``result`` with its ``params.nbody_max`` closest approaches recomputed by N-body
    integration (all of them when it is None; :func:`refine_rows` on the workers does that)."""
    names = table.table["designation"].astype(str).tolist()
    return refine_rows(result, table.conics, names, nongrav_by_row(table), params)


def nongrav_by_row(table) -> list:
    """Each catalog row's non-gravitational parameters (a mapping, or None)."""
    columns = [c for c in ("A1_au_d2", "A2_au_d2", "A3_au_d2") if c in table.table]
    if not columns or not hasattr(table, "nongrav"):
        return [None] * len(table.table)
    values = table.table[columns].apply(pd.to_numeric, errors="coerce").fillna(0.0).to_numpy()
    active = np.flatnonzero((values != 0.0).any(axis=1))
    out: list = [None] * len(table.table)
    for i in active:
        out[int(i)] = table.nongrav(int(i)) or None
    return out


def nbody_approaches(conics, objects, guesses, models, params: ScreeningParams, rtol: float):
    """The N-body approach of each object ``objects[i]`` nearest its two-body time
    ``guesses[i]`` (within :func:`search_half_width_s`), else its minimum anywhere in the
    window; integrated at tolerance ``rtol``."""
    hits = closest_approaches(
        conics,
        objects,
        guesses,
        params.body,
        nongrav=models,
        half_window_s=search_half_width_s(conics[objects, 6], guesses),
        xtol_s=REFINE_XTOL_S,
        rtol=rtol,
    )
    missed = np.flatnonzero(~np.isfinite(hits.et))
    if missed.size:  # not near the two-body time: the N-body minimum anywhere in the window
        middle = 0.5 * (params.start_et + params.stop_et)
        again = closest_approaches(
            conics,
            objects[missed],
            np.full(missed.size, middle),
            params.body,
            nongrav=models,
            half_window_s=0.5 * (params.stop_et - params.start_et),
            xtol_s=REFINE_XTOL_S,
            rtol=rtol,
        )
        _put(hits, missed, again)
    return hits


def prescreen_margin_km(years) -> np.ndarray:
    """How far beyond the threshold the loose-tolerance run may put an approach that is kept
    for the exact run (see :func:`two_stage_approaches`).

    >>> prescreen_margin_km(np.array([0.0, 1.0, 7.5])).round(-3).tolist()
    [50000.0, 70000.0, 1175000.0]
    """
    years = np.asarray(years, dtype=float)
    return PRESCREEN_FLOOR_KM + PRESCREEN_KM_PER_YEAR2 * years**2


def two_stage_approaches(conics, objects, guesses, models, params: ScreeningParams):
    """N-body approaches (:func:`nbody_approaches`) of many candidates, in two stages: all at
    the loose tolerance :data:`PRESCREEN_RTOL`, then those it puts within
    ``threshold + prescreen_margin_km(years)`` (or nowhere, or into the body) again at the
    engine's own (:data:`~orbitviz.dynamics.nbody.RTOL`); the answers are the exact run's.
    A check that the margin holds: where both runs found the approach, they must agree to half
    the margin, else every candidate is recomputed exactly. Returns the approaches and what
    the prescreen did (``nbody_prescreened``: candidates it dropped, ``prescreen_fallback``).
    Fewer than :data:`PRESCREEN_MIN` candidates go straight to the exact run."""
    n = len(objects)
    if n < PRESCREEN_MIN:
        return nbody_approaches(conics, objects, guesses, models, params, RTOL), {}
    loose = nbody_approaches(conics, objects, guesses, models, params, PRESCREEN_RTOL)
    when = np.where(np.isfinite(loose.et), loose.et, guesses)
    margin = prescreen_margin_km(years_from_epoch(conics[objects, 6], when))
    near = ~np.isfinite(loose.dist_km) | (loose.dist_km <= params.threshold_km + margin)
    near[list(loose.impacts or {})] = True
    exact = nbody_approaches(conics, objects[near], guesses[near], models, params, RTOL)
    both = np.isfinite(loose.dist_km[near]) & np.isfinite(exact.dist_km)
    off = np.abs(loose.dist_km[near] - exact.dist_km)[both]
    fallback = bool(np.any(off > 0.5 * margin[near][both]))
    _put(loose, np.flatnonzero(near), exact, impacts={})
    if fallback:  # the loose run was further off than its margin allows: trust none of it
        rest = np.flatnonzero(~near)
        _put(
            loose,
            rest,
            nbody_approaches(conics, objects[rest], guesses[rest], models, params, RTOL),
        )
    prescreened = 0 if fallback else int(n - near.sum())
    return loose, {"nbody_prescreened": prescreened, "prescreen_fallback": fallback}


def _put(into, where, source, impacts=None) -> None:
    """Approaches ``source`` (one per index of ``where``) written into ``into`` at ``where``;
    ``impacts``: the impacts ``into`` keeps besides them (default: its own)."""
    for name in ("et", "dist_km", "v_rel_kms"):
        getattr(into, name)[where] = getattr(source, name)
    into.impacts = dict((into.impacts or {}) if impacts is None else impacts)
    into.impacts.update({int(where[k]): entry for k, entry in (source.impacts or {}).items()})


def refine_rows(result: pd.DataFrame, conics, designations, nongrav, params: ScreeningParams):
    """``result`` (sorted by distance) with its approaches (all, or the ``params.nbody_max``
    closest) recomputed by the N-body engine from the objects' epochs; ``conics`` (M, 8),
    ``designations`` (M,) and ``nongrav`` (M,: mapping or None) describe the objects."""
    out = result.copy()
    out["two_body_et"] = out["et"]
    out["two_body_dist_km"] = out["dist_km"]
    out["impact"] = ""
    limit = len(out) if params.nbody_max is None else max(int(params.nbody_max), 0)
    top = out.index[:limit]
    out.attrs["nbody_not_found"] = 0
    if len(top) == 0:
        return out
    row_of = {str(d): i for i, d in enumerate(designations)}
    objects = np.array([row_of[d] for d in out.loc[top, "designation"]])
    models = None
    if nongrav is not None and len(nongrav):
        models = {int(o): nongrav[int(o)] for o in set(objects)}
    conics = np.asarray(conics)
    guesses = out.loc[top, "et"].to_numpy(dtype=float)
    hits, prescreen = two_stage_approaches(conics, objects, guesses, models, params)
    out.attrs.update(prescreen)
    for k, entry in (hits.impacts or {}).items():
        out.loc[top[k], "impact"] = entry.headline()  # the approach is its surface entry
    found = np.isfinite(hits.et)
    idx = top[found]
    d_km = hits.dist_km[found]
    out.loc[idx, "et"] = hits.et[found]
    out.loc[idx, "dist_km"] = d_km
    out.loc[idx, "v_rel_kms"] = hits.v_rel_kms[found]
    out.loc[idx, "dist_ld"] = d_km / LD_KM
    out.loc[idx, "dist_au"] = d_km / AU_KM
    out.loc[idx, "inside_soi"] = d_km < params.soi_km
    out.loc[idx, "utc"] = [str(u) for u in np.atleast_1d(spice.et_to_utc(hits.et[found]))]
    out.loc[idx, "method"] = METHOD_NBODY
    # what the N-body run puts beyond the threshold, outside the window or nowhere is no
    # approach; nor is a candidate of the margin (see orbitviz.screening.params) left unrefined
    outside = (hits.et[found] < params.start_et) | (hits.et[found] > params.stop_et)
    rest = out.index[limit:]
    unrefined = out.loc[rest]
    beyond = (
        (unrefined["dist_km"] > params.threshold_km)
        | (unrefined["et"] < params.start_et)
        | (unrefined["et"] > params.stop_et)
    )
    gone = top[~found].union(idx[(d_km > params.threshold_km) | outside]).union(rest[beyond])
    out = out.drop(index=gone)
    out.attrs["nbody_not_found"] = int((~found).sum())
    out.attrs["nbody_dropped"] = len(gone)
    return out
