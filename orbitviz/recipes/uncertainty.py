"""Scene layers of an orbit's uncertainty at a flyby: the Monte Carlo clone cloud, moving with
the clock and coloured by each clone's closest-approach distance, and the 3-sigma b-plane error
ellipse drawn where the nominal track crosses the b-plane (the plane through the body's centre
normal to the incoming asymptote).

Only existing layer types: each shown clone is a small moving :class:`MarkerLayer` (a subset of
the clones, evenly spread over their distances, so the colours span the whole range), the
ellipse a :class:`TrajectoryLayer` (a closed line). The positions come from the uncertainty's
own N-body integration (:meth:`EncounterUncertainty.relative_positions`), over its window
(+-2 days around the closest approach): outside it the clones are hidden.
"""

from __future__ import annotations

import numpy as np

from ..reports.bplane import ellipse_points
from ..scene import MarkerLayer, TrajectoryLayer
from ..scene.colors import colormap
from . import sampling

SHOWN_CLONES = 40
COLORMAP = "coolwarm"  # blue: nearest, red: farthest


def _crossing(u, et: np.ndarray, track: np.ndarray):
    """Time and position where the nominal track crosses the b-plane (r . eta = 0), or None."""
    s = track @ u.axes[1]
    sign = np.flatnonzero(np.sign(s[:-1]) != np.sign(s[1:]))
    if sign.size == 0:
        return None
    i = int(sign[0])
    f = s[i] / (s[i] - s[i + 1])
    return et[i] + f * (et[i + 1] - et[i]), track[i] + f * (track[i + 1] - track[i])


def ellipse_layer(u, et: np.ndarray, track: np.ndarray, n_sigma: float = 3.0):
    """The n-sigma b-plane ellipse (xi, zeta axes of the b-plane) centred on the nominal
    track's crossing of the b-plane; None when the track does not cross it in ``et``."""
    found = _crossing(u, et, track)
    if found is None:
        return None
    t_cross, where = found
    pts = ellipse_points((0.0, 0.0), u.answer.bplane_cov_km2, n_sigma, n=121)
    ring = where + pts[:, :1] * u.axes[0] + pts[:, 1:] * u.axes[2]
    return TrajectoryLayer(
        f"{n_sigma:g}-sigma b-plane ellipse",
        t_cross + np.arange(len(ring)) * 1e-3,  # a closed line: times only order its points
        ring,
        color="#ffd000",
        width_px=2.0,
    )


def clone_layers(u, start_et: float, stop_et: float, kernels=("default",), shown=SHOWN_CLONES):
    """Moving markers of ``shown`` clones (the Monte Carlo ones), coloured by their
    closest-approach distance; [] without a Monte Carlo run."""
    mc = u.monte_carlo
    if mc is None or u.clone_slice is None:
        return []
    order = np.argsort(mc.clones_dist_km)
    pick = order[np.unique(np.linspace(0, len(order) - 1, min(shown, len(order))).astype(int))]
    lo, hi = max(start_et, u.trajectory.start_et), min(stop_et, u.trajectory.stop_et)
    if not hi > lo:
        return []
    et = np.union1d(
        np.linspace(lo, hi, 400), np.arange(u.nominal_et - 3600, u.nominal_et + 3600, 60.0)
    )
    et = et[(et >= lo) & (et <= hi)]
    with sampling.kernels(*kernels):
        pos = u.relative_positions(et, u.clone_slice.start + pick)
    d = mc.clones_dist_km
    colors = colormap(COLORMAP, d[pick], (float(d.min()), float(d.max())))
    return [
        MarkerLayer(
            f"clone {k + 1} ({d[j]:,.0f} km)",
            pos[:, k],
            et=et,
            color=tuple(colors[k]),
            size_px=4.0,
        )
        for k, j in enumerate(pick)
    ]


def uncertainty_layers(report, et_track: np.ndarray, track: np.ndarray, kernels=("default",)):
    """Every uncertainty layer of a flyby ``report`` for a scene showing ``track`` (N, 3) at
    ``et_track`` (N,): the ellipse, then the clones; [] when the report has no uncertainty."""
    u = getattr(report, "uncertainty", None)
    if u is None:
        return []
    layers = [ellipse_layer(u, et_track, track)]
    layers += clone_layers(u, float(et_track[0]), float(et_track[-1]), kernels)
    return [layer for layer in layers if layer is not None]
