"""Impacts and atmospheric entries: where a track meets a body's surface (or, for the Earth, the
top of its atmosphere, 100 km up), as events on the run's dense output.

The N-body engine treats the planets as point masses: a track that reaches a planet goes on
through it (2022 EB5's "closest approach" would be 2,893 km from the Earth's centre). So every
analysis looks for the entry first and stops believing the track there: nothing after the
surface entry is reported, and the report says IMPACT.

How an entry is found, in two steps:

1. **Sphere crossing** (cheap, on the dense output, like the SOI crossings): the distance from
   the body's centre falls below ``a + h`` (``a`` the equatorial radius, ``h`` the altitude:
   0 km for the surface, 100 km for the Earth's atmosphere). That sphere encloses the
   reference ellipsoid raised by ``h``, so no entry is missed.
2. **Geodetic refinement**: the time where the geodetic altitude above the reference ellipsoid
   (the Earth's IAU 2015 one) falls to ``h``, between the sphere crossing and the distance
   minimum, to ``XTOL_S`` (1 ms), then the latitude/longitude there
   (:func:`orbitviz.spice.bodyfixed.geodetic`: the ITRS for the Earth), the speed relative to
   the body's centre and to the ground turning with it, and the radiant's azimuth and
   elevation. A track that crosses the sphere but never dips below ``h`` above the ellipsoid
   (near a pole) has no entry.

The seam for compiled code (issue #24 may move these into the engine without changing their
signatures): :func:`sphere_brackets` (arrays in: the minima's times and distances, the radius;
arrays out: the brackets) and :func:`refine_entries` (a vectorised altitude function, the
brackets, arrays out). :func:`find_impact` (one track: the flyby) and :func:`find_impacts`
(many tracks: clones, screening, validation) are built on them.

>>> import numpy as np
>>> from orbitviz.smallbodies import resolve_target
>>> from orbitviz.spice import KernelSet, to_et, et_to_utc
>>> from orbitviz.dynamics.nbody import propagate_nbody, relative_state_function
>>> tc3, _ = resolve_target("2008 TC3")                      # NEODyS's orbit of 2008 TC3
>>> with KernelSet("default"):
...     start, stop = to_et("2008-10-06"), to_et("2008-10-08")
...     track = propagate_nbody(tc3.to_conics(), start, stop)
...     rel = relative_state_function(track, 399, start, stop)
...     impact = find_impact(lambda t: rel(t), start, stop, 600.0, 399)
...     entry = impact.first
...     print(et_to_utc(entry.et, precision=0), round(entry.lat_deg, 2), round(entry.lon_deg, 2))
2008-10-07T02:45:30 21.09 30.56
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass

import numpy as np

from .. import spice
from ..errors import OrbitvizError
from ..spice.bodyfixed import geodetic, local_direction
from .events import Crossings, find_crossings, refine_roots

ATMOSPHERE_KM = {399: 100.0}
"""Altitude of the top of the atmosphere used for entries (km), by NAIF id: the Earth's
100 km (the Karman line, where fireball data start)."""
XTOL_S = 1e-3
LOOKBACK_S = 3600.0
"""How far before a distance minimum inside the sphere its entry is looked for: an hour, more
than any passage through a planet-sized sphere lasts (2 (6,478 km) / 11 km/s < 20 min)."""

StateFunction = Callable[..., np.ndarray]


@dataclass(frozen=True)
class EntryPoint:
    """Where and when a track reaches ``altitude_km`` above the body's reference ellipsoid:
    ``et``, geodetic ``lat_deg``/``lon_deg`` (None without the body's rotation), ``speed_kms``
    relative to the body's centre (non-rotating: JPL's impact speed), ``ground_speed_kms``
    relative to the ground turning with the body (what fireball sensors measure), and the
    radiant's ``azimuth_deg`` (from north through east) and ``elevation_deg``."""

    et: float
    altitude_km: float
    lat_deg: float | None
    lon_deg: float | None
    speed_kms: float
    ground_speed_kms: float | None = None
    azimuth_deg: float | None = None
    elevation_deg: float | None = None

    def to_dict(self) -> dict:
        return {
            "utc": spice.et_to_utc(self.et, precision=3) + "Z",
            "lat_deg": self.lat_deg,
            "lon_deg": self.lon_deg,
            "speed_kms": self.speed_kms,
            "altitude_km": self.altitude_km,
            "ground_speed_kms": self.ground_speed_kms,
            "azimuth_deg": self.azimuth_deg,
            "elevation_deg": self.elevation_deg,
        }


