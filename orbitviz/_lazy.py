"""What orbitviz loads late, and why: the one place that says so.

Imports sit at the top of a module, except where waiting buys start-up time. Those are named
here, and ``tests/test_house_rules.py`` refuses an import inside a function that neither comes
from a module of :data:`DEFERRING` nor loads a module of :data:`DEFERRED`. Package attributes
that load their module on first use (PEP 562, :func:`lazy_getattr`) serve the same end.
"""

from __future__ import annotations

import importlib
from collections.abc import Callable
from typing import Any

DEFERRING = {
    "orbitviz.commands": "`orbitviz --help` and every argument error answer in 0.1 s: a "
    "command loads the library (SPICE, pandas, the N-body engine) when it runs",
    "orbitviz.recipes.registry": "the command line lists the recipes and their options at "
    "start-up; a recipe's module (SPICE, shapes, the flyby analysis) loads when it builds",
    "orbitviz.display": "loads the one front end it shows: the notebook widget or Qt's window",
}
"""Modules whose imports wait for a call (module -> why)."""

DEFERRED = {
    "orbitviz.dynamics._engine": "numba (0.3 s) and the compiled engine: for integrations only",
    "orbitviz.exoplanets._bls": "numba (0.3 s) and the compiled transit search: for searches "
    "only (reading, fitting and reporting light curves need neither)",
    "orbitviz.shapes._rays": "numba (0.3 s) and the compiled ray caster: for casting rays only "
    "(loading, measuring and drawing shapes need neither)",
    "orbitviz.render._yuv": "numba (0.3 s) and the compiled colour conversion: for MP4s only "
    "(a GIF, PNG frames or a still need neither)",
    "orbitviz.exoplanets": "the light-curve stack (scipy.optimize 0.5 s, astropy): for transit "
    "reports only; `orbitviz flyby` never loads it",
    "orbitviz.reports.transits": "the transit report, which loads the light-curve stack",
    "orbitviz.reports.figures": "matplotlib (0.5 s): for pictures only",
    "orbitviz.spice.dsk": "CSPICE for DSK files only: OBJ/PLY shapes and the scene load none",
    "orbitviz._vispy": "VisPy and an OpenGL context: planning a video or a window needs neither",
    "orbitviz._qt": "PyQt5: a screenshot without a display, and the notebook, need no Qt",
    "orbitviz.notebook": "jupyter_rfb and ipywidgets: for notebooks only",
    "orbitviz": "the package's lazy names (orbitviz.show): the scene model reaches the front "
    "ends only this way",
}
"""Modules loaded late wherever they are needed (module -> why). A name covers its
submodules, except ``orbitviz`` itself."""


def lazy_getattr(package: str, names: dict[str, str], namespace: dict) -> Callable[[str], Any]:
    """A module ``__getattr__`` serving ``names`` (attribute -> module) and caching them in
    the package's ``namespace``."""

    def __getattr__(name: str):
        if name in names:
            value = getattr(importlib.import_module(names[name]), name)
            namespace[name] = value
            return value
        raise AttributeError(f"module {package!r} has no attribute {name!r}")

    return __getattr__
