"""Vectorised two-body (Kepler) propagation for elliptic, parabolic and hyperbolic orbits.

Elements are float arrays of shape ``(..., 8)`` in SPICE ``conics`` order::

    [rp_km, ecc, inc_rad, lnode_rad, argp_rad, m0_rad, t0_et, mu_km3s2]

with the mean anomaly ``m0_rad`` at epoch ``t0_et`` (TDB seconds past J2000). The mean anomaly
follows SPICE: ``M = n (t - tp)`` with ``n = sqrt(mu / |a|^3)`` for e != 1 and, for a parabola
(e == 1 exactly), ``n = sqrt(mu / (2 rp^3))`` with Barker's ``M = D + D^3/3``, ``D = tan(nu/2)``.

Everything is array code: no Python loop over objects or times. Near-parabolic orbits are
computed in forms that avoid cancellation (``E - sin E`` by series, positions from ``rp``).

Example
-------
>>> import numpy as np
>>> from orbitviz.dynamics.kepler import propagate
>>> elts = np.array([1.496e8, 0.0167, 0.0, 0.0, 1.8, 0.0, 0.0, 1.32712440041e11])
>>> propagate(elts, np.array([0.0, 86400.0])).shape
(2, 6)
"""

from __future__ import annotations

import sys

import numpy as np

from orbitviz.dynamics.relative import distance_km, distance_rate_kms
from orbitviz.errors import ElementsError, InconsistentElements
from orbitviz.units import DAY_S, EPOCH_JD_RANGE, J2000_JD, MAX_ABS_MEAN_ANOMALY_DEG

__all__ = [
    "ELEMENT_NAMES",
    "distance_and_rate",
    "elements_to_state",
    "propagate",
    "solve_kepler_elliptic",
    "solve_kepler_hyperbolic",
    "state_to_elements",
    "validate_elements",
]

ELEMENT_NAMES = ("rp_km", "ecc", "inc_rad", "lnode_rad", "argp_rad", "m0_rad", "t0_et", "mu_km3s2")

_TWO_PI = 2.0 * np.pi
_MAX_ITER = 60
COMPILED_MIN_STATES = (1, 50_000)
"""States are computed by the compiled form of the same algorithm
(:mod:`orbitviz.dynamics._engine.kepler`; the two agree to ~1e-13): always where numba is
already loaded (~3x faster for many states; for a few, ~0.5 ms of array-code overhead per call
becomes a few us: a conic flyby makes ~70 such calls), from 50,000 states (where the array
code takes ~25 ms) otherwise, so that a small propagation does not pay for loading numba
(~0.3 s)."""


