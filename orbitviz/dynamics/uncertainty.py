"""How sure is it? An orbit's covariance mapped through the N-body engine to an encounter.

Two ways, both through :func:`orbitviz.dynamics.nbody.propagate_nbody` (one integration each
time: every object rides the same steps):

- ``linear``: the covariance of the parameters (e, q, tp, node, peri, i, A1..A3, DT) is mapped
  to the heliocentric state at the epoch by the Jacobian of the element -> state conversion
  (central differences), then to the encounter by the state transition matrix, found by
  central differences of the same engine: the nominal and 2 x (6 + non-gravitational
  parameters) perturbed objects, steps of one sigma, integrated together.
- ``mc`` (Monte Carlo): N clones (default 1,000, seed 0: reproducible) drawn from the
  covariance, integrated together with the nominal.

At the encounter each object's closest approach is refined (the zero of r.v, to 1 ms, with
:func:`orbitviz.dynamics.events.refine_roots`) and its body-centred osculating hyperbola gives
its b-plane point (:mod:`orbitviz.dynamics.bplane`). The numbers are JPL's close-approach
quantities, defined as JPL defines them (SBDB / CAD API ``ca_data``):

- ``dist_min_km`` / ``dist_max_km``: the 3-sigma minimum / maximum close-approach distance
  (linear: nominal -/+ 3 sigma of the distance; Monte Carlo: the clones' mean -/+ 3 standard
  deviations: with 1,000 clones the 0.135 % quantiles would rest on one or two clones);
- ``t_sigma_s``: the 1-sigma spread of the times of closest approach (each variant's own
  distance minimum), at the level of JPL's ``sigma_t`` numbers (JPL's CAD documentation calls
  its formatted ``t_sigma_f`` "3-sigma"; the SBDB rows' ``sigma_t`` are one sigma). JPL's
  answers do not all mean the same by ``sigma_t``: those of 67P (K154/2) and Phaethon (628)
  are this spread (67P 1982: 8.827 s, JPL 8.825 s; 2034: 25.72 s, JPL 25.72 s), while the
  Apophis answer (orbit 199) gives ``t_peri_sigma_s``: every variant taken at the *nominal*
  closest-approach time, turned into its body-centred osculating conic, and the spread of
  that conic's periapsis time (all 71 of its rows within DE421's span agree to 0.5 %, e.g.
  2028-Sep-12 89.9 s vs 90.0 s, and 69.3 h vs 69.4 h on 2029-Nov-25 after the April
  encounter). For a deep encounter the two are the same (Apophis 2029-Apr-13: 4.316 s, JPL
  4.319 s); for a distant one the Sun bends the relative path and they are not (2029-Nov-25:
  the minima themselves spread by 19.7 h). The 3-sigma distances agree with JPL's
  ``dist_min``/``dist_max`` to 0.03-1 km;
- ``bplane_unc_major_km`` / ``bplane_unc_minor_km``: 1-sigma semi-axes of the b-plane error
  ellipse (JPL's ``unc_major``/``unc_minor``: 243.8 / 2.975 km ours, 244.0 / 2.975 km JPL for
  Apophis 2029), and ``bplane_unc_angle_deg`` the angle of its major axis, counterclockwise in
  the (xi right, zeta up) plane from the direction of the nominal b-plane point, in (-90, 90]:
  JPL's ``unc_angle`` (11.15 deg ours, 11.16 deg JPL for Apophis 2029; -56.1 vs -57.0 for the
  Moon pass). The SBDB documentation names these fields without their level or convention;
  the checks are ``tests/test_uncertainty.py``.

A Monte Carlo run also counts the clones whose tracks reach the body's surface, found as
events on the run's dense output (:mod:`orbitviz.dynamics.impacts`; for the Earth also those
entering the atmosphere), and gives the impact fraction with its binomial standard error. When the two methods disagree by more than the Monte Carlo's own
sampling error allows (and 20 %), the encounter is non-linear: the report says so and the
Monte Carlo numbers are the ones to trust.
"""

from __future__ import annotations

import math
from collections.abc import Mapping
from dataclasses import dataclass, field

import numpy as np

