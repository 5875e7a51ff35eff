"""Flyby analysis: a small body passing a planet (or the Moon), by three methods.

- ``conic``: the small body on its heliocentric two-body orbit, the body's gravity ignored
  (the quick answer; the notebooks' first step). Its orbit is unchanged by construction.
- ``patched``: patched conics, the notebooks' method: heliocentric conic up to the entry into
  the body's sphere of influence (SOI), a body-centred hyperbola inside, a new heliocentric
  conic after the exit; the orbit before vs after shows what the encounter changed.
- ``nbody``: numerical integration with the Sun, planets and Moon from the loaded SPK
  (:mod:`orbitviz.dynamics.nbody`); osculating heliocentric elements at SOI entry and exit.

Every number says which method produced it. Event times (SOI entry/exit, closest approach)
are refined to 1e-4 s on the chosen model.

>>> from orbitviz.spice import KernelSet, to_et
>>> from orbitviz.smallbodies import resolve_target
>>> elements, window = resolve_target("2021 WP")          # embedded table: works offline
>>> with KernelSet("default"):
...     start, stop = to_et(window.start_utc), to_et(window.stop_utc)
...     result = analyze_flyby(elements, "EARTH", start, stop, method="patched")
>>> result.method, result.entered_soi, round(result.closest.dist_km, -2)
('patched', True, 154500.0)
>>> result.hyperbola.v_inf_kms, result.hyperbola.e                  # km/s; Earth-centred
(4.54, 8.99)
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field

import numpy as np

from .. import spice
from ..errors import OrbitvizError
from ..units import AU_KM
from . import kepler, nbody
from .drift import pulls_on_the_way
from .events import Crossings, find_crossings, find_minima, time_grid
from .impacts import Impact, find_impact, levels_km
from .methods import DEFAULT_METHOD, METHODS
from .nbody import body_states_function
from .relative import distance_functions
from .spheres import primary_of, soi_radius_km

SUN = 10

StateFunction = Callable[[np.ndarray], np.ndarray]


@dataclass(frozen=True)
class Approach:
    """A local minimum of the distance: time, distance and relative speed."""

    et: float
    dist_km: float
    v_rel_kms: float


@dataclass(frozen=True)
class Hyperbola:
    """The body-centred osculating conic at one time (usually the SOI entry)."""

    et: float
    periapsis_km: float
    e: float
    v_inf_kms: float | None  # None for a bound (e < 1) orbit
    periapsis_et: float


@dataclass
class _Pass:
    """What one method found over the window; :func:`analyze_flyby` makes the
    :class:`FlybyResult` of it. ``rel`` gives the target's state relative to the body."""

    method: str
    method_detail: str
    rel: StateFunction
    entries_et: np.ndarray
    exits_et: np.ndarray
    approaches: list[Approach]
    closest: Approach
    at_edge: bool
    hyperbola: Hyperbola
    elements_before: np.ndarray
    elements_after: np.ndarray | None
    notes: list[str]
    sphere_crossings: dict[float, Crossings] = field(default_factory=dict)
    """Crossings of further spheres (km -> :class:`Crossings`) found with the SOI's: the
    N-body pass finds the impact sphere's in the same compiled call."""


@dataclass
class FlybyResult:
    """Everything one analysis found; all times are ET (TDB seconds past J2000)."""

    target: str
    body: str
    method: str
    method_detail: str
    start_et: float
    stop_et: float
    soi_radius_km: float
    body_radius_km: float | None
    entries_et: np.ndarray
    exits_et: np.ndarray
    approaches: list[Approach]
    closest: Approach
    closest_at_window_edge: bool
    hyperbola: Hyperbola | None
    elements_before: np.ndarray | None  # heliocentric conics (8,) before the encounter
    elements_after: np.ndarray | None
    samples_et: np.ndarray
    samples_rel_km: np.ndarray  # (N, 3) target relative to the body, ECLIPJ2000
    notes: list[str] = field(default_factory=list)
    comparison: dict | None = None  # two-body minus N-body (see compare_results)
    elements_source: str = ""
    compared: FlybyResult | None = None  # the other method's analysis (N-body <-> patched)
    warnings: list[str] = field(default_factory=list)
    impact: Impact | None = None
    """The track's entry into the body (None: it stays outside). When it reaches the surface,
    nothing after that is reported: the closest approach is the surface entry."""

    @property
    def entered_soi(self) -> bool:
        return self.entries_et.size > 0

    @property
    def samples_dist_km(self) -> np.ndarray:
        return np.linalg.norm(self.samples_rel_km, axis=1)


