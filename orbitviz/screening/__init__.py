"""Close-approach screening of whole catalogs against one body, in one process or on Dask.

>>> from orbitviz.screening import screen
>>> approaches = screen("neodys", "EARTH", "2029-01-01", "2030-01-01", "0.05au")  # doctest: +SKIP

Modules: :mod:`.params` (threshold, step and why nothing is missed), :mod:`.core` (one chunk,
vectorised), :mod:`.distributed` (Dask orchestration, part files, resume), :mod:`.results`
(table, writers), :mod:`.nbody` (optional N-body refinement), :mod:`.cli` (``orbitviz screen``).
"""

from orbitviz.screening.api import load_catalog, screen
from orbitviz.screening.params import ScreeningError, ScreeningParams, parse_threshold
from orbitviz.screening.results import COLUMNS

__all__ = ["COLUMNS", "ScreeningError", "ScreeningParams", "load_catalog", "parse_threshold",
           "screen"]
