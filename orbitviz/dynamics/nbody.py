"""Perturbed N-body propagation of a massless small body (Sun, planets, Moon from the loaded SPK).

Model (barycentric ECLIPJ2000, km and s):

- point-mass gravity of the Sun, Mercury, Venus, Earth, Moon, and the Mars ... Pluto system
  barycenters (:data:`DEFAULT_PERTURBERS`), GM values from the loaded PCK;
- optional 1PN relativistic correction of the Sun (PPN beta = gamma = 1, the form JPL's small-body
  integrator uses): ``GM/(c^2 r^3) [(4 GM/r - v^2) r + 4 (r.v) v]`` with heliocentric r, v;
- optional Marsden-style non-gravitational acceleration ``g(r) (A1 r^ + A2 t^ + A3 n^)`` with A in
  au/d^2 and ``g(r) = alpha (r/r0)^-m (1 + (r/r0)^n)^-k`` (asteroids: 1/r^2; comets: the standard
  constants alpha 0.1112620426, r0 2.808 au, m 2.15, n 5.093, k 4.6142), see :class:`NonGrav`.

The perturbers' states come straight from the loaded SPK's Chebyshev records (read once by
:func:`orbitviz.spice.segments.chebyshev_chains`, the segments SPICE itself would use), evaluated
inside the compiled force routine: equal to SPICE's to round-off, no SPICE call while integrating.
Integration: IAS15 (15th-order Gauss-Radau with the step control of Pham, Rein & Spiegel 2024,
compiled: :mod:`orbitviz.dynamics._engine`), epsilon 1e-9 (converged to round-off), dense
output, forwards and/or backwards from the initial epoch; many bodies at once take their own
steps (or, for clones of one orbit, shared ones).

>>> from orbitviz import spice
>>> from orbitviz.smallbodies import resolve_target
>>> wp, _ = resolve_target("2021 WP")                                 # conic elements inside
>>> with spice.KernelSet("default"):
...     start, stop = spice.to_et("2021-11-10"), spice.to_et("2021-12-01")
...     traj = propagate_nbody(wp.to_conics(), start, stop)
...     et = np.linspace(start, stop, 5)
...     earth = spice.states("EARTH", et)
>>> traj.method
'nbody (IAS15, de421, Sun+planets+Moon+Ceres+Vesta, 1PN Sun, epsilon 1e-09)'
>>> helio = traj.states(et)            # heliocentric ECLIPJ2000 states (N, 6), no SPICE calls
>>> (np.linalg.norm(helio[:, :3] - earth[:, :3], axis=1) / 1e3).round().tolist()  # 1000 km
[4715.0, 2588.0, 478.0, 1709.0, 3829.0]
"""

from __future__ import annotations

import contextlib
import hashlib
import io
import threading
from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass, replace
from functools import cached_property
from pathlib import Path

import numpy as np

from orbitviz import spice
from orbitviz._files import atomic_write
from orbitviz.data.paths import cache_dir
from orbitviz.dynamics.events import Crossings, Minima
from orbitviz.dynamics.kepler import elements_to_state, validate_elements
from orbitviz.errors import CoverageError, ElementsError, KernelError
from orbitviz.spice.segments import ChebyshevTable, chebyshev_chains, constant_table
from orbitviz.units import AU_KM, AU_PER_DAY2_IN_KMS2, C_KMS, DAY_S, YEAR_D

__all__ = [
    "ASTEROID_PERTURBERS",
    "DEFAULT_PERTURBERS",
    "NBodyTrajectory",
    "NonGrav",
    "Perturbers",
    "propagate_nbody",
]

SSB = 0
StateFunction = Callable[[np.ndarray], np.ndarray]
SUN = 10
RTOL = 1e-9
"""IAS15's default step tolerance epsilon: converged to round-off (Apophis 2008 -> 2029 moves
< 1 m between 1e-8 and 1e-10)."""
DEFAULT_PERTURBERS: tuple[int, ...] = (10, 199, 299, 399, 301, 4, 5, 6, 7, 8, 9)
ASTEROID_PERTURBERS: tuple[int, ...] = (2000001, 2000004)
"""(1) Ceres and (4) Vesta: added to the default perturbers wherever a loaded SPK covers the
span (the ``default`` kernel set loads theirs when it is at hand). Their pull moves Apophis's
2029 distance by 2.3 km."""
"""NAIF ids: Sun, Mercury, Venus, Earth, Moon, Mars/Jupiter/Saturn/Uranus/Neptune/Pluto barycenters."""


