"""IAS15: the 15th-order Gauss-Radau integrator, its step control and its dense output
(compiled; see :mod:`orbitviz.dynamics._engine`)."""

from __future__ import annotations

import math

import numpy as np

from .chebyshev import bodies_states_at, link_flags
from .forces import forces
from .jit import njit

# status codes of integrate()
OK, TOO_MANY_STEPS, STEP_TOO_SMALL, OUT_OF_EPHEMERIS = 0, 1, 2, 3


# Gauss-Radau nodes on [0, 1] (the left end and the 7 roots of P7(2s-1) + P8(2s-1) inside)
def _radau_nodes() -> np.ndarray:
    from numpy.polynomial import legendre

    roots = np.sort(legendre.legroots([0.0] * 7 + [1.0, 1.0]))
    nodes = (roots + 1.0) / 2.0
    nodes[0] = 0.0
    return nodes


H = _radau_nodes()
# NEWTON[k, p]: coefficient of s^p in prod_{j<k} (s - H[j]), the Newton basis of the
# acceleration's interpolant, a(s) = a0 + sum_k g_k prod_{j<k} (s - H[j]) = a0 + sum_p b_p s^(p+1)
NEWTON = np.zeros((8, 8))
for _k in range(8):
    _poly = np.array([1.0])
    for _j in range(_k):
        _poly = np.convolve(_poly, [-H[_j], 1.0])  # ascending powers
    NEWTON[_k, : _poly.size] = _poly
# b = TO_B @ g (g_1..g_7 -> b_0..b_6) and back
TO_B = np.ascontiguousarray(NEWTON[1:, 1:].T)
TO_G = np.ascontiguousarray(np.linalg.inv(TO_B))
# x(s) = x0 + v0 dt s + dt^2 s^2 sum_k XC[k] c_k s^k, v(s) = v0 + dt s sum_k VC[k] c_k s^k,
# with c = (a0, b0, ..., b6)
XC = np.array([1.0 / ((k + 1) * (k + 2)) for k in range(8)])
VC = np.array([1.0 / (k + 1) for k in range(8)])
# RECIPROCAL[n, j] = 1 / (H[n] - H[j]) for j < n: the divided differences without division
RECIPROCAL = np.zeros((8, 8))
for _n in range(1, 8):
    RECIPROCAL[_n, :_n] = 1.0 / (H[_n] - H[:_n])
BINOMIAL = np.array([[float(math.comb(n, k)) for k in range(9)] for n in range(9)])
SAFETY = 0.25  # a step whose successor would be 4 times shorter is done again; growth <= 4x
# the corrector stops when the last coefficient moves by less than this (relative to the
# acceleration). REBOUND takes 1e-16 (3.7 iterations a step on Apophis 2008 -> 2029); 1e-10
# needs 2.2 and moves that answer by 0.15 m of 37,725 km, as epsilon 1e-9 -> 1e-10 does; the
# two-body check stays at 2 mm. The many-bodies path is all force evaluations: 1.6x faster.
CORRECTOR_TOL = 1e-10
MAX_ITERATIONS = 12


@njit(cache=True)
def _node_state(x, v, a0, b, dt, s, xo, vo):
    """Position and velocity at the fraction ``s`` of the step ``dt`` from the start state
    (x, v, a0) and the acceleration's coefficients ``b`` (7, N, 3)."""
    for i in range(x.shape[0]):
        for c in range(3):
            px = XC[7] * b[6, i, c]
            pv = VC[7] * b[6, i, c]
            for k in range(5, -1, -1):
                px = px * s + XC[k + 1] * b[k, i, c]
                pv = pv * s + VC[k + 1] * b[k, i, c]
            px = px * s + XC[0] * a0[i, c]
            pv = pv * s + VC[0] * a0[i, c]
            xo[i, c] = x[i, c] + dt * s * (v[i, c] + dt * s * px)
            vo[i, c] = v[i, c] + dt * s * pv


