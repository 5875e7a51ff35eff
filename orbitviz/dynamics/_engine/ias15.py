"""IAS15: the 15th-order Gauss-Radau integrator, its step control and its dense output
(compiled; see :mod:`orbitviz.dynamics._engine`)."""

from __future__ import annotations

import math

import numpy as np

from .chebyshev import bodies_states_at, link_flags
from .forces import forces
from .jit import njit

# status codes of integrate()
OK, TOO_MANY_STEPS, STEP_TOO_SMALL, OUT_OF_EPHEMERIS, INTERRUPTED = 0, 1, 2, 3, 4


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


@njit(cache=True, inline="always")
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


@njit(cache=True, inline="always")
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


@njit(cache=True, inline="always")
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
def _leg(
    t0, x, v, t_end, epsilon, h_first, max_steps, eph, gm, isun, gr, c2, ng, span, window, stop
):
    """IAS15 from ``t0`` to ``t_end`` (either direction) for the bodies at ``x``, ``v`` (nb, 3),
    which all take the same steps (moved in place to where the leg ends). ``stop[0]`` is read
    before each step: non-zero ends the leg (status :data:`INTERRUPTED`).

    Returns the steps that overlap ``window`` (lo, hi), in the order taken: their start times
    (K,), lengths (K,), start states (K, nb, 6) and acceleration polynomials (K, 8, nb, 3)
    (a0, b0..b6), then the number of steps, of force evaluations, the status and the time
    reached."""
    nb = x.shape[0]
    needs_sun = gr
    for i in range(nb):
        if ng[i, 0] != 0.0 or ng[i, 1] != 0.0 or ng[i, 2] != 0.0:
            needs_sun = True
    flags = link_flags(eph, isun if needs_sun else -1)
    links = np.empty((8, flags.shape[0], 6))
    scratch = np.empty((11, 8))
    index = np.empty((2, 8), np.int64)
    node_ets = np.empty(8)
    now = np.empty(1)
    bodies = np.empty((9, gm.shape[0], 6))  # the perturbers at the 8 nodes and the end
    a0 = np.empty((nb, 3))
    an = np.empty((nb, 3))
    xn = np.empty((nb, 3))
    vn = np.empty((nb, 3))
    b = np.zeros((7, nb, 3))
    g = np.zeros((7, nb, 3))
    b_done = np.zeros((7, nb, 3))
    e_try = np.zeros((7, nb, 3))  # the prediction of the step tried
    e_done = np.zeros((7, nb, 3))  # ... and of the last step taken
    cap = 16
    w_t0 = np.empty(cap)
    w_dt = np.empty(cap)
    w_y0 = np.empty((cap, nb, 6))
    w_poly = np.empty((cap, 8, nb, 3))
    kd = 0
    direction = 1.0 if t_end >= t0 else -1.0
    t = t0
    now[0] = t
    bodies_states_at(eph, now, bodies[:1], flags, links, scratch, index)
    forces(x, v, bodies[0], gm, isun, gr, c2, ng, a0)
    nfev = 1
    m = 0
    dt_done = 0.0
    dt = direction * abs(h_first)
    status = OK
    while direction * (t_end - t) > 0.0:
        if m + 1 >= max_steps:
            status = TOO_MANY_STEPS
            break
        if stop[0] != 0:  # the caller was interrupted (a signal): one load per step
            status = INTERRUPTED
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
        if min(t, t_new) <= window[1] and max(t, t_new) >= window[0]:
            if kd >= cap:
                cap *= 2
                w_t0, w_dt = _grown(w_t0, cap), _grown(w_dt, cap)
                w_y0, w_poly = _grown(w_y0, cap), _grown(w_poly, cap)
            w_t0[kd] = t
            w_dt[kd] = dt
            for i in range(nb):
                for c in range(3):
                    w_y0[kd, i, c] = x[i, c]
                    w_y0[kd, i, 3 + c] = v[i, c]
                    w_poly[kd, 0, i, c] = a0[i, c]
                    for k in range(7):
                        w_poly[kd, k + 1, i, c] = b[k, i, c]
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
        m += 1
    return w_t0[:kd], w_dt[:kd], w_y0[:kd], w_poly[:kd], m, nfev, status, t