# --------------------------------------------------------------------------------------------
# non-gravitational model
# --------------------------------------------------------------------------------------------
@dataclass(frozen=True)
class NonGrav:
    """Marsden non-gravitational parameters: A1 (radial), A2 (transverse), A3 (normal) in au/d^2.

    ``g(r) = alpha (r/r0)^-m (1 + (r/r0)^n)^-k`` with r in au, taken ``dt_d`` days earlier when a
    comet's delay DT is given. The class defaults are the asteroid model g = 1/r^2 (alpha 1,
    r0 1 au, m 2, k 0), as SBDB states for Yarkovsky fits (ALN 1, NM 2, NK 0, R0 1);
    :meth:`comet` gives the standard water-ice constants, which :meth:`from_mapping` assumes
    when a source names no law (as JPL does).

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
    dt_d: float = 0.0

    @classmethod
    def comet(cls, a1_au_d2=0.0, a2_au_d2=0.0, a3_au_d2=0.0, dt_d=0.0) -> NonGrav:
        """Standard comet g(r) (Marsden, Sekanina & Yeomans 1973)."""
        return cls(
            a1_au_d2,
            a2_au_d2,
            a3_au_d2,
            alpha=0.1112620426,
            r0_au=2.808,
            m=2.15,
            n=5.093,
            k=4.6142,
            dt_d=dt_d,
        )

    @classmethod
    def from_mapping(cls, pars: Mapping[str, float]) -> NonGrav:
        """From SBDB-style names: A1, A2, A3 (au/d^2), the delay DT (days) and the g(r) law's
        ALN, R0, NM, NN, NK.

        Without law constants SBDB means the standard (comet) law of Marsden et al. (JPL's
        default, :meth:`comet`); asteroid fits name theirs (Apophis: ALN 1, NM 2, NK 0, R0 1).
        """
        p = {str(k).upper(): float(v) for k, v in dict(pars).items()}
        unknown = sorted(set(p) - {"A1", "A2", "A3", "DT", "ALN", "R0", "NM", "NN", "NK"})
        if unknown:
            raise ElementsError(
                f"non-gravitational parameters {', '.join(unknown)} are not part of the Marsden "
                "model orbitviz integrates (A1, A2, A3, DT and the g(r) law's ALN, R0, NM, NN, "
                "NK); leave them out or use JPL Horizons for this object"
            )
        base = cls.comet()
        return cls(
            p.get("A1", 0.0),
            p.get("A2", 0.0),
            p.get("A3", 0.0),
            alpha=p.get("ALN", base.alpha),
            r0_au=p.get("R0", base.r0_au),
            m=p.get("NM", base.m),
            n=p.get("NN", base.n),
            k=p.get("NK", base.k),
            dt_d=p.get("DT", 0.0),
        )

    @property
    def active(self) -> bool:
        return any((self.a1_au_d2, self.a2_au_d2, self.a3_au_d2))

    def g(self, r_au):
        x = np.asarray(r_au, dtype=float) / self.r0_au
        return self.alpha * x ** (-self.m) * (1.0 + x**self.n) ** (-self.k)


# --------------------------------------------------------------------------------------------
# perturbers
# --------------------------------------------------------------------------------------------
@dataclass(frozen=True)
class Perturbers:
    """Point masses whose barycentric ECLIPJ2000 states come from Chebyshev records.

    ``ids`` (NAIF), ``gm_km3s2`` (B,), ``chebyshev`` (a
    :class:`orbitviz.spice.segments.ChebyshevTable`, one chain per body) and a label of the
    ephemeris. Build with :meth:`load` (from the loaded SPKs) or :meth:`fixed_sun` (tests).
    """

    ids: tuple[int, ...]
    gm_km3s2: np.ndarray
    chebyshev: ChebyshevTable
    ephemeris: str = "spk"

    @classmethod
    def load(
        cls,
        start_et: float,
        stop_et: float,
        bodies: Sequence[int | str] = DEFAULT_PERTURBERS,
        frame: str = "ECLIPJ2000",
        *,
        asteroids: Sequence[int] | None = None,
    ) -> Perturbers:
        """The loaded SPKs' records for ``bodies`` over [start_et, stop_et] (plus a margin),
        and of ``asteroids`` (default: :data:`ASTEROID_PERTURBERS` with the default bodies,
        none otherwise) wherever a loaded SPK covers the whole span, those re-fitted
        (:func:`refit_link`). The last few are kept until the loaded kernels change."""
        lo, hi = min(start_et, stop_et) - DAY_S, max(start_et, stop_et) + DAY_S
        # on a 32-day grid where the ephemeris covers it: nearby spans (a flyby and its
        # uncertainty, a screening's batches) share one table and one re-fit
        spans = [
            (
                float(np.floor(lo / REFIT_RECORD_S) * REFIT_RECORD_S),
                float(np.ceil(hi / REFIT_RECORD_S) * REFIT_RECORD_S),
            ),
            (lo, hi),
        ]
        fixed = (tuple(bodies), frame.upper(), None if asteroids is None else tuple(asteroids))
        for n, (a, b) in enumerate(spans):
            key = (a, b, *fixed, spice.pool_generation())
            if key not in _LOADED:
                try:
                    loaded = cls._load(a, b, bodies, frame, asteroids)
                except CoverageError:
                    if n == 0:
                        continue  # the grid's margin is past the ephemeris's end
                    raise
                if len(_LOADED) >= 8:
                    _LOADED.pop(next(iter(_LOADED)))
                _LOADED[key] = loaded
            return _LOADED[key]
        raise AssertionError("unreachable")

    @classmethod
    def _load(cls, lo, hi, bodies, frame, asteroids) -> Perturbers:
        if asteroids is None:
            asteroids = ASTEROID_PERTURBERS if tuple(bodies) == DEFAULT_PERTURBERS else ()
        covered = [
            b
            for b in asteroids
            if any(c.contains(lo) and c.contains(hi) for c in spice.spk_coverage(b))
        ]
        try:
            table = chebyshev_chains(tuple(bodies), lo, hi, frame=frame)
            for body in covered:  # the small bodies: low-degree pieces, no search per call
                table = _with_refit(table, body, lo, hi, frame)
        except CoverageError as exc:
            span = f"{spice.et_to_utc(lo, precision=0)} to {spice.et_to_utc(hi, precision=0)} UTC"
            raise CoverageError(
                f"the N-body integration needs the perturbers from {span} (the elements' epoch "
                f"and the window): {exc}"
            ) from None
        gm = np.array([spice.gm_km3s2(b) for b in table.bodies])
        # the planetary ephemeris: the file(s) of the Sun's chain (asteroid SPKs are named
        # among the bodies instead)
        sun_chain = table.chains[table.bodies.index(SUN)] if SUN in table.bodies else ()
        files = {table.link_files[list(table.link_body).index(b)] for b in sun_chain}
        label = "+".join(sorted(Path(f).stem for f in files or table.files)) or "spk"
        return cls(table.bodies, gm, table, label)

    @classmethod
    def fixed_sun(cls, gm_km3s2: float, start_et: float, stop_et: float) -> Perturbers:
        """The Sun alone, at rest at the origin: exact two-body dynamics (for tests)."""
        return cls(
            (SUN,), np.array([gm_km3s2]), constant_table(SUN, start_et, stop_et), "fixed-sun"
        )

    def without(self, body: int) -> Perturbers:
        """The same perturbers less ``body`` (its chain is dropped, the records stay)."""
        keep = [i for i, b in enumerate(self.ids) if b != int(body)]
        table = self.chebyshev.subset(keep)
        return replace(self, ids=table.bodies, gm_km3s2=self.gm_km3s2[keep], chebyshev=table)

    @property
    def span_et(self) -> tuple[float, float]:
        return self.chebyshev.span_et

    @cached_property
    def names(self) -> str:
        """``Sun+planets+Moon+Ceres+Vesta``: the bodies, for the method's description."""
        if set(self.ids) >= set(DEFAULT_PERTURBERS):
            extra = [spice_name(b) for b in self.ids if b not in DEFAULT_PERTURBERS]
            return "+".join(["Sun+planets+Moon", *extra])
        return "+".join(map(str, self.ids))

    @property
    def sun_index(self) -> int:
        return self.ids.index(SUN) if SUN in self.ids else -1

    def jit_args(self) -> tuple:
        return self.chebyshev.jit_args()

    def states(self, et) -> np.ndarray:
        """Barycentric states (..., B, 6) [km, km/s] at ET."""
        from . import _engine

        et_arr = np.asarray(et, dtype=float)
        flat = np.ascontiguousarray(np.atleast_1d(et_arr).ravel())
        self._check_span(flat)
        rows = np.arange(len(self.ids), dtype=np.int64)
        out = _engine.bodies_states(self.jit_args(), flat, rows)
        return out.reshape(et_arr.shape + (len(self.ids), 6))

    def body_states(self, body_id: int, et) -> np.ndarray:
        """Barycentric states (..., 6) of one of the bodies at ET."""
        from . import _engine

        et_arr = np.asarray(et, dtype=float)
        flat = np.ascontiguousarray(np.atleast_1d(et_arr).ravel())
        self._check_span(flat)
        rows = np.array([self.ids.index(int(body_id))], dtype=np.int64)
        out = _engine.bodies_states(self.jit_args(), flat, rows)[:, 0, :]
        return out.reshape(et_arr.shape + (6,))

    def _check_span(self, et: np.ndarray) -> None:
        lo, hi = self.span_et
        if et.size and (et.min() < lo or et.max() > hi):
            raise CoverageError(
                f"the perturbers' records cover ET {lo:.0f} .. {hi:.0f}; asked for "
                f"{et.min():.0f} .. {et.max():.0f}: load them over a wider span"
            )


