"""Lander paths on a shape model: altitude, touchdowns and hops (Philae on 67P).

A :class:`LanderPath` samples the lander's position relative to the body in the body-fixed
frame from the loaded SPKs, densely where it is close to the surface, measures the altitude of
every sample above the shape model, and finds the contacts from the data alone:

- a *touchdown* is an impulsive change of velocity (a bounce: a ballistic lander changes its
  velocity only on contact), or a local altitude minimum under the threshold with the lander
  off the surface on both sides (a graze); each is refined in time to 1 ms;
- the ends of the data are contacts too when they lie on the surface (Philae's rebound SPK
  starts at the first touchdown and ends at the final rest); with the descent SPK loaded the
  path simply starts earlier and the first touchdown is found like the others.

Between contacts are the *hops*: duration, apex height and ground distance.

>>> from orbitviz import data
>>> from orbitviz.shapes import load_mesh
>>> from orbitviz.spice import KernelSet
>>> mesh = load_mesh(data.fetch("67p-spc.ply"), body="67P")
>>> with KernelSet("philae"):
...     path = LanderPath.from_spice("PHILAE", "67P/C-G", "67P/C-G_CK", mesh)
>>> [(t.utc[11:19], t.kind) for t in path.touchdowns]   # ESA: 15:34:04, ~16:20, 17:25:26, 17:31:17
[('15:34:03', 'first contact'), ('16:20:00', 'touchdown'), ('17:25:26', 'touchdown'), ('17:31:17', 'final rest')]
>>> [round(hop.apex_m) for hop in path.hops[:2]]       # metres above the shape model
[128, 118]
"""

from __future__ import annotations

from dataclasses import dataclass, field

import numpy as np

from .. import data, spice
from ..dynamics.events import refine_minima, refine_roots
from ..errors import CoverageError, InvalidArgument
from .cache import load_mesh
from .mesh import Mesh
from .surface import altitude_km, lat_lon_deg, nearest_points


@dataclass(frozen=True)
class Touchdown:
    """One contact with the surface."""

    et: float
    utc: str
    kind: str  # "first contact", "touchdown", "graze" or "final rest"
    position_km: np.ndarray
    surface_point_km: np.ndarray
    lat_deg: float
    lon_deg: float
    altitude_m: float  # residual of the trajectory against the shape model at contact
    delta_v_ms: float | None  # speed change at the contact (None at the ends of the data)


@dataclass(frozen=True)
class Hop:
    """The ballistic arc between two contacts."""

    start_et: float
    end_et: float
    start_utc: str
    end_utc: str
    duration_s: float
    apex_m: float
    apex_utc: str
    ground_distance_m: float  # straight line between the two contact points on the surface


