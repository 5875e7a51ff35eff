"""The flyby's event searches on the N-body engine's dense output, compiled: the distance of
one integrated body to a body of an ephemeris table crossing levels (the sphere of influence,
a body's radius for an impact), its local minima (closest approaches), all in one call.

The same searches as :func:`orbitviz.dynamics.events.find_crossings` and
:func:`~orbitviz.dynamics.events.find_minima` (with the derivative, window edges included),
step for step: the grid (``np.linspace`` of ``time_grid``), the brackets, the dips between
grid points (golden section), Illinois with a bisection every third round, to ``xtol``; only
the function calls are compiled instead of Python (a few hundred evaluations of a polynomial
and a Chebyshev series, ~10 us in all, against ~5 ms through numpy)."""

from __future__ import annotations

import numpy as np

from .chebyshev import link_state
from .ias15 import state_of
from .jit import njit

GOLD = (np.sqrt(5.0) - 1.0) / 2.0
MAX_ROUNDS = 300


@njit(cache=True)
def relative_state(steps, i, body_eph, row, t, out, work):
    """Body ``i`` of the integration (``steps``: the arrays of
    :func:`~orbitviz.dynamics._engine.ias15.integrate` and the start states) relative to body
    ``row`` of ``body_eph`` at ``t``, into ``out`` (6,); ``work`` (1, 6) is work space."""
    s_lo, s_t0, s_dt, s_y0, s_poly, first, count, y0 = steps
    state_of(s_lo, s_t0, s_dt, s_y0, s_poly, first, count, y0, i, t, out, 0)
    work[0, :] = 0.0
    chain_links = body_eph[6]
    for c in range(chain_links.shape[1]):
        k = chain_links[row, c]
        if k < 0:
            break
        link_state(body_eph, k, t, work, 0, True)
    for c in range(6):
        out[c] -= work[0, c]


@njit(cache=True)
def _distance(steps, i, body_eph, row, t, out, work):
    relative_state(steps, i, body_eph, row, t, out, work)
    return np.sqrt(out[0] * out[0] + out[1] * out[1] + out[2] * out[2])


@njit(cache=True)
def _rate(steps, i, body_eph, row, t, out, work):
    """d|r|/dt = r.v / |r|."""
    relative_state(steps, i, body_eph, row, t, out, work)
    r = np.sqrt(out[0] * out[0] + out[1] * out[1] + out[2] * out[2])
    return (out[0] * out[3] + out[1] * out[4] + out[2] * out[5]) / r


@njit(cache=True)
def _value(kind, level, sign, steps, i, body_eph, row, t, out, work):
    """kind 0: sign * (distance - level); kind 1: the distance's rate."""
    if kind == 1:
        return _rate(steps, i, body_eph, row, t, out, work)
    return sign * (_distance(steps, i, body_eph, row, t, out, work) - level)


@njit(cache=True)
def _root(kind, level, steps, i, body_eph, row, a, b, fa, fb, xtol, out, work):
    """One bracket of :func:`orbitviz.dynamics.events.refine_roots`, as it refines it."""
    last = 0
    for rnd in range(MAX_ROUNDS):
        if not (b - a) > xtol:
            break
        x = (a * fb - b * fa) / (fb - fa)
        if not np.isfinite(x) or x <= a or x >= b or rnd % 3 == 2:
            x = 0.5 * (a + b)
        fx = _value(kind, level, 1.0, steps, i, body_eph, row, x, out, work)
        same_as_a = np.sign(fx) == np.sign(fa)
        zero = fx == 0.0
        if same_as_a and last == -1:
            fb = 0.5 * fb
        if not same_as_a and not zero and last == 1:
            fa = 0.5 * fa
        if same_as_a or zero:
            a = x
        if same_as_a:
            fa = fx
        if not same_as_a or zero:
            b = x
        if not same_as_a:
            fb = fx
        last = -1 if same_as_a else 1
    x = (a * fb - b * fa) / (fb - fa)
    if np.isfinite(x) and x >= a and x <= b:
        return x
    return 0.5 * (a + b)


@njit(cache=True)
def _golden(level, sign, steps, i, body_eph, row, a, b, xtol, out, work):
    """One bracket of :func:`orbitviz.dynamics.events.refine_minima` of
    ``sign * (distance - level)``: (t, value)."""
    c = b - GOLD * (b - a)
    d = a + GOLD * (b - a)
    fc = _value(0, level, sign, steps, i, body_eph, row, c, out, work)
    fd = _value(0, level, sign, steps, i, body_eph, row, d, out, work)
    for _ in range(MAX_ROUNDS):
        if not (b - a) > xtol:
            break
        left = fc < fd
        if left:
            a_next, b_next = a, d
            c_next = b_next - GOLD * (b_next - a_next)
            d_next = c
            f_new = _value(0, level, sign, steps, i, body_eph, row, c_next, out, work)
            fd = fc
            fc = f_new
        else:
            a_next, b_next = c, b
            c_next = d
            d_next = a_next + GOLD * (b_next - a_next)
            f_new = _value(0, level, sign, steps, i, body_eph, row, d_next, out, work)
            fc = fd
            fd = f_new
        a, b, c, d = a_next, b_next, c_next, d_next
    if fc < fd:
        return c, fc
    return d, fd


