"""The compiled core of the N-body engine (numba): Chebyshev ephemeris, forces, IAS15.

One step loop for N massless bodies at once. The integrator is a 15th-order Gauss-Radau
predictor-corrector (Everhart 1985; the IAS15 form of Rein & Spiegel 2015, MNRAS 446, 1424)
with the step-size criterion of Pham, Rein & Spiegel (2024, OJAp 7): the new step is
``(7! epsilon)^(1/7) dt sqrt(2 y2 / (y3 + sqrt(y2 y4)))`` from the norms of the acceleration
and its first two derivatives at the step's end (the smallest over the bodies). Its eight
nodes stay put while the corrector iterates, so the perturbers' positions are evaluated once
per node and step, straight from the SPK's Chebyshev records
(:mod:`orbitviz.spice.segments`), and only the cheap small-body forces are iterated; the
steps are shared by all bodies. Dense output is the step's own acceleration polynomial,
integrated twice (the same accuracy as the steps).

Why IAS15 (measured on Apophis 2008 -> 2029, issue #12): DOP853 at rtol 1e-12 took 1,343
steps / 17,044 perturber evaluations and was still 30 m from its own converged answer; IAS15
at epsilon 1e-9 converges to round-off with fewer perturber evaluations. Why numba: the
force routine is ~1 us of arithmetic; in Python it costs ~100 us a call. Compiled once,
cached on disk (``NUMBA_CACHE_DIR``, default the user cache of orbitviz).
"""

from __future__ import annotations

import math
import os

import numpy as np
from platformdirs import user_cache_dir

os.environ.setdefault("NUMBA_CACHE_DIR", os.path.join(user_cache_dir("orbitviz"), "numba"))

from numba import config, njit  # imported after the cache folder is chosen

if not config.CACHE_DIR:  # numba was imported first (it reads its settings once): tell it now
    config.CACHE_DIR = os.environ["NUMBA_CACHE_DIR"]

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
def piece_of(link_first, link_count, piece_lo, k, et):
    """The piece (segment part) of link ``k`` in use at ``et``: the last that starts by then."""
    lo = link_first[k]
    hi = lo + link_count[k] - 1
    while lo < hi:
        mid = (lo + hi + 1) // 2
        if piece_lo[mid] <= et:
            lo = mid
        else:
            hi = mid - 1
    return lo


@njit(cache=True)
def link_state(eph, link, et, out, row, velocity):
    """Position (and with ``velocity`` the velocity) of link ``link`` at ``et``, in km and
    km/s, added into ``out[row]``: the Chebyshev polynomials are evaluated once for x, y, z."""
    coef, offset, n_coef, init, intlen, n_records = eph[0], eph[1], eph[2], eph[3], eph[4], eph[5]
    k = eph[7][link] if eph[8][link] == 1 else piece_of(eph[7], eph[8], eph[9], link, et)
    j = int(np.floor((et - init[k]) / intlen[k]))
    if j < 0:
        j = 0
    elif j >= n_records[k]:
        j = n_records[k] - 1
    radius = 0.5 * intlen[k]
    x = (et - (init[k] + (j + 0.5) * intlen[k])) / radius
    nc = n_coef[k]
    base = offset[k] + j * 3 * nc
    px = coef[base]
    py = coef[base + nc]
    pz = coef[base + 2 * nc]
    if nc > 1:
        px += coef[base + 1] * x
        py += coef[base + nc + 1] * x
        pz += coef[base + 2 * nc + 1] * x
    vx = vy = vz = 0.0
    if velocity and nc > 1:
        vx = coef[base + 1]
        vy = coef[base + nc + 1]
        vz = coef[base + 2 * nc + 1]
    t0, t1, d0, d1 = 1.0, x, 0.0, 1.0
    two_x = 2.0 * x
    for m in range(2, nc):
        t2 = two_x * t1 - t0
        px += coef[base + m] * t2
        py += coef[base + nc + m] * t2
        pz += coef[base + 2 * nc + m] * t2
        if velocity:
            d2 = 2.0 * t1 + two_x * d1 - d0
            vx += coef[base + m] * d2
            vy += coef[base + nc + m] * d2
            vz += coef[base + 2 * nc + m] * d2
            d0, d1 = d1, d2
        t0, t1 = t1, t2
    out[row, 0] += px
    out[row, 1] += py
    out[row, 2] += pz
    if velocity:
        out[row, 3] += vx / radius
        out[row, 4] += vy / radius
        out[row, 5] += vz / radius


@njit(cache=True)
def link_flags(eph, velocity_of):
    """Per link: 0 unused, 1 position, 2 position and velocity (the links of body
    ``velocity_of``'s chain; -1: none, -2: all)."""
    chain_links = eph[6]
    flags = np.zeros(eph[7].shape[0], np.int64)
    for b in range(chain_links.shape[0]):
        want = 2 if (velocity_of == -2 or velocity_of == b) else 1
        for i in range(chain_links.shape[1]):
            k = chain_links[b, i]
            if k < 0:
                break
            flags[k] = max(flags[k], want)
    return flags