def _samples(start_et: float, stop_et: float, step_s: float, closest_et: float) -> np.ndarray:
    """Sample times for plots and scenes: the event grid, plus 1-minute steps for 6 hours
    either side of the closest approach, where the track bends most."""
    fine = np.arange(
        max(start_et, closest_et - 6 * 3600.0), min(stop_et, closest_et + 6 * 3600.0), 60.0
    )
    return np.union1d(time_grid(start_et, stop_et, step_s), fine)


def _grid_step_s(start_et: float, stop_et: float) -> float:
    # one hour, but at least 500 samples per window: an SOI pass of a NEO lasts days, and a
    # dip between two grid points is still found (events.find_crossings checks grid minima)
    return min(3600.0, (stop_et - start_et) / 500.0)


def _approaches(rel_state: StateFunction, start_et: float, stop_et: float, step_s: float):
    dist, ddist = distance_functions(rel_state)
    minima = find_minima(dist, start_et, stop_et, step_s, fprime=ddist, include_edges=True)
    speeds = np.linalg.norm(rel_state(minima.et)[..., 3:], axis=-1) if len(minima) else None
    return _pick_closest(rel_state, start_et, minima, speeds)


def _pick_closest(rel_state: StateFunction, start_et: float, minima, speeds):
    """(interior approaches, the closest, whether it is at a window edge) of the distance's
    minima (edges included) and the relative speeds there."""
    found = [
        Approach(float(t), float(d), float(s))
        for t, d, s in zip(minima.et, minima.value, speeds if speeds is not None else [])
    ]
    interior = [a for a, edge in zip(found, minima.at_edge) if not edge]
    edges = [a for a, edge in zip(found, minima.at_edge) if edge]
    candidates = interior + edges
    if not candidates:  # constant distance: take the start
        s = rel_state(np.array([start_et]))[0]
        candidates = [
            Approach(start_et, float(np.linalg.norm(s[:3])), float(np.linalg.norm(s[3:])))
        ]
    closest = min(candidates, key=lambda a: a.dist_km)
    return interior, closest, closest in edges


def _hyperbola(rel: np.ndarray, et: float, mu_km3s2: float) -> Hyperbola:
    return _hyperbola_of(kepler.state_to_elements(rel, mu_km3s2, et), et, mu_km3s2, rel)


def _hyperbola_of(elts: np.ndarray, et: float, mu_km3s2: float, rel: np.ndarray) -> Hyperbola:
    """The :class:`Hyperbola` of the body-centred state ``rel`` and its elements ``elts``."""
    rp, e = float(elts[0]), float(elts[1])
    r = float(np.linalg.norm(rel[:3]))
    energy = float(np.dot(rel[3:], rel[3:])) / 2.0 - mu_km3s2 / r
    v_inf = float(np.sqrt(2.0 * energy)) if energy > 0 else None
    if e < 1.0:
        n = np.sqrt(mu_km3s2 / (rp / (1.0 - e)) ** 3)
        m = (float(elts[5]) + np.pi) % (2 * np.pi) - np.pi  # nearest periapsis
    else:
        n = np.sqrt(mu_km3s2 / (rp / (e - 1.0)) ** 3)
        m = float(elts[5])
    return Hyperbola(et, rp, e, v_inf, float(et - m / n))


