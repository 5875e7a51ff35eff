"""A picture of a lander's path: altitude above the shape model vs time, contacts marked."""

from __future__ import annotations

from pathlib import Path

import numpy as np

from ..shapes.lander import LanderPath
from ..spice import et_to_datetime64
from .figures import lay_out, new_figure, save_png


def lander_figure(path: LanderPath):
    """A :class:`matplotlib.figure.Figure`: altitude (m) vs UTC with every contact annotated and
    the hops' apexes marked. Gids: ``altitude`` (the line), ``surface`` (zero altitude), one
    ``contact`` line and ``contact marker`` per touchdown (in ``path.touchdowns`` order, each
    with a ``contact label`` text) and an ``apex label`` text per hop higher than 5 m."""
    t = et_to_datetime64(path.et)
    altitude_m = path.altitude_km * 1e3
    fig, ax = new_figure(10, 4.8)
    ax.plot(
        t, altitude_m, color="tab:blue", lw=1.6, label=f"{path.lander} altitude", gid="altitude"
    )
    ax.axhline(0.0, color="tab:gray", lw=0.8, ls=":", gid="surface")
    span = path.et[-1] - path.et[0]
    for i, contact in enumerate(path.touchdowns):
        when = et_to_datetime64(contact.et)
        ax.axvline(when, color="tab:red", lw=0.8, alpha=0.6, gid="contact")
        ax.plot(when, contact.altitude_m, "o", color="tab:red", gid="contact marker")
        late = contact.et > path.et[0] + 0.9 * span  # label to the left near the right edge
        ax.annotate(
            f"{contact.kind}\n{contact.utc[11:19]} UTC",
            (when, contact.altitude_m),
            textcoords="offset points",
            xytext=(-70 if late else 4, 24 + 26 * (i % 2)),
            fontsize=8,
            color="tab:red",
            gid="contact label",
        )
    for hop in path.hops:
        if hop.apex_m > 5.0:
            apex = np.datetime64(hop.apex_utc)
            ax.annotate(
                f"apex {hop.apex_m:.0f} m, {hop.ground_distance_m:.0f} m travelled",
                (apex, hop.apex_m),
                textcoords="offset points",
                xytext=(-60, 8),
                fontsize=8,
                color="tab:blue",
                gid="apex label",
            )
    ax.set_ylim(min(-10.0, float(altitude_m.min()) - 5), float(altitude_m.max()) * 1.3 + 10)
    ax.set_xlim(t[0], t[-1])
    ax.set_xlabel("UTC")
    ax.set_ylabel("altitude above the shape model (m)")
    ax.set_title(f"{path.lander} on {path.body}: altitude, touchdowns and hops", fontsize=10)
    ax.grid(alpha=0.3)
    ax.legend(loc="upper right", fontsize=8)
    return lay_out(fig)


def plot_lander(path: LanderPath, out: str | Path) -> Path:
    """PNG of :func:`lander_figure`, written atomically; returns ``out`` as a Path."""
    return save_png(lander_figure(path), out)