_LOADED: dict[tuple, Perturbers] = {}


REFIT_TOLERANCE_KM = 1e-3
"""A re-fitted link is within this of its SPK records (so of SPICE): 1 m, checked between the
fit's nodes and at its records' ends. The Horizons SPKs of Ceres and Vesta carry metre-level
terms up to their degree 18 (coefficients 6 to 18 fall from 1.6e-3 to 1e-8 km, where a smooth
orbit's would fall a hundredfold per degree): degree 8 keeps them to 0.7 m. A 1 m error in
Ceres's position, 2 au from Apophis, moves Apophis by under 1e-9 km in 20 years. A link that
would need more than its SPK's degree keeps its records."""
REFIT_RECORD_S = 32 * DAY_S


REFIT_MIN_COEF = 7
"""The lowest degree tried (+1): none lower has met the tolerance on these SPKs."""


def refit_link(table: ChebyshevTable, body: int, lo: float, hi: float):
    """``body``'s own link in ``table`` (relative to its centre, which must be one of the
    table's bodies) re-fitted over [lo, hi] as uniform records (32 days) of the lowest degree
    that stays within :data:`REFIT_TOLERANCE_KM` of the records: (centre, record length,
    coefficients per axis, coefficients (n_records, 3 n_coef), label), or None where no
    degree up to the SPK's own does.

    Horizons' small-body SPKs (Ceres and Vesta) hold hundreds of short segments of degree-18
    records over a century: evaluating them costs a binary search over the segments and 19
    terms per axis at every force evaluation. Over a span in use degree 8 does (2008-2029:
    Ceres 0.69 m at most), and uniform records are found by a division."""
    from . import _engine

    link = list(table.link_body).index(body)
    chain = table.chains[table.bodies.index(body)]
    center = chain[-2] if len(chain) > 1 else SSB
    if center not in table.bodies:
        return None
    rows = np.array([table.bodies.index(body), table.bodies.index(center)], dtype=np.int64)
    eph = table.jit_args()

    def link_positions(et):
        both = _engine.bodies_states(eph, np.ascontiguousarray(et), rows)
        return both[:, 0, :3] - both[:, 1, :3]

    n_records = max(int(np.ceil((hi - lo) / REFIT_RECORD_S)), 1)
    length = (hi - lo) / n_records
    mids = lo + length * (np.arange(n_records) + 0.5)
    pieces = slice(table.link_first[link], table.link_first[link] + table.link_count[link])
    original = int(table.n_coef[pieces].max())
    for n_coef in range(min(REFIT_MIN_COEF, original), original + 1):
        k = np.arange(n_coef)
        nodes = np.cos(np.pi * (k + 0.5) / n_coef)
        at = (mids[:, None] + nodes[None, :] * length / 2).ravel()
        pos = link_positions(at).reshape(n_records, n_coef, 3)
        basis = np.cos(np.outer(k, np.arccos(nodes)))  # T_m(x_k)
        coef = 2.0 / n_coef * np.einsum("mk,rkc->rcm", basis, pos)
        coef[..., 0] /= 2.0
        # checked between the nodes and at the records' ends
        x = np.concatenate([[-1.0, 1.0], np.cos(np.pi * np.arange(1, n_coef) / n_coef)])
        check = (mids[:, None] + x[None, :] * length / 2).ravel()
        exact = link_positions(np.clip(check, lo, hi))
        fit = np.einsum("rcm,xm->rxc", coef, np.cos(np.outer(np.arccos(x), k))).reshape(-1, 3)
        if np.abs(fit - exact).max() <= REFIT_TOLERANCE_KM:
            label = f"{Path(table.link_files[link]).stem} re-fitted (degree {n_coef - 1})"
            return center, length, n_coef, coef.reshape(n_records, -1), label
    return None


