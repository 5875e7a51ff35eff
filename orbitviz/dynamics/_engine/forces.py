"""The accelerations of the massless small bodies: point masses, the Sun's 1PN term and the
non-gravitational g(r) law with its delay (compiled)."""

from __future__ import annotations

import numpy as np

from .jit import njit


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


@njit(cache=True, inline="always")
def g_law(r, row):
    """Marsden's ``g = alpha (r/r0)^-m (1 + (r/r0)^n)^-k`` of the row (A1, A2, A3, alpha, r0,
    m, n, k, DT); the asteroids' 1/r^2 (m 2, k 0) without a power function (two ``pow`` calls
    cost as much as the gravity of all the perturbers)."""
    q = r / row[4]
    if row[7] == 0.0:
        if row[5] == 2.0:
            return row[3] / (q * q)
        return row[3] * q ** (-row[5])
    return row[3] * q ** (-row[5]) * (1.0 + q ** row[6]) ** (-row[7])


@njit(cache=True, inline="always")
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
                g = g_law(r_g, ng[i])
                ax += g * (ng[i, 0] * ux + ng[i, 1] * tx + ng[i, 2] * nx)
                ay += g * (ng[i, 0] * uy + ng[i, 1] * ty + ng[i, 2] * ny)
                az += g * (ng[i, 0] * uz + ng[i, 1] * tz + ng[i, 2] * nz)
        acc[i, 0] = ax
        acc[i, 1] = ay
        acc[i, 2] = az
