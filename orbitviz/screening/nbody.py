"""N-body refinement of the two-body approaches: every candidate, in batches.

Two-body propagation ignores the planets, including the body's own pull during the encounter
(gravitational focusing: Apophis's 2029 pass is ~38,000 km in reality, ~48,000 km on a straight
line with the same v_inf). Every approach the two-body pass found (or the ``nbody_max`` closest,
when given) is recomputed by the N-body engine from its object's catalog epoch, objects of one
epoch integrated together (:func:`orbitviz.dynamics.approaches.closest_approaches`: Sun,
planets, Moon, Ceres and Vesta from the SPK, 1PN Sun, the catalog's non-gravitational terms
where it has them); the minimum is taken within +-5 days of the two-body time, to 0.1 ms. The
rows say ``method = "nbody"`` and keep the two-body answer in ``two_body_et`` /
``two_body_dist_km``; an approach the N-body run does not find within the window keeps its
two-body row (``method`` says so) and is counted in ``attrs["nbody_not_found"]``.
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
    """``result`` with its approaches (all, or the ``params.nbody_max`` closest) recomputed by
    N-body integration."""
    from orbitviz.dynamics.approaches import closest_approaches

    out = result.copy()
    out["two_body_et"] = out["et"]
    out["two_body_dist_km"] = out["dist_km"]
    limit = len(out) if params.nbody_max is None else max(int(params.nbody_max), 0)
    top = out.index[:limit]
    out.attrs["nbody_not_found"] = 0
    if len(top) == 0:
        return out
    row_of = {d: i for i, d in enumerate(table.table["designation"].astype(str))}
    objects = np.array([row_of[d] for d in out.loc[top, "designation"]])
    nongrav = None
    if hasattr(table, "nongrav"):
        nongrav = {int(o): table.nongrav(int(o)) or None for o in set(objects)}
    hits = closest_approaches(
        table.conics,
        objects,
        out.loc[top, "et"].to_numpy(dtype=float),
        params.body,
        nongrav=nongrav,
        half_window_s=SEARCH_HALF_WIDTH_S,
        xtol_s=REFINE_XTOL_S,
    )
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
    out.attrs["nbody_not_found"] = int((~found).sum())
    return out