from .. import spice
from ..errors import CovarianceError, OrbitvizError
from ..smallbodies.covariance import OrbitCovariance
from ..smallbodies.elements import OrbitalElements
from .bplane import capture_radius_km, error_ellipse, periapsis_time, target_plane
from .events import refine_roots, time_grid
from .impacts import find_impacts
from .kepler import elements_to_state
from .methods import DEFAULT_CLONES, DEFAULT_SEED
from .methods import UNCERTAINTY_CHOICES as CHOICES
from .methods import UNCERTAINTY_MODES as MODES
from .nbody import (
    NBodyTrajectory,
    StateFunction,
    body_states_function,
    propagate_nbody,
    relative_state_function,
)

WINDOW_S = 2 * 86400.0
"""Half-width of the span integrated densely around the nominal closest approach."""
DISAGREE_FRACTION = 0.2
NARROW_S = 5.0
"""Half-width (s) of the first bracket around the straight-line guess of a closest approach."""


@dataclass
class Estimate:
    """One method's answer. Distances km, times s; ``dist_min_km``/``dist_max_km`` are 3-sigma,
    ``t_sigma_s`` and the b-plane axes 1-sigma (the levels of JPL's fields)."""

    method: str
    t_sigma_s: float
    dist_sigma_km: float
    dist_min_km: float
    dist_max_km: float
    bplane_cov_km2: np.ndarray
    bplane_unc_major_km: float
    bplane_unc_minor_km: float
    bplane_unc_angle_deg: float
    t_peri_sigma_s: float | None = None
    """1-sigma spread of the periapsis time of each variant's body-centred osculating conic,
    all taken at the nominal closest-approach time: the ``sigma_t`` of JPL's Apophis answer;
    equal to ``t_sigma_s`` for a deep encounter, not for a distant one."""
    n_clones: int | None = None
    seed: int | None = None
    impacts: int | None = None
    atmospheric_entries: int | None = None
    impact_fraction: float | None = None
    impact_fraction_err: float | None = None
    clones_et: np.ndarray | None = field(default=None, repr=False)
    clones_dist_km: np.ndarray | None = field(default=None, repr=False)
    clones_xi_km: np.ndarray | None = field(default=None, repr=False)
    clones_zeta_km: np.ndarray | None = field(default=None, repr=False)

    def to_dict(self) -> dict:
        out = {
            "method": self.method,
            "t_sigma_s": self.t_sigma_s,
            "t_sigma_level": "1-sigma (the level of JPL's sigma_t numbers)",
            "t_sigma_definition": "spread of the times of the distance minimum, each variant's own",
            "t_peri_sigma_s": self.t_peri_sigma_s,
            "dist_sigma_km": self.dist_sigma_km,
            "dist_min_km": self.dist_min_km,
            "dist_max_km": self.dist_max_km,
            "bplane_unc_major_km": self.bplane_unc_major_km,
            "bplane_unc_minor_km": self.bplane_unc_minor_km,
            "bplane_unc_angle_deg": self.bplane_unc_angle_deg,
        }
        if self.n_clones is not None:
            out.update(
                n_clones=self.n_clones,
                seed=self.seed,
                impacts=self.impacts,
                atmospheric_entries=self.atmospheric_entries,
                impact_fraction=self.impact_fraction,
                impact_fraction_err=self.impact_fraction_err,
            )
        return out


