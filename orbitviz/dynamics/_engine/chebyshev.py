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


@njit(cache=True, inline="always")
def _record(link_first, link_count, piece_lo, init, intlen, n_records, link, et):
    """(piece, record) of link ``link`` in use at ``et`` (the first or last record beyond the
    ends): a division where the link is one piece, a binary search where it has several."""
    if link_count[link] == 1:
        k = link_first[link]
    else:
        k = piece_of(link_first, link_count, piece_lo, link, et)
    j = int(np.floor((et - init[k]) / intlen[k]))
    if j < 0:
        j = 0
    elif j >= n_records[k]:
        j = n_records[k] - 1
    return k, j


@njit(cache=True)
def link_state(eph, link, et, out, row, velocity):
    """Position (and with ``velocity`` the velocity) of link ``link`` at ``et``, in km and
    km/s, added into ``out[row]``: the Chebyshev polynomials are evaluated once for x, y, z
    (the same arithmetic as :func:`_run`'s, time by time)."""
    coef, offset, n_coef, init, intlen, n_records = eph[0], eph[1], eph[2], eph[3], eph[4], eph[5]
    k, j = _record(eph[7], eph[8], eph[9], init, intlen, n_records, link, et)
    radius = 0.5 * intlen[k]
    x = (et - (init[k] + (j + 0.5) * intlen[k])) / radius
    nc = n_coef[k]
    base = offset[k] + j * 3 * nc
    c1x = c1y = c1z = 0.0
    if nc > 1:
        c1x, c1y, c1z = coef[base + 1], coef[base + nc + 1], coef[base + 2 * nc + 1]
    px = coef[base] + c1x * x
    py = coef[base + nc] + c1y * x
    pz = coef[base + 2 * nc] + c1z * x
    vx, vy, vz = c1x, c1y, c1z
    t0, t1, d0, d1 = 1.0, x, 0.0, 1.0
    for m in range(2, nc):
        t2 = 2.0 * x * t1 - t0
        px += coef[base + m] * t2
        py += coef[base + nc + m] * t2
        pz += coef[base + 2 * nc + m] * t2
        if velocity:
            d2 = 2.0 * t1 + 2.0 * x * d1 - d0
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


@njit(cache=True, inline="always")
def bodies_states_at(eph, ets, out, flags, links, scratch, index):
    """Barycentric states (T, B, 6) of the table's bodies at the times ``ets`` (T <= 8, in
    time order either way: a step's nodes) into ``out``; each link (a body's segment
    relative to its centre, such as the Earth-Moon barycenter, shared by the Earth and the
    Moon) is evaluated once per time, with its velocity where ``flags`` asks for it
    (:func:`link_flags`; other velocities stay zero).

    The times are taken run by run of those in one record (a step shorter than a record is
    one run; the Moon's 4-day records cut a week-long step in two or three): the record's
    coefficients are read once and the run's Chebyshev recurrences go side by side, which
    the CPU's vector units do several at once. All in one function: a call that passes the
    table's arrays costs more than a link's arithmetic. ``links`` (T, L, 6), ``scratch``
    (11, 8): work space; ``index``: unused."""
    coef, offset, n_coef, init, intlen, n_records = eph[0], eph[1], eph[2], eph[3], eph[4], eph[5]
    chain_links, link_first, link_count, piece_lo = eph[6], eph[7], eph[8], eph[9]
    w = scratch
    n_t = ets.shape[0]
    for link in range(flags.shape[0]):
        if flags[link] == 0:
            continue
        velocity = flags[link] == 2
        q0 = 0
        while q0 < n_t:
            k, j = _record(link_first, link_count, piece_lo, init, intlen, n_records, link,
                           ets[q0])  # fmt: skip
            q1 = q0 + 1
            if link_count[link] == 1:  # the run: the next times in the same record
                while q1 < n_t:
                    jq = int(np.floor((ets[q1] - init[k]) / intlen[k]))
                    jq = min(max(jq, 0), n_records[k] - 1)
                    if jq != j:
                        break
                    q1 += 1
            nc = n_coef[k]
            base = offset[k] + j * 3 * nc
            mid = init[k] + (j + 0.5) * intlen[k]
            radius = 0.5 * intlen[k]
            c0x, c0y, c0z = coef[base], coef[base + nc], coef[base + 2 * nc]
            c1x = c1y = c1z = 0.0
            if nc > 1:
                c1x, c1y, c1z = coef[base + 1], coef[base + nc + 1], coef[base + 2 * nc + 1]
            n_run = q1 - q0  # the run's times in the work rows from 0 (indices the compiler
            # knows are not negative: no wrap-around test in the loops, which it vectorises)
            for i in range(n_run):
                x = (ets[q0 + i] - mid) / radius
                w[0, i] = x
                w[1, i] = 1.0
                w[2, i] = x
                w[3, i] = c0x + c1x * x
                w[4, i] = c0y + c1y * x
                w[5, i] = c0z + c1z * x
            if not velocity:
                for m in range(2, nc):
                    cx, cy, cz = coef[base + m], coef[base + nc + m], coef[base + 2 * nc + m]
                    for i in range(n_run):
                        t2 = 2.0 * w[0, i] * w[2, i] - w[1, i]
                        w[1, i] = w[2, i]
                        w[2, i] = t2
                        w[3, i] += cx * t2
                        w[4, i] += cy * t2
                        w[5, i] += cz * t2
                for i in range(n_run):
                    links[q0 + i, link, 0] = w[3, i]
                    links[q0 + i, link, 1] = w[4, i]
                    links[q0 + i, link, 2] = w[5, i]
                    links[q0 + i, link, 3] = 0.0
                    links[q0 + i, link, 4] = 0.0
                    links[q0 + i, link, 5] = 0.0
            else:  # with the derivatives: dT_m = 2 T_(m-1) + 2 x dT_(m-1) - dT_(m-2)
                for i in range(n_run):
                    w[6, i] = 0.0
                    w[7, i] = 1.0
                    w[8, i] = c1x
                    w[9, i] = c1y
                    w[10, i] = c1z
                for m in range(2, nc):
                    cx, cy, cz = coef[base + m], coef[base + nc + m], coef[base + 2 * nc + m]
                    for i in range(n_run):
                        x = w[0, i]
                        t2 = 2.0 * x * w[2, i] - w[1, i]
                        d2 = 2.0 * w[2, i] + 2.0 * x * w[7, i] - w[6, i]
                        w[1, i] = w[2, i]
                        w[2, i] = t2
                        w[6, i] = w[7, i]
                        w[7, i] = d2
                        w[3, i] += cx * t2
                        w[4, i] += cy * t2
                        w[5, i] += cz * t2
                        w[8, i] += cx * d2
                        w[9, i] += cy * d2
                        w[10, i] += cz * d2
                for i in range(n_run):
                    links[q0 + i, link, 0] = w[3, i]
                    links[q0 + i, link, 1] = w[4, i]
                    links[q0 + i, link, 2] = w[5, i]
                    links[q0 + i, link, 3] = w[8, i] / radius
                    links[q0 + i, link, 4] = w[9, i] / radius
                    links[q0 + i, link, 5] = w[10, i] / radius
            q0 = q1
    for q in range(n_t):
        for b in range(chain_links.shape[0]):
            k = chain_links[b, 0]
            for c in range(6):
                out[q, b, c] = links[q, k, c]
            for i in range(1, chain_links.shape[1]):
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
