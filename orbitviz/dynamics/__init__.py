"""Dynamics: two-body (vectorised Kepler), perturbed N-body, SOI/Hill radii, event finding.

Arrays in, arrays out (time along axis 0); conic elements are (..., 8) float arrays in SPICE
``conics`` order ``[rp_km, ecc, inc_rad, lnode_rad, argp_rad, m0_rad, t0_et, mu_km3s2]``.

>>> import numpy as np
>>> from orbitviz.dynamics import propagate, find_crossings
>>> elts = np.array([1.4e8, 0.2, 0.05, 1.0, 2.0, 0.0, 0.0, 1.32712440041e11])
>>> propagate(elts, np.linspace(0.0, 3.0e7, 1000)).shape
(1000, 6)
>>> def r_km(et):
...     return np.linalg.norm(propagate(elts, et)[..., :3], axis=-1)
>>> c = find_crossings(r_km, 0.0, 5.0e7, 86400.0, level=1.5e8)    # crosses r = 1.5e8 km
>>> c.direction.tolist()
[1, -1, 1]
"""

from .._lazy import lazy_getattr

_LAZY = {  # loaded on first use: the N-body engine pulls in scipy.integrate (~0.5 s)
    **dict.fromkeys(
        ["Crossings", "EventError", "Minima", "find_crossings", "find_minima", "time_grid"],
        "orbitviz.dynamics.events",
    ),
    **dict.fromkeys(
        [
            "ELEMENT_NAMES",
            "elements_to_state",
            "propagate",
            "solve_kepler_elliptic",
            "solve_kepler_hyperbolic",
            "state_to_elements",
            "validate_elements",
        ],
        "orbitviz.dynamics.kepler",
    ),
    **dict.fromkeys(
        ["DEFAULT_PERTURBERS", "NBodyTrajectory", "NonGrav", "Perturbers", "propagate_nbody"],
        "orbitviz.dynamics.nbody",
    ),
    **dict.fromkeys(
        [
            "body_hill_radius_km",
            "body_orbit",
            "hill_radius_km",
            "laplace_soi_km",
            "soi_radius_km",
        ],
        "orbitviz.dynamics.spheres",
    ),
}

__getattr__ = lazy_getattr(__name__, _LAZY, globals())

__all__ = [
    "DEFAULT_PERTURBERS",
    "ELEMENT_NAMES",
    "Crossings",
    "EventError",
    "Minima",
    "NBodyTrajectory",
    "NonGrav",
    "Perturbers",
    "body_hill_radius_km",
    "body_orbit",
    "elements_to_state",
    "find_crossings",
    "find_minima",
    "hill_radius_km",
    "laplace_soi_km",
    "propagate",
    "propagate_nbody",
    "soi_radius_km",
    "solve_kepler_elliptic",
    "solve_kepler_hyperbolic",
    "state_to_elements",
    "time_grid",
    "validate_elements",
]
assert set(__all__) == set(_LAZY)
