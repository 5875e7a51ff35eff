"""What screening needs to know about the body: its track on the grid and its sphere of influence.

The sphere of influence is :func:`orbitviz.dynamics.spheres.soi_radius_km` about the body's
primary (the Sun, or the planet of a natural satellite) at the window start.

>>> from orbitviz.spice import KernelSet
>>> with KernelSet("default"):
...     round(soi_radius_km("EARTH", 0.0), -3), round(soi_radius_km("MOON", 0.0), -3)
(925000.0, 66000.0)
"""

from __future__ import annotations

from dataclasses import dataclass
from functools import cached_property

import numpy as np

from orbitviz import spice
from orbitviz.dynamics.nbody import SUN, Perturbers
from orbitviz.dynamics.spheres import primary_of
from orbitviz.dynamics.spheres import soi_radius_km as _soi


def soi_radius_km(body: str | int, et: float) -> float:
    """Laplace SOI radius (km) of ``body`` about its primary (Sun, or the planet of a moon)."""
    return _soi(body, primary_of(body), float(et))


@dataclass(frozen=True)
class BodyTrack:
    """Heliocentric ECLIPJ2000 states of the body on the coarse grid, computed once and shared."""

    body: str
    et: np.ndarray  # (T,)
    state: np.ndarray  # (T, 6) km, km/s
    v_max_kms: float  # largest heliocentric speed on the grid, plus a safety margin

    @classmethod
    def compute(cls, body: str, grid_et: np.ndarray) -> BodyTrack:
        state = spice.states(body, grid_et, observer="SUN")
        speed = np.linalg.norm(state[:, 3:], axis=1)
        # the grid samples the speed every step; between samples it can only exceed the sampled
        # maximum by |dv/dt| * step/2 (solar + satellite pulls, < 1e-4 km/s for Earth at 1 day);
        # 1 km/s covers any planet and the Moon's monthly +-1 km/s swing about the Earth
        return cls(body, grid_et, state, float(speed.max()) + 1.0)

    @cached_property
    def _records(self) -> tuple[Perturbers, int] | None:
        code = spice.body_id(self.body)
        if code == SUN:
            return None
        return Perturbers.load(float(self.et[0]), float(self.et[-1]), (SUN, code)), code

    def states_at(self, et: np.ndarray) -> np.ndarray:
        """Heliocentric ECLIPJ2000 states (n, 6) at times ``et`` (n,) within the grid: from
        the SPK's Chebyshev records (as :class:`~orbitviz.dynamics.nbody.Perturbers` reads
        them), the numbers ``spice.states`` gives to round-off without a SPICE call per time
        (a catalog's refinement asked SPICE 113,000 times: 2 s)."""
        et = np.asarray(et, dtype=float)
        if self._records is None or not et.size:
            return spice.states(self.body, et, observer="SUN").reshape(et.shape + (6,))
        records, code = self._records
        return records.body_states(code, et) - records.body_states(SUN, et)
