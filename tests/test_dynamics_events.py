"""Event finding on analytic functions whose roots and minima are known in closed form."""

from __future__ import annotations

import numpy as np
import pytest

from orbitviz.dynamics.events import (
    EventError,
    find_crossings,
    find_minima,
    refine_minima,
    refine_roots,
)

MS = 1e-3
ET0 = 6.9e8 + 0.123456  # a 2021-ish epoch with a fractional part: exercises float precision


class Counting:
    """Wrap a vectorised function, counting calls and checking it only ever sees arrays."""

    def __init__(self, func):
        self.func, self.calls, self.points = func, 0, 0

    def __call__(self, t):
        assert isinstance(t, np.ndarray)
        self.calls += 1
        self.points += t.size
        return self.func(t)


def flyby_distance(d0_km, v_kms, tc):
    """Straight-line flyby: d(t) = sqrt(d0^2 + v^2 (t - tc)^2), minimum d0 at tc."""
    return (
        lambda t: np.sqrt(d0_km**2 + (v_kms * (t - tc)) ** 2),
        lambda t: v_kms**2 * (t - tc) / np.sqrt(d0_km**2 + (v_kms * (t - tc)) ** 2),
    )


def test_many_crossings_of_a_cosine_to_1ms():
    period = 86400.0 * 0.37
    f = Counting(lambda t: np.cos(2 * np.pi * (t - ET0) / period) - 0.3)
    c = find_crossings(f, ET0, ET0 + 20 * 86400.0, 600.0, level=0.0)
    x = np.arccos(0.3) / (2 * np.pi) * period
    k = np.arange(0, 60)
    truth = np.sort(np.concatenate([ET0 + x + k * period, ET0 + period - x + k * period]))
    truth = truth[truth <= ET0 + 20 * 86400.0]
    assert len(c) == truth.size == 108
    assert np.max(np.abs(c.et - truth)) < MS
    assert np.all(c.direction[::2] == -1) and np.all(c.direction[1::2] == 1)
    assert np.allclose(c.entries, truth[::2]) and np.allclose(c.exits, truth[1::2])
    # vectorised: one grid call plus a few refinement rounds, not one call per grid step
    assert f.calls < 60, f.calls


def test_flyby_soi_entry_exit_and_closest_approach_to_1ms():
    d0, v, tc, soi = 38012.0, 7.42, ET0 + 3.5 * 86400.0, 925_000.0
    d, dd = flyby_distance(d0, v, tc)
    c = find_crossings(d, ET0, ET0 + 7 * 86400.0, 3600.0, level=soi)
    half = np.sqrt(soi**2 - d0**2) / v
    assert c.direction.tolist() == [-1, 1]
    assert np.max(np.abs(c.et - [tc - half, tc + half])) < MS
    for kw in ({}, {"fprime": dd}):
        m = find_minima(d, ET0, ET0 + 7 * 86400.0, 3600.0, **kw)
        assert len(m) == 1
        assert abs(m.et[0] - tc) < MS
        assert abs(m.value[0] - d0) < 1e-6


def test_distant_flat_minimum_needs_the_derivative_for_1ms():
    # 0.1 au at 5 km/s: f'' is tiny, values alone pin the time to ~0.05 s (documented)
    d0, v, tc = 0.1 * 149597870.7, 5.0, ET0 + 10 * 86400.0
    d, dd = flyby_distance(d0, v, tc)
    m = find_minima(d, ET0, ET0 + 20 * 86400.0, 3600.0, fprime=dd)
    assert abs(m.et[0] - tc) < MS
    m = find_minima(d, ET0, ET0 + 20 * 86400.0, 3600.0)
    assert abs(m.et[0] - tc) < 0.5  # sqrt(2 eps d0 / f'') ~ 0.05 s; value-only limit


def test_every_minimum_not_only_the_first_and_edges():
    p = 5000.0
    f = lambda t: np.sin(2 * np.pi * (t - ET0) / p)  # noqa: E731
    start, stop = ET0 + 100.0, ET0 + 3.6 * p  # starts rising (edge minimum), ends falling
    m = find_minima(f, start, stop, 97.0)
    truth = ET0 + 0.75 * p + p * np.arange(3)
    assert len(m) == 3 and np.max(np.abs(m.et - truth)) < MS
    assert not m.at_edge.any()
    me = find_minima(f, start, stop, 97.0, include_edges=True)
    # start: f rising -> the start is a (edge) minimum; stop: f falling -> so is the stop
    assert len(me) == 5 and me.at_edge.tolist() == [True, False, False, False, True]
    assert me.et[0] == start and me.et[-1] == stop
    assert np.allclose(me.value[[0, -1]], f(np.array([start, stop])))


