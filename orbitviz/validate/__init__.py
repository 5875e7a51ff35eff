"""Validation against JPL: orbitviz's close approaches beside a saved CAD API answer.

JPL's close-approach data (the SBDB Close-Approach Data API, "CAD") come from JPL's own
integration of each object's orbit solution. Given such an answer and an SBDB query CSV that
holds the *same* solutions (``orbit_id`` matching), :func:`compare_close_approaches` recomputes
every approach with orbitviz: the catalog row's conic at its own epoch, integrated by the
N-body engine (:func:`orbitviz.dynamics.nbody.propagate_nbody`: Sun, planets, Moon, Ceres and
Vesta from the SPK, 1PN Sun, the row's non-gravitational A1/A2/A3/DT), rows sharing an epoch
integrated together in batches; the minimum of the distance to the body is found within +-1 day
of JPL's time (:func:`orbitviz.dynamics.events.find_minima` on the dense output, to 1 ms). Each
approach gives ``dt_s`` (ours - JPL), ``d_dist_km`` (ours - JPL) and ``rel_d_dist``
(``|d_dist_km| / JPL's distance``); rows that cannot be compared are listed with the reason.

>>> from orbitviz.data import fetch
>>> from orbitviz.smallbodies import read_catalog
>>> from orbitviz.spice import KernelSet
>>> cad = read_cad_answer(fetch("cad_api_2020_all.json"))
>>> len(cad), float(cad["dist_au"].min())
(4700, 6.228e-05)
>>> rows = cad[cad["des"].isin(["2020 QG", "2020 CD3", "2020 FB7"])]
>>> table = read_catalog(fetch("sbdb_query_neos_2020.csv"), warn=False)
>>> with KernelSet("default"):
...     result = compare_close_approaches(rows, table)
>>> result.counts
{'asked': 3, 'compared': 3, 'not_found': 0, 'orbit_id_differs': 0, 'outside_jpl_sigma': 0,
 'outside_explained': 0, 'impacts': 0}
>>> result.rows[["des", "cd", "jpl_dist_km"]].round(0)     # 2020 QG passed 9,317 km away
        des                 cd  jpl_dist_km
0  2020 CD3  2020-Feb-13 16:20      47062.0
1  2020 FB7  2020-Mar-31 16:17      77931.0
2   2020 QG  2020-Aug-16 04:09       9317.0
>>> bool((result.rows["d_dist_km"].abs() < 1.0).all())    # within 1 km of JPL's distances
True
>>> bool((result.rows["dt_s"].abs() < 1.0).all())         # and 1 s of JPL's times
True

:func:`validate_cad` does the same from two file names (what ``orbitviz validate cad`` runs),
with ``max_dist_au`` and a reproducible ``sample``; the result prints as a table
(:meth:`CadComparison.to_table`), JSON (:meth:`CadComparison.to_json`) or histograms
(:meth:`CadComparison.figure`, :meth:`CadComparison.plot`).

Modules: :mod:`.cad` (reading a CAD answer, choosing rows), :mod:`.compare` (recomputing the
approaches), :mod:`.report` (the comparison as a table, JSON and histograms).
"""

from .cad import CAD_FIELDS, read_cad_answer, select_rows
from .compare import HALF_WINDOW_S, METHODS, compare_close_approaches, validate_cad
from .report import CadComparison

__all__ = [
    "CAD_FIELDS",
    "HALF_WINDOW_S",
    "METHODS",
    "CadComparison",
    "compare_close_approaches",
    "read_cad_answer",
    "select_rows",
    "validate_cad",
]