@dataclass
class EncounterUncertainty:
    """The nominal encounter and its uncertainty by one or two methods (``linear``,
    ``monte_carlo``); ``answer`` is the one to quote (Monte Carlo when there is one)."""

    body: str
    covariance: str
    diagonal_only: bool
    method_detail: str
    nominal_et: float
    nominal_dist_km: float
    nominal_xi_km: float
    nominal_zeta_km: float
    nominal_b_km: float
    v_inf_kms: float
    body_radius_km: float | None
    capture_radius_km: float | None
    axes: np.ndarray
    trajectory: NBodyTrajectory = field(repr=False)
    """The N-body solution of all objects (nominal first, then the linear mapping's, then the
    clones) over the window: for scenes of the clone cloud."""
    body_state: StateFunction = field(repr=False)
    """Heliocentric states of the body at ET (the function the closest approaches used)."""
    linear: Estimate | None = None
    monte_carlo: Estimate | None = None
    warnings: list[str] = field(default_factory=list)
    notes: list[str] = field(default_factory=list)
    clone_slice: slice | None = None

    def relative_positions(self, et, objects) -> np.ndarray:
        """Body-centred ECLIPJ2000 positions (T, K, 3) km of ``objects`` (indices into the
        integration: 0 the nominal, the clones at :attr:`clone_slice`) at ``et`` (T,); NaN
        outside the integrated window."""
        et = np.atleast_1d(np.asarray(et, dtype=float))
        traj = self.trajectory
        inside = (et >= traj.start_et) & (et <= traj.stop_et)
        out = np.full((len(et), len(np.atleast_1d(objects)), 3), np.nan)
        if inside.any():
            t = et[inside]
            states = traj.states(t).reshape(len(t), traj.n_objects, 6)[:, objects, :3]
            out[inside] = states.reshape(len(t), -1, 3) - self.body_state(t)[:, None, :3]
        return out

    @property
    def answer(self) -> Estimate:
        answer = self.monte_carlo or self.linear
        if answer is None:  # every mode maps one of them
            raise OrbitvizError("no uncertainty was mapped")
        return answer

    def to_dict(self) -> dict:
        a = self.answer
        out = {
            "uncertainty_method": a.method,
            "covariance": self.covariance,
            "covariance_diagonal_only": self.diagonal_only,
            "dist_min_km": a.dist_min_km,
            "dist_max_km": a.dist_max_km,
            "t_sigma_s": a.t_sigma_s,
            "t_peri_sigma_s": a.t_peri_sigma_s,
            "bplane_xi_km": self.nominal_xi_km,
            "bplane_zeta_km": self.nominal_zeta_km,
            "bplane_b_km": self.nominal_b_km,
            "bplane_unc_major_km": a.bplane_unc_major_km,
            "bplane_unc_minor_km": a.bplane_unc_minor_km,
            "bplane_unc_angle_deg": a.bplane_unc_angle_deg,
            "capture_radius_km": self.capture_radius_km,
            "impact_fraction": a.impact_fraction,
            "impact_fraction_err": a.impact_fraction_err,
            "bplane_frame": "Valsecchi et al. 2003: eta along the incoming body-centred velocity, "
            "zeta opposite to the body's heliocentric velocity projected on the b-plane, "
            "xi = eta x zeta (ECLIPJ2000)",
            "conventions": "dist_min/dist_max 3-sigma; t_sigma_s 1-sigma (the level of JPL's "
            "sigma_t numbers); b-plane ellipse semi-axes 1-sigma, angle of the major axis "
            "counterclockwise (xi right, zeta up) from the nominal point's direction (JPL "
            "unc_major, unc_minor, unc_angle)",
            "method_detail": self.method_detail,
            "linear": self.linear.to_dict() if self.linear else None,
            "monte_carlo": self.monte_carlo.to_dict() if self.monte_carlo else None,
            "warnings": list(self.warnings),
            "notes": list(self.notes),
        }
        return out


# --------------------------------------------------------------------------------------------
def _jacobian_elements_to_state(cov, p0: np.ndarray, gm: float, orbit_idx: list[int]):
    """d state / d parameters (6, 6) at the epoch, by central differences of the two-body
    conversion (steps of 1e-3 sigma: the conversion is smooth, round-off far below)."""
    jac = np.empty((6, len(orbit_idx)))
    for col, j in enumerate(orbit_idx):
        h = 1e-3 * math.sqrt(cov.matrix[j, j])
        plus, minus = p0.copy(), p0.copy()
        plus[j] += h
        minus[j] -= h
        states = elements_to_state(cov.conics(np.array([plus, minus]), gm))
        jac[:, col] = (states[0] - states[1]) / (2 * h)
    return jac


