"""Reports: tables (pandas), JSON / CSV / Markdown writers and matplotlib plots."""

from .flyby import LD_CONVENTION, FlybyReport
from .transits import TransitReport

__all__ = ["LD_CONVENTION", "FlybyReport", "TransitReport"]