REFIT_VERSION = 1
"""Part of every cached re-fit's key: raised when the fitting changes."""


def _refit_cache(body: int, lo: float, hi: float, frame: str) -> Path | None:
    """Where the re-fit of ``body`` over [lo, hi] is kept in the user cache: named by the
    fit's settings and by the loaded SPKs that hold the body, in load order, with their sizes
    and times (another file, or the same one changed, is another fit)."""
    try:
        files = [
            (str(c.path), c.path.stat().st_size, c.path.stat().st_mtime_ns)
            for c in spice.spk_coverage(body)
        ]
    except OSError:
        return None
    settings = (REFIT_VERSION, body, frame.upper(), lo, hi, REFIT_TOLERANCE_KM, REFIT_RECORD_S)
    name = hashlib.sha256(repr((settings, files)).encode()).hexdigest()[:32]
    return cache_dir() / "refits" / f"{name}.npz"


def _with_refit(table: ChebyshevTable, body: int, lo: float, hi: float, frame: str):
    """``table`` with the small body ``body`` added, re-fitted (:func:`refit_link`; the fit is
    kept in the user cache: a new process reads 30 kB instead of the SPK's hundred segments),
    or with its SPK records where no re-fit meets the tolerance."""
    path = _refit_cache(body, lo, hi, frame)
    fit = None
    if path is not None and path.is_file():
        with contextlib.suppress(OSError, ValueError, KeyError), np.load(path) as kept:
            fit = (
                int(kept["center"]),
                float(kept["length"]),
                int(kept["n_coef"]),
                kept["coef"],
                str(kept["label"]),
            )
    if fit is None:
        chain = chebyshev_chains((body,), lo, hi, frame=frame).chains[0]
        centre = chain[-2] if len(chain) > 1 else SSB
        fit = refit_link(chebyshev_chains((centre, body), lo, hi, frame=frame), body, lo, hi)
        if fit is None:  # the SPK's own records
            return chebyshev_chains((*table.bodies, body), lo, hi, frame=frame)
        if path is not None:
            with contextlib.suppress(OSError):
                path.parent.mkdir(parents=True, exist_ok=True)
                buffer = io.BytesIO()
                center, length, n_coef, coef, label = fit
                np.savez(
                    buffer, center=center, length=length, n_coef=n_coef, coef=coef, label=label
                )
                atomic_write(path, buffer.getvalue())
    center, length, n_coef, coef, label = fit
    try:
        return table.with_body(body, center, lo, length, n_coef, coef, label)
    except (KernelError, ValueError):  # its centre is not among the table's links
        return chebyshev_chains((*table.bodies, body), lo, hi, frame=frame)


def _memoized(states: StateFunction, size: int = 8) -> StateFunction:
    """Remember the last few arrays asked for: the event searches evaluate the same coarse
    grid several times (crossings, minima, derivative), and SPICE calls are the cost."""
    cache: dict[bytes, np.ndarray] = {}

    def wrapped(et):
        et = np.atleast_1d(np.asarray(et, dtype=float))
        key = et.tobytes()
        if key not in cache:
            if len(cache) >= size:
                cache.pop(next(iter(cache)))
            cache[key] = states(et)
        return cache[key].copy()

    return wrapped