# --------------------------------------------------------------------------------------------
# validation
# --------------------------------------------------------------------------------------------
def validate_elements(elts) -> np.ndarray:
    """Return ``elts`` as a float array of shape (..., 8), or raise :class:`ElementsError`.

    Checks: last axis has 8 entries, all finite, ``rp_km > 0``, ``ecc >= 0``, ``mu_km3s2 > 0``.
    The message names the first bad element, its value and (for many objects) its index.
    """
    arr = np.asarray(elts, dtype=float)
    if arr.ndim == 0 or arr.shape[-1] != 8:
        raise ElementsError(
            f"conic elements must have 8 entries on the last axis {ELEMENT_NAMES}, "
            f"got shape {arr.shape}; build them with OrbitalElements.to_conics() or in that order"
        )
    flat = arr.reshape(-1, 8)
    checks = (
        (0, ~np.isfinite(flat[:, 0]) | (flat[:, 0] <= 0.0), "must be > 0"),
        (1, ~np.isfinite(flat[:, 1]) | (flat[:, 1] < 0.0), "must be >= 0"),
        (7, ~np.isfinite(flat[:, 7]) | (flat[:, 7] <= 0.0), "must be > 0"),
    )
    for col, bad, rule in checks:
        if bad.any():
            k = int(np.flatnonzero(bad)[0])
            raise ElementsError(
                f"invalid conic element {ELEMENT_NAMES[col]} = {flat[k, col]!r} "
                f"(object index {k}): {rule}; check the element source (units: km, rad, s, km^3/s^2)"
            )
    bad = ~np.isfinite(flat)
    if bad.any():
        k, col = map(int, np.argwhere(bad)[0])
        raise ElementsError(
            f"invalid conic element {ELEMENT_NAMES[col]} = {flat[k, col]!r} (object index {k}): "
            f"must be finite; check the element source"
        )
    lo_et, hi_et = ((jd - J2000_JD) * DAY_S for jd in EPOCH_JD_RANGE)
    m0_max = np.radians(MAX_ABS_MEAN_ANOMALY_DEG)
    absurd = (
        (5, np.abs(flat[:, 5]) > m0_max, f"|m0| must be <= {m0_max:.4g} rad (wrap it)"),
        (
            6,
            (flat[:, 6] < lo_et) | (flat[:, 6] > hi_et),
            f"t0 must be within ET {lo_et:.6g} .. {hi_et:.6g} (DE441's span; check its unit)",
        ),
    )
    for col, bad, rule in absurd:
        if bad.any():
            k = int(np.flatnonzero(bad)[0])
            raise InconsistentElements(
                f"invalid conic element {ELEMENT_NAMES[col]} = {flat[k, col]!r} "
                f"(object index {k}): {rule}",
                field=ELEMENT_NAMES[col],
                value=float(flat[k, col]),
            )
    return arr


# --------------------------------------------------------------------------------------------
# Kepler's equation
# --------------------------------------------------------------------------------------------
def _x_minus_sin(x: np.ndarray) -> np.ndarray:
    """x - sin(x) without cancellation for small |x| (series below |x| < 1)."""
    x = np.asarray(x, dtype=float)
    out = x - np.sin(x)
    small = np.abs(x) < 1.0
    if small.any():
        xs = x[small]
        x2 = xs * xs
        term = xs * x2 / 6.0
        acc = term.copy()
        for k in range(2, 12):  # x^3/3! - x^5/5! + ... ; 11 terms reach 1e-19 relative at |x| = 1
            term = -term * x2 / ((2 * k) * (2 * k + 1))
            acc += term
        out[small] = acc
    return out


def _sinh_minus_x(x: np.ndarray) -> np.ndarray:
    """sinh(x) - x without cancellation for small |x| (series below |x| < 1)."""
    x = np.asarray(x, dtype=float)
    with np.errstate(over="ignore"):
        out = np.sinh(x) - x
    small = np.abs(x) < 1.0
    if small.any():
        xs = x[small]
        x2 = xs * xs
        term = xs * x2 / 6.0
        acc = term.copy()
        for k in range(2, 12):
            term = term * x2 / ((2 * k) * (2 * k + 1))
            acc += term
        out[small] = acc
    return out


def _cubic_root(p: np.ndarray, q: np.ndarray) -> np.ndarray:
    """Real root of x^3 + p x - q = 0 for p >= 0, q >= 0 (stable sinh form; p = 0 allowed)."""
    with np.errstate(divide="ignore", invalid="ignore", over="ignore"):
        s = np.sqrt(p / 3.0)
        arg = 1.5 * q / (p * s)
        root = 2.0 * s * np.sinh(np.arcsinh(arg) / 3.0)
    return np.where(p > 0.0, root, np.cbrt(q))