@njit(cache=True)
def grid_of(start, stop, step):
    """:func:`orbitviz.dynamics.events.time_grid`: ``np.linspace(start, stop, n)``."""
    n = max(int(np.ceil((stop - start) / step)) + 1, 3)
    return np.linspace(start, stop, n)


@njit(cache=True)
def distance_events(steps, i, body_eph, row, start, stop, step, levels, xtol):
    """Crossings of every level of ``levels`` and the minima of the distance of body ``i`` of
    the integration to body ``row`` of ``body_eph`` over [start, stop] (grid ``step``).

    Returns crossings (C,): times, directions (-1 entering below the level, +1 leaving) and
    the level's index, sorted by level then time; minima (M,): times, distances, relative
    speeds and whether at a window edge, sorted by time (edges last where equal)."""
    out = np.empty(6)
    work = np.empty((1, 6))
    grid = grid_of(start, stop, step)
    n = grid.shape[0]
    dist = np.empty(n)
    rate = np.empty(n)
    for q in range(n):
        relative_state(steps, i, body_eph, row, grid[q], out, work)
        r = np.sqrt(out[0] * out[0] + out[1] * out[1] + out[2] * out[2])
        dist[q] = r
        rate[q] = (out[0] * out[3] + out[1] * out[4] + out[2] * out[5]) / r
    c_t = np.empty(0)
    c_dir = np.empty(0, np.int64)
    c_level = np.empty(0, np.int64)
    for li in range(levels.shape[0]):
        level = levels[li]
        v = dist - level
        lo_l, hi_l, flo_l, fhi_l = [0.0], [0.0], [0.0], [0.0]  # typed; first entries dropped
        for q in range(n - 1):
            if (v[q] >= 0.0) != (v[q + 1] >= 0.0):
                lo_l.append(grid[q])
                hi_l.append(grid[q + 1])
                flo_l.append(v[q])
                fhi_l.append(v[q + 1])
        for sgn in (1.0, -1.0):  # dips below the level between grid points, then bumps above
            for j in range(1, n - 1):
                a0, a1, a2 = v[j - 1] >= 0.0, v[j] >= 0.0, v[j + 1] >= 0.0
                if not (a0 == a1 and a1 == a2):
                    continue
                if sgn > 0.0:
                    extreme = v[j] < v[j - 1] and v[j] <= v[j + 1] and a1
                else:
                    extreme = v[j] > v[j - 1] and v[j] >= v[j + 1] and not a1
                if not extreme:
                    continue
                t_ext, g_ext = _golden(
                    level, sgn, steps, i, body_eph, row, grid[j - 1], grid[j + 1], xtol, out, work
                )
                g_ext = sgn * g_ext
                if (g_ext < 0.0) if sgn > 0.0 else (g_ext >= 0.0):
                    lo_l.append(grid[j - 1])
                    hi_l.append(t_ext)
                    flo_l.append(v[j - 1])
                    fhi_l.append(g_ext)
                    lo_l.append(t_ext)
                    hi_l.append(grid[j + 1])
                    flo_l.append(g_ext)
                    fhi_l.append(v[j + 1])
        m = len(lo_l) - 1
        t = np.empty(m)
        d = np.empty(m, np.int64)
        for k in range(m):
            t[k] = _root(0, level, steps, i, body_eph, row, lo_l[k + 1], hi_l[k + 1],
                         flo_l[k + 1], fhi_l[k + 1], xtol, out, work)  # fmt: skip
            d[k] = 1 if fhi_l[k + 1] >= 0.0 else -1
        order = np.argsort(t, kind="mergesort")
        c_t = np.concatenate((c_t, t[order]))
        c_dir = np.concatenate((c_dir, d[order]))
        c_level = np.concatenate((c_level, np.full(m, li, np.int64)))
    # minima: the rising zeros of the rate, then the edges where the distance still falls
    m_t = [0.0]
    m_edge = [False]
    for q in range(n - 1):
        if rate[q] < 0.0 and rate[q + 1] >= 0.0:
            m_t.append(
                _root(
                    1,
                    0.0,
                    steps,
                    i,
                    body_eph,
                    row,
                    grid[q],
                    grid[q + 1],
                    rate[q],
                    rate[q + 1],
                    xtol,
                    out,
                    work,
                )
            )
            m_edge.append(False)
    if dist[0] < dist[1]:
        m_t.append(grid[0])
        m_edge.append(True)
    if dist[n - 1] < dist[n - 2]:
        m_t.append(grid[n - 1])
        m_edge.append(True)
    k_min = len(m_t) - 1
    t_min = np.empty(k_min)
    for k in range(k_min):
        t_min[k] = m_t[k + 1]
    order = np.argsort(t_min, kind="mergesort")
    times = np.empty(k_min)
    values = np.empty(k_min)
    speeds = np.empty(k_min)
    edges = np.empty(k_min, np.bool_)
    for r in range(k_min):
        k = order[r]
        times[r] = t_min[k]
        edges[r] = m_edge[k + 1]
        if edges[r]:  # the grid's value, as find_minima keeps it
            values[r] = dist[0] if t_min[k] == grid[0] else dist[n - 1]
        relative_state(steps, i, body_eph, row, t_min[k], out, work)
        if not edges[r]:
            values[r] = np.sqrt(out[0] * out[0] + out[1] * out[1] + out[2] * out[2])
        speeds[r] = np.sqrt(out[3] * out[3] + out[4] * out[4] + out[5] * out[5])
    return c_t, c_dir, c_level, times, values, speeds, edges
