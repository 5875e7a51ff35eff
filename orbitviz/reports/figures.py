"""The matplotlib plumbing every report plot shares: a headless figure, written atomically.

Report plots are built in two steps: a ``*_figure`` function (or ``FlybyReport.figure``) returns
the :class:`matplotlib.figure.Figure`, laid out, for a notebook to show or a test to read; the
``plot*`` function writes that figure to a PNG. The figures are made without pyplot, so building
one neither switches the user's backend nor leaves a figure open in pyplot's list.

>>> import numpy as np
>>> fig, ax = new_figure(4, 3)
>>> line = ax.plot(np.arange(3), [1.0, 4.0, 9.0], gid="data")[0]
>>> find_artist(ax, "data") is line
True
>>> [float(x) for x in fig.get_size_inches()]
[4.0, 3.0]
"""

from __future__ import annotations

from pathlib import Path

from .._files import atomic_path
from ..errors import OutputError


def new_figure(width_in: float, height_in: float):
    """A (figure, axes) pair drawn by Agg, outside pyplot (nothing to close afterwards)."""
    from matplotlib.backends.backend_agg import FigureCanvasAgg
    from matplotlib.figure import Figure

    fig = Figure(figsize=(width_in, height_in), dpi=120)
    FigureCanvasAgg(fig)
    return fig, fig.subplots()


def lay_out(fig, *, time_axis: bool = True):
    """Tidy a finished figure: dates on the x axis slanted (``time_axis``), tight margins."""
    if time_axis:
        fig.autofmt_xdate()
    fig.tight_layout()
    return fig


def find_artist(ax, gid: str):
    """The one line, collection or text of ``ax`` whose ``gid`` is ``gid`` (plots mark their
    data and events with gids, so that tests and notebooks can find them); None if absent."""
    found = [a for a in ax.get_children() if a.get_gid() == gid]
    if len(found) > 1:
        raise ValueError(f"{len(found)} artists have gid {gid!r}: use find_artists")
    return found[0] if found else None


def find_artists(ax, gid: str) -> list:
    """Every artist of ``ax`` whose ``gid`` is ``gid``, in drawing order."""
    return [a for a in ax.get_children() if a.get_gid() == gid]


def save_png(fig, out: str | Path) -> Path:
    """Write ``fig`` to the PNG ``out`` atomically (:func:`orbitviz._files.atomic_path`), so a
    failed write never leaves a half picture under the final name. A name that does not end
    in ``.png`` is an OutputError (``plot("p.txt")`` wrote a PNG named .txt)."""
    out = Path(out)
    if out.suffix.lower() != ".png":
        raise OutputError(
            f"{out}: this picture is written as PNG; give a name ending in .png",
            path=out,
            reason="not .png",
        )
    with atomic_path(out) as tmp:
        fig.savefig(tmp, format="png")
    return out


FIGURE_SUFFIXES = (".png", ".pdf", ".svg")


def save_figure(fig, out: str | Path) -> Path:
    """Write ``fig`` atomically in the format its suffix names: PNG, PDF (vector, for papers)
    or SVG."""
    out = Path(out)
    kind = out.suffix.lower()
    if kind not in FIGURE_SUFFIXES:
        raise OutputError(
            f"{out}: a figure is written as {', '.join(FIGURE_SUFFIXES)}; give one of those "
            "suffixes",
            path=out,
            reason="unknown suffix",
        )
    with atomic_path(out) as tmp:
        fig.savefig(tmp, format=kind[1:])
    return out