def relative_state_function(trajectory: NBodyTrajectory, body_code: int, start_et, stop_et):
    """``rel(et, objects=None)``: the states (ET 1-d) of ``trajectory``'s bodies relative to
    ``body_code``, shaped as :meth:`NBodyTrajectory.states` (``objects`` too). From the
    records that moved them when the body is one of the perturbers, else its states from
    :func:`body_states_function` over [``start_et``, ``stop_et``]: the relative state of every
    closest-approach search of an N-body run."""
    if body_code in trajectory.perturbers.ids:
        return lambda et, objects=None: trajectory.relative_states(body_code, et, objects)
    body_state = body_states_function(body_code, start_et, stop_et)
    every = trajectory.n_objects > 1

    def rel(et, objects=None):
        body = body_state(et)
        return trajectory.states(et, objects) - (
            body[:, None] if every and objects is None else body
        )

    return rel


def body_states_function(body_code: int, start_et: float, stop_et: float) -> StateFunction:
    """Heliocentric ECLIPJ2000 states of the body over the window, from the SPK's Chebyshev
    records as the N-body engine reads them (no SPICE call per time; equal to SPICE to
    round-off), or from SPICE where the records cannot be read that way: the body's side of
    every relative state the flyby analysis and the closest-approach searches form."""
    try:
        table = Perturbers.load(start_et, stop_et, (SUN, body_code))
    except (CoverageError, KernelError):
        return _memoized(lambda et: spice.states(body_code, et, observer=SUN, frame="ECLIPJ2000"))

    def states(et):
        et = np.atleast_1d(np.asarray(et, dtype=float))
        both = table.states(et)
        return both[:, 1] - both[:, 0]

    return states


def spice_name(body: int) -> str:
    """``Ceres`` for 2000001: the body's SPICE name, title-cased (its id if it has none)."""
    try:
        return spice.body_name(body).title()
    except Exception:  # noqa: BLE001 -- a label only
        return str(body)


def compile_engine() -> None:
    """Compile the N-body engine now, or load it from its cache (:mod:`._engine.jit`): a day
    of two-body orbits about a fixed Sun, with relativity and a non-gravitational push, on
    their own steps and on shared ones, their dense output and a distance search. Processes
    started afterwards (Dask workers, a command in a subprocess) then load it instead of each
    compiling it (~30 s of CPU). Needs no kernels."""
    conics = np.array([AU_KM, 0.1, 0.1, 0.0, 0.0, 0.0, 0.0, 1.32712440041e11])
    sun = Perturbers.fixed_sun(float(conics[7]), -2 * DAY_S, 2 * DAY_S)
    pair = np.stack([conics, conics])
    for steps in STEP_MODES:
        trajectory = propagate_nbody(
            pair, -DAY_S, DAY_S, nongrav={"A2": 1e-14}, perturbers=sun, steps=steps
        )
    trajectory.states(np.array([0.5 * DAY_S]))
    trajectory.states(np.array([0.5 * DAY_S]), np.array([1]))
    trajectory.distance_events(SUN, -DAY_S, DAY_S, 3600.0, [AU_KM])


def _nongrav_row(nongrav: NonGrav | None) -> np.ndarray:
    """The compiled force routine's row for ``nongrav``: A1..A3 in km/s^2, alpha, r0 (km), m,
    n, k, and the delay DT in s."""
    if nongrav is None or not nongrav.active:
        return np.array([0.0, 0.0, 0.0, 1.0, AU_KM, 2.0, 0.0, 0.0, 0.0])
    g = nongrav
    a = [float(v) * AU_PER_DAY2_IN_KMS2 for v in (g.a1_au_d2, g.a2_au_d2, g.a3_au_d2)]
    return np.array([*a, g.alpha, g.r0_au * AU_KM, g.m, g.n, g.k, g.dt_d * DAY_S])


# --------------------------------------------------------------------------------------------
# result
# --------------------------------------------------------------------------------------------
@dataclass(frozen=True)
class _Steps:
    """The integration's steps over the window, of every body in time order (S in all):
    lower time bound, start time, length (negative backwards), start state (S, 6) and
    acceleration polynomial (S, 8, 3); body ``i`` has steps ``first[i] .. first[i] +
    count[i] - 1``; ``y0`` (N, 6) the barycentric states at the epoch (what a window that is
    the epoch alone holds)."""

    lo: np.ndarray
    t0: np.ndarray
    dt: np.ndarray
    y0_steps: np.ndarray
    poly: np.ndarray
    first: np.ndarray
    count: np.ndarray
    y0: np.ndarray

    def jit_args(self) -> tuple:
        return (self.lo, self.t0, self.dt, self.y0_steps, self.poly, self.first, self.count,
                self.y0)  # fmt: skip


