"""Close-approach screening of whole catalogs against one body, in one process or on Dask.

>>> from orbitviz.screening import screen
>>> approaches = screen("neodys", "EARTH", "2029-04-10", "2029-04-20", "0.01au",
...                     scheduler="synchronous", progress=False)   # 29,049 NEOs, ten days
>>> print(approaches[["designation", "utc", "dist_ld", "method"]].to_string(index=False))
designation                     utc  dist_ld   method
      99942 2029-04-14T02:17:57.525   1.3976 two-body

Modules: :mod:`.params` (threshold, step and why nothing is missed), :mod:`.core` (one chunk,
vectorised), :mod:`.distributed` (Dask orchestration, part files, resume), :mod:`.results`
(table, writers), :mod:`.nbody` (optional N-body refinement), :mod:`.cli` (``orbitviz screen``).
"""

from orbitviz._lazy import lazy_getattr

_LAZY = {  # loaded on first use, so `orbitviz screen --help` does not import pandas and Dask
    "screen": "orbitviz.screening.api",
    "load_catalog": "orbitviz.screening.api",
    "ScreeningError": "orbitviz.screening.params",
    "ScreeningParams": "orbitviz.screening.params",
    "parse_threshold": "orbitviz.screening.params",
    "COLUMNS": "orbitviz.screening.results",
}


__getattr__ = lazy_getattr(__name__, _LAZY, globals())


__all__ = list(_LAZY)
