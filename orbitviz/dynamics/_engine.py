"""The compiled core of the N-body engine (numba): Chebyshev ephemeris, forces, DOP853.

One step loop for N massless bodies at once: at each stage the perturbers' positions are
evaluated once, straight from the SPK's Chebyshev records (:mod:`orbitviz.spice.segments`), and
the accelerations of all N bodies follow. The integrator is Dormand & Prince's DOP853 (order 8,
embedded 5th/3rd-order error estimate, 7th-order dense output), its coefficients taken from
scipy (the same tableau scipy's ``solve_ivp(method="DOP853")`` uses), the steps shared by all
bodies (the largest error decides).

Why numba: the right-hand side is ~1 us of arithmetic; in Python it costs ~100 us a call and
the SPICE sampling before it seconds (issue #12's measurement: 8.5 s for Apophis 2008 -> 2029).
Compiled once, cached on disk (``NUMBA_CACHE_DIR``, default the user cache of orbitviz).
"""

from __future__ import annotations

import os

import numpy as np
from platformdirs import user_cache_dir
from scipy.integrate._ivp import dop853_coefficients as _dop

os.environ.setdefault("NUMBA_CACHE_DIR", os.path.join(user_cache_dir("orbitviz"), "numba"))

from numba import njit  # imported after the cache folder is chosen

N_STAGES = _dop.N_STAGES  # 12
A = np.ascontiguousarray(_dop.A[: N_STAGES + 4, : N_STAGES + 4], dtype=np.float64)
B = np.ascontiguousarray(_dop.B, dtype=np.float64)
C = np.ascontiguousarray(_dop.C, dtype=np.float64)
E3 = np.ascontiguousarray(_dop.E3, dtype=np.float64)
E5 = np.ascontiguousarray(_dop.E5, dtype=np.float64)
D = np.ascontiguousarray(_dop.D, dtype=np.float64)
N_EXTENDED = _dop.N_STAGES_EXTENDED  # 16
POWER = _dop.INTERPOLATOR_POWER  # 7
SAFETY, MIN_FACTOR, MAX_FACTOR = 0.9, 0.2, 10.0

# status codes of integrate()
OK, TOO_MANY_STEPS, STEP_TOO_SMALL, OUT_OF_EPHEMERIS = 0, 1, 2, 3


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
def bodies_state(eph, et, out, velocity_of):
    """Barycentric states (B, 6) of the table's bodies at ``et`` into ``out``; velocities only
    for body ``velocity_of`` (-1: none, -2: all)."""
    chain_links = eph[6]
    out[:, :] = 0.0
    for b in range(chain_links.shape[0]):
        velocity = velocity_of == -2 or velocity_of == b
        for i in range(chain_links.shape[1]):
            k = chain_links[b, i]
            if k < 0:
                break
            link_state(eph, k, et, out, b, velocity)


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
def accelerations(t, y, eph, gm, isun, gr, c2, ng, needs_sun, work, dydt):
    """d/dt of the states ``y`` (N*6,) of N massless bodies at ``t`` into ``dydt``.

    Point masses ``gm`` (B,) of the table's bodies; with ``gr`` the 1PN term of the Sun
    (PPN beta = gamma = 1, heliocentric r, v); ``ng`` (N, 9): A1, A2, A3 (km/s^2), alpha, r0
    (km), m, n, k and the delay DT (s) of the Marsden non-gravitational law per body (A all
    zero: none); with a delay, g takes the heliocentric distance DT earlier, on the osculating
    two-body conic (Yeomans & Chodas 1989's g(r(t - DT)))."""
    bodies_state(eph, t, work, isun if (gr or needs_sun) else -1)
    n = y.shape[0] // 6
    n_bodies = gm.shape[0]
    gm_sun = gm[isun] if isun >= 0 else 0.0
    for i in range(n):
        o = 6 * i
        ax = ay = az = 0.0
        for b in range(n_bodies):
            dx = y[o] - work[b, 0]
            dy = y[o + 1] - work[b, 1]
            dz = y[o + 2] - work[b, 2]
            r2 = dx * dx + dy * dy + dz * dz
            f = gm[b] / (r2 * np.sqrt(r2))
            ax -= f * dx
            ay -= f * dy
            az -= f * dz
        if isun >= 0 and (gr or ng[i, 0] != 0.0 or ng[i, 1] != 0.0 or ng[i, 2] != 0.0):
            rx, ry, rz = y[o] - work[isun, 0], y[o + 1] - work[isun, 1], y[o + 2] - work[isun, 2]
            vx = y[o + 3] - work[isun, 3]
            vy = y[o + 4] - work[isun, 4]
            vz = y[o + 5] - work[isun, 5]
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
            if ng[i, 0] != 0.0 or ng[i, 1] != 0.0 or ng[i, 2] != 0.0:
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
        dydt[o] = y[o + 3]
        dydt[o + 1] = y[o + 4]
        dydt[o + 2] = y[o + 5]
        dydt[o + 3] = ax
        dydt[o + 4] = ay
        dydt[o + 5] = az