@njit(cache=True)
def _predict(b_done, q, b):
    """The acceleration polynomial of the last step, extended into a step ``q`` times as long
    (Everhart's predictor): b_p = sum_(k >= p) b_done_k C(k+1, p+1) q^(p+1)."""
    for p in range(7):
        qp = q ** (p + 1)
        for i in range(b.shape[1]):
            for c in range(3):
                acc = 0.0
                for k in range(p, 7):
                    acc += b_done[k, i, c] * BINOMIAL[k + 1, p + 1]
                b[p, i, c] = acc * qp


@njit(cache=True)
def _next_step(a0, b, dt, epsilon):
    """PRS23's step size after the step ``dt`` with coefficients (a0, b): the smallest over
    the bodies of sqrt(2 y2 / (y3 + sqrt(y2 y4))) with y2, y3, y4 the squared acceleration,
    jerk and snap at the step's end (in units of the step), times (7! epsilon)^(1/7) dt."""
    smallest = np.inf
    for i in range(a0.shape[0]):
        y2 = y3 = y4 = 0.0
        for c in range(3):
            a = a0[i, c]
            j = 0.0
            s = 0.0
            for k in range(7):
                a += b[k, i, c]
                j += (k + 1) * b[k, i, c]
                s += (k + 1) * k * b[k, i, c]
            y2 += a * a
            y3 += j * j
            y4 += s * s
        if y2 > 0.0 and np.isfinite(y2):
            ts2 = 2.0 * y2 / (y3 + np.sqrt(y4 * y2))
            if ts2 < smallest:
                smallest = ts2
    if not (np.isfinite(smallest) and smallest > 0.0):
        return dt / SAFETY
    return np.sqrt(smallest) * dt * (epsilon * 5040.0) ** (1.0 / 7.0)


