"""Sphere of influence (Laplace) and Hill radius, from GM values.

Pure functions take numbers::

    laplace_soi_km(a_km, gm_body, gm_central) = a (m / M)^(2/5)
    hill_radius_km(a_km, gm_body, gm_central, ecc) = a (1 - e) (m / 3M)^(1/3)

(masses enter as GM ratios, so G never appears). The body-level functions ask
:mod:`orbitviz.spice` for the GM values of the loaded PCK and for the body's osculating orbit
around the central body at an epoch (default J2000):

- GM of the body is the body's own (Earth: BODY399_GM = 398600.4355 km^3/s^2, without the Moon);
  GM of the central body is its own (Sun: BODY10_GM = 1.32712440041e11 km^3/s^2).
- a and e are the osculating elements of the body's *system barycenter* when the body is a
  planet orbiting the Sun (Earth -> Earth-Moon barycenter, whose orbit is what tables call
  "Earth's orbit", a = 1.00000 au), with mu = GM_central + GM_system. Other pairs (e.g. Moon about
  Earth) use the body's own state relative to the central body.

With DE421 and the DE440 GMs this gives Earth's SOI 924,643 km at J2000 (it moves by +-10 km
over a decade; published ~924,000-925,000 km, 0.929e6 km in tables using the Earth+Moon mass),
Mars 577,000 km, Jupiter 48.2e6 km. The Moon's *osculating* a about Earth swings by ~1% with the
solar perturbation (381,875 km at J2000), so its SOI (65,700-66,500 km) depends on the epoch;
pass ``a_km`` (e.g. ``orbitviz.units.LD_KM``) for the mean-orbit value, 66,180 km.

>>> round(float(laplace_soi_km(149597870.7, 398600.4355, 1.32712440041e11)))
924647
"""

from __future__ import annotations

import numpy as np

from orbitviz import spice
from orbitviz.errors import ElementsError

__all__ = [
    "body_hill_radius_km",
    "body_orbit",
    "hill_radius_km",
    "laplace_soi_km",
    "soi_radius_km",
]


def _check_gm(name: str, gm) -> np.ndarray:
    gm = np.asarray(gm, dtype=float)
    if np.any(~np.isfinite(gm) | (gm <= 0)):
        raise ElementsError(f"{name} = {gm!r} must be a positive GM in km^3/s^2")
    return gm


def laplace_soi_km(a_km, gm_body_km3s2, gm_central_km3s2):
    """Laplace sphere-of-influence radius ``a (m/M)^(2/5)`` [km] (array-friendly)."""
    gm_b = _check_gm("gm_body_km3s2", gm_body_km3s2)
    gm_c = _check_gm("gm_central_km3s2", gm_central_km3s2)
    return np.asarray(a_km, dtype=float) * (gm_b / gm_c) ** 0.4


def hill_radius_km(a_km, gm_body_km3s2, gm_central_km3s2, ecc=0.0):
    """Hill-sphere radius ``a (1 - e) (m / 3M)^(1/3)`` [km] (array-friendly).

    >>> round(float(hill_radius_km(149597870.7, 398600.4355, 1.32712440041e11, 0.0167)))
    1471566
    """
    gm_b = _check_gm("gm_body_km3s2", gm_body_km3s2)
    gm_c = _check_gm("gm_central_km3s2", gm_central_km3s2)
    return (
        np.asarray(a_km, dtype=float)
        * (1.0 - np.asarray(ecc, dtype=float))
        * (gm_b / (3.0 * gm_c)) ** (1.0 / 3.0)
    )


def primary_of(body) -> int:
    """NAIF id of the body ``body`` orbits: the planet for a natural satellite (301 -> 399),
    the Sun (10) for everything else."""
    code = spice.body_id(body)
    return spice.planet_id(code) if spice.is_satellite_id(code) else 10


def _orbiting_id(body_id: int, central_id: int) -> int:
    """The id whose orbit around ``central`` defines a: a planet's system barycenter about the Sun."""
    if central_id == 10 and spice.is_planet_id(body_id):
        return spice.system_barycenter_id(body_id)
    return body_id


def body_orbit(body, central="SUN", et: float = 0.0) -> tuple[float, float]:
    """(a_km, ecc) of the osculating orbit of ``body`` (see module docstring) about ``central``.

    Needs kernels with the ephemeris and GM values (``orbitviz.spice.KernelSet("default")``).
    """
    bid, cid = spice.body_id(body), spice.body_id(central)
    oid = _orbiting_id(bid, cid)
    gm_c = spice.gm_km3s2(cid)
    gm_o = spice.gm_km3s2(oid)
    state = spice.states(oid, float(et), observer=cid, frame="ECLIPJ2000")
    mu = gm_c + gm_o
    r_vec, v_vec = state[:3], state[3:]
    r, v2 = float(np.sqrt(r_vec @ r_vec)), float(v_vec @ v_vec)
    # the osculating a (vis-viva) and e (the eccentricity vector): state_to_elements's numbers
    # without its other five
    e_vec = ((v2 - mu / r) * r_vec - float(r_vec @ v_vec) * v_vec) / mu
    ecc = float(np.sqrt(e_vec @ e_vec))
    if ecc >= 1.0:
        raise ElementsError(
            f"{spice.body_name(oid)} is not bound to {spice.body_name(cid)} at et {et} (e = {ecc:.4f}): "
            "a sphere of influence needs an orbit; choose the central body it orbits"
        )
    return 1.0 / (2.0 / r - v2 / mu), ecc


def soi_radius_km(body, central="SUN", et: float = 0.0, a_km: float | None = None) -> float:
    """Laplace SOI radius [km] of ``body`` about ``central`` from the loaded PCK GMs and SPK orbit.

    ``a_km`` overrides the osculating semi-major axis taken from the ephemeris at ``et``.

    >>> from orbitviz import spice
    >>> with spice.KernelSet("default"):
    ...     round(soi_radius_km("EARTH"), -3), round(soi_radius_km("MOON", "EARTH"), -3)
    (925000.0, 66000.0)
    """
    if a_km is None:
        a_km, _ = body_orbit(body, central, et)
    return float(laplace_soi_km(a_km, spice.gm_km3s2(body), spice.gm_km3s2(central)))


def body_hill_radius_km(body, central="SUN", et: float = 0.0) -> float:
    """Hill radius [km] ``a (1 - e) (m/3M)^(1/3)`` of ``body`` about ``central`` (as :func:`soi_radius_km`)."""
    a_km, ecc = body_orbit(body, central, et)
    return float(hill_radius_km(a_km, spice.gm_km3s2(body), spice.gm_km3s2(central), ecc))