@njit(cache=True)
def link_states(eph, link, ets, links, velocity, scratch, index):
    """Link ``link`` at the times ``ets`` (T,) into ``links[:, link]`` (T, L, 6): the
    Chebyshev recurrences of all T times run side by side (independent chains that the CPU
    overlaps; one time after another, each waits for the last multiply). ``scratch`` (6, T)
    and ``index`` (T,) are work space."""
    coef, offset, n_coef, init, intlen, n_records = eph[0], eph[1], eph[2], eph[3], eph[4], eph[5]
    n_t = ets.shape[0]
    nc = -1
    for q in range(n_t):
        et = ets[q]
        k = eph[7][link] if eph[8][link] == 1 else piece_of(eph[7], eph[8], eph[9], link, et)
        if nc < 0:
            nc = n_coef[k]
        elif n_coef[k] != nc:  # pieces of different degrees: one time after another
            for r in range(n_t):
                links[r, link, :] = 0.0
                link_state(eph, link, ets[r], links[r], link, velocity)
            return
        u = (et - init[k]) / intlen[k]  # records from the piece's start
        j = int(np.floor(u))
        if j < 0:
            j = 0
        elif j >= n_records[k]:
            j = n_records[k] - 1
        scratch[0, q] = 2.0 * (u - j) - 1.0  # x in [-1, 1] over the record
        index[q] = offset[k] + j * 3 * nc
    for q in range(n_t):
        base = index[q]
        x = scratch[0, q]
        scratch[1, q] = 1.0  # T0
        scratch[2, q] = x  # T1
        scratch[3, q] = coef[base] + (coef[base + 1] * x if nc > 1 else 0.0)
        scratch[4, q] = coef[base + nc] + (coef[base + nc + 1] * x if nc > 1 else 0.0)
        scratch[5, q] = coef[base + 2 * nc] + (coef[base + 2 * nc + 1] * x if nc > 1 else 0.0)
    for m in range(2, nc):
        for q in range(n_t):
            base = index[q]
            t2 = 2.0 * scratch[0, q] * scratch[2, q] - scratch[1, q]
            scratch[3, q] += coef[base + m] * t2
            scratch[4, q] += coef[base + nc + m] * t2
            scratch[5, q] += coef[base + 2 * nc + m] * t2
            scratch[1, q] = scratch[2, q]
            scratch[2, q] = t2
    for q in range(n_t):
        links[q, link, 0] = scratch[3, q]
        links[q, link, 1] = scratch[4, q]
        links[q, link, 2] = scratch[5, q]
        links[q, link, 3] = 0.0
        links[q, link, 4] = 0.0
        links[q, link, 5] = 0.0
    if velocity:  # the velocity series (rarely wanted: the Sun's, for 1PN and non-grav)
        for q in range(n_t):
            links[q, link, :] = 0.0
            link_state(eph, link, ets[q], links[q], link, True)


@njit(cache=True)
def bodies_states_at(eph, ets, out, flags, links, scratch, index):
    """Barycentric states (T, B, 6) of the table's bodies at the times ``ets`` (T,) into
    ``out``; each link (a body's segment relative to its centre, such as the Earth-Moon
    barycenter, shared by the Earth and the Moon) is evaluated once per time, with its
    velocity where ``flags`` asks for it (:func:`link_flags`; other velocities stay zero).
    ``links`` (T, L, 6), ``scratch`` (6, T) and ``index`` (T,): work space."""
    chain_links = eph[6]
    for k in range(flags.shape[0]):
        if flags[k]:
            link_states(eph, k, ets, links, flags[k] == 2, scratch, index)
    for q in range(ets.shape[0]):
        for b in range(chain_links.shape[0]):
            for c in range(6):
                out[q, b, c] = 0.0
            for i in range(chain_links.shape[1]):
                k = chain_links[b, i]
                if k < 0:
                    break
                for c in range(6):
                    out[q, b, c] += links[q, k, c]


@njit(cache=True)
def bodies_states(eph, et, rows):
    """Barycentric states (T, len(rows), 6) of the bodies ``rows`` at the times ``et`` (T,):
    only the chains of those bodies are evaluated."""
    chain_links = eph[6]
    out = np.zeros((et.shape[0], rows.shape[0], 6))
    for i in range(et.shape[0]):
        for r in range(rows.shape[0]):
            for c in range(chain_links.shape[1]):
                k = chain_links[rows[r], c]
                if k < 0:
                    break
                link_state(eph, k, et[i], out[i], r, True)
    return out


@njit(cache=True)
def _stumpff(z):
    """Stumpff's C(z) and S(z) (universal-variable Kepler)."""
    if z > 1e-8:
        sz = np.sqrt(z)
        return (1.0 - np.cos(sz)) / z, (sz - np.sin(sz)) / (sz * z)
    if z < -1e-8:
        sz = np.sqrt(-z)
        return (np.cosh(sz) - 1.0) / -z, (np.sinh(sz) - sz) / (sz * -z)
    return 0.5 - z / 24.0, 1.0 / 6.0 - z / 120.0