@dataclass(frozen=True)
class Impact:
    """A track's entry into a body: ``points`` from the highest level down (for the Earth the
    100 km atmospheric entry, then the surface when it is reached), ``reaches_surface``, the
    body-fixed ``frame`` of the latitudes and longitudes."""

    body: str
    points: tuple[EntryPoint, ...]
    reaches_surface: bool
    frame: str | None

    @property
    def first(self) -> EntryPoint:
        """The first level crossed: the top of the atmosphere for the Earth, else the surface."""
        return self.points[0]

    @property
    def surface(self) -> EntryPoint | None:
        return self.points[-1] if self.reaches_surface else None

    @property
    def kind(self) -> str:
        return "impact" if self.reaches_surface else "atmospheric entry"

    def to_dict(self) -> dict:
        """JSON's ``impact`` object: the first entry point's ``utc``, ``lat_deg``, ``lon_deg``,
        ``speed_kms``, ``altitude_km`` (and the ground speed and radiant), ``kind``,
        ``reaches_surface``, ``frame`` and every level's point in ``points``."""
        return {
            **self.first.to_dict(),
            "kind": self.kind,
            "body": self.body,
            "reaches_surface": self.reaches_surface,
            "frame": self.frame,
            "points": [p.to_dict() for p in self.points],
        }

    def headline(self) -> str:
        """One line: ``IMPACT on EARTH at 2008-10-07 02:45:53 UTC, 20.61 N 33.06 E, ...``."""
        p = self.surface or self.first
        where = (
            f"{abs(p.lat_deg):.2f} {'N' if p.lat_deg >= 0 else 'S'} "
            f"{abs(p.lon_deg):.2f} {'E' if p.lon_deg >= 0 else 'W'}"
            if p.lat_deg is not None and p.lon_deg is not None
            else "position unknown (no rotation model of the body loaded)"
        )
        what = "IMPACT" if self.reaches_surface else "ATMOSPHERIC ENTRY (does not reach the ground)"
        top = self.first
        extra = ""
        if self.reaches_surface and len(self.points) > 1:
            extra = (
                f"; enters the atmosphere ({top.altitude_km:,.0f} km) at "
                f"{spice.utc_label(top.et)}"
                + (
                    f", {abs(top.lat_deg):.2f} {'N' if top.lat_deg >= 0 else 'S'} "
                    f"{abs(top.lon_deg):.2f} {'E' if top.lon_deg >= 0 else 'W'}"
                    if top.lat_deg is not None and top.lon_deg is not None
                    else ""
                )
                + f", {top.speed_kms:.2f} km/s"
            )
        level = "surface" if self.reaches_surface else f"{p.altitude_km:,.0f} km altitude"
        return (
            f"{what} on {self.body.title()} at {spice.utc_label(p.et)} ({level}), {where}, "
            f"{p.speed_kms:.2f} km/s{extra}"
        )


def levels_km(body_code: int) -> tuple[float, ...]:
    """The altitudes whose entries are reported for a body, highest first: (100, 0) for the
    Earth, (0,) for the others."""
    top = ATMOSPHERE_KM.get(int(body_code))
    return (top, 0.0) if top else (0.0,)