@dataclass
class LanderPath:
    """A lander's path relative to a body, in the body-fixed frame of the shape model."""

    lander: str
    body: str
    frame: str
    mesh: Mesh
    et: np.ndarray
    position_km: np.ndarray
    velocity_kms: np.ndarray
    altitude_km: np.ndarray
    touchdowns: list[Touchdown] = field(default_factory=list)
    hops: list[Hop] = field(default_factory=list)
    warnings: list[str] = field(default_factory=list)

    @classmethod
    def from_spice(
        cls,
        lander: str | int,
        body: str | int,
        frame: str,
        mesh: Mesh,
        start_et: float | None = None,
        stop_et: float | None = None,
        *,
        step_s: float = 10.0,
        near_step_s: float = 0.5,
        near_surface_m: float = 30.0,
        contact_m: float = 10.0,
    ) -> LanderPath:
        """Sample the lander from the loaded kernels and find its contacts.

        The window defaults to the lander's SPK coverage. Samples are ``step_s`` apart, and
        ``near_step_s`` apart wherever the lander is within ``near_surface_m`` of the surface.
        A contact must come within ``contact_m`` of the shape model (its resolution and the
        trajectory's accuracy are a few metres).
        """
        lander_name = spice.body_name(lander)
        body_name = spice.body_name(body)
        if start_et is None or stop_et is None:
            covs = spice.spk_coverage(lander)
            if not covs:
                raise CoverageError(
                    f"no loaded SPK has data for {lander_name}: load the lander's SPK "
                    "(e.g. KernelSet('philae'))"
                )
            spans = np.vstack([c.intervals for c in covs])
            start_et = float(spans[:, 0].min()) if start_et is None else start_et
            stop_et = float(spans[:, 1].max()) if stop_et is None else stop_et

        def sample(et: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
            s = spice.states(lander, et, observer=body, frame=frame)
            return s, altitude_km(mesh, s[:, :3])

        coarse = np.unique(np.append(np.arange(start_et, stop_et, step_s), stop_et))
        states, alt = sample(coarse)
        near = alt * 1e3 < near_surface_m
        # densify every coarse interval that touches a near-surface sample
        dense_iv = np.flatnonzero(near[:-1] | near[1:])
        extra = [np.arange(coarse[i] + near_step_s, coarse[i + 1], near_step_s) for i in dense_iv]
        if extra:
            more = np.concatenate(extra)
            s2, a2 = sample(more)
            order = np.argsort(np.concatenate([coarse, more]), kind="stable")
            et = np.concatenate([coarse, more])[order]
            states = np.concatenate([states, s2])[order]
            alt = np.concatenate([alt, a2])[order]
        else:
            et = coarse
        path = cls(lander_name, body_name, frame, mesh, et, states[:, :3], states[:, 3:], alt)
        path._find_contacts(lambda t: sample(np.atleast_1d(t)), contact_m, near_step_s)
        return path

    # --- contacts -----------------------------------------------------------------------------

    def _find_contacts(self, sample, contact_m: float, near_step_s: float) -> None:
        et, alt_m, vel = self.et, self.altitude_km * 1e3, self.velocity_kms
        dt = np.diff(et)
        dv = np.linalg.norm(np.diff(vel, axis=0), axis=1) * 1e3  # m/s per sample step
        # Between contacts the lander is ballistic: weak gravity (~1e-4 m/s^2 on 67P) changes
        # its velocity by < 1e-3 m/s per 10 s sample. A bounce changes it by centimetres/s.
        jump = dv > np.maximum(5e-3, 1e-3 * dt)
        events: list[tuple[float, str, float | None]] = []
        # a bounce spreads over a few consecutive samples (the SPK interpolates across it):
        # one event per run of jumping samples, its delta-v measured across the whole run
        idx = np.flatnonzero(jump)
        breaks = np.flatnonzero(np.diff(et[idx]) > 3.0 * near_step_s) + 1
        runs = [r for r in np.split(idx, breaks) if r.size]
        if runs:
            first = np.array([r[0] for r in runs])
            last = np.array([r[-1] + 1 for r in runs])
            times = self._refine_jumps(sample, et[first], et[first + 1], vel[first], vel[first + 1])
            deltas = np.linalg.norm(vel[last] - vel[first], axis=1) * 1e3
            events += [(float(t), "touchdown", float(d)) for t, d in zip(times, deltas)]
        bounces = np.array(sorted(e[0] for e in events))
        j = np.arange(1, et.size - 1)
        is_min = (alt_m[j] < alt_m[j - 1]) & (alt_m[j] <= alt_m[j + 1]) & (alt_m[j] < contact_m)
        grazes = []
        for k in j[is_min]:
            # a graze must be a real dip: the lander is off the surface on both sides of it,
            # up to the neighbouring bounces (else it is noise while sliding or resting)
            lo = bounces[bounces < et[k]].max(initial=et[0])
            hi = bounces[bounces > et[k]].min(initial=et[-1])
            left = alt_m[(et >= lo) & (et < et[k])]
            right = alt_m[(et > et[k]) & (et <= hi)]
            if left.size and right.size and left.max() > contact_m and right.max() > contact_m:
                grazes.append(k)
        if grazes:
            k = np.array(grazes)
            # the altitude minimum of every graze to 1 ms, all together
            t_graze, _ = refine_minima(lambda t: sample(t)[1], et[k - 1], et[k + 1], 1e-3)
            events += [(float(t), "graze", None) for t in t_graze]
        if alt_m[0] < contact_m:
            events.append((float(et[0]), "first contact", None))
        if alt_m[-1] < contact_m:
            events.append((float(et[-1]), "final rest", None))
        events.sort()
        self.touchdowns = [self._touchdown(sample, t, kind, d) for t, kind, d in events]
        off = [t for t in self.touchdowns if abs(t.altitude_m) > contact_m]
        if off:
            worst = max(abs(t.altitude_m) for t in off)
            self.warnings.append(
                f"the shape model is up to {worst:.0f} m off the trajectory at {len(off)} "
                f"contact(s) (threshold {contact_m:g} m): is it the model and frame the "
                "trajectory was made for? Contacts at the ends of the data may be missed."
            )
        self.hops = [self._hop(a, b) for a, b in zip(self.touchdowns, self.touchdowns[1:])]

    @staticmethod
    def _refine_jumps(sample, a, b, v_before, v_after) -> np.ndarray:
        """The instant (to 1 ms) the velocity leaves each incoming arc: where its distance from
        the incoming velocity ``v_before`` passes half the jump, a root in each [a, b]."""
        half = 0.5 * np.linalg.norm(v_after - v_before, axis=1)

        def excess(t, idx):
            return np.linalg.norm(sample(t)[0][:, 3:] - v_before[idx], axis=1) - half[idx]

        return refine_roots(excess, a, b, -half, half, 1e-3, indexed=True)

    def _touchdown(self, sample, et: float, kind: str, dv: float | None) -> Touchdown:
        states, alt = sample(et)
        pos = states[0, :3]
        surface, _, _ = nearest_points(self.mesh, pos[None, :])
        lat, lon = lat_lon_deg(surface)
        return Touchdown(
            et,
            str(spice.et_to_utc(et, precision=3)),
            kind,
            pos,
            surface[0],
            float(lat[0]),
            float(lon[0]),
            float(alt[0] * 1e3),
            dv,
        )

    def _hop(self, a: Touchdown, b: Touchdown) -> Hop:
        inside = (self.et > a.et) & (self.et < b.et)
        if inside.any():
            k = np.flatnonzero(inside)[np.argmax(self.altitude_km[inside])]
            apex_m, apex_et = float(self.altitude_km[k] * 1e3), float(self.et[k])
        else:
            apex_m, apex_et = max(a.altitude_m, b.altitude_m), a.et
        return Hop(
            a.et,
            b.et,
            a.utc,
            b.utc,
            b.et - a.et,
            apex_m,
            str(spice.et_to_utc(apex_et, precision=0)),
            float(np.linalg.norm(b.surface_point_km - a.surface_point_km) * 1e3),
        )

    # --- output -------------------------------------------------------------------------------

    def to_dict(self) -> dict:
        """The JSON shape of ``orbitviz lander``: touchdowns and hops."""
        return {
            "lander": self.lander,
            "body": self.body,
            "frame": self.frame,
            "warnings": list(self.warnings),
            "touchdowns": [
                {
                    "utc": t.utc,
                    "kind": t.kind,
                    "lat_deg": t.lat_deg,
                    "lon_deg": t.lon_deg,
                    "altitude_residual_m": t.altitude_m,
                    "delta_v_ms": t.delta_v_ms,
                }
                for t in self.touchdowns
            ],
            "hops": [
                {
                    "start_utc": h.start_utc,
                    "end_utc": h.end_utc,
                    "duration_s": h.duration_s,
                    "apex_m": h.apex_m,
                    "apex_utc": h.apex_utc,
                    "ground_distance_m": h.ground_distance_m,
                }
                for h in self.hops
            ],
        }


_POSITIVE = ("step_s", "near_step_s", "near_surface_m", "contact_m")


def _check_philae_arguments(shape, kwargs) -> None:
    """InvalidArgument for a shape that is no name or path, an unknown keyword, a step or a
    distance that is not a finite number > 0, or a window that is not finite and ordered."""
    import math
    import os

    if not isinstance(shape, str | os.PathLike) or not str(shape).strip():
        raise InvalidArgument(
            f"shape: expected a shape name (67p-spc.ply) or a file path, got {shape!r}",
            argument="shape",
            value=repr(shape),
        )
    known = ("start_et", "stop_et", *_POSITIVE)
    for name, value in kwargs.items():
        if name not in known:
            raise InvalidArgument(
                f"philae_path: unknown argument {name!r}; known: {', '.join(known)}",
                argument=name,
                value=repr(value),
            )
        if value is None and name in ("start_et", "stop_et"):
            continue
        try:
            number = float(value)
        except (TypeError, ValueError):
            number = math.nan
        if not math.isfinite(number) or (name in _POSITIVE and number <= 0):
            rule = "a finite number > 0" if name in _POSITIVE else "finite TDB seconds"
            raise InvalidArgument(
                f"philae_path: {name} = {value!r} must be {rule}", argument=name, value=value
            )
    start, stop = kwargs.get("start_et"), kwargs.get("stop_et")
    if start is not None and stop is not None and float(stop) <= float(start):
        raise InvalidArgument(
            f"philae_path: stop_et {stop} must be after start_et {start}",
            argument="stop_et",
            value=stop,
        )


def philae_path(shape: str = "67p-spc.ply", **kwargs) -> LanderPath:
    """Philae's rebound path on 67P from the ``philae`` kernel set and a 67P shape model
    (a manifest name or a file path)."""
    from pathlib import Path

    _check_philae_arguments(shape, kwargs)
    source = Path(shape) if Path(shape).exists() else data.fetch(str(shape))
    mesh = load_mesh(source)
    with spice.KernelSet("philae"):
        return LanderPath.from_spice("PHILAE", "67P/C-G", "67P/C-G_CK", mesh, **kwargs)