def analyze_flyby(
    target,
    body: str | int = "EARTH",
    start_et: float | None = None,
    stop_et: float | None = None,
    *,
    method: str = DEFAULT_METHOD,
    name: str | None = None,
    nbody_options: dict | None = None,
    compare: bool = True,
) -> FlybyResult:
    """Analyse a small body's pass by ``body`` between ``start_et`` and ``stop_et``.

    ``target`` is an :class:`orbitviz.smallbodies.OrbitalElements` (heliocentric, ECLIPJ2000)
    or a conics array (8,). Needs kernels with the body's ephemeris and GM values loaded
    (``KernelSet("default")``). With ``compare``, the other side is analysed too: an N-body
    result carries the patched-conic one (the notebooks' method: the lesson of what the
    encounter does) in ``compared``, a two-body result the N-body one, and ``comparison``
    holds their differences (two-body minus N-body); a two-body result whose answer is off
    says so in ``warnings``, with the bodies whose pull the conic ignored.
    """
    if method not in METHODS:
        raise OrbitvizError(f"unknown flyby method {method!r}: use one of {', '.join(METHODS)}")
    conics = np.asarray(target.to_conics() if hasattr(target, "to_conics") else target, float)
    kepler.validate_elements(conics)
    label = str(name or getattr(target, "name", None) or getattr(target, "designation", "target"))
    if start_et is None or stop_et is None or not stop_et > start_et:
        raise OrbitvizError(
            f"flyby of {label}: give a search window with stop > start (got {start_et}, {stop_et})"
        )
    body_code = spice.body_id(body)
    body_name = spice.body_name(body_code)
    gm_body = spice.gm_km3s2(body_code)
    gm_sun = float(conics[7])  # the elements' own central GM: "before" equals the input orbit
    window_mid = 0.5 * (start_et + stop_et)
    # Check the ephemeris covers the whole window now, with a clear CoverageError if not.
    spice.states(body_code, np.array([start_et, stop_et]), observer=SUN)
    # the SOI is about the body's own primary: the Sun for a planet, Earth for the Moon
    soi = soi_radius_km(body_code, primary_of(body_code), window_mid)
    try:
        radius = float(spice.radii_km(body_code)[0])
    except OrbitvizError:
        radius = None

    if method == "nbody":
        options = dict(nbody_options or {})
        if getattr(target, "nongrav", None) and "nongrav" not in options:
            options["nongrav"] = target.nongrav
        spheres = [radius + levels_km(body_code)[0]] if radius is not None else []
        found = _nbody(conics, start_et, stop_et, body_code, gm_body, gm_sun, soi, options, spheres)
    else:
        body_state = body_states_function(body_code, start_et, stop_et)
        found = _conic_or_patched(
            conics, method, start_et, stop_et, body_state, gm_body, gm_sun, soi
        )
    impact = None
    if radius is not None:
        impact = find_impact(
            found.rel,
            start_et,
            stop_et,
            _grid_step_s(start_et, stop_et),
            body_code,
            crossings=found.sphere_crossings.get(radius + levels_km(body_code)[0]),
        )
        if impact is not None and impact.reaches_surface:
            found = _stopped_at_impact(found, impact)
    end_et = impact.surface.et if impact is not None and impact.surface else stop_et
    samples_et = _samples(start_et, end_et, _grid_step_s(start_et, end_et), found.closest.et)
    result = FlybyResult(
        target=label,
        body=body_name,
        method=found.method,
        method_detail=found.method_detail,
        start_et=start_et,
        stop_et=stop_et,
        soi_radius_km=soi,
        body_radius_km=radius,
        entries_et=found.entries_et,
        exits_et=found.exits_et,
        approaches=found.approaches,
        closest=found.closest,
        closest_at_window_edge=found.at_edge,
        hyperbola=found.hyperbola,
        elements_before=found.elements_before,
        elements_after=found.elements_after,
        samples_et=samples_et,
        samples_rel_km=found.rel(samples_et)[:, :3],
        notes=found.notes,
        elements_source=getattr(target, "source", "conic elements given directly"),
        impact=impact,
    )
    epoch = float(conics[6])
    if method != "nbody" and result.entered_soi and epoch > float(result.entries_et[0]):
        result.notes.append(
            "the elements' epoch is after the SOI entry: two-body methods use that (post-"
            "encounter) orbit for the incoming leg too; --method nbody integrates through the "
            "encounter and is the better answer here"
        )
    result.warnings.extend(w for w in (spice.gm_warning(body_code),) if w)
    if compare and method == "nbody":
        other = analyze_flyby(
            conics, body_code, start_et, stop_et, method="patched", name=label, compare=False
        )
        result.compared, result.comparison = other, compare_results(other, result)
    elif compare:
        try:
            other = analyze_flyby(
                target,
                body_code,
                start_et,
                stop_et,
                method="nbody",
                name=label,
                nbody_options=nbody_options,
                compare=False,
            )
        except OrbitvizError as exc:  # e.g. no ephemeris back to the epoch: say what we know
            other = None
            result.notes.append(f"no N-body comparison: {exc}")
        if other is not None:
            result.compared, result.comparison = other, compare_results(result, other)
        result.warnings.extend(_two_body_warnings(result, conics, body_code))
    return result


