"""A picture of a screening: every close approach by date and distance, the closest named."""

from __future__ import annotations

from pathlib import Path

import numpy as np
import pandas as pd

from ..units import LD_KM
from .figures import lay_out, new_figure, save_png


def approaches_figure(table: pd.DataFrame, *, label_top: int = 10):
    """A :class:`matplotlib.figure.Figure`: distance (LD, log scale) vs UTC of each approach,
    1 LD and the SOI marked, inside-SOI approaches in red, the ``label_top`` closest labelled.
    Gids: ``outside SOI`` and ``inside SOI`` (the two scatters), ``1 LD``, ``SOI radius`` (when
    the table's attrs give ``soi_km``) and one ``designation label`` text per labelled row."""

    attrs = table.attrs
    when = pd.to_datetime(table["utc"]).to_numpy()
    dist_ld = table["dist_ld"].to_numpy()
    inside = table["inside_soi"].to_numpy(dtype=bool)
    fig, ax = new_figure(10, 5)
    ax.scatter(
        when[~inside],
        dist_ld[~inside],
        s=10,
        color="tab:blue",
        label="outside the SOI",
        gid="outside SOI",
    )
    ax.scatter(
        when[inside],
        dist_ld[inside],
        s=16,
        color="tab:red",
        label="inside the SOI",
        gid="inside SOI",
    )
    ax.axhline(1.0, color="tab:gray", ls=":", lw=1, label="1 LD (384,399 km)", gid="1 LD")
    if attrs.get("soi_km"):
        ax.axhline(
            attrs["soi_km"] / LD_KM,
            color="tab:orange",
            ls="--",
            lw=1,
            label=f"{attrs.get('body', 'body').title()} SOI",
            gid="SOI radius",
        )
    for _, row in table.nsmallest(label_top, "dist_km").iterrows():
        ax.annotate(
            str(row.designation),
            (np.datetime64(pd.to_datetime(row.utc)), row.dist_ld),
            textcoords="offset points",
            xytext=(4, 2),
            fontsize=7,
            gid="designation label",
        )
    ax.set_yscale("log")
    ax.set_ylabel("closest distance (lunar distances)")
    ax.set_xlabel("UTC")
    ax.set_title(
        f"{len(table)} close approaches to {attrs.get('body', '?').title()} within "
        f"{attrs.get('threshold', '?')} ({attrs.get('catalog', '')})",
        fontsize=9,
    )
    ax.grid(alpha=0.3, which="both")
    ax.legend(loc="lower right", fontsize=8)
    return lay_out(fig)


def plot_approaches(table: pd.DataFrame, out: str | Path, *, label_top: int = 10) -> Path:
    """PNG of :func:`approaches_figure`, written atomically; returns ``out`` as a Path."""
    return save_png(approaches_figure(table, label_top=label_top), out)
