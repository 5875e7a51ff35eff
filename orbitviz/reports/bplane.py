"""The b-plane picture of an encounter: the body's disc and capture disc, the nominal point,
the 1/2/3-sigma error ellipses and the Monte Carlo clones (``orbitviz flyby ... --bplane PNG``).

Axes are xi (right) and zeta (up) in km, the frame of :mod:`orbitviz.dynamics.bplane`. Artists
carry gids: ``body disc``, ``capture disc``, ``nominal``, ``1-sigma ellipse`` ... ``3-sigma
ellipse``, ``clones``, and ``linear 3-sigma ellipse`` beside a Monte Carlo answer.
"""

from __future__ import annotations

from pathlib import Path

import numpy as np

from ..errors import OrbitvizError


def ellipse_points(center, cov_km2, n_sigma: float, n: int = 181) -> np.ndarray:
    """(n, 2) points of the n-sigma ellipse of a 2x2 covariance around ``center``.

    >>> pts = ellipse_points((0.0, 0.0), np.diag([4.0, 1.0]), 3.0)
    >>> float(np.abs(pts[:, 0]).max()), float(np.abs(pts[:, 1]).max())
    (6.0, 3.0)
    """
    vals, vecs = np.linalg.eigh(np.asarray(cov_km2, dtype=float))
    ang = np.linspace(0.0, 2.0 * np.pi, n)
    unit = np.stack([np.cos(ang), np.sin(ang)], axis=1)
    return np.asarray(center) + n_sigma * (unit * np.sqrt(np.clip(vals, 0, None))) @ vecs.T


def bplane_figure(uncertainty, title: str = ""):
    """The b-plane of an :class:`orbitviz.dynamics.uncertainty.EncounterUncertainty` as a
    matplotlib Figure."""
    from matplotlib.patches import Circle
    from matplotlib.ticker import StrMethodFormatter

    from .figures import lay_out, new_figure

    u = uncertainty
    if u is None:
        raise OrbitvizError(
            "no b-plane picture: this report has no orbit uncertainty (the elements carry no "
            "covariance or sigmas, or --uncertainty none)"
        )
    est = u.answer
    center = np.array([u.nominal_xi_km, u.nominal_zeta_km])
    fig, ax = new_figure(7, 7)
    if u.body_radius_km:
        ax.add_patch(
            Circle(
                (0, 0),
                u.body_radius_km,
                color="#2f6fd6",
                alpha=0.9,
                gid="body disc",
                label=f"{u.body.title()} ({u.body_radius_km:,.0f} km)",
            )
        )
    if u.capture_radius_km:
        ax.add_patch(
            Circle(
                (0, 0),
                u.capture_radius_km,
                fill=False,
                ls="--",
                color="#2f6fd6",
                gid="capture disc",
                label=f"capture disc ({u.capture_radius_km:,.0f} km)",
            )
        )
    mc = u.monte_carlo
    if mc is not None:
        ax.scatter(
            mc.clones_xi_km,
            mc.clones_zeta_km,
            s=3,
            color="0.45",
            alpha=0.6,
            gid="clones",
            label=f"{mc.n_clones} clones (seed {mc.seed})",
        )
    for k, color in ((1, "#d62728"), (2, "#ff7f0e"), (3, "#bcbd22")):
        pts = ellipse_points(center, est.bplane_cov_km2, k)
        ax.plot(
            pts[:, 0],
            pts[:, 1],
            color=color,
            lw=1.4,
            gid=f"{k}-sigma ellipse",
            label=f"{k}-sigma ({est.method})",
        )
    if mc is not None and u.linear is not None:
        pts = ellipse_points(center, u.linear.bplane_cov_km2, 3)
        ax.plot(
            pts[:, 0],
            pts[:, 1],
            color="k",
            ls=":",
            lw=1.0,
            gid="linear 3-sigma ellipse",
            label="3-sigma (linear)",
        )
    ax.plot(
        *center,
        "+",
        color="k",
        ms=10,
        gid="nominal",
        label=f"nominal: xi {center[0]:,.0f}, zeta {center[1]:,.0f} km",
    )
    # frame: the body, its capture disc and the ellipse always in view; when the ellipse is
    # tiny beside that frame, an inset zooms on it
    span = 3.5 * est.bplane_unc_major_km
    if mc is not None:
        span = max(
            span,
            1.1
            * float(np.max(np.hypot(mc.clones_xi_km - center[0], mc.clones_zeta_km - center[1]))),
        )
    reach = max(np.hypot(*center) + span, 1.15 * (u.capture_radius_km or 0.0))
    lim = 1.1 * reach
    ax.set_xlim(-lim, lim)
    ax.set_ylim(-lim, lim)
    if span < 0.05 * lim:
        _inset(ax, u, est, center, span)
    ax.set_aspect("equal")
    ax.set_xlabel("xi (km)")
    ax.set_ylabel("zeta (km)")
    ax.grid(alpha=0.3)
    ax.legend(loc="upper left", fontsize=7)
    for axis in (ax.xaxis, ax.yaxis):
        axis.set_major_formatter(StrMethodFormatter("{x:,.0f}"))
    ax.set_title(title or f"b-plane of the {u.body.title()} encounter", fontsize=9)
    return lay_out(fig, time_axis=False)


def _inset(ax, u, est, center, span) -> None:
    """A zoom on the ellipse (gid ``ellipse inset``), its nominal, ellipses and clones drawn
    again there, and a box on the main axes where it is."""
    inset = ax.inset_axes([0.58, 0.05, 0.38, 0.38])
    inset.set_gid("ellipse inset")
    mc = u.monte_carlo
    if mc is not None:
        inset.scatter(mc.clones_xi_km, mc.clones_zeta_km, s=2, color="0.45", alpha=0.6)
    for k, color in ((1, "#d62728"), (2, "#ff7f0e"), (3, "#bcbd22")):
        pts = ellipse_points(center, est.bplane_cov_km2, k)
        inset.plot(pts[:, 0], pts[:, 1], color=color, lw=1.2, gid=f"inset {k}-sigma ellipse")
    inset.plot(*center, "+", color="k", ms=8)
    inset.set_xlim(center[0] - span, center[0] + span)
    inset.set_ylim(center[1] - span, center[1] + span)
    inset.set_aspect("equal")
    inset.tick_params(labelsize=6)
    inset.set_title(f"zoom: {2 * span:,.0f} km across", fontsize=7)
    ax.indicate_inset_zoom(inset, edgecolor="0.3")


def plot_bplane(uncertainty, path: str | Path, title: str = "") -> Path:
    """:func:`bplane_figure` as PNG, PDF or SVG (by the suffix), written atomically."""
    from .figures import save_figure

    return save_figure(bplane_figure(uncertainty, title), path)