def _stopped_at_impact(found: _Pass, impact: Impact) -> _Pass:
    """The pass cut at the surface entry: a point-mass planet lets the track go on through it,
    so nothing after the entry means anything. The closest approach becomes the entry point
    (the body's radius), exits and minima after it and the orbit after the encounter go."""
    surface = impact.surface
    assert surface is not None
    t_hit = surface.et
    state = found.rel(np.array([t_hit]))[0]
    closest = Approach(t_hit, float(np.linalg.norm(state[:3])), float(np.linalg.norm(state[3:])))
    notes = [n for n in found.notes if "osculating heliocentric elements" not in n]
    notes.append(
        f"{found.method}: the track reaches {impact.body.title()}'s surface at "
        f"{spice.utc_label(t_hit)}: nothing after that is reported (the planets are point "
        "masses in the model, which would carry the track on through the body)"
    )
    return _Pass(
        found.method,
        found.method_detail,
        found.rel,
        found.entries_et[found.entries_et < t_hit],
        found.exits_et[found.exits_et < t_hit],
        [a for a in found.approaches if a.et < t_hit],
        closest,
        False,
        found.hyperbola,
        found.elements_before,
        None,
        notes,
    )


# the two-body answer is called wrong when it is this far from the N-body one
WARN_DISTANCE_FRACTION = 0.01
WARN_TIME_S = 60.0


def _two_body_warnings(result: FlybyResult, conics: np.ndarray, body_code: int) -> list[str]:
    """What is wrong with a two-body answer: how far it is from the N-body one (measured on the
    same elements), how long from the elements' epoch, and whose pull it ignored."""
    diff = result.comparison
    epoch = float(conics[6])
    event = result.closest.et
    years = abs(event - epoch) / (365.25 * 86400.0)
    skip = result.soi_radius_km if result.method == "patched" else 0.0
    try:
        pulls = pulls_on_the_way(conics, event, skip_body=body_code, skip_within_km=skip)
    except OrbitvizError:
        pulls = ()
    who = "; ".join(
        f"{name.title()} {share:.0%}, closest {dist_km / AU_KM:.3g} au on {utc[:10]}"
        for name, share, dist_km, utc in pulls
    )
    who = f" (pull ignored on the way: {who})" if who else ""
    if diff is None:
        return [
            f"{result.method}: the elements are {years:.1f} years from the closest approach and "
            f"a conic ignores the planets' pull{who}; the N-body answer could not be computed "
            "to say how far off this is"
        ]
    dd, dt = diff["closest_distance_dkm"], diff["closest_approach_dt_s"]
    if abs(dd) < WARN_DISTANCE_FRACTION * result.closest.dist_km and abs(dt) < WARN_TIME_S:
        return []
    return [
        f"{result.method} is off here: its closest approach is {abs(dd):,.0f} km "
        f"{'farther' if dd > 0 else 'nearer'} and {_duration(abs(dt))} "
        f"{'later' if dt > 0 else 'earlier'} than the N-body integration of the same elements, "
        f"which are {years:.1f} years from it{who}; the N-body answer is the one to trust "
        "(--method nbody)"
    ]