def solve_kepler_elliptic(m_rad, ecc) -> np.ndarray:
    """Eccentric anomaly E solving ``E - e sin E = M`` for 0 <= e < 1 (arrays broadcast).

    M is reduced to [-pi, pi] and the odd symmetry used; the root is bracketed in
    [max(M, E_cubic), min(M + e, pi)] (``E_cubic`` solves ``(1-e) E + e E^3/6 = M``, a lower
    bound) and refined by Halley steps with a bisection safeguard, the equation being written as
    ``(1-e) E + e (E - sin E) - M`` so e -> 1 keeps full precision. Returns E in [-pi, pi]
    plus the removed multiple of 2 pi (E has the same branch as the input M).
    """
    m_rad, ecc = np.broadcast_arrays(np.asarray(m_rad, dtype=float), np.asarray(ecc, dtype=float))
    turns = np.round(m_rad / _TWO_PI)
    m_red = m_rad - turns * _TWO_PI
    sign = np.where(m_red < 0.0, -1.0, 1.0)
    m = np.abs(m_red)
    e = ecc
    one_m_e = 1.0 - e
    with np.errstate(divide="ignore", invalid="ignore", over="ignore"):  # tiny e: see below
        safe_e = np.where(e > 0, e, 1.0)
        e_cubic = _cubic_root(6.0 * one_m_e / safe_e, 6.0 * m / safe_e)
    e_cubic = np.where((e > 0) & np.isfinite(e_cubic), e_cubic, m)  # tiny e: E ~ M
    lo = np.maximum(m, np.minimum(e_cubic, np.pi))
    hi = np.minimum(m + e, np.pi)
    lo = np.minimum(lo, hi)
    x = np.clip(e_cubic, lo, hi)
    x = _halley_bracketed(x, lo, hi, _kepler_elliptic_fdd, (e, m))
    return sign * x + turns * _TWO_PI


def solve_kepler_hyperbolic(m_rad, ecc) -> np.ndarray:
    """Hyperbolic anomaly H solving ``e sinh H - H = M`` for e > 1 (arrays broadcast, any M).

    Bracket [asinh(M/e), min(asinh(M/(e-1)), H_cubic)] (``H_cubic`` solves
    ``(e-1) H + e H^3/6 = M``, an upper bound), Halley steps with a bisection safeguard, the
    equation written as ``(e-1) H + e (sinh H - H) - M``.
    """
    m_rad, ecc = np.broadcast_arrays(np.asarray(m_rad, dtype=float), np.asarray(ecc, dtype=float))
    sign = np.where(m_rad < 0.0, -1.0, 1.0)
    m = np.abs(m_rad)
    e = ecc
    e_m_1 = e - 1.0
    with np.errstate(divide="ignore", invalid="ignore"):
        h_cubic = _cubic_root(6.0 * e_m_1 / e, 6.0 * m / e)
        hi = np.minimum(np.arcsinh(m / e_m_1), h_cubic)
    lo = np.minimum(np.arcsinh(m / e), hi)
    # starter: the cubic (exact as H -> 0) for small H, one fixed-point step of
    # H = asinh((M + H) / e) from ln(1 + 2M/e) for large H; kept inside the bracket
    x_big = np.arcsinh((m + np.log1p(2.0 * m / e)) / e)
    x = np.clip(np.where(h_cubic < 1.0, h_cubic, x_big), lo, hi)

    x = _halley_bracketed(x, lo, hi, _kepler_hyperbolic_fdd, (e, m))
    return sign * x


def _kepler_elliptic_fdd(E, e, m):
    """f, f', f'' of (1-e) E + e (E - sin E) - M."""
    return (1.0 - e) * E + e * _x_minus_sin(E) - m, (1.0 - e) + e * (1.0 - np.cos(E)), e * np.sin(E)


def _kepler_hyperbolic_fdd(H, e, m):
    """f, f', f'' of (e-1) H + e (sinh H - H) - M."""
    return (e - 1.0) * H + e * _sinh_minus_x(H) - m, e * np.cosh(H) - 1.0, e * np.sinh(H)


