"""The transit model against an independent computation: the flux a limb-darkened star loses
behind a disk, integrated numerically over the stellar disk (annuli times the arc of each
annulus the planet covers); and the geometry it rests on."""

from __future__ import annotations

import math

import numpy as np
import pytest

from orbitviz.exoplanets.model import (
    duration_d,
    inclination_deg,
    limb_darkening,
    occulted,
    transit_flux,
)


def _numerical(z: float, p: float, u1: float, u2: float, n: int = 200_000) -> float:
    """1 - blocked / total, for I(mu) = 1 - u1 (1 - mu) - u2 (1 - mu)^2, by the midpoint rule
    over n annuli (an independent method: no elliptic integrals)."""
    r = (np.arange(n) + 0.5) / n
    mu = np.sqrt(1 - r**2)
    intensity = 1 - u1 * (1 - mu) - u2 * (1 - mu) ** 2
    if z == 0:
        covered = np.where(r < p, np.pi, 0.0)
    else:
        cos_k = (r**2 + z**2 - p**2) / (2 * r * z)
        covered = np.where(
            cos_k <= -1, np.pi, np.where(cos_k >= 1, 0.0, np.arccos(np.clip(cos_k, -1, 1)))
        )
    blocked = np.sum(intensity * 2 * r * covered) / n
    total = np.sum(intensity * 2 * np.pi * r) / n
    return 1.0 - blocked / total


@pytest.mark.parametrize("p", [0.01, 0.08, 0.3])
@pytest.mark.parametrize("z", [0.0, 0.5, 0.95, 1.0])
def test_occultation_matches_numerical_integration(z, p):
    u = (0.4728, 0.1885)  # Kepler-90's coefficients
    ours = float(occulted(np.array([z]), p, u)[0])
    assert abs(ours - _numerical(z, p, *u)) < 2e-6 * max(1.0, p * p / 1e-4)


def test_uniform_disk_depth_is_the_area_ratio_and_out_of_transit_is_one():
    flux = occulted(np.array([0.0, 1.5, np.inf]), 0.1, (0.0, 0.0))
    assert flux[0] == pytest.approx(0.99, abs=1e-12)
    assert flux[1] == flux[2] == 1.0


def test_contacts_match_the_duration_formula():
    P, k, a, b = 10.0, 0.1, 20.0, 0.4
    t14 = duration_d(P, k, a, b)
    t = np.array([-0.5 * t14 - 1e-5, -0.5 * t14 + 1e-5, 0.5 * t14 - 1e-5, 0.5 * t14 + 1e-5])
    flux = transit_flux(t, period_d=P, t0=0.0, rp_rs=k, a_rs=a, impact=b, u=(0.4, 0.2))
    assert flux[0] == 1.0 and flux[1] < 1.0 and flux[2] < 1.0 and flux[3] == 1.0
    assert inclination_deg(a, b) == pytest.approx(math.degrees(math.acos(b / a)))


def test_exposure_averaging_keeps_the_mean_dip_and_rounds_the_contacts():
    P, kw = (
        10.0,
        {"period_d": 10.0, "t0": 0.0, "rp_rs": 0.1, "a_rs": 20.0, "impact": 0.0, "u": (0.4, 0.2)},
    )
    fine = np.linspace(-0.5, 0.5, 20001)
    sharp = transit_flux(fine, **kw)
    smooth = transit_flux(fine, exposure_d=0.0204, **kw)
    assert np.trapezoid(1 - smooth, fine) == pytest.approx(np.trapezoid(1 - sharp, fine), rel=1e-3)
    assert smooth.min() > sharp.min()
    del P


def test_limb_darkening_comes_from_claret_kepler_and_tess_tables():
    sun_kepler = limb_darkening(5800, 4.5)
    sun_tess = limb_darkening(5800, 4.5, "TESS")
    assert sun_kepler == (0.4883, 0.1822)  # Claret et al. 2012, table row logg 4.5, 5800 K
    assert sun_tess != sun_kepler and sun_tess[0] < sun_kepler[0]  # redder band: less darkening
    cool, hot = limb_darkening(4000, 4.5), limb_darkening(7000, 4.5)
    assert cool[0] > hot[0]