# --------------------------------------------------------------------------------------------
# the seam: arrays in, arrays out
# --------------------------------------------------------------------------------------------
def sphere_brackets(
    min_et: np.ndarray, min_dist_km: np.ndarray, radius_km: float, lookback_s: float = LOOKBACK_S
) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """Which distance minima lie inside the sphere of ``radius_km`` (mask (N,)), and the
    brackets ``[lo, hi]`` (N,) of their entries: from ``lookback_s`` before the minimum (still
    outside: a passage through a planet takes minutes) to the minimum itself."""
    min_et = np.asarray(min_et, dtype=float)
    inside = np.asarray(min_dist_km, dtype=float) < float(radius_km)
    return inside, min_et - lookback_s, min_et


def refine_entries(
    altitude_of: Callable[[np.ndarray, np.ndarray], np.ndarray],
    lo: np.ndarray,
    hi: np.ndarray,
    level_km: float,
    xtol_s: float = XTOL_S,
) -> np.ndarray:
    """The first time in each bracket ``[lo, hi]`` where ``altitude_of(t, k)`` (km, vectorised
    over brackets ``k``) falls to ``level_km``; NaN where it stays above (a graze). The
    altitude must be above the level at ``lo``: the entry is the crossing between ``lo``
    and the time of the lowest altitude found on a coarse grid of the bracket."""
    lo, hi = np.asarray(lo, dtype=float), np.asarray(hi, dtype=float)
    out = np.full(lo.shape, np.nan)
    if not lo.size:
        return out
    # the lowest of 33 points of each bracket: a passage's altitude is unimodal in its bracket
    frac = np.linspace(0.0, 1.0, 33)
    t = lo[:, None] + (hi - lo)[:, None] * frac[None, :]
    k = np.repeat(np.arange(lo.size), frac.size)
    h = np.asarray(altitude_of(t.ravel(), k), dtype=float).reshape(t.shape) - level_km
    below = h < 0.0
    has = below.any(axis=1) & (h[:, 0] >= 0.0)
    if not has.any():
        return out
    j = np.argmax(below, axis=1)  # the first grid point below the level
    sel = np.flatnonzero(has)
    a, b = t[sel, j[sel] - 1], t[sel, j[sel]]
    fa, fb = h[sel, j[sel] - 1], h[sel, j[sel]]
    out[sel] = refine_roots(
        lambda x, m: np.asarray(altitude_of(x, sel[m]), dtype=float) - level_km,
        a,
        b,
        fa,
        fb,
        xtol_s,
        indexed=True,
    )
    return out


# --------------------------------------------------------------------------------------------
# many tracks, one track
# --------------------------------------------------------------------------------------------
def _altitude_function(rel_of, objects: np.ndarray, body_code: int):
    def altitude(t, k):
        t = np.asarray(t, dtype=float)
        return geodetic(body_code, t, rel_of(t, objects[k])[:, :3]).alt_km

    return altitude


def _points(rel_of, objects, et, body_code, altitude_km) -> list[EntryPoint | None]:
    """EntryPoints at ``et`` (NaN: None) of ``objects``."""
    out: list[EntryPoint | None] = [None] * len(et)
    ok = np.flatnonzero(np.isfinite(et))
    if not ok.size:
        return out
    state = rel_of(et[ok], objects[ok])
    geo = geodetic(body_code, et[ok], state[:, :3])
    look = local_direction(body_code, et[ok], state[:, :3], state[:, 3:])
    speed = np.linalg.norm(state[:, 3:], axis=1)
    for n, i in enumerate(ok):
        out[i] = EntryPoint(
            float(et[i]),
            float(altitude_km),
            None if geo.lat_deg is None else float(geo.lat_deg[n]),
            None if geo.lon_deg is None else float(geo.lon_deg[n]),
            float(speed[n]),
            None if look is None else float(look[2][n]),
            None if look is None else float(look[0][n]),
            None if look is None else float(look[1][n]),
        )
    return out