def _halley_bracketed(x, lo, hi, fdd, params):
    """Vectorised Halley iteration kept inside [lo, hi] (bisection when a step leaves it).

    ``fdd(x, *params) -> (f, f', f'')`` with f increasing on the bracket, f(lo) <= 0 <= f(hi).
    Only elements not yet converged (step <= 4 ulp) are iterated; at most ``_MAX_ITER`` rounds.
    """
    eps = np.finfo(float).eps
    x, lo, hi = x.copy(), lo.copy(), hi.copy()
    params = [np.broadcast_to(p, x.shape) for p in params]
    active = np.flatnonzero(np.ones(x.size, dtype=bool))
    xf, lof, hif = x.reshape(-1), lo.reshape(-1), hi.reshape(-1)
    pf = [p.reshape(-1) for p in params]
    for _ in range(_MAX_ITER):
        if active.size == 0:
            break
        xa, la, ha = xf[active], lof[active], hif[active]
        fa, f1, f2 = fdd(xa, *[p[active] for p in pf])
        la = np.where(fa <= 0.0, xa, la)
        ha = np.where(fa >= 0.0, xa, ha)
        with np.errstate(divide="ignore", invalid="ignore", over="ignore"):
            newton = fa / f1
            xn = xa - newton / (1.0 - 0.5 * newton * f2 / f1)
        outside = ~np.isfinite(xn) | (xn < la) | (xn > ha)
        xn = np.where(outside, 0.5 * (la + ha), xn)
        xn = np.where(fa == 0.0, xa, xn)
        tol = 4.0 * eps * np.abs(xn)
        done = (np.abs(xn - xa) <= tol) | (fa == 0.0) | ((ha - la) <= tol)
        xf[active], lof[active], hif[active] = xn, la, ha
        active = active[~done]
    return xf.reshape(x.shape)


def _solve_parabolic(m_rad) -> np.ndarray:
    """D = tan(nu/2) solving Barker's equation ``D + D^3/3 = M`` (closed form, odd in M)."""
    m_rad = np.asarray(m_rad, dtype=float)
    d = _cubic_root(np.full(m_rad.shape, 3.0), 3.0 * np.abs(m_rad))
    return np.copysign(d, m_rad)


# --------------------------------------------------------------------------------------------
# elements -> state
# --------------------------------------------------------------------------------------------
def _perifocal_basis(inc, lnode, argp):
    """Unit vectors P (to periapsis) and Q (90 deg ahead in the orbit plane), shape (..., 3)."""
    ci, si = np.cos(inc), np.sin(inc)
    cn, sn = np.cos(lnode), np.sin(lnode)
    cw, sw = np.cos(argp), np.sin(argp)
    p_vec = np.stack([cn * cw - sn * sw * ci, sn * cw + cn * sw * ci, sw * si], axis=-1)
    q_vec = np.stack([-cn * sw - sn * cw * ci, -sn * sw + cn * cw * ci, cw * si], axis=-1)
    return p_vec, q_vec


def _state_at(elts: np.ndarray, dt_s: np.ndarray) -> np.ndarray:
    """Core: elements (..., 8) and time since epoch dt_s (same leading shape) -> (..., 6)."""
    rp, e, inc, lnode, argp, m0, _t0, mu = np.moveaxis(elts, -1, 0)
    ell = e < 1.0
    hyp = e > 1.0
    par = ~(ell | hyp)
    one_m_e = np.abs(1.0 - e)
    # mean motion (SPICE conventions), mean anomaly
    with np.errstate(divide="ignore", invalid="ignore"):
        n = np.where(par, np.sqrt(mu / (2.0 * rp**3)), np.sqrt(mu * (one_m_e / rp) ** 3))
    m = m0 + n * dt_s

    x = np.empty(m.shape)
    y = np.empty(m.shape)
    r = np.empty(m.shape)
    vx = np.empty(m.shape)
    vy = np.empty(m.shape)
    hq = np.sqrt(mu * rp * (1.0 + e))  # specific angular momentum h = sqrt(mu p)
    if ell.any():
        ee, rr, mm, mu_ = e[ell], rp[ell], m[ell], mu[ell]
        a = rr / (1.0 - ee)
        E = solve_kepler_elliptic(mm, ee)
        s2 = np.sin(0.5 * E) ** 2
        rad = rr + 2.0 * a * ee * s2
        x[ell] = rr - 2.0 * a * s2
        y[ell] = np.sqrt(rr * a * (1.0 + ee)) * np.sin(E)
        r[ell] = rad
        vx[ell] = -np.sqrt(mu_ * a) * np.sin(E) / rad
        vy[ell] = hq[ell] * np.cos(E) / rad
    if hyp.any():
        ee, rr, mm, mu_ = e[hyp], rp[hyp], m[hyp], mu[hyp]
        A = rr / (ee - 1.0)
        H = solve_kepler_hyperbolic(mm, ee)
        s2 = np.sinh(0.5 * H) ** 2
        rad = rr + 2.0 * A * ee * s2
        x[hyp] = rr - 2.0 * A * s2
        y[hyp] = np.sqrt(rr * A * (ee + 1.0)) * np.sinh(H)
        r[hyp] = rad
        vx[hyp] = -np.sqrt(mu_ * A) * np.sinh(H) / rad
        vy[hyp] = hq[hyp] * np.cosh(H) / rad
    if par.any():
        rr, mu_ = rp[par], mu[par]
        D = _solve_parabolic(m[par])
        k = mu_ / hq[par]
        den = 1.0 + D * D
        x[par] = rr * (1.0 - D * D)
        y[par] = 2.0 * rr * D
        r[par] = rr * den
        vx[par] = -k * 2.0 * D / den
        vy[par] = k * 2.0 / den
    p_vec, q_vec = _perifocal_basis(inc, lnode, argp)
    pos = x[..., None] * p_vec + y[..., None] * q_vec
    vel = vx[..., None] * p_vec + vy[..., None] * q_vec
    return np.concatenate([pos, vel], axis=-1)