@njit(cache=True)
def integrate(
    t0, y0, t_end, epsilon, h_first, max_steps, eph, gm, isun, gr, c2, ng, span, dense_span
):
    """IAS15 from ``t0`` to ``t_end`` (either direction) for the states ``y0`` (6 N,).

    Returns (times (M+1,), states (M+1, 6 N), dense coefficients (K, 8, 3 N): a0, b0..b6 of
    the K steps from index ``k0`` that overlap ``dense_span`` (lo, hi), k0, number of force
    evaluations, number of perturber evaluations, status)."""
    n = y0.shape[0]
    nb = n // 6
    if n != 6 * nb or ng.shape[0] != nb or ng.shape[1] != 9:
        raise ValueError("integrate: y0 must be (6 N,) and ng (N, 9)")
    if eph[6].shape[0] != gm.shape[0]:
        raise ValueError("integrate: one GM per body of the ephemeris table")
    needs_sun = gr
    for i in range(nb):
        if ng[i, 0] != 0.0 or ng[i, 1] != 0.0 or ng[i, 2] != 0.0:
            needs_sun = True
    flags = link_flags(eph, isun if needs_sun else -1)
    links = np.empty((8, flags.shape[0], 6))
    scratch = np.empty((6, 8))
    index = np.empty(8, np.int64)
    node_ets = np.empty(8)
    now = np.empty(1)
    bodies = np.empty((9, gm.shape[0], 6))  # the perturbers at the 8 nodes and the end
    x = np.empty((nb, 3))
    v = np.empty((nb, 3))
    for i in range(nb):
        for c in range(3):
            x[i, c] = y0[6 * i + c]
            v[i, c] = y0[6 * i + 3 + c]
    a0 = np.empty((nb, 3))
    an = np.empty((nb, 3))
    xn = np.empty((nb, 3))
    vn = np.empty((nb, 3))
    b = np.zeros((7, nb, 3))
    g = np.zeros((7, nb, 3))
    b_done = np.zeros((7, nb, 3))
    e_try = np.zeros((7, nb, 3))  # the prediction of the step tried
    e_done = np.zeros((7, nb, 3))  # ... and of the last step taken
    cap, dcap = 256, 16
    ts = np.empty(cap)
    ys = np.empty((cap, n))
    dense = np.empty((dcap, 8, 3 * nb))
    k0, kd = -1, 0
    direction = 1.0 if t_end >= t0 else -1.0
    t = t0
    now[0] = t
    bodies_states_at(eph, now, bodies[:1], flags, links, scratch, index)
    forces(x, v, bodies[0], gm, isun, gr, c2, ng, a0)
    nfev, neph = 1, 1
    ts[0] = t
    ys[0] = y0
    m = 0
    dt_done = 0.0
    dt = direction * abs(h_first)
    status = OK
    while direction * (t_end - t) > 0.0:
        if m + 1 >= max_steps:
            status = TOO_MANY_STEPS
            break
        min_step = 10.0 * abs(np.nextafter(t, direction * np.inf) - t)
        while True:  # attempts of one step
            if direction * (t + dt - t_end) > 0.0:
                dt = t_end - t
            if abs(dt) < min_step:
                status = STEP_TOO_SMALL
                break
            if t + dt < span[0] or t + dt > span[1]:
                status = OUT_OF_EPHEMERIS
                break
            if dt_done != 0.0 and abs(dt / dt_done) <= 20.0:
                # Everhart's predictor plus the last step's prediction error
                _predict(b_done, dt / dt_done, e_try)
                for k in range(7):
                    for i in range(nb):
                        for c in range(3):
                            b[k, i, c] = e_try[k, i, c] + (b_done[k, i, c] - e_done[k, i, c])
            else:
                b[:] = 0.0
                e_try[:] = 0.0
            for p in range(7):  # b -> g
                for i in range(nb):
                    for c in range(3):
                        acc = 0.0
                        for k in range(p, 7):
                            acc += TO_G[p, k] * b[k, i, c]
                        g[p, i, c] = acc
            for node in range(1, 8):
                node_ets[node - 1] = t + H[node] * dt
            node_ets[7] = t + dt  # the next step's start, if this one is taken
            bodies_states_at(eph, node_ets, bodies[1:], flags, links, scratch, index)
            neph += 8
            error, error_last, iterations = 1e300, 2.0, 0
            while True:  # predictor-corrector
                if error < CORRECTOR_TOL:
                    break
                if iterations > 2 and error_last <= error:
                    break
                if iterations >= MAX_ITERATIONS:
                    break
                error_last = error
                iterations += 1
                db6 = 0.0
                amax = 0.0
                for node in range(1, 8):
                    _node_state(x, v, a0, b, dt, H[node], xn, vn)
                    forces(xn, vn, bodies[node], gm, isun, gr, c2, ng, an)
                    for i in range(nb):
                        for c in range(3):
                            d = (an[i, c] - a0[i, c]) * RECIPROCAL[node, 0]
                            for j in range(1, node):
                                d = (d - g[j - 1, i, c]) * RECIPROCAL[node, j]
                            dg = d - g[node - 1, i, c]
                            g[node - 1, i, c] = d
                            for p in range(node):
                                b[p, i, c] += dg * NEWTON[node, p + 1]
                            if node == 7:
                                db6 = max(db6, abs(dg))
                                amax = max(amax, abs(an[i, c]))
                nfev += 7
                error = db6 / amax if amax > 0.0 else 0.0
            dt_new = _next_step(a0, b, dt, epsilon)
            if abs(dt_new) < SAFETY * abs(dt):
                dt = dt_new  # done again, shorter
                continue
            if abs(dt_new) > abs(dt) / SAFETY:
                dt_new = dt / SAFETY
            break
        if status != OK:
            break
        t_new = t + dt
        overlaps = min(t, t_new) <= dense_span[1] and max(t, t_new) >= dense_span[0]
        if overlaps:
            if k0 < 0:
                k0 = m
            if kd >= dcap:
                dcap *= 2
                dense2 = np.empty((dcap, 8, 3 * nb))
                dense2[:kd] = dense[:kd]
                dense = dense2
            for i in range(nb):
                for c in range(3):
                    dense[kd, 0, 3 * i + c] = a0[i, c]
                    for k in range(7):
                        dense[kd, k + 1, 3 * i + c] = b[k, i, c]
            kd += 1
        _node_state(x, v, a0, b, dt, 1.0, xn, vn)
        x[:] = xn
        v[:] = vn
        t = t_new
        bodies[0] = bodies[8]
        forces(x, v, bodies[0], gm, isun, gr, c2, ng, a0)
        nfev += 1
        b_done[:] = b
        e_done[:] = e_try
        dt_done = dt
        dt = dt_new
        if m + 1 >= cap:
            cap *= 2
            ts2 = np.empty(cap)
            ys2 = np.empty((cap, n))
            ts2[: m + 1] = ts[: m + 1]
            ys2[: m + 1] = ys[: m + 1]
            ts, ys = ts2, ys2
        m += 1
        ts[m] = t
        for i in range(nb):
            for c in range(3):
                ys[m, 6 * i + c] = x[i, c]
                ys[m, 6 * i + 3 + c] = v[i, c]
    return ts[: m + 1].copy(), ys[: m + 1].copy(), dense[:kd].copy(), max(k0, 0), nfev, neph, status


