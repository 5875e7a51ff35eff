"""The only owner of CSPICE's global state (the only module that imports spiceypy).

Kernel sets (reference-counted furnishing), time conversion, body names and constants,
vectorised states and rotations, coverage, and CSPICE errors turned into orbitviz errors.
CSPICE is not thread-safe: call this module from one thread (parallel work uses processes).
"""

from .bodies import (
    body_id,
    body_name,
    gm_km3s2,
    gm_warning,
    is_planet_id,
    is_satellite_id,
    planet_id,
    radii_km,
    system_barycenter_id,
)
from .ephemeris import Coverage, ck_coverage, positions, rotation, spk_coverage, states
from .files import KernelFile, meta_kernel_files, sniff
from .kernels import KernelSet, loaded_kernels, pool_generation
from .time import et_to_datetime64, et_to_tdb, et_to_utc, to_et, utc_label, utc_labeller

__all__ = [
    "Coverage",
    "KernelFile",
    "KernelSet",
    "body_id",
    "body_name",
    "ck_coverage",
    "et_to_datetime64",
    "et_to_tdb",
    "et_to_utc",
    "gm_km3s2",
    "gm_warning",
    "is_planet_id",
    "is_satellite_id",
    "loaded_kernels",
    "meta_kernel_files",
    "planet_id",
    "pool_generation",
    "positions",
    "radii_km",
    "rotation",
    "sniff",
    "spk_coverage",
    "states",
    "system_barycenter_id",
    "to_et",
    "utc_label",
    "utc_labeller",
]