def elements_to_state(elts) -> np.ndarray:
    """State (..., 6) [km, km/s] at each element set's own epoch ``t0_et``.

    >>> import numpy as np
    >>> s = elements_to_state([7000.0, 0.0, 0.0, 0.0, 0.0, 0.0, 0.0, 398600.4418])
    >>> (np.round(s, 3) + 0.0).tolist()
    [7000.0, 0.0, 0.0, 0.0, 7.546, 0.0]
    """
    arr = validate_elements(elts)
    return _state_at(arr, np.zeros(arr.shape[:-1]))


def propagate(elts, et, outer: bool = True) -> np.ndarray:
    """Two-body states [km, km/s] of one or many objects at one or many times.

    Parameters
    ----------
    elts : array (8,) or (K, 8) (any leading shape S)
        Conic elements (see module docstring).
    et : float or array (N,) (any shape T)
        Times, TDB seconds past J2000.
    outer : bool
        True (default): every object at every time, result shape ``S + T + (6,)``;
        (8,) x (N,) -> (N, 6); (K, 8) x (N,) -> (K, N, 6); (8,) x scalar -> (6,).
        False: pair objects and times by numpy broadcasting of ``S`` with ``T``.

    Raises :class:`ElementsError` for invalid elements (e < 0, rp <= 0, mu <= 0, NaN).

    Example
    -------
    >>> import numpy as np
    >>> elts = np.array([[1.0e8, 1.2, 0.2, 1.0, 2.0, 0.0, 0.0, 1.32712440041e11]] * 3)
    >>> propagate(elts, np.linspace(-1e7, 1e7, 5)).shape
    (3, 5, 6)
    """
    arr = validate_elements(elts)
    et_arr = np.asarray(et, dtype=float)
    if not np.all(np.isfinite(et_arr)):
        raise ElementsError("propagate: et contains NaN or inf; pass finite TDB seconds past J2000")
    lead = arr.shape[:-1]
    if outer:
        e_b = arr.reshape(lead + (1,) * et_arr.ndim + (8,))
        t_b = et_arr.reshape((1,) * len(lead) + et_arr.shape)
    else:
        e_b, t_b = arr, et_arr
    shape = np.broadcast_shapes(e_b.shape[:-1], t_b.shape)
    size = int(np.prod(shape))
    if size >= COMPILED_MIN_STATES["numba" not in sys.modules]:
        from orbitviz.dynamics._engine.kepler import kepler_states

        if outer:  # each object's basis once for all its times
            flat = np.ascontiguousarray(arr.reshape(-1, 8))
            dt = et_arr.reshape(1, -1) - flat[:, 6:7]
        else:
            flat = np.ascontiguousarray(np.broadcast_to(e_b, shape + (8,)).reshape(-1, 8))
            dt = (np.broadcast_to(t_b, shape).reshape(-1) - flat[:, 6]).reshape(-1, 1)
        return kepler_states(flat, dt).reshape(shape + (6,))
    e_full = np.broadcast_to(e_b, shape + (8,))
    dt = np.broadcast_to(t_b, shape) - e_full[..., 6]
    return _state_at(e_full, dt)