def _duration(seconds: float) -> str:
    if seconds < 120:
        return f"{seconds:.0f} s"
    if seconds < 7200:
        return f"{seconds / 60:.0f} min"
    if seconds < 3 * 86400:
        return f"{seconds / 3600:.1f} h"
    return f"{seconds / 86400:.1f} d"


# --- conic and patched conics -----------------------------------------------------------------


def _conic_or_patched(conics, method, start_et, stop_et, body_state, gm_body, gm_central, soi):
    def helio(et):
        return kepler.propagate(conics, np.atleast_1d(et))

    def rel(et):
        return helio(et) - body_state(et)

    step = _grid_step_s(start_et, stop_et)
    dist, _ = distance_functions(rel)
    crossings = find_crossings(dist, start_et, stop_et, step, level=soi)
    notes = []
    entries, exits = crossings.entries, crossings.exits

    if method == "conic" or entries.size == 0:
        interior, closest, at_edge = _approaches(rel, start_et, stop_et, step)
        first = entries[0] if entries.size else closest.et
        hyper = _hyperbola(rel(np.array([first]))[0], float(first), gm_body)
        before = kepler.state_to_elements(helio(np.array([first]))[0], gm_central, float(first))
        if method == "conic":
            notes.append(
                f"conic: {('' if entries.size else 'no SOI entry; ')}the body's gravity "
                "is ignored, so the heliocentric orbit is unchanged by construction"
            )
        else:
            notes.append(
                "patched: the target never enters the SOI in this window, so the "
                "heliocentric conic is the whole answer"
            )
        return _Pass(
            method,
            "two-body heliocentric conic (body's gravity ignored)",
            rel,
            entries,
            exits,
            interior,
            closest,
            at_edge,
            hyper,
            before,
            before.copy(),
            notes,
        )

    # patched conics: heliocentric -> body-centred hyperbola -> heliocentric
    t_in = float(entries[0])
    rel_in = rel(np.array([t_in]))[0]
    planetary = kepler.state_to_elements(rel_in, gm_body, t_in)
    hyper = _hyperbola(rel_in, t_in, gm_body)

    def rel_inside(et):
        return kepler.propagate(planetary, np.atleast_1d(et))

    # exit: the conic is symmetric about periapsis, so it leaves at 2 tp - t_in (if it does)
    span_end = min(stop_et, 2.0 * hyper.periapsis_et - t_in + 3600.0) if hyper.e > 1 else stop_et
    d_in, _ = distance_functions(rel_inside)
    out = find_crossings(d_in, t_in + 1.0, max(span_end, t_in + 2.0), step, level=soi).exits
    if out.size == 0:
        t_out = None
        notes.append("patched: the target does not leave the SOI inside the window")
    else:
        t_out = float(out[0])
    inside_end = t_out if t_out is not None else stop_et
    interior, closest, at_edge = _approaches(
        rel_inside, t_in, inside_end, _grid_step_s(t_in, inside_end)
    )
    before = kepler.state_to_elements(helio(np.array([t_in]))[0], gm_central, t_in)
    after = None
    exits_et = np.array([t_out]) if t_out is not None else np.empty(0)
    if t_out is not None:
        helio_out = rel_inside(np.array([t_out]))[0] + body_state(np.array([t_out]))[0]
        after = kepler.state_to_elements(helio_out, gm_central, t_out)

    def rel_patched(et):
        et = np.atleast_1d(et)
        outp = rel(et)
        inside = (et >= t_in) & (et <= inside_end)
        if inside.any():
            outp[inside] = rel_inside(et[inside])
        if after is not None and (et > t_out).any():
            late = et > t_out
            outp[late] = kepler.propagate(after, et[late]) - body_state(et[late])
        return outp

    if entries.size > 1:
        notes.append(
            f"patched: the conic shows {entries.size} SOI entries in the window; "
            "only the first pass is patched"
        )
    return _Pass(
        "patched",
        "patched conics: heliocentric two-body, body-centred two-body inside the SOI, "
        "heliocentric two-body after",
        rel_patched,
        np.array([t_in]),
        exits_et,
        interior,
        closest,
        at_edge,
        hyper,
        before,
        after,
        notes,
    )