@njit(cache=True)
def radius_after(rx, ry, rz, vx, vy, vz, mu, dt):
    """Distance |r| (km) from the centre after ``dt`` seconds on the two-body conic of the
    state (r, v) with parameter ``mu``: universal variables (any eccentricity), Newton's
    method. The delayed distance of a comet's g(r(t - DT)) law."""
    r0 = np.sqrt(rx * rx + ry * ry + rz * rz)
    v2 = vx * vx + vy * vy + vz * vz
    sqmu = np.sqrt(mu)
    sigma = (rx * vx + ry * vy + rz * vz) / sqmu
    alpha = 2.0 / r0 - v2 / mu
    chi = sqmu * abs(alpha) * dt if alpha > 0.0 else sqmu * dt / r0
    r = r0
    for _ in range(50):
        z = alpha * chi * chi
        c, s = _stumpff(z)
        t = sigma * chi * chi * c + (1.0 - alpha * r0) * chi * chi * chi * s + r0 * chi
        r = sigma * chi * (1.0 - z * s) + (1.0 - alpha * r0) * chi * chi * c + r0
        step = (t - sqmu * dt) / r
        chi -= step
        if abs(step) < 1e-12 * (1.0 + abs(chi)):
            break
    z = alpha * chi * chi
    c, s = _stumpff(z)
    return sigma * chi * (1.0 - z * s) + (1.0 - alpha * r0) * chi * chi * c + r0


@njit(cache=True)
def forces(x, v, bodies, gm, isun, gr, c2, ng, acc):
    """Accelerations (N, 3) [km/s^2] of N massless bodies at positions ``x`` and velocities
    ``v`` (N, 3) (barycentric) into ``acc``, the perturbers at ``bodies`` (B, 6).

    Point masses ``gm`` (B,); with ``gr`` the 1PN term of the Sun (PPN beta = gamma = 1,
    heliocentric r, v); ``ng`` (N, 9): A1, A2, A3 (km/s^2), alpha, r0 (km), m, n, k and the
    delay DT (s) of the Marsden non-gravitational law per body (A all zero: none); with a
    delay, g takes the heliocentric distance DT earlier, on the osculating two-body conic
    (Yeomans & Chodas 1989's g(r(t - DT)))."""
    n_bodies = gm.shape[0]
    gm_sun = gm[isun] if isun >= 0 else 0.0
    for i in range(x.shape[0]):
        ax = ay = az = 0.0
        for b in range(n_bodies):
            dx = x[i, 0] - bodies[b, 0]
            dy = x[i, 1] - bodies[b, 1]
            dz = x[i, 2] - bodies[b, 2]
            r2 = dx * dx + dy * dy + dz * dz
            f = gm[b] / (r2 * np.sqrt(r2))
            ax -= f * dx
            ay -= f * dy
            az -= f * dz
        has_ng = ng[i, 0] != 0.0 or ng[i, 1] != 0.0 or ng[i, 2] != 0.0
        if isun >= 0 and (gr or has_ng):
            rx = x[i, 0] - bodies[isun, 0]
            ry = x[i, 1] - bodies[isun, 1]
            rz = x[i, 2] - bodies[isun, 2]
            vx = v[i, 0] - bodies[isun, 3]
            vy = v[i, 1] - bodies[isun, 4]
            vz = v[i, 2] - bodies[isun, 5]
            r = np.sqrt(rx * rx + ry * ry + rz * rz)
            if gr:
                v2 = vx * vx + vy * vy + vz * vz
                rdv = rx * vx + ry * vy + rz * vz
                f = gm_sun / (c2 * r * r * r)
                fr = f * (4.0 * gm_sun / r - v2)
                fv = f * 4.0 * rdv
                ax += fr * rx + fv * vx
                ay += fr * ry + fv * vy
                az += fr * rz + fv * vz
            if has_ng:
                hx, hy, hz = ry * vz - rz * vy, rz * vx - rx * vz, rx * vy - ry * vx
                hn = np.sqrt(hx * hx + hy * hy + hz * hz)
                nx, ny, nz = hx / hn, hy / hn, hz / hn
                ux, uy, uz = rx / r, ry / r, rz / r
                tx, ty, tz = ny * uz - nz * uy, nz * ux - nx * uz, nx * uy - ny * ux
                r_g = r
                if ng[i, 8] != 0.0:
                    r_g = radius_after(rx, ry, rz, vx, vy, vz, gm_sun, -ng[i, 8])
                q = r_g / ng[i, 4]
                g = ng[i, 3] * q ** (-ng[i, 5]) * (1.0 + q ** ng[i, 6]) ** (-ng[i, 7])
                ax += g * (ng[i, 0] * ux + ng[i, 1] * tx + ng[i, 2] * nx)
                ay += g * (ng[i, 0] * uy + ng[i, 1] * ty + ng[i, 2] * ny)
                az += g * (ng[i, 0] * uz + ng[i, 1] * tz + ng[i, 2] * nz)
        acc[i, 0] = ax
        acc[i, 1] = ay
        acc[i, 2] = az


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