@njit(cache=True)
def _error_norm(K, h, y, y_new, rtol, atol, n_objects):
    """The largest, over the bodies, of DOP853's error norm (scipy's formula per body)."""
    worst = 0.0
    n = 6
    for i in range(n_objects):
        e5 = 0.0
        e3 = 0.0
        for j in range(6 * i, 6 * i + 6):
            scale = atol[j % 6] + max(abs(y[j]), abs(y_new[j])) * rtol
            s5 = 0.0
            s3 = 0.0
            for s in range(N_STAGES + 1):
                s5 += K[s, j] * E5[s]
                s3 += K[s, j] * E3[s]
            e5 += (s5 / scale) ** 2
            e3 += (s3 / scale) ** 2
        if e5 == 0.0 and e3 == 0.0:
            continue
        norm = abs(h) * e5 / np.sqrt((e5 + 0.01 * e3) * n)
        worst = max(worst, norm)
    return worst


@njit(cache=True)
def _stage_state(K, s, y, h, out):
    """The state at which DOP853's stage ``s`` is evaluated: y + h sum_r A[s, r] K[r]."""
    for j in range(y.shape[0]):
        acc = 0.0
        for r in range(s):
            acc += K[r, j] * A[s, r]
        out[j] = y[j] + h * acc


@njit(cache=True)
def integrate(
    t0, y0, t_end, rtol, atol, h_first, max_steps, eph, gm, isun, gr, c2, ng, span, dense_span
):
    """DOP853 from ``t0`` to ``t_end`` (either direction). Returns (times (M+1,), states
    (M+1, n), dense coefficients (M, 7, n), number of force evaluations, status). The dense
    coefficients (three more force evaluations a step) are made only for steps that overlap
    ``dense_span`` (lo, hi); the others hold NaN."""
    n = y0.shape[0]
    n_objects = n // 6
    if n != 6 * n_objects or ng.shape[0] != n_objects or ng.shape[1] != 9:
        raise ValueError("integrate: y0 must be (6 N,) and ng (N, 9)")
    if eph[6].shape[0] != gm.shape[0]:
        raise ValueError("integrate: one GM per body of the ephemeris table")
    work = np.empty((gm.shape[0], 6))
    needs_sun = False
    for i in range(n_objects):
        if ng[i, 0] != 0.0 or ng[i, 1] != 0.0 or ng[i, 2] != 0.0:
            needs_sun = True
    K = np.empty((N_EXTENDED, n))
    cap = 256
    ts = np.empty(cap)
    ys = np.empty((cap, n))
    Fs = np.empty((cap, POWER, n))
    direction = 1.0 if t_end >= t0 else -1.0
    t = t0
    y = y0.copy()
    f = np.empty(n)
    accelerations(t, y, eph, gm, isun, gr, c2, ng, needs_sun, work, f)
    nfev = 1
    ts[0] = t
    ys[0] = y
    m = 0
    h_abs = abs(h_first)
    y_new = np.empty(n)
    f_new = np.empty(n)
    stage = np.empty(n)
    status = OK
    exponent = -1.0 / 8.0
    while direction * (t_end - t) > 0.0:
        if m + 1 >= max_steps:
            status = TOO_MANY_STEPS
            break
        min_step = 10.0 * abs(np.nextafter(t, direction * np.inf) - t)
        rejected = False
        while True:
            if h_abs < min_step:
                status = STEP_TOO_SMALL
                break
            h = h_abs * direction
            t_new = t + h
            if direction * (t_new - t_end) > 0.0:
                t_new = t_end
            h = t_new - t
            h_abs = abs(h)
            if t_new < span[0] or t_new > span[1]:
                status = OUT_OF_EPHEMERIS
                break
            K[0, :] = f
            for s in range(1, N_STAGES):
                _stage_state(K, s, y, h, stage)
                accelerations(t + C[s] * h, stage, eph, gm, isun, gr, c2, ng, needs_sun, work, K[s])
            for j in range(n):
                acc = 0.0
                for r in range(N_STAGES):
                    acc += K[r, j] * B[r]
                y_new[j] = y[j] + h * acc
            accelerations(t + h, y_new, eph, gm, isun, gr, c2, ng, needs_sun, work, f_new)
            K[N_STAGES, :] = f_new
            nfev += N_STAGES
            err = _error_norm(K, h, y, y_new, rtol, atol, n_objects)
            if err < 1.0:
                factor = MAX_FACTOR if err == 0.0 else min(MAX_FACTOR, SAFETY * err**exponent)
                if rejected:
                    factor = min(1.0, factor)
                h_next = h_abs * factor
                break
            h_abs *= max(MIN_FACTOR, SAFETY * err**exponent)
            rejected = True
        if status != OK:
            break
        # dense output: three extra stages, then the interpolant's coefficients
        wanted = min(t, t_new) <= dense_span[1] and max(t, t_new) >= dense_span[0]
        for s in range(N_STAGES + 1, N_EXTENDED if wanted else N_STAGES + 1):
            _stage_state(K, s, y, h, stage)
            accelerations(t + C[s] * h, stage, eph, gm, isun, gr, c2, ng, needs_sun, work, K[s])
        if wanted:
            nfev += N_EXTENDED - N_STAGES - 1
        if m + 1 >= cap:
            cap *= 2
            ts2 = np.empty(cap)
            ys2 = np.empty((cap, n))
            Fs2 = np.empty((cap, POWER, n))
            ts2[: m + 1] = ts[: m + 1]
            ys2[: m + 1] = ys[: m + 1]
            Fs2[:m] = Fs[:m]
            ts, ys, Fs = ts2, ys2, Fs2
        for j in range(n):
            if not wanted:
                Fs[m, :, j] = np.nan
                continue
            dy = y_new[j] - y[j]
            Fs[m, 0, j] = dy
            Fs[m, 1, j] = h * K[0, j] - dy
            Fs[m, 2, j] = 2.0 * dy - h * (f_new[j] + K[0, j])
            for p in range(POWER - 3):
                acc = 0.0
                for r in range(N_EXTENDED):
                    acc += D[p, r] * K[r, j]
                Fs[m, 3 + p, j] = h * acc
        m += 1
        t = t_new
        y[:] = y_new
        f[:] = f_new
        ts[m] = t
        ys[m] = y
        h_abs = h_next
    return ts[: m + 1].copy(), ys[: m + 1].copy(), Fs[:m].copy(), nfev, status


@njit(cache=True)
def dense_states(ts, ys, Fs, query):
    """States (Q, n) at times ``query`` (inside the span) from the steps' interpolants."""
    n = ys.shape[1]
    m = Fs.shape[0]
    out = np.empty((query.shape[0], n))
    forward = ts[-1] >= ts[0]
    for q in range(query.shape[0]):
        t = query[q]
        # the step holding t (ts increasing forwards, decreasing backwards)
        lo, hi = 0, m
        while hi - lo > 1:
            mid = (lo + hi) // 2
            if (ts[mid] <= t) == forward:
                lo = mid
            else:
                hi = mid
        if m == 0:
            out[q] = ys[0]
            continue
        h = ts[lo + 1] - ts[lo]
        x = (t - ts[lo]) / h
        for j in range(n):
            acc = 0.0
            for i in range(POWER):
                acc += Fs[lo, POWER - 1 - i, j]
                if i % 2 == 0:
                    acc *= x
                else:
                    acc *= 1.0 - x
            out[q, j] = acc + ys[lo, j]
    return out
