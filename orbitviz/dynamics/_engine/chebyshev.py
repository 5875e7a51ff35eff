"""The perturbers' barycentric states, evaluated from the SPK's Chebyshev records
(:meth:`orbitviz.spice.segments.ChebyshevTable.jit_args`) inside compiled code: equal to
SPICE's to round-off, no SPICE call while integrating."""

from __future__ import annotations

import numpy as np

from .jit import njit


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