def test_grazing_minimum_is_not_a_crossing_but_is_reported():
    tc = ET0 + 1234.5678
    f = lambda t: 10.0 + ((t - tc) / 100.0) ** 2  # noqa: E731  touches 10 at tc
    assert len(find_crossings(f, ET0, ET0 + 5000.0, 60.0, level=10.0 - 1e-9)) == 0
    m = find_minima(f, ET0, ET0 + 5000.0, 60.0)
    assert abs(m.et[0] - tc) < MS and abs(m.value[0] - 10.0) < 1e-9


def test_dip_between_grid_points_is_found():
    # below the level only for ~17 s, sampled every 60 s: no grid value is below the level
    tc, w = ET0 + 1052.0, 20.0  # grid points 28 s and 32 s away
    f = lambda t: 1.0 - 1.2 * np.exp(-(((t - tc) / w) ** 2))  # noqa: E731
    grid = np.linspace(ET0, ET0 + 3000.0, 51)
    assert np.all(f(grid) > 0.0)
    c = find_crossings(f, ET0, ET0 + 3000.0, 60.0, level=0.0)
    half = w * np.sqrt(np.log(1.2))
    assert c.direction.tolist() == [-1, 1]
    assert np.max(np.abs(c.et - [tc - half, tc + half])) < MS


def test_no_entry_gives_empty_results():
    d, _ = flyby_distance(2.0e6, 7.0, ET0 + 5000.0)
    c = find_crossings(d, ET0, ET0 + 10_000.0, 60.0, level=925_000.0)
    assert len(c) == 0 and c.et.shape == (0,) and c.entries.size == 0
    assert len(find_minima(lambda t: t - ET0, ET0, ET0 + 100.0, 10.0)) == 0


def test_crossing_exactly_on_a_grid_point():
    c = find_crossings(lambda t: t - (ET0 + 600.0), ET0, ET0 + 1200.0, 60.0)
    assert c.direction.tolist() == [1] and abs(c.et[0] - (ET0 + 600.0)) < MS


def test_bad_arguments():
    with pytest.raises(EventError, match="stop > start"):
        find_crossings(np.cos, 10.0, 0.0, 1.0)
    with pytest.raises(EventError, match="step_s"):
        find_minima(np.cos, 0.0, 10.0, 0.0)
    with pytest.raises(EventError, match="vectorised"):
        find_crossings(lambda t: 1.0, 0.0, 10.0, 1.0)


def test_indexed_kernels_refine_one_function_per_bracket_together():
    """The kernels screening and the lander use: bracket i belongs to its own function, every
    round is one call on the still-open brackets (no loop over brackets)."""
    rng = np.random.default_rng(7)
    n = 500
    tc = ET0 + rng.uniform(100.0, 900.0, n)  # minimum of bracket i at tc[i]
    d0 = rng.uniform(1e3, 1e5, n)
    v = rng.uniform(1.0, 30.0, n)
    a, b = tc - rng.uniform(10.0, 90.0, n), tc + rng.uniform(10.0, 90.0, n)
    calls = []

    def dist(t, idx):
        calls.append(idx.size)
        return np.sqrt(d0[idx] ** 2 + (v[idx] * (t - tc[idx])) ** 2)

    def rate(t, idx):  # d(dist)/dt: a rising zero at tc
        calls.append(idx.size)
        return v[idx] ** 2 * (t - tc[idx]) / dist(t, idx)

    t_min, d_min = refine_minima(dist, a, b, 1e-4, indexed=True)
    assert t_min.shape == (n,) and np.allclose(d_min, d0, rtol=1e-12)
    assert np.max(np.abs(t_min - tc)) < 0.5  # derivative-free: flat minimum, see docstring
    assert len(calls) < 80 and max(calls) == n
    every = np.arange(n)
    calls.clear()
    t_root = refine_roots(rate, a, b, rate(a, every), rate(b, every), 1e-4, indexed=True)
    assert np.max(np.abs(t_root - tc)) < 1e-4
    assert len(calls) < 2 * 80


def test_refine_minima_finds_the_minimum_not_the_maximum():
    a, b = np.array([2.0, 8.0]), np.array([4.5, 10.0])  # a maximum of cos at 2 pi between
    t, f = refine_minima(np.cos, a, b, 1e-9)
    assert np.allclose(t, [np.pi, 3 * np.pi], atol=1e-6) and np.allclose(f, -1.0)