@njit(cache=True)
def _step_of(ts, t, forward):
    """The step ``lo`` (ts[lo] .. ts[lo + 1]) holding time ``t``: a binary search."""
    lo, hi = 0, ts.shape[0] - 1
    while hi - lo > 1:
        mid = (lo + hi) // 2
        if (ts[mid] <= t) == forward:
            lo = mid
        else:
            hi = mid
    return lo


@njit(cache=True)
def _body_state(ys, dense, lo, row, s, dt, i, out, col):
    """Body ``i``'s state at fraction ``s`` of step ``lo`` (polynomial ``row``) into
    ``out[col:col + 6]``."""
    for c in range(3):
        px = XC[7] * dense[row, 7, 3 * i + c]
        pv = VC[7] * dense[row, 7, 3 * i + c]
        for k in range(6, -1, -1):
            px = px * s + XC[k] * dense[row, k, 3 * i + c]
            pv = pv * s + VC[k] * dense[row, k, 3 * i + c]
        x0 = ys[lo, 6 * i + c]
        v0 = ys[lo, 6 * i + 3 + c]
        out[col + c] = x0 + dt * s * (v0 + dt * s * px)
        out[col + 3 + c] = v0 + dt * s * pv


@njit(cache=True)
def dense_states_of(ts, ys, dense, k0, query, objects):
    """States (Q, 6 N) at times ``query`` from the steps' polynomials (steps k0 .. k0 + K - 1
    hold them; NaN elsewhere): of every body, or (``objects``: one index per query, else an
    empty array) of body ``objects[q]`` alone, in the first 6 columns."""
    n = ys.shape[1]
    nb = n // 6
    one = objects.shape[0] > 0
    out = np.empty((query.shape[0], 6 if one else n))
    forward = ts[-1] >= ts[0]
    for q in range(query.shape[0]):
        lo = _step_of(ts, query[q], forward)
        row = lo - k0
        if ts.shape[0] == 1:  # no step: the epoch's state
            for c in range(out.shape[1]):
                out[q, c] = ys[0, 6 * objects[q] + c] if one else ys[0, c]
            continue
        if row < 0 or row >= dense.shape[0]:
            out[q] = np.nan
            continue
        dt = ts[lo + 1] - ts[lo]
        s = (query[q] - ts[lo]) / dt
        if one:
            _body_state(ys, dense, lo, row, s, dt, objects[q], out[q], 0)
        else:
            for i in range(nb):
                _body_state(ys, dense, lo, row, s, dt, i, out[q], 6 * i)
    return out