def _closest_approaches(rel_of, n_objects: int, lo: float, hi: float):
    """Closest approach time (N,), body-centred state (N, 6) there, and whether it sits on the
    window's edge, for every object of an N-body run (``rel_of``: its
    :func:`~orbitviz.dynamics.nbody.relative_state_function`): grid minimum, then the zero of
    r.v, each object's state evaluated at its own times alone."""
    step = min(600.0, (hi - lo) / 200.0)
    grid = time_grid(lo, hi, step)
    rel = rel_of(grid).reshape(len(grid), n_objects, 6)
    dist = np.linalg.norm(rel[..., :3], axis=-1)
    i = np.argmin(dist, axis=0)
    edge = (i == 0) | (i == len(grid) - 1)
    ia, ib = np.clip(i - 1, 0, len(grid) - 1), np.clip(i + 1, 0, len(grid) - 1)
    a, b = grid[ia], grid[ib]

    def rel_at(t, idx):
        return rel_of(np.asarray(t, dtype=float), idx)

    def rdot(t, idx):
        r = rel_at(t, idx)
        return np.einsum("ij,ij->i", r[:, :3], r[:, 3:])

    objs = np.arange(n_objects)
    fa = np.einsum("ij,ij->i", rel[ia, objs, :3], rel[ia, objs, 3:])
    fb = np.einsum("ij,ij->i", rel[ib, objs, :3], rel[ib, objs, 3:])
    t_ca = grid[i].astype(float)
    ok = ~edge & (fa < 0) & (fb > 0)
    # a narrower bracket first: straight-line motion from the grid minimum puts the closest
    # approach within seconds (fewer refinement rounds, each evaluating every object)
    near = rel[i, objs]
    guess = t_ca - np.einsum("ij,ij->i", near[:, :3], near[:, 3:]) / np.einsum(
        "ij,ij->i", near[:, 3:], near[:, 3:]
    )
    guess = np.clip(guess, a + NARROW_S, b - NARROW_S)
    fa2, fb2 = rdot(guess - NARROW_S, objs), rdot(guess + NARROW_S, objs)
    narrow = ok & (fa2 < 0) & (fb2 > 0)
    a, b = np.where(narrow, guess - NARROW_S, a), np.where(narrow, guess + NARROW_S, b)
    fa, fb = np.where(narrow, fa2, fa), np.where(narrow, fb2, fb)
    if ok.any():
        sel = np.flatnonzero(ok)
        t_ca[sel] = refine_roots(
            lambda t, k: rdot(t, sel[k]), a[sel], b[sel], fa[sel], fb[sel], 1e-3, indexed=True
        )
    return t_ca, rel_at(t_ca, objs), edge


def _estimate_from_samples(method, t, d, xi, zeta, tp, reference) -> Estimate:
    cov2 = np.cov(np.vstack([xi, zeta]))
    major, minor, angle = error_ellipse(cov2, reference=reference)
    mean, sd = float(np.mean(d)), float(np.std(d, ddof=1))
    return Estimate(
        method=method,
        t_sigma_s=float(np.std(t, ddof=1)),
        t_peri_sigma_s=float(np.std(tp, ddof=1)),
        dist_sigma_km=sd,
        dist_min_km=mean - 3.0 * sd,
        dist_max_km=mean + 3.0 * sd,
        bplane_cov_km2=cov2,
        bplane_unc_major_km=major,
        bplane_unc_minor_km=minor,
        bplane_unc_angle_deg=angle,
    )


def check_nominal(cov: OrbitCovariance, elements: OrbitalElements) -> None:
    """CovarianceError (``reason`` ``"nominal"``) unless the covariance's nominal parameters
    give the elements' orbit: at the same epoch, the same position to 1e-9 relative (+ 1 m).
    A covariance at another epoch carries its own nominal parameters (SBDB's
    ``covariance.elements``) and the uncertainty is mapped from those: nothing to compare
    without an integration. (Its labels are checked when the elements are made:
    :meth:`~orbitviz.smallbodies.covariance.OrbitCovariance.check_elements`.)"""
    if abs(cov.epoch_et - elements.epoch_et) > 1.0:
        return
    mine = elements_to_state(cov.conics(np.asarray(cov.nominal), elements.gm_km3s2)[0])
    theirs = elements_to_state(elements.to_conics())
    off = float(np.linalg.norm(mine[:3] - theirs[:3]))
    if off > 1e-9 * float(np.linalg.norm(theirs[:3])) + 1e-3:
        raise CovarianceError(
            f"the covariance's nominal parameters of {elements.designation} "
            f"({elements.source}) give an orbit {off:,.3f} km from the elements' at the epoch: "
            "the covariance does not belong to these elements",
            reason="nominal",
            labels=cov.labels,
        )


