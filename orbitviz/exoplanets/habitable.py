"""The habitable zone of a star: where a planet's insolation lies between the conservative
limits of Kopparapu et al. (2013, ApJ 765, 131), the moist greenhouse (inner edge) and the
maximum greenhouse (outer edge).

The effective stellar flux at each limit is the paper's polynomial in ``Teff - 5780 K``
(Table 3, valid for 2600 K <= Teff <= 7200 K), and the distance follows from the luminosity:
``d = sqrt(L / S_eff)`` au. For the Sun this gives the abstract's 0.99 and 1.70 au.

>>> inner, outer = habitable_zone_au(5780.0, 1.0)
>>> round(inner, 3), round(outer, 3)
(0.993, 1.705)
"""

from __future__ import annotations

import math

from ..errors import TransitError

TEFF_RANGE_K = (2600.0, 7200.0)
"""Where the paper's fits hold; hotter or cooler stars are computed at the nearest end."""

# Kopparapu et al. (2013), Table 3: S_eff(Sun), a, b, c, d for each limit
MOIST_GREENHOUSE = (1.0140, 8.1774e-5, 1.7063e-9, -4.3241e-12, -6.6462e-16)
MAXIMUM_GREENHOUSE = (0.3438, 5.8942e-5, 1.6558e-9, -3.0045e-12, -5.2983e-16)


def effective_flux(teff_k: float, coefficients) -> float:
    """The paper's ``S_eff`` (in units of the solar constant) at ``teff_k``, clamped to
    :data:`TEFF_RANGE_K`."""
    t = min(max(float(teff_k), TEFF_RANGE_K[0]), TEFF_RANGE_K[1]) - 5780.0
    s0, a, b, c, d = coefficients
    return s0 + a * t + b * t**2 + c * t**3 + d * t**4


def habitable_zone_au(teff_k: float, luminosity_lsun: float) -> tuple[float, float]:
    """Inner and outer edge (au) of the conservative habitable zone of a star of ``teff_k``
    and ``luminosity_lsun``."""
    if not (math.isfinite(teff_k) and teff_k > 0 and math.isfinite(luminosity_lsun)):
        raise TransitError(
            f"habitable zone: Teff {teff_k} K and luminosity {luminosity_lsun} L_sun must be "
            "finite positive numbers; give the star's Teff (K) and radius (R_sun)"
        )
    if not luminosity_lsun > 0:
        raise TransitError(
            f"habitable zone: luminosity {luminosity_lsun} L_sun must be > 0; give the "
            "star's radius and Teff"
        )
    inner = math.sqrt(luminosity_lsun / effective_flux(teff_k, MOIST_GREENHOUSE))
    outer = math.sqrt(luminosity_lsun / effective_flux(teff_k, MAXIMUM_GREENHOUSE))
    return inner, outer