def distance_and_rate(elts, et, body_states) -> tuple[np.ndarray, np.ndarray]:
    """Distance (K, T) [km] and its rate ``r . v / |r|`` (K, T) [km/s] of objects ``elts``
    (K, 8) from a body at states ``body_states`` (T, 6) (same frame and centre as the
    elements) at times ``et`` (T,): what a screening grid needs, without the (K, T, 6)
    relative states (compiled where :func:`propagate` would be).

    >>> import numpy as np
    >>> elts = np.array([[1.0e8, 0.1, 0.0, 0.0, 0.0, 0.0, 0.0, 1.32712440041e11]])
    >>> d, r = distance_and_rate(elts, np.array([0.0]), np.zeros((1, 6)))
    >>> float(d[0, 0]), float(r[0, 0])
    (100000000.0, 0.0)
    """
    arr = validate_elements(elts).reshape(-1, 8)
    et_arr = np.asarray(et, dtype=float).reshape(-1)
    body = np.asarray(body_states, dtype=float).reshape(-1, 6)
    if body.shape[0] != et_arr.size:
        raise ElementsError(
            f"distance_and_rate: {et_arr.size} times but {body.shape[0]} body states; give "
            "one body state per time"
        )
    if arr.shape[0] * et_arr.size >= COMPILED_MIN_STATES["numba" not in sys.modules]:
        from orbitviz.dynamics._engine.kepler import kepler_distance_rate

        return kepler_distance_rate(
            np.ascontiguousarray(arr), np.ascontiguousarray(et_arr), np.ascontiguousarray(body)
        )
    rel = propagate(arr, et_arr) - body[None, :, :]
    return distance_km(rel), distance_rate_kms(rel)


