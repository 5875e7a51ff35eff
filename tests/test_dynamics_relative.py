"""Distance and distance rate of relative states, and the NAIF id arithmetic of planet systems."""

from __future__ import annotations

import numpy as np
import pytest

from orbitviz.dynamics.relative import distance_functions, distance_km, distance_rate_kms
from orbitviz.errors import UnknownBody
from orbitviz.spice.bodies import (
    is_planet_id,
    is_satellite_id,
    planet_id,
    system_barycenter_id,
)


def _straight_line(t):
    """Target passing 1000 km from the body at t = 50 s, at (3, 4, 0) km/s: d(t) known."""
    t = np.asarray(t, dtype=float)
    v = np.array([3.0, 4.0, 0.0])
    r = np.array([0.0, 0.0, 1000.0]) + (t[..., None] - 50.0) * v
    return np.concatenate([r, np.broadcast_to(v, r.shape)], axis=-1)


def test_distance_rate_is_the_derivative_of_the_distance():
    t = np.linspace(0.0, 100.0, 201)
    s = _straight_line(t)
    truth_km = np.sqrt(1000.0**2 + (5.0 * (t - 50.0)) ** 2)
    assert np.allclose(distance_km(s), truth_km, rtol=1e-14)
    assert np.allclose(distance_rate_kms(s), 25.0 * (t - 50.0) / truth_km, rtol=1e-12)
    h = 1e-4  # central difference of the distance
    fd = (distance_km(_straight_line(t + h)) - distance_km(_straight_line(t - h))) / (2 * h)
    assert np.allclose(distance_rate_kms(s), fd, atol=1e-6)
    rate = distance_rate_kms(s)
    assert (rate[t < 50] < 0).all() and rate[t == 50] == 0 and (rate[t > 50] > 0).all()


def test_any_leading_shape_and_the_pair_of_functions():
    s = _straight_line(np.arange(12.0).reshape(3, 4))  # e.g. (objects, times, 6)
    assert distance_km(s).shape == distance_rate_kms(s).shape == (3, 4)
    dist, rate = distance_functions(_straight_line)
    t = np.array([10.0, 50.0, 90.0])
    assert np.allclose(dist(t), distance_km(_straight_line(t)))
    assert np.allclose(rate(t), distance_rate_kms(_straight_line(t)))


def test_naif_planet_system_ids():
    assert [is_planet_id(c) for c in (199, 399, 999, 3, 301, 10, 2000433)] == [
        True,
        True,
        True,
        False,
        False,
        False,
        False,
    ]
    assert [is_satellite_id(c) for c in (301, 401, 898, 399, 3, 10)] == [
        True,
        True,
        True,
        False,
        False,
        False,
    ]
    assert [system_barycenter_id(c) for c in (399, 301, 3, 599, 502, 801)] == [3, 3, 3, 5, 5, 8]
    assert [planet_id(c) for c in (3, 301, 399, 5, 502)] == [399, 399, 399, 599, 599]
    for not_a_system in (0, 10, 2000433, -82):
        with pytest.raises(UnknownBody, match="not a planet"):
            system_barycenter_id(not_a_system)


def test_orbits_use_the_naif_helpers():
    from orbitviz.dynamics.spheres import _orbiting_id, primary_of

    assert primary_of(301) == 399 and primary_of(401) == 499  # a moon orbits its planet
    assert primary_of(399) == primary_of(2000433) == 10  # planets and asteroids: the Sun
    assert _orbiting_id(399, 10) == 3  # a planet about the Sun: its system's barycentre
    assert _orbiting_id(399, 3) == 399 and _orbiting_id(301, 399) == 301