@njit(cache=True)
def _grown(a, cap):
    """``a`` copied into a larger array of ``cap`` rows."""
    out = np.empty((cap,) + a.shape[1:])
    out[: a.shape[0]] = a
    return out


@njit(cache=True, nogil=True)
def integrate(
    et0, y0, targets, h_first, epsilon, max_steps, eph, gm, isun, gr, c2, ng, span, window, own,
    stop,
):  # fmt: skip
    """IAS15 from ``et0`` to each of ``targets`` (one leg each: backwards and/or forwards) for
    the bodies with barycentric states ``y0`` (N, 6): with ``own``, each body alone, with its
    own steps (what it would take alone, whatever else is in the call); else all together on
    shared steps (the smallest any of them needs: clones of one orbit). ``h_first``: the first
    step of each leg.

    Returns the steps that overlap ``window`` (lo, hi), of every body in time order, as
    arrays over all the kept steps (S): lower time bound, start time, length, start state
    (S, 6), acceleration polynomial (S, 8, 3); then per body: its first step and number of
    steps there, the steps taken, the status (:data:`OK` or why it stopped) and the time it
    stopped at; and the number of force evaluations.

    ``stop`` (1,): read before every step; set non-zero (from another thread: this function
    runs without the GIL) it ends the integration within a step, every body not yet done
    with status :data:`INTERRUPTED` (the caller's signal handler, which cannot run inside
    compiled code, then raises)."""
    n = y0.shape[0]
    if ng.shape[0] != n or ng.shape[1] != 9 or y0.shape[1] != 6:
        raise ValueError("integrate: y0 must be (N, 6) and ng (N, 9)")
    if eph[6].shape[0] != gm.shape[0]:
        raise ValueError("integrate: one GM per body of the ephemeris table")
    groups = n if own else 1
    size = 1 if own else n
    cap = 64
    s_t0 = np.empty(cap)
    s_dt = np.empty(cap)
    s_y0 = np.empty((cap, 6))
    s_poly = np.empty((cap, 8, 3))
    first = np.zeros(n, np.int64)
    count = np.zeros(n, np.int64)
    steps = np.zeros(n, np.int64)
    status = np.zeros(n, np.int64)
    stopped = np.full(n, et0)
    total = 0
    nfev = 0
    for grp in range(groups):
        lo = grp * size
        members = ng[lo : lo + size]
        legs_t0 = []
        legs_dt = []
        legs_y0 = []
        legs_poly = []
        for leg in range(targets.shape[0]):
            x = np.empty((size, 3))
            v = np.empty((size, 3))
            for i in range(size):
                for c in range(3):
                    x[i, c] = y0[lo + i, c]
                    v[i, c] = y0[lo + i, 3 + c]
            w_t0, w_dt, w_y0, w_poly, m, calls, st, t_at = _leg(
                et0, x, v, targets[leg], epsilon, h_first[leg], max_steps, eph, gm, isun, gr,
                c2, members, span, window, stop,
            )  # fmt: skip
            nfev += calls
            for i in range(size):
                steps[lo + i] += m
            if st != OK:
                for i in range(size):
                    status[lo + i] = st
                    stopped[lo + i] = t_at
            legs_t0.append(w_t0)
            legs_dt.append(w_dt)
            legs_y0.append(w_y0)
            legs_poly.append(w_poly)
        kept = 0
        for leg in range(len(legs_t0)):
            kept += legs_t0[leg].shape[0]
        while total + size * kept > cap:
            cap *= 2
            s_t0, s_dt = _grown(s_t0, cap), _grown(s_dt, cap)
            s_y0, s_poly = _grown(s_y0, cap), _grown(s_poly, cap)
        for i in range(size):
            first[lo + i] = total
            count[lo + i] = kept
            for leg in range(len(legs_t0)):
                w_t0, w_dt, w_y0, w_poly = legs_t0[leg], legs_dt[leg], legs_y0[leg], legs_poly[leg]
                kd = w_t0.shape[0]
                backwards = kd > 0 and w_dt[0] < 0.0
                for r in range(kd):
                    k = kd - 1 - r if backwards else r  # in time order
                    s_t0[total] = w_t0[k]
                    s_dt[total] = w_dt[k]
                    s_y0[total] = w_y0[k, i]
                    s_poly[total] = w_poly[k, :, i, :]
                    total += 1
    s_lo = np.minimum(s_t0[:total], s_t0[:total] + s_dt[:total])
    return (
        s_lo, s_t0[:total].copy(), s_dt[:total].copy(), s_y0[:total].copy(),
        s_poly[:total].copy(), first, count, steps, status, stopped, nfev,
    )  # fmt: skip


