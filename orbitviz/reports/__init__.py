"""Reports: tables (pandas), JSON / CSV / Markdown writers and matplotlib plots."""

from .flyby import LD_CONVENTION, FlybyReport

__all__ = ["LD_CONVENTION", "FlybyReport"]
