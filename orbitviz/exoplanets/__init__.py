"""Exoplanets seen through their light curves: light curves in (Kepler, K2, TESS FITS and
tables), detrending, the transit search, the transit model and its fit, vetting, and the
system drawn in 3D beside its light curve (the ``transit`` recipe).

Core rules apply: no Qt, no VisPy, arrays not loops; many stars at once on Dask.

Modules: :mod:`.lightcurve` (the light-curve type, BJD_TDB <-> ET), :mod:`.readers` (files in),
:mod:`.star` (the host star), :mod:`.catalogs` (the KOI and TCE tables), :mod:`.detrend`,
:mod:`.search`, :mod:`.model`, :mod:`.fit`, :mod:`.vetting` (diagnostics, and how they
combine with :mod:`.classifier`'s probability).
"""

from .._lazy import lazy_getattr

_LAZY = {
    "LightCurve": "orbitviz.exoplanets.lightcurve",
    "read_lightcurves": "orbitviz.exoplanets.readers",
    "Star": "orbitviz.exoplanets.star",
    "analyze": "orbitviz.exoplanets.analysis",
    "SearchSettings": "orbitviz.exoplanets.search",
    "diagnose": "orbitviz.exoplanets.vetting",
    "vet": "orbitviz.exoplanets.vetting",
    "p_planet": "orbitviz.exoplanets.classifier",
}

__getattr__ = lazy_getattr(__name__, _LAZY, globals())

__all__ = sorted(_LAZY)  # noqa: PLE0605