# --------------------------------------------------------------------------------------------
# state -> elements
# --------------------------------------------------------------------------------------------
def state_to_elements(state, mu_km3s2, et=0.0) -> np.ndarray:
    """Osculating conic elements (..., 8) from states (..., 6) at ``et`` (the inverse of
    :func:`propagate`, like SPICE ``oscelt``).

    Conventions (as ``oscelt``): for an equatorial orbit (i = 0 or pi) the node is 0 and the
    periapsis is measured from +x; for a circular orbit the argument of periapsis is 0 and the
    mean anomaly is measured from the node. Angles are in [0, 2 pi) except the mean anomaly of a
    hyperbola or parabola, which is signed (negative before periapsis).

    >>> import numpy as np
    >>> mu = 1.32712440041e11
    >>> elts = np.array([1.2e8, 0.3, 0.1, 2.0, 1.0, 0.5, 0.0, mu])
    >>> np.allclose(state_to_elements(elements_to_state(elts), mu, 0.0), elts)
    True
    """
    st = np.asarray(state, dtype=float)
    if st.shape[-1] != 6:
        raise ElementsError(
            f"cannot turn states into orbital elements: a state is 6 numbers (x, y, z in km, "
            f"vx, vy, vz in km/s), got an array of shape {st.shape}"
        )
    mu = np.asarray(mu_km3s2, dtype=float)
    if np.any(~np.isfinite(mu) | (mu <= 0)):
        raise ElementsError(
            f"cannot turn states into orbital elements: the central body's GM {mu.tolist()} "
            "km^3/s^2 must be finite and > 0 (check the PCK that provides it)"
        )
    if not np.all(np.isfinite(st)):
        first = np.argwhere(~np.isfinite(st))[0].tolist()
        raise ElementsError(
            f"cannot turn states into orbital elements: entry {first} is "
            f"{st[tuple(first)]} (NaN or inf); check where the state came from"
        )
    shape = np.broadcast_shapes(st.shape[:-1], mu.shape, np.shape(et))
    st = np.broadcast_to(st, shape + (6,))
    mu = np.broadcast_to(mu, shape)
    et_b = np.broadcast_to(np.asarray(et, dtype=float), shape)
    r_vec, v_vec = st[..., :3], st[..., 3:]
    r = np.linalg.norm(r_vec, axis=-1)
    if np.any(r == 0):
        first = np.argwhere(r == 0)[0].tolist()
        raise ElementsError(
            f"cannot turn a state into orbital elements: its position is (0, 0, 0) km"
            f"{f' (state {first})' if first else ''}, at the centre of the central body, where "
            "no orbit is defined; give the state relative to the body it orbits"
        )
    v2 = np.einsum("...i,...i->...", v_vec, v_vec)
    rv = np.einsum("...i,...i->...", r_vec, v_vec)
    h_vec = np.cross(r_vec, v_vec)
    h = np.linalg.norm(h_vec, axis=-1)
    if np.any(h == 0):
        raise ElementsError(
            "cannot turn a state into orbital elements: its position and velocity are "
            "parallel (a straight-line, radial orbit), which conic elements cannot describe; "
            "check the velocity"
        )
    e_vec = ((v2 - mu / r)[..., None] * r_vec - rv[..., None] * v_vec) / mu[..., None]
    e = np.linalg.norm(e_vec, axis=-1)
    rp = h * h / mu / (1.0 + e)
    inc = np.arctan2(np.hypot(h_vec[..., 0], h_vec[..., 1]), h_vec[..., 2])
    # node direction (z x h); equatorial -> +x
    n_vec = np.stack([-h_vec[..., 1], h_vec[..., 0], np.zeros(shape)], axis=-1)
    n_norm = np.linalg.norm(n_vec, axis=-1)
    equatorial = n_norm <= 1e-15 * h
    safe_n = np.where(equatorial, 1.0, n_norm)
    n_hat = np.where(equatorial[..., None], np.array([1.0, 0.0, 0.0]), n_vec / safe_n[..., None])
    lnode = np.where(equatorial, 0.0, np.arctan2(n_hat[..., 1], n_hat[..., 0]) % _TWO_PI)
    h_hat = h_vec / h[..., None]
    m_hat = np.cross(h_hat, n_hat)
    circular = e <= 1e-15
    argp = (
        np.where(
            circular,
            0.0,
            np.arctan2(
                np.einsum("...i,...i->...", e_vec, m_hat), np.einsum("...i,...i->...", e_vec, n_hat)
            ),
        )
        % _TWO_PI
    )
    u = np.arctan2(
        np.einsum("...i,...i->...", r_vec, m_hat), np.einsum("...i,...i->...", r_vec, n_hat)
    )
    nu = u - argp
    half = 0.5 * nu
    m0 = np.empty(shape)
    ell, hyp = e < 1.0, e > 1.0
    par = ~(ell | hyp)
    if ell.any():
        ee, hh = e[ell], half[ell]
        E = 2.0 * np.arctan2(np.sqrt(1.0 - ee) * np.sin(hh), np.sqrt(1.0 + ee) * np.cos(hh))
        m0[ell] = ((1.0 - ee) * E + ee * _x_minus_sin(E)) % _TWO_PI
    if hyp.any():
        ee, hh = e[hyp], half[hyp]
        H = 2.0 * np.arctanh(np.sqrt((ee - 1.0) / (ee + 1.0)) * np.tan(hh))
        m0[hyp] = (ee - 1.0) * H + ee * _sinh_minus_x(H)
    if par.any():
        D = np.tan(half[par])
        m0[par] = D + D**3 / 3.0
    return np.stack([rp, e, inc, lnode, argp, m0, et_b, mu], axis=-1)
