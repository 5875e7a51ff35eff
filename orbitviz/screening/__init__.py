"""Close-approach screening of whole catalogs against one body, in one process or on Dask.

>>> from orbitviz.screening import screen
>>> approaches = screen("neodys", "EARTH", "2029-04-10", "2029-04-20", "0.01au",
...                     scheduler="synchronous", progress=False)   # 29,049 NEOs, ten days
>>> print(approaches[["designation", "utc", "dist_ld", "method"]].to_string(index=False))
designation                     utc  dist_ld method
      99942 2029-04-13T21:45:04.772 0.099047  nbody

Two-body on a daily grid finds the candidates (:mod:`.params`: a margin that loses nothing),
the N-body engine refines every one (the default; ``refine=None`` stops at the two-body screen,
which puts Apophis at 1.40 LD).

Modules: :mod:`.params` (threshold, step and why nothing is missed), :mod:`.core` (one chunk,
vectorised), :mod:`.distributed` (Dask orchestration, part files, resume), :mod:`.results`
(table, writers), :mod:`.nbody` (the N-body refinement); ``orbitviz screen`` is
:mod:`orbitviz.commands.screen`.
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
