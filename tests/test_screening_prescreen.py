"""The two-stage N-body refinement of screening candidates (orbitviz.screening.nbody): the
loose-tolerance prescreen changes no row, drops most candidates, and every candidate is
recomputed exactly when the loose run strays further than its margin allows.

The window is 2029 against Earth, 7.5 years from NEODyS's 2022 elements, where the candidate
margin of the two-body pass is widest. The threshold, 9.2e6 km, is chosen so that 2021 AO4
straddles it: the exact run puts its approach at 9,084,000 km, the loose one 316,000 km
further, at 9,401,000 km (the largest difference of the catalog-year's 7,707 candidates).
"""

from __future__ import annotations

import numpy as np
import pytest
from conftest import needs_mirror

from orbitviz import spice
from orbitviz.screening import nbody
from orbitviz.screening.bodies import soi_radius_km
from orbitviz.screening.distributed import process_chunk, split
from orbitviz.screening.params import ScreeningParams

pytestmark = needs_mirror

THRESHOLD_KM = 9.2e6
STRADDLER = "2021AO4"


@pytest.fixture(scope="module")
def chunk():
    """Every 40th NEODyS object and 2021 AO4, as one chunk (with non-gravitational terms)."""
    from orbitviz.smallbodies import read_neodys

    table = read_neodys()
    names = table.table["designation"].astype(str)
    sel = np.unique(np.r_[np.arange(0, len(table), 40), np.flatnonzero(names == STRADDLER)])
    nongrav = nbody.nongrav_by_row(table)
    (one,) = split(table.conics[sel], names.iloc[sel].tolist(), len(sel), [nongrav[i] for i in sel])
    return one


@pytest.fixture(scope="module")
def params():
    with spice.KernelSet("default"):
        start, stop = float(spice.to_et("2029-01-01")), float(spice.to_et("2030-01-01"))
        soi = soi_radius_km("EARTH", start)
    return ScreeningParams("EARTH", start, stop, THRESHOLD_KM, soi, refine="nbody")


def _screen(chunk, params, monkeypatch, **constants):
    with monkeypatch.context() as patch:
        for name, value in constants.items():
            patch.setattr(nbody, name, value)
        rows = process_chunk(chunk, params)
    return rows.sort_values(["designation", "et"]).reset_index(drop=True)


@pytest.fixture(scope="module")
def exact(chunk, params):
    """Every candidate at the engine's own tolerance (no prescreen)."""
    with pytest.MonkeyPatch.context() as patch:
        return _screen(chunk, params, patch, PRESCREEN_MIN=10**9)


def _same_rows(ours, exact):
    assert ours.designation.tolist() == exact.designation.tolist()
    np.testing.assert_allclose(ours.dist_km, exact.dist_km, rtol=0, atol=0.01)
    np.testing.assert_allclose(ours.et, exact.et, rtol=0, atol=1.0)


def test_prescreen_drops_most_candidates_and_changes_no_row(chunk, params, exact, monkeypatch):
    assert "nbody_prescreened" not in exact.attrs and STRADDLER in set(exact.designation)
    straddler = exact[exact.designation == STRADDLER].dist_km.iloc[0]
    assert 9.0e6 < straddler < THRESHOLD_KM  # the loose run says 9.4e6 km: beyond
    ours = _screen(chunk, params, monkeypatch)
    _same_rows(ours, exact)
    assert ours.attrs["prescreen_fallback"] is False
    candidates = ours.attrs["nbody_dropped"] + len(ours)
    assert ours.attrs["nbody_prescreened"] > 0.8 * candidates > 100


def test_a_loose_run_beyond_its_margin_means_every_candidate_exactly(
    chunk, params, exact, monkeypatch
):
    """With no margin the loose and exact runs disagree by more than it (they always differ a
    little): the prescreen is not trusted, and the rows are still the exact ones."""
    ours = _screen(chunk, params, monkeypatch, PRESCREEN_FLOOR_KM=0.0, PRESCREEN_KM_PER_YEAR2=0.0)
    assert ours.attrs["prescreen_fallback"] is True and ours.attrs["nbody_prescreened"] == 0
    _same_rows(ours, exact)