def encounter_uncertainty(
    elements: OrbitalElements,
    body: str | int,
    ca_et: float,
    *,
    mode: str = "linear",
    clones: int = DEFAULT_CLONES,
    seed: int | None = DEFAULT_SEED,
    covariance: OrbitCovariance | None = None,
    window_s: float = WINDOW_S,
    nbody_options: Mapping | None = None,
) -> EncounterUncertainty:
    """Map the orbit uncertainty of ``elements`` (its ``covariance``, else a diagonal one from
    its sigmas: CovarianceError when it has neither) to its closest approach to ``body`` near
    ``ca_et`` (ET), by ``mode`` ``linear``, ``mc`` or ``both``. Needs the kernels loaded
    (``KernelSet("default")``). A covariance whose nominal orbit is not the elements' (at the
    same epoch) is refused: :func:`check_nominal`."""
    if mode not in MODES:
        raise OrbitvizError(f"unknown uncertainty mode {mode!r}: use one of {', '.join(MODES)}")
    if mode != "linear" and clones < 2:
        raise OrbitvizError(f"a Monte Carlo run needs at least 2 clones, got {clones}")
    cov = covariance or elements.covariance or OrbitCovariance.from_sigmas(elements)
    check_nominal(cov, elements)
    gm_sun = float(elements.gm_km3s2)
    body_code = spice.body_id(body)
    mu = spice.gm_km3s2(body_code)
    try:
        radius = float(spice.radii_km(body_code)[0])
    except OrbitvizError:
        radius = None
    base_ng = dict(elements.nongrav or {})
    labels = cov.labels
    orbit_idx = [i for i, x in enumerate(labels) if x not in cov.nongrav_labels]
    ng_idx = [i for i, x in enumerate(labels) if x in cov.nongrav_labels]
    p0 = np.asarray(cov.nominal, dtype=float)
    x0 = elements_to_state(cov.conics(p0, gm_sun))[0]

    # the objects: nominal, linear mapping's perturbed pairs, clones
    states, nongrav = [x0], [base_ng]
    cov_y = None
    deltas = np.empty(0)
    if mode in ("linear", "both"):
        jac = _jacobian_elements_to_state(cov, p0, gm_sun, orbit_idx)
        k = len(labels)
        t_map = np.zeros((6 + len(ng_idx), k))
        t_map[:6, orbit_idx] = jac
        for row, j in enumerate(ng_idx):
            t_map[6 + row, j] = 1.0
        cov_y = t_map @ cov.matrix @ t_map.T
        deltas = np.sqrt(np.diag(cov_y))
        for j in range(6):
            for sign in (1.0, -1.0):
                x = x0.copy()
                x[j] += sign * deltas[j]
                states.append(x)
                nongrav.append(base_ng)
        for row, j in enumerate(ng_idx):
            for sign in (1.0, -1.0):
                states.append(x0)
                nongrav.append({**base_ng, labels[j]: p0[j] + sign * deltas[6 + row]})
    n_linear = len(states)
    if mode in ("mc", "both"):
        samples = cov.sample(int(clones), seed)
        states.extend(elements_to_state(cov.conics(samples, gm_sun)))
        nongrav.extend(cov.nongrav(samples, base_ng))
    n_objects = len(states)
    lo, hi = ca_et - window_s, ca_et + window_s
    options = {k: v for k, v in dict(nbody_options or {}).items() if k != "nongrav"}
    options.setdefault("steps", "shared")  # clones of one orbit: the perturbers once per step
    traj = propagate_nbody(
        np.array(states),
        lo,
        hi,
        et0=cov.epoch_et,
        nongrav=[g or None for g in nongrav],
        **options,
    )
    body_state = body_states_function(body_code, lo - 1.0, hi + 1.0)
    rel_of = relative_state_function(traj, body_code, lo - 1.0, hi + 1.0)
    t_ca, rel_ca, edge = _closest_approaches(rel_of, n_objects, lo, hi)
    d_ca = np.linalg.norm(rel_ca[:, :3], axis=1)
    body_vel = body_state(np.array([t_ca[0]]))[0, 3:]
    nominal_plane = target_plane(rel_ca[:1], mu, body_vel)
    axes = nominal_plane.axes
    plane = target_plane(rel_ca, mu, body_vel, axes=axes)
    v_inf = float(plane.v_inf_kms[0])
    capture = capture_radius_km(radius, mu, v_inf) if radius else None
    result = EncounterUncertainty(
        body=spice.body_name(body_code),
        covariance=cov.describe() + f", {cov.source}",
        diagonal_only=cov.diagonal_only,
        method_detail=traj.method,
        nominal_et=float(t_ca[0]),
        nominal_dist_km=float(d_ca[0]),
        nominal_xi_km=float(plane.xi_km[0]),
        nominal_zeta_km=float(plane.zeta_km[0]),
        nominal_b_km=float(plane.b_km[0]),
        v_inf_kms=v_inf,
        body_radius_km=radius,
        capture_radius_km=capture,
        axes=axes,
        trajectory=traj,
        body_state=body_state,
    )
    if edge[0]:
        raise OrbitvizError(
            f"the nominal closest approach to {result.body} is not within {window_s / 86400:g} "
            "days of the time given: no uncertainty mapped"
        )
    if cov.diagonal_only:
        result.notes.append(
            "from 1-sigma values alone (a diagonal covariance, correlations "
            "unknown): it is not the orbit solution's uncertainty and can be far larger or "
            "smaller than JPL's; use an SBDB API answer with its covariance (--sbdb-file, "
            "--online)"
        )
    # JPL's time: each variant's osculating periapsis time, all taken at the nominal time
    at_nominal = rel_of(np.array([t_ca[0]])).reshape(n_objects, 6)
    t_peri = periapsis_time(at_nominal, mu, float(t_ca[0]))
    out = np.vstack([t_ca, d_ca, plane.xi_km, plane.zeta_km, t_peri])  # (5, N)
    if mode in ("linear", "both"):
        pairs = (n_linear - 1) // 2
        plus, minus = out[:, 1:n_linear:2], out[:, 2:n_linear:2]
        jac_out = (plus - minus) / (2.0 * deltas[:pairs])
        cov_out = jac_out @ cov_y @ jac_out.T
        major, minor, angle = error_ellipse(cov_out[2:4, 2:4], reference=out[2:4, 0])
        sd = math.sqrt(cov_out[1, 1])
        result.linear = Estimate(
            method="linear",
            t_sigma_s=math.sqrt(cov_out[0, 0]),
            t_peri_sigma_s=math.sqrt(cov_out[4, 4]),
            dist_sigma_km=sd,
            dist_min_km=result.nominal_dist_km - 3.0 * sd,
            dist_max_km=result.nominal_dist_km + 3.0 * sd,
            bplane_cov_km2=cov_out[2:4, 2:4],
            bplane_unc_major_km=major,
            bplane_unc_minor_km=minor,
            bplane_unc_angle_deg=angle,
        )
    if mode in ("mc", "both"):
        sl = slice(n_linear, n_objects)
        result.clone_slice = sl
        t, d, xi, zeta, tp = out[:, sl]
        est = _estimate_from_samples("mc", t, d, xi, zeta, tp, out[2:4, 0])
        n = len(t)
        # impacts: the clones whose tracks reach the surface, found as events on the dense
        # output (dynamics.impacts), not guessed from the b-plane
        objs = np.arange(n_objects)[sl]
        entries = find_impacts(rel_of, objs, t, d, body_code)
        hits = sum(1 for e in entries if e is not None and e.reaches_surface)
        est.atmospheric_entries = sum(1 for e in entries if e is not None)
        est.n_clones, est.seed, est.impacts = n, seed, hits
        est.impact_fraction, est.impact_fraction_err = impact_fraction(hits, n)
        est.clones_et, est.clones_dist_km, est.clones_xi_km, est.clones_zeta_km = t, d, xi, zeta
        result.monte_carlo = est
        if hits == 0:
            result.notes.append(
                f"no clone of {n} hits {result.body.title()}: impact fraction < {3.0 / n:.2g} (95 %, "
                "rule of three)"
            )
        if edge[sl].any():
            result.warnings.append(
                f"{int(edge[sl].sum())} of {n} clones have their closest approach outside "
                f"+-{window_s / 86400:g} days of the nominal: the cloud is wider than the window, "
                "their distances are window-edge values"
            )
    if result.linear and result.monte_carlo:
        result.warnings.extend(_disagreement(result.linear, result.monte_carlo))
    return result


