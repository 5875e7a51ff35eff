"""The compiled core of the N-body engine (numba): Chebyshev ephemeris, forces, IAS15.

One step loop for massless bodies: each on its own steps (a catalog: every object takes what
it would alone), or several on shared steps (clones of one orbit). The integrator is a
15th-order Gauss-Radau predictor-corrector (Everhart 1985; the IAS15 form of Rein & Spiegel
2015, MNRAS 446, 1424) with the step-size criterion of Pham, Rein & Spiegel (2024, OJAp 7):
the new step is ``(7! epsilon)^(1/7) dt sqrt(2 y2 / (y3 + sqrt(y2 y4)))`` from the norms of
the acceleration and its first two derivatives at the step's end (the smallest over the
bodies sharing the steps). Its eight nodes stay put while the corrector iterates, so the
perturbers' positions are evaluated once per node and step, straight from the SPK's
Chebyshev records (:mod:`orbitviz.spice.segments`), and only the cheap small-body forces are
iterated. Dense output is the step's own acceleration polynomial, integrated twice (the same
accuracy as the steps).

Numba calls that pass arrays cost ~60-100 ns (their arguments are copied field by field):
the step loop's helpers (forces, the node states, the predictor, the ephemeris) are inlined
into it (``inline="always"``), which took a NEO's step from 8.6 to 6.6 us.

Why IAS15 (measured on Apophis 2008 -> 2029, issue #12): DOP853 at rtol 1e-12 took 1,343
steps / 17,044 perturber evaluations and was still 30 m from its own converged answer; IAS15
at epsilon 1e-9 converges to round-off with fewer perturber evaluations. Why numba: the
force routine is ~1 us of arithmetic; in Python it costs ~100 us a call. Compiled once,
cached on disk (:mod:`.jit`).

Modules: :mod:`.chebyshev` (the perturbers' states from the SPK records), :mod:`.forces` (the
small bodies' accelerations), :mod:`.ias15` (the integrator and its dense output),
:mod:`.events` (a flyby's crossings and minima on the dense output), :mod:`.jit` (numba's
compiler and its cache).
"""

from .chebyshev import bodies_states
from .events import distance_events
from .forces import radius_after
from .ias15 import (
    INTERRUPTED,
    OK,
    OUT_OF_EPHEMERIS,
    STEP_TOO_SMALL,
    TOO_MANY_STEPS,
    dense_states_of,
    integrate,
)

__all__ = [
    "INTERRUPTED",
    "OK",
    "OUT_OF_EPHEMERIS",
    "STEP_TOO_SMALL",
    "TOO_MANY_STEPS",
    "bodies_states",
    "dense_states_of",
    "distance_events",
    "integrate",
    "radius_after",
]