class NBodyTrajectory:
    """Dense N-body solution of one or more bodies: states at any times in span.

    Attributes: ``method`` (what produced the numbers), ``start_et``/``stop_et`` (covered span),
    ``et0`` (initial epoch), ``nfev`` (force evaluations), ``steps`` (taken, by all the bodies),
    ``perturbers``, ``n_objects``, ``failures`` ({body index: why its integration stopped},
    where :func:`propagate_nbody` was told to keep going). States are kept over the window
    asked for (``start_et``..``stop_et``), not over the way there from the epoch. :meth:`states`
    of one body gives (..., 6); of several (..., N, 6).
    """

    def __init__(
        self,
        et0,
        steps: _Steps,
        perturbers: Perturbers,
        method: str,
        nfev: int,
        n_steps: int,
        window,
        failures: dict[int, str] | None = None,
    ):
        self.et0 = float(et0)
        self._steps = steps
        self.perturbers = perturbers
        self.method = method
        self.nfev = int(nfev)
        self.n_objects = len(steps.first)
        self.steps = int(n_steps)
        self.start_et, self.stop_et = (float(window[0]), float(window[1]))
        self.failures = dict(failures or {})

    def __repr__(self) -> str:
        return f"NBodyTrajectory({self.method!r}, et {self.start_et:.1f}..{self.stop_et:.1f})"

    def _shape(self, et_shape: tuple) -> tuple:
        return et_shape + ((6,) if self.n_objects == 1 else (self.n_objects, 6))

    def _times(self, et) -> tuple[np.ndarray, np.ndarray]:
        """ET as given and flattened (clipped to the window: round-off only)."""
        et_arr = np.asarray(et, dtype=float)
        flat = np.atleast_1d(et_arr).ravel()
        slack = 1e-3  # s: round-off only; never extrapolate the dense output
        if flat.size and (flat.min() < self.start_et - slack or flat.max() > self.stop_et + slack):
            raise CoverageError(
                f"N-body trajectory covers ET {self.start_et:.3f} .. {self.stop_et:.3f}; asked for "
                f"{flat.min():.3f} .. {flat.max():.3f}: propagate over a wider window"
            )
        return et_arr, np.ascontiguousarray(np.clip(flat, self.start_et, self.stop_et))

    def barycentric_states(self, et, objects=None) -> np.ndarray:
        """Solar-system-barycentric states [km, km/s] at ET inside the span; with ``objects``
        (body indices, shaped like ``et``) the state of body ``objects[q]`` at ``et[q]`` alone,
        (..., 6): many bodies' own times in one call. NaN for a body whose integration
        stopped before reaching the time (see ``failures``)."""
        from . import _engine

        et_arr, flat = self._times(et)
        one = objects is not None
        index = (
            np.ascontiguousarray(
                np.broadcast_to(np.asarray(objects, dtype=np.int64), et_arr.shape).ravel()
            )
            if one
            else np.empty(0, dtype=np.int64)
        )
        st = self._steps
        out = _engine.dense_states_of(
            st.lo, st.t0, st.dt, st.y0_steps, st.poly, st.first, st.count, st.y0, flat, index
        )
        return out.reshape(et_arr.shape + (6,) if one else self._shape(et_arr.shape))

    def states(self, et, objects=None) -> np.ndarray:
        """Heliocentric ECLIPJ2000 states [km, km/s]; no SPICE calls. ``objects``: as for
        :meth:`barycentric_states`."""
        return self.relative_states(SUN, et, objects)

    def relative_states(self, body_id: int, et, objects=None) -> np.ndarray:
        """ECLIPJ2000 states [km, km/s] relative to one of the perturbers (NAIF id), e.g.
        399 for the Earth: the relative state of every closest-approach search, from the
        same records that moved the bodies; no SPICE calls. ``objects``: as for
        :meth:`barycentric_states`."""
        bary = self.barycentric_states(et, objects)
        body = self.perturbers.body_states(body_id, np.asarray(et, dtype=float))
        if self.n_objects > 1 and objects is None:
            body = body[..., None, :]
        return bary - body

    def distance_events(
        self,
        body_code: int,
        start_et: float,
        stop_et: float,
        step_s: float,
        levels=(),
        *,
        index: int = 0,
        xtol_s: float = 1e-4,
    ) -> tuple[list[Crossings], Minima, np.ndarray] | None:
        """The distance of body ``index`` to ``body_code`` over [start_et, stop_et], searched on
        a grid of ``step_s`` in compiled code, as
        :func:`~orbitviz.dynamics.events.find_crossings` (one :class:`Crossings` per level of
        ``levels``: a sphere of influence, a radius) and
        :func:`~orbitviz.dynamics.events.find_minima` (with the distance's rate, the window's
        edges included) search it, with the relative speeds (km/s) at the minima; the same
        answers, in one call instead of a few hundred. None where the body's states cannot be
        read from SPK records (the searches on :func:`relative_state_function` then apply)."""
        from . import _engine

        table = _body_table(self, body_code, start_et, stop_et)
        if table is None:
            return None
        eph, row = table
        c_t, c_dir, c_level, m_t, m_d, m_v, m_edge = _engine.distance_events(
            self._steps.jit_args(),
            int(index),
            eph,
            row,
            float(start_et),
            float(stop_et),
            float(step_s),
            np.asarray(levels, dtype=float).reshape(-1),
            float(xtol_s),
        )
        crossings = [
            Crossings(c_t[c_level == k], c_dir[c_level == k]) for k in range(np.size(levels))
        ]
        return crossings, Minima(m_t, m_d, m_edge), m_v