# --- N-body -------------------------------------------------------------------------------------


def _nbody(conics, start_et, stop_et, body_code, gm_body, gm_sun, soi, options, spheres=()):
    trajectory = nbody.propagate_nbody(conics, start_et, stop_et, **options)
    relative = nbody.relative_state_function(trajectory, body_code, start_et, stop_et)

    def rel(et):
        return relative(np.atleast_1d(et))

    step = _grid_step_s(start_et, stop_et)
    # the searches on the dense output in compiled code (the same answers as
    # find_crossings / _approaches on ``rel``, which remain where the body has no records)
    # (and the crossings of the ``spheres``, an impact's, in the same call)
    events = trajectory.distance_events(body_code, start_et, stop_et, step, [soi, *spheres])
    sphere_crossings = {}
    if events is None:
        dist, _ = distance_functions(rel)
        crossings = find_crossings(dist, start_et, stop_et, step, level=soi)
        interior, closest, at_edge = _approaches(rel, start_et, stop_et, step)
    else:
        (crossings, *others), minima, speeds = events
        sphere_crossings = dict(zip(spheres, others))
        interior, closest, at_edge = _pick_closest(rel, start_et, minima, speeds)
    entries, exits = crossings.entries, crossings.exits
    t_before = float(entries[0]) if entries.size else start_et
    t_after = float(exits[-1]) if exits.size else stop_et
    first = float(entries[0]) if entries.size else closest.et
    times = np.array([t_before, t_after, first])
    states = np.vstack([trajectory.states(times[:2]), rel(times[2:])])
    # the three conversions in one call: before and after about the Sun, at entry the body
    before, after, planetary = kepler.state_to_elements(
        states, np.array([gm_sun, gm_sun, gm_body]), times
    )
    hyper = _hyperbola_of(planetary, float(first), gm_body, states[2])
    at_in = "SOI entry" if entries.size else "window start"
    at_out = "SOI exit" if exits.size else "window end"
    notes = [f"nbody: osculating heliocentric elements at {at_in} and {at_out}"]
    if not entries.size:
        notes.append("nbody: the target never enters the SOI in this window")
    return _Pass(
        "nbody",
        trajectory.method,
        rel,
        entries,
        exits,
        interior,
        closest,
        at_edge,
        hyper,
        before,
        after,
        notes,
        sphere_crossings,
    )


def compare_results(a: FlybyResult, b: FlybyResult) -> dict:
    """Differences a - b of the headline numbers (times in s, distances in km): ``a`` the
    two-body analysis, ``b`` the N-body one, so the numbers say how far the two-body answer is
    from the N-body one."""

    def first(x):
        return float(x[0]) if np.size(x) else None

    def diff(x, y):
        return None if x is None or y is None else x - y

    return {
        "two_body": a.method,
        "against": b.method,
        "closest_approach_dt_s": a.closest.et - b.closest.et,
        "closest_distance_dkm": a.closest.dist_km - b.closest.dist_km,
        "soi_entry_dt_s": diff(first(a.entries_et), first(b.entries_et)),
        "soi_exit_dt_s": diff(first(a.exits_et), first(b.exits_et)),
        "v_rel_dkms": a.closest.v_rel_kms - b.closest.v_rel_kms,
    }


def elements_dict(conics: np.ndarray | None) -> dict | None:
    """Heliocentric conics (8,) as the report's elements: q_au, e, i_deg, node_deg, peri_deg,
    a_au (None for e >= 1)."""
    if conics is None:
        return None
    rp, e = float(conics[0]), float(conics[1])
    return {
        "q_au": rp / AU_KM,
        "e": e,
        "i_deg": float(np.degrees(conics[2])),
        "node_deg": float(np.degrees(conics[3])),
        "peri_deg": float(np.degrees(conics[4])),
        "a_au": rp / (1.0 - e) / AU_KM if e < 1 else None,
    }


__all__ = [
    "METHODS",
    "Approach",
    "FlybyResult",
    "Hyperbola",
    "analyze_flyby",
    "compare_results",
    "elements_dict",
]
