"""Reports: tables (pandas), JSON / CSV / Markdown writers and matplotlib plots."""

from .._lazy import lazy_getattr

# loaded on first use: the transit report loads the light-curve stack (scipy.optimize), which
# a flyby report never needs
__getattr__ = lazy_getattr(
    __name__,
    {
        "LD_CONVENTION": "orbitviz.reports.flyby",
        "FlybyReport": "orbitviz.reports.flyby",
        "TransitReport": "orbitviz.reports.transits",
    },
    globals(),
)

__all__ = ["LD_CONVENTION", "FlybyReport", "TransitReport"]