def _body_table(trajectory: NBodyTrajectory, body_code: int, start_et: float, stop_et: float):
    """(the records' arrays, the row) holding ``body_code``'s barycentric states over the
    window: the perturbers' own when it is one of them, else its SPK's; None when its
    records cannot be read that way (then only SPICE knows it)."""
    ids = trajectory.perturbers.ids
    if body_code in ids:
        return trajectory.perturbers.jit_args(), ids.index(body_code)
    try:
        table = Perturbers.load(start_et, stop_et, (SUN, body_code))
    except (CoverageError, KernelError):
        return None
    return table.jit_args(), table.ids.index(body_code)


# --------------------------------------------------------------------------------------------
# driver
# --------------------------------------------------------------------------------------------
def _initial_states(initial, et0) -> tuple[np.ndarray, float]:
    """Heliocentric states (N, 6) and their common epoch from elements (8,)/(N, 8) or states."""
    init = np.asarray(initial, dtype=float)
    single = init.ndim == 1
    init2 = init[None, :] if single else init
    if init2.ndim != 2 or init2.shape[1] not in (6, 8):
        raise ElementsError(
            "the N-body start must be conic elements (8 numbers per body) or states (6 numbers "
            f"per body: km, km/s), got an array of shape {init.shape}"
        )
    if init2.shape[1] == 8:
        for row in init2:
            validate_elements(row)
        epochs = init2[:, 6]
        if np.ptp(epochs) > 0:
            raise ElementsError(
                "the elements of bodies integrated together must share one epoch; their epochs "
                f"differ by {np.ptp(epochs) / 86400:.6g} days: propagate them separately"
            )
        return elements_to_state(init2), float(epochs[0])
    if et0 is None:
        raise ElementsError(
            "initial states need their epoch: pass et0 (TDB seconds past J2000, e.g. "
            "to_et('2029-04-13'))"
        )
    if not np.all(np.isfinite(init2)):
        raise ElementsError(
            f"the initial state {init.tolist()} has NaN or inf entries; check where it came from"
        )
    return init2, float(et0)


STEP_MODES = ("own", "shared")

STOP_WAIT_S = 2.0
"""How long an interrupted caller waits for the compiled work to notice (it does within a
step, a millisecond or so; a cold compilation of the engine may not), before it goes on."""
THREAD_FROM_BODY_YEARS = 100.0
"""Integrations of fewer body-years (bodies x years) than this run in the caller's thread:
~5,000 steps, 35 ms (0.15 s for a Mercury-crosser), the longest a signal waits; the helper
thread of :func:`_interruptibly` would cost 0.4-1 ms of a 7 ms integration on a busy machine
(measured on Apophis 2008 -> 2029: median 8.26 ms with it, 7.63 ms without)."""


def _interruptibly(function, *args, threaded: bool = True):
    """``function(*args, stop)``: compiled work that runs without the GIL and ends within a
    step once ``stop[0]`` (an int64 array (1,)) is set; ``threaded=False``: short work, called
    directly.

    A signal's Python handler (Ctrl-C's KeyboardInterrupt, the command line's SIGTERM and
    SIGHUP) cannot run inside compiled code, which would go on to the end (minutes for
    thousands of clones) and then return with the exception set (numba's ``SystemError``).
    So in the main thread the work runs in a helper thread while this one waits: the handler
    runs at once, its exception sets ``stop`` and propagates once the work has ended (or
    after :data:`STOP_WAIT_S`). Elsewhere (Dask workers, which get no signals) the work is
    called directly. Cost: a thread per call, ~0.1 ms."""
    stop = np.zeros(1, np.int64)
    if not threaded or threading.current_thread() is not threading.main_thread():
        return function(*args, stop)
    outcome: dict = {}

    def work() -> None:
        try:
            outcome["value"] = function(*args, stop)
        except BaseException as exc:  # noqa: BLE001 - handed to the caller's thread below
            outcome["error"] = exc

    worker = threading.Thread(target=work, name="orbitviz-nbody", daemon=True)
    worker.start()
    try:
        worker.join()
    except BaseException:
        stop[0] = 1
        worker.join(STOP_WAIT_S)
        raise
    if "error" in outcome:
        raise outcome["error"]
    return outcome["value"]


