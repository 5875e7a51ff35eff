"""Optional N-body refinement of the closest two-body approaches.

Two-body propagation ignores the planets, including the body's own pull during the encounter
(gravitational focusing: Apophis's 2029 pass is ~38,000 km in reality, ~48,000 km on a straight
line with the same v_inf). The ``nbody_max`` closest rows are recomputed with
:func:`orbitviz.dynamics.nbody.propagate_nbody` (Sun, planets, Moon from the SPK, 1PN Sun) from each
object's catalog epoch; the minimum is found with :func:`orbitviz.dynamics.events.find_minima`
(zeros of d' = r.v/d, to 0.1 ms) within +-5 days of the two-body time. The rows say
``method = "nbody"`` and keep the two-body answer in ``two_body_et`` / ``two_body_dist_km``.
"""

from __future__ import annotations

import numpy as np
import pandas as pd

from orbitviz import spice
from orbitviz.screening.params import METHOD_NBODY, REFINE_XTOL_S, ScreeningParams
from orbitviz.units import AU_KM, DAY_S, LD_KM

SEARCH_HALF_WIDTH_S = 5 * DAY_S
"""N-body minimum searched within +-5 days of the two-body time (two-body timing errors for
approaches a few years from the epoch are hours to ~2 days, see tests/test_screening_truth.py)."""


def refine_nbody(result: pd.DataFrame, table, params: ScreeningParams) -> pd.DataFrame:
    """``result`` with its ``params.nbody_max`` closest rows recomputed by N-body integration."""
    from orbitviz.dynamics.events import find_minima
    from orbitviz.dynamics.nbody import Perturbers, propagate_nbody
    from orbitviz.dynamics.relative import distance_functions

    out = result.copy()
    out["two_body_et"] = out["et"]
    out["two_body_dist_km"] = out["dist_km"]
    top = out.index[: max(int(params.nbody_max), 0)]
    if len(top) == 0:
        return out
    row_of = {d: i for i, d in enumerate(table.table["designation"].astype(str))}
    conics = np.array([table.conics[row_of[d]] for d in out.loc[top, "designation"]])
    t_guess = out.loc[top, "et"].to_numpy(dtype=float)
    lo = float(min(conics[:, 6].min(), t_guess.min() - 1.1 * SEARCH_HALF_WIDTH_S))
    hi = float(max(conics[:, 6].max(), t_guess.max() + 1.1 * SEARCH_HALF_WIDTH_S))
    perturbers = Perturbers.load(lo, hi)
    for idx, elts, t0 in zip(top, conics, t_guess):
        a, b = t0 - SEARCH_HALF_WIDTH_S, t0 + SEARCH_HALF_WIDTH_S
        traj = propagate_nbody(elts, a, b, perturbers=perturbers)

        def rel(t, traj=traj):
            return traj.states(t) - spice.states(params.body, t, observer="SUN")

        dist, rate = distance_functions(rel)
        minima = find_minima(dist, a, b, 3600.0, fprime=rate, xtol_s=REFINE_XTOL_S)
        if len(minima) == 0:
            continue  # no minimum in the window: leave the two-body row as it is
        k = int(np.argmin(minima.value))
        t_min = float(minima.et[k])
        r = rel(np.array([t_min]))[0]
        d_km = float(np.linalg.norm(r[:3]))
        out.loc[idx, ["et", "dist_km", "v_rel_kms"]] = [t_min, d_km, float(np.linalg.norm(r[3:]))]
        out.loc[idx, ["dist_ld", "dist_au"]] = [d_km / LD_KM, d_km / AU_KM]
        out.loc[idx, "inside_soi"] = d_km < params.soi_km
        out.loc[idx, "utc"] = str(spice.et_to_utc(t_min))
        out.loc[idx, "method"] = METHOD_NBODY
    return out
