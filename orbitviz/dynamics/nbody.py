"""Perturbed N-body propagation of a massless small body (Sun, planets, Moon from the loaded SPK).

Model (barycentric ECLIPJ2000, km and s):

- point-mass gravity of the Sun, Mercury, Venus, Earth, Moon, and the Mars ... Pluto system
  barycenters (:data:`DEFAULT_PERTURBERS`), GM values from the loaded PCK;
- optional 1PN relativistic correction of the Sun (PPN beta = gamma = 1, the form JPL's small-body
  integrator uses): ``GM/(c^2 r^3) [(4 GM/r - v^2) r + 4 (r.v) v]`` with heliocentric r, v;
- optional Marsden-style non-gravitational acceleration ``g(r) (A1 r^ + A2 t^ + A3 n^)`` with A in
  au/d^2 and ``g(r) = alpha (r/r0)^-m (1 + (r/r0)^n)^-k`` (asteroids: 1/r^2; comets: the standard
  constants alpha 0.1112620426, r0 2.808 au, m 2.15, n 5.093, k 4.6142), see :class:`NonGrav`.

The perturbers' barycentric states are sampled **once** from SPICE on a uniform grid covering the
integration span and interpolated with cubic Hermite polynomials (positions and velocities of the
SPK), so the right-hand side makes no SPICE call. With the default 0.25-day sampling the
interpolation error is <= 0.02 km for the Moon, 0.08 km for Mercury, < 1 m for the rest (measured against
SPICE in the tests). Integration: scipy ``solve_ivp`` DOP853, rtol 1e-12, dense output, forwards
and/or backwards from the initial epoch.

Example
-------
>>> from orbitviz import spice
>>> from orbitviz.smallbodies import resolve_target
>>> wp, _ = resolve_target("2021 WP")                                 # conic elements inside
>>> with spice.KernelSet("default"):
...     start, stop = spice.to_et("2021-11-10"), spice.to_et("2021-12-01")
...     traj = propagate_nbody(wp.to_conics(), start, stop)
...     et = np.linspace(start, stop, 5)
...     earth = spice.states("EARTH", et)
>>> traj.method
'nbody (DOP853, de421, Sun+planets+Moon, 1PN Sun, rtol 1e-12)'
>>> helio = traj.states(et)            # heliocentric ECLIPJ2000 states (N, 6), no SPICE calls
>>> (np.linalg.norm(helio[:, :3] - earth[:, :3], axis=1) / 1e3).round().tolist()  # 1000 km
[4719.0, 2592.0, 480.0, 1707.0, 3827.0]
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field

import numpy as np
from scipy.integrate import solve_ivp

from orbitviz.dynamics.kepler import elements_to_state, validate_elements
from orbitviz.errors import CoverageError, ElementsError
from orbitviz.units import AU_KM, AU_PER_DAY2_IN_KMS2, C_KMS, DAY_S

__all__ = [
    "DEFAULT_PERTURBERS",
    "NBodyTrajectory",
    "NonGrav",
    "PerturberTable",
    "propagate_nbody",
]

SSB = 0
SUN = 10
DEFAULT_PERTURBERS: tuple[int, ...] = (10, 199, 299, 399, 301, 4, 5, 6, 7, 8, 9)
"""NAIF ids: Sun, Mercury, Venus, Earth, Moon, Mars/Jupiter/Saturn/Uranus/Neptune/Pluto barycenters."""


# --------------------------------------------------------------------------------------------
# non-gravitational model
# --------------------------------------------------------------------------------------------
@dataclass(frozen=True)
class NonGrav:
    """Marsden non-gravitational parameters: A1 (radial), A2 (transverse), A3 (normal) in au/d^2.

    ``g(r) = alpha (r/r0)^-m (1 + (r/r0)^n)^-k`` with r in au. Defaults are the asteroid model
    g = 1/r^2 (alpha 1, r0 1 au, m 2, k 0), as SBDB states for Yarkovsky fits (ALN 1, NM 2, NK 0,
    R0 1). :meth:`comet` gives the standard water-ice constants.

    >>> NonGrav(a2_au_d2=-5.6e-14).g(np.array([1.0, 2.0])).tolist()
    [1.0, 0.25]
    """

    a1_au_d2: float = 0.0
    a2_au_d2: float = 0.0
    a3_au_d2: float = 0.0
    alpha: float = 1.0
    r0_au: float = 1.0
    m: float = 2.0
    n: float = 0.0
    k: float = 0.0

    @classmethod
    def comet(cls, a1_au_d2=0.0, a2_au_d2=0.0, a3_au_d2=0.0) -> NonGrav:
        """Standard comet g(r) (Marsden, Sekanina & Yeomans 1973)."""
        return cls(
            a1_au_d2, a2_au_d2, a3_au_d2, alpha=0.1112620426, r0_au=2.808, m=2.15, n=5.093, k=4.6142
        )

    @classmethod
    def from_mapping(cls, pars: Mapping[str, float]) -> NonGrav:
        """From SBDB-style names: A1, A2, A3 (au/d^2) and optional ALN, R0, NM, NN, NK.

        Without model constants, asteroids' 1/r^2 is assumed. A time delay ``DT`` is not
        supported (raises :class:`ElementsError`).
        """
        p = {str(k).upper(): float(v) for k, v in dict(pars).items()}
        if p.get("DT", 0.0) != 0.0:
            raise ElementsError(
                f"non-gravitational time delay DT = {p['DT']} d is not supported; "
                "propagate without non-gravitational forces or use JPL Horizons for this object"
            )
        base = cls()
        return cls(
            p.get("A1", 0.0),
            p.get("A2", 0.0),
            p.get("A3", 0.0),
            alpha=p.get("ALN", base.alpha),
            r0_au=p.get("R0", base.r0_au),
            m=p.get("NM", base.m),
            n=p.get("NN", base.n),
            k=p.get("NK", base.k),
        )

    @property
    def active(self) -> bool:
        return any((self.a1_au_d2, self.a2_au_d2, self.a3_au_d2))

    def g(self, r_au):
        x = np.asarray(r_au, dtype=float) / self.r0_au
        return self.alpha * x ** (-self.m) * (1.0 + x**self.n) ** (-self.k)


# --------------------------------------------------------------------------------------------
# perturber ephemeris table
# --------------------------------------------------------------------------------------------
@dataclass
class PerturberTable:
    """Barycentric states of perturbers sampled on a uniform grid, Hermite-interpolated.

    ``pos_km`` / ``vel_kms`` have shape (n_samples, n_bodies, 3). Build with :meth:`sample`.
    """

    ids: tuple[int, ...]
    gm_km3s2: np.ndarray
    t0_et: float
    step_s: float
    pos_km: np.ndarray
    vel_kms: np.ndarray
    ephemeris: str = "spk"
    _sun_index: int = field(default=-1, repr=False)

    def __post_init__(self):
        self._sun_index = self.ids.index(SUN) if SUN in self.ids else -1
        self._n = self.pos_km.shape[0]

    @classmethod
    def sample(
        cls,
        start_et: float,
        stop_et: float,
        bodies: Sequence[int | str] = DEFAULT_PERTURBERS,
        step_s: float = 0.25 * DAY_S,
        frame: str = "ECLIPJ2000",
    ) -> PerturberTable:
        """Sample the loaded SPK once (one vectorised query per body) over [start_et, stop_et]."""
        from orbitviz import spice

        ids = tuple(spice.body_id(b) for b in bodies)
        lo = min(start_et, stop_et) - 2 * step_s
        hi = max(start_et, stop_et) + 2 * step_s
        n = int(np.ceil((hi - lo) / step_s)) + 1
        grid = lo + step_s * np.arange(n)
        states = np.stack([spice.states(b, grid, observer=SSB, frame=frame) for b in ids], axis=1)
        gm = np.array([spice.gm_km3s2(b) for b in ids])
        return cls(
            ids,
            gm,
            float(lo),
            float(step_s),
            states[..., :3].copy(),
            states[..., 3:].copy(),
            ephemeris=_spk_label(),
        )

    @property
    def span_et(self) -> tuple[float, float]:
        return self.t0_et, self.t0_et + self.step_s * (self._n - 1)

    def _basis(self, et):
        x = (np.asarray(et, dtype=float) - self.t0_et) / self.step_s
        i = np.clip(np.floor(x).astype(int), 0, self._n - 2)
        s = x - i
        return i, s

    def positions(self, et: float) -> np.ndarray:
        """Barycentric positions (n_bodies, 3) [km] at a scalar ET (the RHS hot path)."""
        x = (et - self.t0_et) / self.step_s
        i = min(max(int(x), 0), self._n - 2)
        s = x - i
        s2 = s * s
        s3 = s2 * s
        h = self.step_s
        return (
            (2 * s3 - 3 * s2 + 1) * self.pos_km[i]
            + (s3 - 2 * s2 + s) * h * self.vel_kms[i]
            + (-2 * s3 + 3 * s2) * self.pos_km[i + 1]
            + (s3 - s2) * h * self.vel_kms[i + 1]
        )

    def states(self, et) -> np.ndarray:
        """Barycentric states (..., n_bodies, 6) at an array of ET (Hermite value and derivative)."""
        i, s = self._basis(et)
        s = s[..., None, None]
        s2, s3, h = s * s, s * s * s, self.step_s
        p0, p1, v0, v1 = self.pos_km[i], self.pos_km[i + 1], self.vel_kms[i], self.vel_kms[i + 1]
        pos = (
            (2 * s3 - 3 * s2 + 1) * p0
            + (s3 - 2 * s2 + s) * h * v0
            + (-2 * s3 + 3 * s2) * p1
            + (s3 - s2) * h * v1
        )
        vel = (
            (6 * s2 - 6 * s) * p0
            + (3 * s2 - 4 * s + 1) * h * v0
            + (-6 * s2 + 6 * s) * p1
            + (3 * s2 - 2 * s) * h * v1
        ) / h
        return np.concatenate([pos, vel], axis=-1)

    def body_states(self, body_id: int, et) -> np.ndarray:
        """Barycentric states (..., 6) of one sampled body at an array of ET."""
        return self.states(et)[..., self.ids.index(int(body_id)), :]

    def sun_state(self, et: float) -> np.ndarray:
        """Barycentric state (6,) of the Sun at a scalar ET."""
        return self.body_states(SUN, np.asarray([et]))[0]


def _spk_label() -> str:
    """Short names of the loaded SPK files (e.g. 'de421'), for the method string."""
    try:
        from orbitviz import spice

        names = [
            p.stem for p, _ in spice.loaded_kernels().items() if str(p).lower().endswith(".bsp")
        ]
        return "+".join(sorted(names)) or "spk"
    except Exception:  # noqa: BLE001 - the label is cosmetic
        return "spk"


# --------------------------------------------------------------------------------------------
# equations of motion
# --------------------------------------------------------------------------------------------
def _hermite_coefficients(pos: np.ndarray, vel: np.ndarray, h: float) -> np.ndarray:
    """Per-interval cubic coefficients (n-1, 4, ...) so that p(s) = ((c3 s + c2) s + c1) s + c0."""
    p0, p1, m0, m1 = pos[:-1], pos[1:], h * vel[:-1], h * vel[1:]
    return np.stack([p0, m0, -3 * p0 - 2 * m0 + 3 * p1 - m1, 2 * p0 + m0 - 2 * p1 + m1], axis=1)


def _make_rhs(table: PerturberTable, et0: float, relativity: bool, nongrav: NonGrav | None):
    """The equations of motion as a closure (numpy over bodies, plain floats for 3-vectors:
    tiny numpy arrays cost microseconds per operation, which dominates DOP853's run time)."""
    isun = table._sun_index
    gm_sun = float(table.gm_km3s2[isun]) if isun >= 0 else 0.0
    ng = nongrav if (nongrav is not None and nongrav.active) else None
    need_sun = relativity or ng is not None
    if need_sun and isun < 0:
        raise ElementsError(
            "relativity and non-gravitational forces need the Sun among the perturbers"
        )
    c2 = C_KMS * C_KMS
    gm = table.gm_km3s2[:, None]
    h, t0, nmax = table.step_s, table.t0_et, table._n - 2
    coef = _hermite_coefficients(table.pos_km, table.vel_kms, h)  # (n-1, 4, B, 3)
    sun_coef = coef[:, :, isun, :].tolist() if need_sun else None  # nested lists of floats
    if ng is not None:
        a1, a2, a3 = (
            float(a) * AU_PER_DAY2_IN_KMS2 for a in (ng.a1_au_d2, ng.a2_au_d2, ng.a3_au_d2)
        )
        alpha, r0, m_exp, n_exp, k_exp = ng.alpha, ng.r0_au * AU_KM, ng.m, ng.n, ng.k

    def rhs(tau, y):
        x = (et0 + tau - t0) / h
        i = min(max(int(x), 0), nmax)
        s = float(x - i)
        c = coef[i]
        p = ((c[3] * s + c[2]) * s + c[1]) * s + c[0]
        d = y[:3] - p
        r2 = np.einsum("ij,ij->i", d, d)
        acc = -(gm * d / (r2 * np.sqrt(r2))[:, None]).sum(axis=0)
        if need_sun:
            cs = sun_coef[i]
            # heliocentric position and velocity of the body, as floats
            rx, ry, rz = (float(v) for v in d[isun])
            vx, vy, vz = (
                float(y[3 + k]) - ((3.0 * cs[3][k] * s + 2.0 * cs[2][k]) * s + cs[1][k]) / h
                for k in range(3)
            )
            r = (rx * rx + ry * ry + rz * rz) ** 0.5
            ax = ay = az = 0.0
            if relativity:
                v2 = vx * vx + vy * vy + vz * vz
                rdv = rx * vx + ry * vy + rz * vz
                f = gm_sun / (c2 * r**3)
                fr, fv = f * (4.0 * gm_sun / r - v2), f * 4.0 * rdv
                ax, ay, az = fr * rx + fv * vx, fr * ry + fv * vy, fr * rz + fv * vz
            if ng is not None:
                hx, hy, hz = ry * vz - rz * vy, rz * vx - rx * vz, rx * vy - ry * vx
                hn = (hx * hx + hy * hy + hz * hz) ** 0.5
                nx, ny, nz = hx / hn, hy / hn, hz / hn
                ux, uy, uz = rx / r, ry / r, rz / r
                tx, ty, tz = ny * uz - nz * uy, nz * ux - nx * uz, nx * uy - ny * ux
                q = r / r0
                g = alpha * q ** (-m_exp) * (1.0 + q**n_exp) ** (-k_exp)
                ax += g * (a1 * ux + a2 * tx + a3 * nx)
                ay += g * (a1 * uy + a2 * ty + a3 * ny)
                az += g * (a1 * uz + a2 * tz + a3 * nz)
            acc = acc + np.array([ax, ay, az])
        return np.concatenate([y[3:], acc])

    return rhs


# --------------------------------------------------------------------------------------------
# result
# --------------------------------------------------------------------------------------------
class NBodyTrajectory:
    """Dense N-body solution: heliocentric (or barycentric) ECLIPJ2000 states at any times in span.

    Attributes: ``method`` (what produced the numbers), ``start_et``/``stop_et`` (covered span),
    ``et0`` (initial epoch), ``nfev`` (right-hand-side evaluations), ``table`` (perturbers).
    """

    def __init__(self, et0, segments, table: PerturberTable, method: str, nfev: int):
        self.et0 = float(et0)
        self._segments = segments  # list of (tau_lo, tau_hi, OdeSolution)
        self.table = table
        self.method = method
        self.nfev = int(nfev)
        taus = [t for seg in segments for t in seg[:2]] or [0.0]
        self.start_et = self.et0 + min(taus)
        self.stop_et = self.et0 + max(taus)

    def __repr__(self) -> str:
        return f"NBodyTrajectory({self.method!r}, et {self.start_et:.1f}..{self.stop_et:.1f})"

    def barycentric_states(self, et) -> np.ndarray:
        """Solar-system-barycentric states (N, 6) or (6,) [km, km/s] at ET inside the span."""
        et_arr = np.asarray(et, dtype=float)
        flat = np.atleast_1d(et_arr).ravel()
        slack = 1e-3  # s: round-off only; never extrapolate the dense output
        if flat.size and (flat.min() < self.start_et - slack or flat.max() > self.stop_et + slack):
            raise CoverageError(
                f"N-body trajectory covers ET {self.start_et:.3f} .. {self.stop_et:.3f}; asked for "
                f"{flat.min():.3f} .. {flat.max():.3f}: propagate over a wider window"
            )
        tau = np.clip(flat - self.et0, self.start_et - self.et0, self.stop_et - self.et0)
        out = np.empty((flat.size, 6))
        done = np.zeros(flat.size, dtype=bool)
        for lo, hi, sol in self._segments:  # at most two segments (backwards, forwards)
            sel = ~done & (tau >= min(lo, hi)) & (tau <= max(lo, hi))
            if sel.any():
                out[sel] = sol(tau[sel]).T
                done |= sel
        return out.reshape(et_arr.shape + (6,))

    def states(self, et) -> np.ndarray:
        """Heliocentric ECLIPJ2000 states (N, 6) or (6,) [km, km/s]; no SPICE calls."""
        bary = self.barycentric_states(et)
        sun = self.table.body_states(SUN, np.asarray(et, dtype=float))
        return bary - sun


# --------------------------------------------------------------------------------------------
# driver
# --------------------------------------------------------------------------------------------
def propagate_nbody(
    initial,
    start_et: float,
    stop_et: float,
    *,
    et0: float | None = None,
    bodies: Sequence[int | str] = DEFAULT_PERTURBERS,
    relativity: bool = True,
    nongrav: NonGrav | Mapping[str, float] | None = None,
    rtol: float = 1e-12,
    atol_km: float = 1e-6,
    sample_step_s: float = 0.25 * DAY_S,
    table: PerturberTable | None = None,
) -> NBodyTrajectory:
    """Integrate a massless body through the loaded ephemeris from its initial conditions.

    Parameters
    ----------
    initial : array (8,) or (6,)
        Heliocentric ECLIPJ2000 conic elements (their ``t0_et`` is the initial epoch, mu should be
        the Sun's GM), or a heliocentric state [km, km/s] at ``et0``.
    start_et, stop_et : float
        Window to cover (TDB s past J2000). The integration runs from the initial epoch
        backwards and/or forwards so that the whole window (and the epoch) is covered.
    bodies : NAIF ids or names of the perturbers (must include the Sun for relativity/non-grav).
    relativity : 1PN correction for the Sun.
    nongrav : :class:`NonGrav` or an SBDB-style mapping (A1, A2, A3 in au/d^2, ALN, NM, NK, R0...).
    rtol, atol_km : DOP853 tolerances (velocity atol is atol_km / 1e6 s).
    sample_step_s : spacing of the perturber samples (Hermite interpolation).
    table : a :class:`PerturberTable` to reuse (must cover the span).

    Needs a furnished SPK and PCK (``orbitviz.spice.KernelSet("default")``): SPICE is queried only
    to build the table, before integrating.
    """
    init = np.asarray(initial, dtype=float)
    if init.shape == (8,):
        init = validate_elements(init)
        et0 = float(init[6])
        state0 = elements_to_state(init)
    elif init.shape == (6,):
        if et0 is None:
            raise ElementsError(
                "propagate_nbody: a (6,) initial state needs et0 (its epoch, TDB s past J2000)"
            )
        if not np.all(np.isfinite(init)):
            raise ElementsError(f"propagate_nbody: initial state {init.tolist()} is not finite")
        state0 = init
    else:
        raise ElementsError(
            f"propagate_nbody: initial must be conic elements (8,) or a state (6,), got shape {init.shape}"
        )
    if isinstance(nongrav, Mapping):
        nongrav = NonGrav.from_mapping(nongrav)
    lo_et, hi_et = min(start_et, stop_et, et0), max(start_et, stop_et, et0)
    if table is None:
        table = PerturberTable.sample(lo_et, hi_et, bodies, step_s=sample_step_s)
    else:
        t_lo, t_hi = table.span_et
        if lo_et < t_lo or hi_et > t_hi:
            raise CoverageError(
                f"perturber table covers ET {t_lo:.0f}..{t_hi:.0f}, need {lo_et:.0f}..{hi_et:.0f}"
            )
    y0 = state0 + table.sun_state(et0)
    rhs = _make_rhs(table, et0, relativity, nongrav)
    atol = np.array([atol_km] * 3 + [atol_km * 1e-6] * 3)
    segments, nfev = [], 0
    for target in (lo_et, hi_et):
        tau_end = target - et0
        if tau_end == 0.0:
            continue
        sol = solve_ivp(
            rhs, (0.0, tau_end), y0, method="DOP853", rtol=rtol, atol=atol, dense_output=True
        )
        if not sol.success:
            raise ElementsError(
                f"N-body integration failed at ET {et0 + sol.t[-1]:.3f}: {sol.message}"
            )
        segments.append((0.0, tau_end, sol.sol))
        nfev += sol.nfev
    if not segments:  # zero-length window: a constant "solution"
        segments.append((0.0, 0.0, lambda tau: np.repeat(y0[:, None], np.size(tau), axis=1)))
    names = (
        "Sun+planets+Moon" if set(table.ids) >= {10, 399, 301} else "+".join(map(str, table.ids))
    )
    parts = [f"DOP853, {table.ephemeris}, {names}"]
    if relativity:
        parts.append("1PN Sun")
    if nongrav is not None and nongrav.active:
        parts.append(
            f"A1/A2/A3 {nongrav.a1_au_d2:.3g}/{nongrav.a2_au_d2:.3g}/{nongrav.a3_au_d2:.3g} au/d^2"
        )
    parts.append(f"rtol {rtol:g}")
    return NBodyTrajectory(et0, segments, table, "nbody (" + ", ".join(parts) + ")", nfev)