def propagate_nbody(
    initial,
    start_et: float,
    stop_et: float,
    *,
    et0: float | None = None,
    bodies: Sequence[int | str] = DEFAULT_PERTURBERS,
    relativity: bool = True,
    nongrav: NonGrav | Mapping[str, float] | Sequence | None = None,
    rtol: float = RTOL,
    perturbers: Perturbers | None = None,
    max_steps: int = 1_000_000,
    steps: str = "own",
    keep_failures: bool = False,
) -> NBodyTrajectory:
    """Integrate massless bodies through the loaded ephemeris from their initial conditions.

    Parameters
    ----------
    initial : array (8,), (6,), (N, 8) or (N, 6)
        Heliocentric ECLIPJ2000 conic elements (their ``t0_et`` is the initial epoch, the same
        for all N; mu should be the Sun's GM), or heliocentric states [km, km/s] at ``et0``.
    start_et, stop_et : float
        Window to cover (TDB s past J2000). The integration runs from the initial epoch
        backwards and/or forwards so that the whole window (and the epoch) is covered.
    bodies : NAIF ids or names of the perturbers (must include the Sun for relativity/non-grav).
    relativity : 1PN correction for the Sun.
    nongrav : :class:`NonGrav` or an SBDB-style mapping (A1, A2, A3 in au/d^2, ALN, NM, NK,
        R0...), or a sequence of those, one per body.
    rtol : IAS15's step tolerance epsilon (dimensionless; 1e-9 converges to round-off here:
        Apophis 2008 -> 2029 moves < 1 m between 1e-8 and 1e-10).
    perturbers : :class:`Perturbers` to reuse (must cover the span).
    steps : ``"own"`` (default): each body takes the steps it needs, as if alone (its answer
        does not depend on what else is in the call; a catalog); ``"shared"``: all take the
        smallest step any of them needs, and the perturbers are evaluated once per step for
        all (clones of one orbit: cheaper per body, and their differences are smooth).
    keep_failures : a body whose integration stops (a collision, too many steps) is named in
        the result's ``failures`` (its states NaN past where it stopped) instead of raising
        :class:`~orbitviz.errors.ElementsError`.

    Needs a furnished SPK and PCK (``orbitviz.spice.KernelSet("default")``) unless
    ``perturbers`` are given: SPICE is asked only for the records and GM values, up front.
    """
    from . import _engine

    if steps not in STEP_MODES:
        raise ElementsError(f"steps={steps!r}: use one of {', '.join(STEP_MODES)}")
    states0, et0 = _initial_states(initial, et0)
    n_objects = len(states0)
    if nongrav is None or isinstance(nongrav, NonGrav | Mapping):
        nongrav = [nongrav] * n_objects
    models = [NonGrav.from_mapping(g) if isinstance(g, Mapping) else g for g in nongrav]
    if len(models) != n_objects:
        raise ElementsError(
            f"{len(models)} non-gravitational models were given for {n_objects} bodies: "
            "give one per body (or one for all)"
        )
    lo_et, hi_et = min(start_et, stop_et, et0), max(start_et, stop_et, et0)
    window = (min(start_et, stop_et), max(start_et, stop_et))  # where states are wanted
    if perturbers is None:
        perturbers = Perturbers.load(lo_et, hi_et, bodies)
    span = perturbers.span_et
    if lo_et < span[0] or hi_et > span[1]:
        raise CoverageError(
            f"the perturbers' records cover ET {span[0]:.0f}..{span[1]:.0f}, need "
            f"{lo_et:.0f}..{hi_et:.0f}"
        )
    isun = perturbers.sun_index
    if (relativity or any(m is not None and m.active for m in models)) and isun < 0:
        raise ElementsError(
            "relativity and non-gravitational forces need the Sun among the perturbers"
        )
    ng = np.array([_nongrav_row(m) for m in models])
    sun0 = perturbers.body_states(SUN, et0) if isun >= 0 else np.zeros(6)
    y0 = np.ascontiguousarray(states0 + sun0)
    targets = np.array([t for t in (lo_et, hi_et) if t != et0], dtype=float)
    # IAS15 shrinks the first step at once where needed
    h_first = np.minimum(np.abs(targets - et0), DAY_S)
    lo, t0, dt, y0s, poly, first, count, taken, status, stopped, nfev = _interruptibly(
        _engine.integrate,
        et0,
        y0,
        targets,
        h_first,
        rtol,
        max_steps,
        perturbers.jit_args(),
        perturbers.gm_km3s2,
        isun,
        bool(relativity),
        C_KMS**2,
        ng,
        np.array(span, dtype=float),
        np.array(window, dtype=float),
        steps == "own" and n_objects > 1,
        threaded=n_objects * (hi_et - lo_et) / (YEAR_D * DAY_S) >= THREAD_FROM_BODY_YEARS,
    )
    reasons = {
        _engine.TOO_MANY_STEPS: f"more than {max_steps:,} steps",
        _engine.STEP_TOO_SMALL: "the step size fell to round-off (a collision?)",
        _engine.OUT_OF_EPHEMERIS: "it left the perturbers' records",
        _engine.INTERRUPTED: "interrupted",
    }
    failures = {
        int(i): f"N-body integration stopped at ET {stopped[i]:.3f}: {reasons[int(status[i])]}"
        for i in np.flatnonzero(status != _engine.OK)
    }
    if failures and not keep_failures:
        i, why = next(iter(failures.items()))
        which = f" (body {i} of {n_objects})" if n_objects > 1 else ""
        raise ElementsError(why + which)
    parts = [f"IAS15, {perturbers.ephemeris}, {perturbers.names}"]
    if relativity:
        parts.append("1PN Sun")
    active = [m for m in models if m is not None and m.active]
    if n_objects == 1 and active:
        m = active[0]
        parts.append(f"A1/A2/A3 {m.a1_au_d2:.3g}/{m.a2_au_d2:.3g}/{m.a3_au_d2:.3g} au/d^2")
        if m.dt_d:
            parts.append(f"DT {m.dt_d:.4g} d")
    elif active:
        parts.append(f"A1/A2/A3 for {len(active)} of {n_objects} bodies")
    parts.append(f"epsilon {rtol:g}")
    own = steps == "own" or n_objects == 1
    epoch_states = y0.copy()  # what a window that is the epoch alone holds; a body that
    epoch_states[status != _engine.OK] = np.nan  # stopped before its window holds nothing
    return NBodyTrajectory(
        et0,
        _Steps(lo, t0, dt, y0s, poly, first, count, epoch_states),
        perturbers,
        "nbody (" + ", ".join(parts) + ")",
        nfev,
        int(taken.sum()) if own else int(taken.max(initial=0)),
        window,
        failures,
    )