def find_impacts(
    rel_of,
    objects,
    min_et,
    min_dist_km,
    body: str | int,
    *,
    xtol_s: float = XTOL_S,
) -> list[Impact | None]:
    """The entry of each track into ``body`` (None where there is none), from its distance
    minimum (``min_et``, ``min_dist_km``: one per request): ``rel_of(et, objects)`` gives the
    body-centred ECLIPJ2000 states (Q, 6) of track ``objects[q]`` at ``et[q]`` (as
    :func:`~orbitviz.dynamics.nbody.relative_state_function` does). Tracks whose minimum lies
    outside the highest level's sphere have no entry, at no cost."""
    objects = np.asarray(objects, dtype=int)
    min_et = np.asarray(min_et, dtype=float)
    min_dist = np.asarray(min_dist_km, dtype=float)
    code = spice.body_id(body)
    out: list[Impact | None] = [None] * len(objects)
    try:
        radius = float(spice.radii_km(code)[0])
    except OrbitvizError:
        return out  # no radius: no surface to meet
    levels = levels_km(code)
    inside, lo, hi = sphere_brackets(
        min_et, np.where(np.isfinite(min_dist), min_dist, np.inf), radius + levels[0]
    )
    sel = np.flatnonzero(inside)
    if not sel.size:
        return out
    altitude = _altitude_function(rel_of, objects[sel], code)
    found = {}
    for level in levels:
        et = refine_entries(altitude, lo[sel], hi[sel], level, xtol_s)
        found[level] = _points(rel_of, objects[sel], et, code, level)
    name = spice.body_name(code)
    for n, i in enumerate(sel):
        points: list[EntryPoint] = [p for level in levels if (p := found[level][n]) is not None]
        if not points:
            continue
        frame = None
        if points[0].lat_deg is not None:
            frame = geodetic(
                code, [points[0].et], rel_of(np.array([points[0].et]), objects[[i]])[:, :3]
            ).frame
        out[i] = Impact(name, tuple(points), found[0.0][n] is not None, frame)
    return out


def find_impact(
    rel: StateFunction,
    start_et: float,
    stop_et: float,
    step_s: float,
    body: str | int,
    *,
    xtol_s: float = XTOL_S,
    crossings: Crossings | None = None,
) -> Impact | None:
    """The first entry of one track into ``body`` in [start_et, stop_et], or None: the
    crossings of the distance with the highest level's sphere on the dense output, found by
    :func:`~orbitviz.dynamics.events.find_crossings` as the SOI crossings are (or given as
    ``crossings``: the N-body flyby finds them with the SOI's, in compiled code), then
    refined as :func:`find_impacts` does. ``rel(et)`` gives the body-centred states (T, 6)."""
    code = spice.body_id(body)
    try:
        radius = float(spice.radii_km(code)[0])
    except OrbitvizError:
        return None
    top = levels_km(code)[0]

    def dist(t):
        return np.linalg.norm(rel(np.atleast_1d(t))[:, :3], axis=1)

    if crossings is None:
        crossings = find_crossings(dist, start_et, stop_et, step_s, level=radius + top)
    for t_in in crossings.entries:
        later = crossings.exits[crossings.exits > t_in]
        t_out = float(later[0]) if later.size else stop_et
        # the lowest point of this passage: on the sphere's chord, a few seconds to minutes
        grid = np.linspace(t_in, t_out, 257)
        d = dist(grid)
        k = int(np.argmin(d))
        t_min = float(grid[k])
        one = find_impacts(
            lambda t, _objs: rel(np.atleast_1d(t)),
            [0],
            [t_min],
            [float(d[k])],
            code,
            xtol_s=xtol_s,
        )[0]
        if one is not None:
            return one
    return None


__all__ = [
    "ATMOSPHERE_KM",
    "EntryPoint",
    "Impact",
    "find_impact",
    "find_impacts",
    "levels_km",
    "refine_entries",
    "sphere_brackets",
]
