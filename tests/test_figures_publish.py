"""Figures people publish: the scale shows the minimum, the b-plane shows the body and the
capture disc (with a zoom on a tiny ellipse), titles fit, PDF and SVG as well as PNG. Each
test reads the drawn data back from the figure.

Numbers checked against JPL: 67P's 2021 pass, 0.42 au (62.6 million km) on 2021-Nov-12 (SBDB
ca_data, orbit K154/2); Apophis 2029, 37,724.5 km (orbit 199).
"""

from __future__ import annotations

import numpy as np
import pytest

from orbitviz import data, flyby
from orbitviz.reports.figures import find_artist, find_artists

SBDB_67P = "sbdb_api_67P.dat"


@pytest.fixture(scope="module")
def comet():
    return flyby(
        "67P",
        sbdb_file=data.fetch(SBDB_67P),
        start="2021-10-01",
        stop="2021-12-31",
        uncertainty="linear",
    )


@pytest.fixture(scope="module")
def apophis():
    return flyby("Apophis", uncertainty="linear")


def _title_fits(fig, ax) -> bool:
    renderer = fig.canvas.get_renderer()
    box = ax.title.get_window_extent(renderer)
    return box.x0 >= 0 and box.x1 <= fig.bbox.width


def test_a_distant_pass_is_drawn_where_its_numbers_are(comet):
    fig = comet.figure()
    ax = fig.axes[0]
    track = find_artist(ax, "distance").get_ydata()
    lo, hi = ax.get_ylim()
    # the comet at 62-75 million km fills the axes (it used to sit far above a fixed axis)
    assert lo < track.min() < 62_600 < track.max() < hi
    assert (hi - lo) < 2 * (track.max() - track.min())
    marker = find_artist(ax, "closest approach").get_ydata()[0]
    assert marker == pytest.approx(62_566.6, rel=1e-4)  # JPL: 0.4182 au
    assert _title_fits(fig, ax) and "never enters" in ax.get_title()


def test_a_deep_pass_shows_its_minimum_on_a_log_scale(apophis):
    fig = apophis.figure()
    ax = fig.axes[0]
    assert ax.get_yscale() == "log"
    lo, hi = ax.get_ylim()
    minimum = find_artist(ax, "closest approach").get_ydata()[0]
    assert minimum == pytest.approx(37.7245, rel=1e-4)  # 37,724.5 km (JPL, orbit 199)
    # the minimum sits inside the axes, well above its floor (no zero line to hide on)
    assert np.log(minimum / lo) > 0.1 * np.log(hi / lo)
    assert _title_fits(fig, ax)


def test_bplane_shows_the_earth_the_capture_disc_and_zooms_on_a_tiny_ellipse(apophis):
    from orbitviz.reports.bplane import bplane_figure

    u = apophis.uncertainty
    fig = bplane_figure(u, "Apophis 2029")
    ax = fig.axes[0]
    x0, x1 = ax.get_xlim()
    y0, y1 = ax.get_ylim()
    capture = find_artist(ax, "capture disc").get_radius()
    assert capture == pytest.approx(u.capture_radius_km)
    assert x0 < -capture and x1 > capture and y0 < -capture and y1 > capture
    xi, zeta = find_artist(ax, "nominal").get_data()
    assert x0 < xi[0] < x1 and y0 < zeta[0] < y1  # 47,061 km up: in the same view
    inset = next(a for a in fig.axes[0].child_axes if a.get_gid() == "ellipse inset")
    ellipse = find_artists(inset, "inset 3-sigma ellipse")[0]
    pts = np.c_[ellipse.get_xdata(), ellipse.get_ydata()]
    half = np.abs(pts - [xi[0], zeta[0]]).max()
    assert half == pytest.approx(3 * u.linear.bplane_unc_major_km, rel=0.05)  # 3 x 244 km
    ix0, ix1 = inset.get_xlim()
    assert (ix1 - ix0) < 0.05 * (x1 - x0)


@pytest.mark.parametrize("suffix, magic", [(".pdf", b"%PDF"), (".svg", b"<?xml")])
def test_figures_are_written_as_pdf_and_svg(apophis, tmp_path, suffix, magic):
    out = apophis.plot(tmp_path / f"apophis{suffix}")
    assert out.read_bytes()[:5].startswith(magic)
    bp = apophis.plot_bplane(tmp_path / f"bplane{suffix}")
    assert bp.read_bytes()[:5].startswith(magic)
    assert not list(tmp_path.glob(".*"))
