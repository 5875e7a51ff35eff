"""SOI and Hill radii vs published values (Wikipedia "Sphere of influence (astrodynamics)" table,
10^6 km: Mercury 0.112, Venus 0.616, Mars 0.577, Jupiter 48.2, Neptune 86.8; Earth ~0.924-0.929;
Moon about Earth 0.0661. Hill sphere of Earth ~1.47e6 km, Mars ~0.982e6 km)."""

from __future__ import annotations

import numpy as np
import pytest

from orbitviz.dynamics.spheres import (
    body_hill_radius_km,
    body_orbit,
    hill_radius_km,
    laplace_soi_km,
    soi_radius_km,
)
from orbitviz.errors import ElementsError
from orbitviz.units import AU_KM, LD_KM

spice = pytest.importorskip("orbitviz.spice")


def test_pure_formulas():
    # m/M = 1e-5 exactly: (1e-5)^(2/5) = 10^-2, (1e-5/3)^(1/3) = 0.014938
    assert laplace_soi_km(1e8, 1.0, 1e5) == pytest.approx(1e6, rel=1e-14)
    assert hill_radius_km(1e8, 1.0, 1e5) == pytest.approx(1e8 * (1e-5 / 3) ** (1 / 3), rel=1e-14)
    assert hill_radius_km(1e8, 1.0, 1e5, 0.5) == pytest.approx(
        0.5e8 * (1e-5 / 3) ** (1 / 3), rel=1e-14
    )
    assert laplace_soi_km(np.array([1.0, 2.0]), 1.0, 1.0).tolist() == [1.0, 2.0]
    with pytest.raises(ElementsError, match="gm_body_km3s2"):
        laplace_soi_km(1.0, -1.0, 1.0)
    with pytest.raises(ElementsError, match="gm_central_km3s2"):
        hill_radius_km(1.0, 1.0, 0.0)


@pytest.fixture(scope="module")
def kernels():
    with spice.KernelSet("default") as ks:
        yield ks


@pytest.mark.parametrize(
    "body, published_km, rtol",
    [
        ("EARTH", 925_000.0, 0.003),
        ("MERCURY", 0.112e6, 0.005),
        ("VENUS", 0.616e6, 0.005),
        ("MARS", 0.577e6, 0.005),
        ("JUPITER", 48.2e6, 0.005),
        ("NEPTUNE", 86.8e6, 0.005),
    ],
)
def test_soi_vs_published(kernels, body, published_km, rtol):
    assert soi_radius_km(body) == pytest.approx(published_km, rel=rtol)


def test_earth_soi_in_the_briefed_band_and_stable(kernels):
    r = [soi_radius_km("EARTH", et=et) for et in np.linspace(-3e8, 9e8, 5)]
    assert all(924_000 < x < 929_000 for x in r)
    assert np.ptp(r) < 100.0
    a_km, ecc = body_orbit("EARTH")
    assert a_km / AU_KM == pytest.approx(1.0, abs=3e-5) and ecc == pytest.approx(0.0167, abs=3e-4)


def test_moon_soi_about_earth(kernels):
    assert soi_radius_km("MOON", "EARTH") == pytest.approx(66_100, rel=0.015)
    assert soi_radius_km("MOON", "EARTH", a_km=LD_KM) == pytest.approx(66_180, rel=1e-3)


def test_hill_radii(kernels):
    assert body_hill_radius_km("EARTH") == pytest.approx(1.471e6, rel=0.003)
    assert body_hill_radius_km("MARS") == pytest.approx(0.982e6, rel=0.005)


def test_unbound_pair_raises(kernels):
    with pytest.raises(ElementsError, match="not bound"):
        soi_radius_km("EARTH", "MARS")
