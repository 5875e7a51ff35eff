"""A picture of a screening: every close approach by date and distance, the closest named."""

from __future__ import annotations

from pathlib import Path

import numpy as np
import pandas as pd

from .._text import table as text_table
from ..scene.layout import Box, Label, place_labels
from ..smallbodies.names import display_designation, offline_name
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
    lay_out(fig)
    closest = table.nsmallest(label_top, "dist_km")
    _label_points(
        fig,
        ax,
        [str(d) for d in closest["designation"]],
        pd.to_datetime(closest["utc"]).to_numpy(),
        closest["dist_ld"].to_numpy(),
    )
    return fig


def _label_points(fig, ax, texts, x, y) -> None:
    """Label the points (x, y) with ``texts``, closest first, where the labels overlap neither
    each other, the legend nor the frame: the view's label layout (:mod:`orbitviz.scene.
    layout`), in the figure's pixels; a label pushed away from its point gets a leader line,
    one with no room left is not drawn. Needs the figure laid out (the axes where they stay)."""
    from matplotlib.dates import date2num

    renderer = fig.canvas.get_renderer()
    width, height = fig.bbox.width, fig.bbox.height

    def down(extent) -> Box:  # matplotlib's pixels have y up; the layout's y down
        return Box(extent.x0, height - extent.y1, extent.x1, height - extent.y0)

    anchors = ax.transData.transform(np.c_[date2num(x), y])
    labels = []
    for k, (text, (px, py)) in enumerate(zip(texts, anchors)):
        probe = ax.text(0, 0, text, fontsize=7)
        extent = probe.get_window_extent(renderer)
        probe.remove()
        labels.append(Label(k, (px, height - py), (extent.width, extent.height), -k, 4.0))
    legend = ax.get_legend()
    reserved = [down(legend.get_window_extent(renderer))] if legend else []
    placed = place_labels(labels, down(ax.get_window_extent(renderer)), reserved=reserved)
    for where, text, xi, yi in zip(placed, texts, x, y):
        if where.box is None:  # not shown
            continue
        ax.annotate(
            text,
            (xi, yi),
            xytext=(where.box.x0 / width, 1.0 - where.box.y1 / height),
            textcoords="figure fraction",  # the same place at any dpi the PNG is saved with
            ha="left",
            va="bottom",
            fontsize=7,
            gid="designation label",
            arrowprops={"arrowstyle": "-", "lw": 0.6, "color": "0.4"} if where.leader else None,
        )


def screening_rows(table: pd.DataFrame) -> str:
    """The screening's rows as the terminal shows them: designations as people write them
    (``2016 FY12``) with the name where one is known offline, plain decimals (km with
    thousands separators, LD to 4 decimals, au to 6), ``IMPACT`` where the track meets the
    body.

    >>> t = pd.DataFrame({"designation": ["2016FY12"], "utc": ["2029-01-01T00:00:00"],
    ...     "dist_km": [123456.78], "dist_ld": [0.3211], "dist_au": [0.000825],
    ...     "v_rel_kms": [7.1234], "inside_soi": [True], "method": ["nbody"]})
    >>> print(screening_rows(t))
    designation  name  UTC                  distance (km)  LD      au        v_rel (km/s)  inside SOI  method
    -----------  ----  -------------------  -------------  ------  --------  ------------  ----------  ------
    2016 FY12          2029-01-01T00:00:00  123,456.8      0.3211  0.000825  7.123         yes         nbody
    """
    rows = []
    impacts = table["impact"] if "impact" in table else pd.Series([""] * len(table))
    for r, impact in zip(table.itertuples(index=False), impacts):
        rows.append(
            [
                display_designation(str(r.designation)),
                offline_name(str(r.designation)) or "",
                str(r.utc)[:19],
                f"{r.dist_km:,.1f}",
                f"{r.dist_ld:.4f}",
                f"{r.dist_au:.6f}",
                f"{r.v_rel_kms:.3f}",
                "yes" if r.inside_soi else "no",
                "IMPACT" if impact else str(r.method),
            ]
        )
    header = ["designation", "name", "UTC", "distance (km)", "LD", "au", "v_rel (km/s)"]
    return text_table(rows, [*header, "inside SOI", "method"])


def plot_approaches(table: pd.DataFrame, out: str | Path, *, label_top: int = 10) -> Path:
    """PNG of :func:`approaches_figure`, written atomically; returns ``out`` as a Path."""
    return save_png(approaches_figure(table, label_top=label_top), out)