def impact_fraction(hits: int, n: int) -> tuple[float, float | None]:
    """The fraction of ``n`` clones that hit and its binomial standard error, floored at one
    clone's worth (0 or all hits would otherwise claim no error); None without a hit.

    >>> impact_fraction(0, 1000), impact_fraction(500, 1000)
    ((0.0, None), (0.5, 0.0158...))
    >>> impact_fraction(1000, 1000)
    (1.0, 0.001)
    """
    p = hits / n
    return p, (math.sqrt(max(p * (1 - p), 1.0 / n) / n) if hits else None)


def needs_monte_carlo(u: EncounterUncertainty) -> bool:
    """Whether a linear answer is doubtful: its 3-sigma b-plane ellipse reaches the capture disc
    (an impact is possible: count clones) or is large beside the miss distance (> 10 %)."""
    lin = u.linear
    if lin is None:
        return True
    reach = 3.0 * lin.bplane_unc_major_km
    near = u.capture_radius_km is not None and u.nominal_b_km - reach <= u.capture_radius_km
    return near or reach > 0.1 * u.nominal_b_km


def for_report(
    elements, body, ca_et, choice: str, *, clones, seed, nbody_options=None, at_edge=False
):
    """The uncertainty a flyby report shows for ``--uncertainty choice``: an
    :class:`EncounterUncertainty`, or a string saying why there is none. ``auto`` never fails
    the report: elements without covariance or sigmas, a closest approach on the search
    window's edge (``at_edge``: no encounter) or any other reason give the string; ``linear``
    and ``mc`` raise instead (CovarianceError, OrbitvizError)."""
    if choice == "none":
        return "not computed (--uncertainty none)"
    if choice not in CHOICES:
        raise OrbitvizError(f"unknown uncertainty {choice!r}: use one of {', '.join(CHOICES)}")
    if at_edge:
        reason = (
            "the closest approach is on the search window's edge: no encounter to map the "
            "uncertainty to (widen --start/--stop)"
        )
        if choice == "auto":
            return f"no uncertainty: {reason}"
        raise OrbitvizError(f"--uncertainty {choice}: {reason}")
    mode = {"linear": "linear", "mc": "both", "auto": "linear"}[choice]
    kw = {"clones": clones, "seed": seed, "nbody_options": nbody_options}
    try:
        u = encounter_uncertainty(elements, body, ca_et, mode=mode, **kw)
        if choice == "auto" and not u.diagonal_only and needs_monte_carlo(u):
            u = encounter_uncertainty(elements, body, ca_et, mode="both", **kw)
            u.notes.append(
                "auto: the linear ellipse is large or near the capture disc, so Monte Carlo "
                "clones were run beside it"
            )
    except OrbitvizError as exc:
        if choice != "auto":
            raise
        return f"no uncertainty: {exc}"
    return u


def _disagreement(lin: Estimate, mc: Estimate) -> list[str]:
    """A warning when linear and Monte Carlo differ beyond the clones' sampling error."""
    allowed = max(DISAGREE_FRACTION, 5.0 / math.sqrt(2.0 * (mc.n_clones or 1)))
    checks = [
        ("time sigma", lin.t_sigma_s, mc.t_sigma_s),
        ("distance sigma", lin.dist_sigma_km, mc.dist_sigma_km),
        ("b-plane major axis", lin.bplane_unc_major_km, mc.bplane_unc_major_km),
    ]
    off = [
        f"{name} {a:.4g} vs {b:.4g}" for name, a, b in checks if b > 0 and abs(a - b) > allowed * b
    ]
    if not off:
        return []
    return [
        "linear mapping and Monte Carlo disagree (" + "; ".join(off) + "): the encounter is "
        "non-linear; trust the Monte Carlo numbers"
    ]


__all__ = [
    "CHOICES",
    "DEFAULT_CLONES",
    "MODES",
    "EncounterUncertainty",
    "Estimate",
    "check_nominal",
    "encounter_uncertainty",
    "for_report",
    "needs_monte_carlo",
]
