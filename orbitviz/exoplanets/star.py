"""The host star: effective temperature, radius, surface gravity and mass, and where each
number came from (options, the KOI table, the FITS header, derived, or guessed).

Constants are the IAU 2015 nominal values (Resolution B3: Prsa et al. 2016).

>>> star = Star.resolve(header={"teff_k": 5970.0, "logg_cgs": 4.317, "radius_rsun": 1.2})
>>> round(star.mass_msun, 3), star.sources["mass_msun"]
(1.091, 'derived from log g and radius')
>>> Star.resolve().guessed
('teff_k', 'logg_cgs', 'radius_rsun', 'mass_msun')
"""

from __future__ import annotations

import math
from dataclasses import dataclass, field

from ..errors import TransitError

R_SUN_KM = 695_700.0
"""Nominal solar radius (IAU 2015 B3), km."""
R_EARTH_KM = 6_378.1
"""Nominal Earth equatorial radius (IAU 2015 B3), km."""
R_JUPITER_KM = 71_492.0
"""Nominal Jupiter equatorial radius (IAU 2015 B3), km."""
GM_SUN_KM3_S2 = 1.3271244e11
"""Nominal solar mass parameter (IAU 2015 B3), km^3/s^2."""
TEFF_SUN_K = 5772.0
"""Nominal solar effective temperature (IAU 2015 B3), K."""
LOGG_SUN_CGS = math.log10(GM_SUN_KM3_S2 * 1e15 / (R_SUN_KM * 1e5) ** 2)
"""log10 of the Sun's surface gravity in cm/s^2 (4.438)."""

SUN_LIKE = {"teff_k": TEFF_SUN_K, "logg_cgs": round(LOGG_SUN_CGS, 3), "radius_rsun": 1.0}
PARAMETERS = ("teff_k", "logg_cgs", "radius_rsun", "mass_msun")
LIMITS = {  # what a main-sequence or giant host can be; outside: a typo, refused
    "teff_k": (2300.0, 50_000.0),
    "logg_cgs": (0.5, 6.0),
    "radius_rsun": (0.08, 200.0),
    "mass_msun": (0.07, 150.0),
}


@dataclass(frozen=True)
class Star:
    """A star's ``teff_k``, ``logg_cgs``, ``radius_rsun`` and ``mass_msun``; ``sources`` says,
    for each, where it came from (``given``, ``KOI table``, ``FITS header``, ``derived from log
    g and radius``, ``guessed (Sun-like)``)."""

    name: str
    teff_k: float
    logg_cgs: float
    radius_rsun: float
    mass_msun: float
    sources: dict = field(default_factory=dict)

    @classmethod
    def resolve(
        cls,
        name: str = "",
        *,
        given: dict | None = None,
        catalog: dict | None = None,
        header: dict | None = None,
    ) -> Star:
        """Each parameter from the first of ``given`` (options), ``catalog`` (the KOI table),
        ``header`` (the FITS header) that has it; the mass from log g and the radius when not
        given; anything still missing guessed Sun-like, and said so."""
        values: dict = {}
        sources: dict = {}
        for source_name, found in (
            ("given", given),
            ("KOI table", catalog),
            ("FITS header", header),
        ):
            for key, value in (found or {}).items():
                if key in PARAMETERS and value is not None and key not in values:
                    try:
                        values[key] = float(value)
                    except (TypeError, ValueError):
                        raise TransitError(
                            f"star {name}: {key} = {value!r} ({source_name}) is not a number"
                        ) from None
                    sources[key] = source_name
        for key, value in SUN_LIKE.items():
            if key not in values:
                values[key], sources[key] = value, "guessed (Sun-like)"
        if "mass_msun" not in values:
            g_ratio = 10 ** (values["logg_cgs"] - LOGG_SUN_CGS)
            values["mass_msun"] = g_ratio * values["radius_rsun"] ** 2
            guessed = any(sources[k].startswith("guessed") for k in ("logg_cgs", "radius_rsun"))
            sources["mass_msun"] = (
                "guessed (Sun-like)"
                if all(sources[k].startswith("guessed") for k in ("logg_cgs", "radius_rsun"))
                else "derived from log g and radius" + (" (partly guessed)" if guessed else "")
            )
        for key, (low, high) in LIMITS.items():
            value = values[key]
            if not (math.isfinite(value) and low <= value <= high):
                raise TransitError(
                    f"star {name or ''}: {key} = {value:g} ({sources[key]}) is outside "
                    f"{low:g}..{high:g}; give the star's parameters in these units (Teff in K, "
                    "log g in cgs, radius and mass in solar units)"
                )
        return cls(name, sources=sources, **{k: values[k] for k in PARAMETERS})

    @property
    def guessed(self) -> tuple[str, ...]:
        """The parameters that were guessed, not known."""
        return tuple(k for k in PARAMETERS if self.sources.get(k, "").startswith("guessed"))

    @property
    def radius_km(self) -> float:
        return self.radius_rsun * R_SUN_KM

    @property
    def density_solar(self) -> float:
        """Mean density in units of the Sun's."""
        return self.mass_msun / self.radius_rsun**3

    @property
    def luminosity_lsun(self) -> float:
        """Bolometric luminosity (L_sun) from the radius and Teff (Stefan-Boltzmann)."""
        return self.radius_rsun**2 * (self.teff_k / TEFF_SUN_K) ** 4

    def a_rs(self, period_d: float) -> float:
        """Kepler's third law: the semi-major axis in stellar radii of a planet (mass
        neglected) on a period of ``period_d`` days."""
        seconds = period_d * 86400.0
        a_km = (GM_SUN_KM3_S2 * self.mass_msun * seconds**2 / (4 * math.pi**2)) ** (1 / 3)
        return a_km / self.radius_km

    def to_dict(self) -> dict:
        return {
            "name": self.name,
            **{k: round(getattr(self, k), 4) for k in PARAMETERS},
            "sources": dict(self.sources),
            "guessed": list(self.guessed),
        }