@njit(cache=True)
def step_of(s_lo, first, count, t):
    """The last of the steps ``first .. first + count - 1`` (sorted by their lower bound
    ``s_lo``) that starts by ``t``: a binary search (``first`` when none does)."""
    lo, hi = first, first + count - 1
    while lo < hi:
        mid = (lo + hi + 1) // 2
        if s_lo[mid] <= t:
            lo = mid
        else:
            hi = mid - 1
    return lo


@njit(cache=True)
def state_in_step(s_t0, s_dt, s_y0, s_poly, k, t, out, col):
    """The state at ``t`` from step ``k``'s polynomial into ``out[col:col + 6]``."""
    dt = s_dt[k]
    s = (t - s_t0[k]) / dt
    for c in range(3):
        px = XC[7] * s_poly[k, 7, c]
        pv = VC[7] * s_poly[k, 7, c]
        for m in range(6, -1, -1):
            px = px * s + XC[m] * s_poly[k, m, c]
            pv = pv * s + VC[m] * s_poly[k, m, c]
        x0 = s_y0[k, c]
        v0 = s_y0[k, 3 + c]
        out[col + c] = x0 + dt * s * (v0 + dt * s * px)
        out[col + 3 + c] = v0 + dt * s * pv


@njit(cache=True)
def state_of(s_lo, s_t0, s_dt, s_y0, s_poly, first, count, y0, i, t, out, col):
    """Body ``i``'s state at ``t`` into ``out[col:col + 6]``: from the step that holds ``t``,
    its start state where it has no step (a window that is its epoch alone), NaN where no
    step of it reaches ``t`` (outside the window, or where its integration stopped)."""
    if count[i] == 0:
        for c in range(6):
            out[col + c] = y0[i, c]
        return
    k = step_of(s_lo, first[i], count[i], t)
    if t < s_lo[k] - 1e-6 or t > s_lo[k] + abs(s_dt[k]) + 1e-6:
        for c in range(6):
            out[col + c] = np.nan
        return
    state_in_step(s_t0, s_dt, s_y0, s_poly, k, t, out, col)


@njit(cache=True)
def dense_states_of(s_lo, s_t0, s_dt, s_y0, s_poly, first, count, y0, query, objects):
    """States (Q, 6 N) at times ``query`` from the steps' polynomials (NaN where no step
    holds the time) of every body, or (``objects``: one index per query, else an empty array)
    of body ``objects[q]`` alone, (Q, 6)."""
    n = first.shape[0]
    one = objects.shape[0] > 0
    out = np.empty((query.shape[0], 6 if one else 6 * n))
    for q in range(query.shape[0]):
        if one:
            state_of(s_lo, s_t0, s_dt, s_y0, s_poly, first, count, y0, objects[q], query[q],
                     out[q], 0)  # fmt: skip
        else:
            for i in range(n):
                state_of(s_lo, s_t0, s_dt, s_y0, s_poly, first, count, y0, i, query[q],
                         out[q], 6 * i)  # fmt: skip
    return out
