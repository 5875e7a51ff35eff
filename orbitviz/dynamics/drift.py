"""Whose pull a two-body answer ignores: the planets (and the Moon) a conic passes on its way
from the elements' epoch to the event, ranked by how much they push it off.

A conic follows the Sun alone. Each body pulls the small body away from it with the tidal
acceleration ``a_p = GM_p [(r_p - r)/|r_p - r|^3 - r_p/|r_p|^3]`` (heliocentric); the push it
gives by the event weighs each moment by the time left, ``integral (T - t) |a_p(t)| dt`` (the
displacement of a constant push is ``a t^2 / 2``). Taken along the conic itself, a few thousand
samples, no integration: cheap enough for every two-body report, which also says how far its
answer is from the N-body one (:func:`orbitviz.dynamics.flyby.analyze_flyby`).

>>> from orbitviz.smallbodies import resolve_target
>>> from orbitviz.spice import KernelSet, to_et
>>> apophis, _ = resolve_target("Apophis")                  # JPL orbit 199, epoch 2008
>>> with KernelSet("default"):
...     pulls = pulls_on_the_way(apophis.to_conics(), to_et("2029-04-13T21:45"))
>>> [(name, round(share, 2)) for name, share, _, _ in pulls]
[('EARTH', 0.36), ('VENUS', 0.31), ('JUPITER BARYCENTER', 0.27)]
"""

from __future__ import annotations

import numpy as np

from .. import spice
from . import kepler
from .nbody import DEFAULT_PERTURBERS, SUN, Perturbers

SAMPLES = 4000
MIN_SHARE = 0.1  # bodies below this share of the total push are not named


def pulls_on_the_way(
    conics: np.ndarray,
    event_et: float,
    *,
    skip_body: int | None = None,
    skip_within_km: float = 0.0,
    samples: int = SAMPLES,
) -> tuple[tuple[str, float, float, str], ...]:
    """``(name, share, closest_km, closest_utc)`` of the bodies that push the conic ``conics``
    (8,) most between its epoch and ``event_et`` (shares of the total, largest first; at least
    one). Patched conics include ``skip_body``'s pull within ``skip_within_km`` (its SOI):
    that part is left out. Needs an SPK with the planets loaded."""
    epoch = float(conics[6])
    et = np.linspace(epoch, float(event_et), samples)
    bodies = tuple(b for b in DEFAULT_PERTURBERS if b != SUN)
    table = Perturbers.load(min(epoch, event_et), max(epoch, event_et), (SUN, *bodies))
    states = table.states(et)  # (T, 1 + B, 6) barycentric
    planets = states[:, 1:, :3] - states[:, :1, :3]  # heliocentric
    to_planet = planets - kepler.propagate(conics, et)[:, None, :3]
    d = np.linalg.norm(to_planet, axis=2)
    rp = np.linalg.norm(planets, axis=2)
    tidal = table.gm_km3s2[1:, None] * (
        to_planet / d[..., None] ** 3 - planets / rp[..., None] ** 3
    )
    magnitude = np.linalg.norm(tidal, axis=2)  # (T, B)
    if skip_body is not None and skip_body in bodies:
        k = bodies.index(skip_body)
        magnitude[d[:, k] < skip_within_km, k] = 0.0
    push = (np.abs(float(event_et) - et)[:, None] * magnitude).sum(axis=0)
    total = float(push.sum())
    out: list[tuple[str, float, float, str]] = []
    for k in np.argsort(push)[::-1]:
        share = float(push[k] / total) if total > 0 else 0.0
        if out and share < MIN_SHARE:
            break
        i = int(np.argmin(d[:, k]))
        when = str(spice.et_to_utc(float(et[i]), precision=0))
        out.append((spice.body_name(bodies[k]), share, float(d[i, k]), when))
    return tuple(out)
