"""Screening core: thresholds, completeness against a brute-force fine grid, refinement precision
against an independent spiceypy.conics + spkez reference."""

from __future__ import annotations

import numpy as np
import pytest
import spiceypy
from conftest import needs_mirror
from scipy.optimize import brentq

from orbitviz.dynamics.kepler import propagate
from orbitviz.screening import ScreeningError, parse_threshold, screen
from orbitviz.screening.params import ScreeningParams
from orbitviz.units import AU_KM, LD_KM

pytestmark = needs_mirror


def test_threshold_grammar():
    assert parse_threshold("0.05au")[0] == pytest.approx(0.05 * AU_KM)
    assert parse_threshold("2 LD")[0] == pytest.approx(2 * LD_KM)
    assert parse_threshold("20000km")[0] == 20000.0
    assert parse_threshold(1234.5)[0] == 1234.5
    assert parse_threshold("SOI") == (None, "soi")
    for bad in ("fast", "-1au", "0", "1 parsec"):
        with pytest.raises(ScreeningError, match="threshold"):
            parse_threshold(bad)


def test_bad_window_and_step():
    with pytest.raises(ScreeningError, match="stop > start"):
        ScreeningParams("EARTH", 10.0, 5.0, 1e6, 9e5)
    with pytest.raises(ScreeningError, match="step_s"):
        ScreeningParams("EARTH", 0.0, 1e7, 1e6, 9e5, step_s=30 * 86400.0)


START, STOP = "2020-01-01", "2020-07-01"


@pytest.fixture(scope="module")
def earth_crossers():
    """NEODyS objects that JPL lists within 0.05 au of Earth in the first half of 2020 (chosen
    by an independent source, so the sample holds real approaches) plus 40 other Earth crossers."""
    import json

    from orbitviz.data import fetch
    from orbitviz.smallbodies import read_neodys
    from orbitviz.smallbodies.names import normalize_designations

    cad = json.loads(fetch("cad_api_2020_all.json").read_text())
    f = cad["fields"]
    keys = set(
        normalize_designations(
            [
                r[f.index("des")]
                for r in cad["data"]
                if float(r[f.index("dist")]) < 0.05 and r[f.index("cd")] < "2020-Jul"
            ][:100]
        )
    )
    tb = read_neodys()
    t = tb.table
    listed = t.key.isin(keys).to_numpy()
    crossers = (t.q_au < 1.02).to_numpy() & (t.a_au * (1 + t.e) > 0.98).to_numpy() & ~listed
    sel = np.concatenate([np.flatnonzero(listed), np.flatnonzero(crossers)[:40]])
    return type(tb)(
        t.iloc[sel].reset_index(drop=True),
        tb.conics[sel],
        tb.bad_rows.iloc[:0],
        "sample of Earth crossers",
        tb.gm_km3s2,
    )


def _brute_force_minima(conics, names, start, stop, step_s, limit_km):
    """Every local minimum of the distance on a fine grid (no screening logic at all)."""
    from orbitviz.spice import KernelSet, states, to_et

    with KernelSet("default"):
        t = np.arange(to_et(start), to_et(stop), step_s)
        earth = states("EARTH", t)
    d = np.linalg.norm(propagate(conics, t)[..., :3] - earth[None, :, :3], axis=-1)
    k_obj, k_t = np.nonzero(
        (d[:, 1:-1] < d[:, :-2]) & (d[:, 1:-1] <= d[:, 2:]) & (d[:, 1:-1] < limit_km)
    )
    return [(names[o], t[k + 1], d[o, k + 1]) for o, k in zip(k_obj, k_t)]


@pytest.fixture(scope="module")
def brute(earth_crossers):
    names = earth_crossers.table.designation.tolist()
    return _brute_force_minima(
        earth_crossers.conics, names, START, STOP, BRUTE_STEP_S, 0.05 * AU_KM
    )


BRUTE_STEP_S = 1200.0
GRID_SLACK_KM = 45_000.0
"""A 20-minute grid minimum overestimates the true one by at most v h / 2 = 75 km/s * 600 s."""


@pytest.mark.parametrize("threshold", ["0.05au", "2ld"])
def test_nothing_missed_against_a_fine_grid(earth_crossers, brute, threshold):
    """All approaches below the threshold on a 20-minute grid are found, with a matching time and
    a distance no larger than the grid's (a grid can only over-estimate a minimum). With 2 LD the
    1-day grid alone would miss most of them (10 km/s x 12 h = 1.1 LD): the Lipschitz margin
    must do its job."""
    thr = parse_threshold(threshold)[0]
    res = screen(
        earth_crossers,
        "EARTH",
        START,
        STOP,
        threshold,
        refine=None,
        scheduler="synchronous",
        progress=False,
        chunk_size=64,
    )
    inside = [b for b in brute if b[2] < thr - GRID_SLACK_KM]  # unambiguous ones
    assert len(inside) >= 3, "the sample must contain real approaches for the test to mean anything"
    for name, t, dist in inside:
        mine = res[(res.designation == name) & (abs(res.et - t) <= BRUTE_STEP_S)]
        assert len(mine) == 1, f"{name} approach near ET {t} ({dist / AU_KM:.4f} au) missed"
        assert dist - GRID_SLACK_KM <= mine.dist_km.iloc[0] <= dist + 1e-6
    # and nothing is reported that the fine grid does not see
    for row in res.itertuples():
        near = [b for b in brute if b[0] == row.designation and abs(b[1] - row.et) <= BRUTE_STEP_S]
        assert near and row.dist_km <= thr, row


def test_coarse_step_makes_no_difference(earth_crossers):
    """Completeness does not rest on a lucky step: 1-day and 2-day grids give the same rows."""
    kw = {"refine": None, "scheduler": "synchronous", "progress": False, "chunk_size": 100}
    a = screen(earth_crossers, "EARTH", START, STOP, "0.05au", **kw)
    b = screen(earth_crossers, "EARTH", START, STOP, "0.05au", step_s=172800.0, **kw)
    assert len(a) == len(b) > 0
    np.testing.assert_array_equal(a.designation, b.designation)
    np.testing.assert_allclose(a.et, b.et, atol=1e-3)
    np.testing.assert_allclose(a.dist_km, b.dist_km, rtol=1e-9)


def test_refined_minimum_agrees_with_spiceypy_to_1ms(earth_crossers):
    """Times (<= 1 ms) and distances (<= 1 m) against spiceypy.conics + spkez and brentq on r.v."""
    from orbitviz.spice import KernelSet

    res = screen(
        earth_crossers, "EARTH", START, STOP, "0.05au", refine=None, scheduler="synchronous",
        progress=False,
    )  # fmt: skip
    row_of = {d: i for i, d in enumerate(earth_crossers.table.designation)}
    with KernelSet("default"):
        for row in res.head(6).itertuples():
            elts = earth_crossers.conics[row_of[row.designation]]

            def rel(t, elts=elts):
                return (
                    spiceypy.conics(elts, t) - spiceypy.spkez(399, t, "ECLIPJ2000", "NONE", 10)[0]
                )

            def rv(t):
                s = rel(t)
                return float(np.dot(s[:3], s[3:]))

            t_ref = brentq(rv, row.et - 3600.0, row.et + 3600.0, xtol=1e-7, rtol=1e-15)
            assert abs(row.et - t_ref) <= 1e-3, (row.designation, row.et - t_ref)
            assert row.dist_km == pytest.approx(np.linalg.norm(rel(t_ref)[:3]), abs=1e-3)
            assert row.v_rel_kms == pytest.approx(np.linalg.norm(rel(t_ref)[3:]), rel=1e-9)


def test_columns_units_and_soi(earth_crossers):
    res = screen(
        earth_crossers, "EARTH", START, STOP, "soi", refine=None, scheduler="synchronous",
        progress=False,
    )  # fmt: skip
    assert list(res.columns) == [
        "designation",
        "utc",
        "et",
        "dist_km",
        "dist_ld",
        "dist_au",
        "v_rel_kms",
        "inside_soi",
        "method",
    ]
    assert res.attrs["soi_km"] == pytest.approx(924_643, abs=2_000)  # Laplace SOI of Earth
    assert res.inside_soi.all() and (res.dist_km <= res.attrs["soi_km"]).all()
    np.testing.assert_allclose(res.dist_ld * LD_KM, res.dist_km)
    np.testing.assert_allclose(res.dist_au * AU_KM, res.dist_km)
    assert (np.diff(res.dist_km) >= 0).all() and set(res.method) <= {"two-body"}
    assert all(u.startswith("2020-") for u in res.utc)


def _small_catalog(tmp_path):
    """3,000 NEODyS rows (2017 QP1 among them) as a CSV catalog with NEODyS's column names."""
    import sqlite3

    import pandas as pd

    from orbitviz.data import fetch

    with sqlite3.connect(fetch("neodys.db")) as db:
        rows = pd.read_sql(
            "SELECT * FROM main WHERE Name = '2017QP1' "
            "UNION SELECT * FROM (SELECT * FROM main LIMIT 3000)",
            db,
        )
    path = tmp_path / "neos.csv"
    rows.to_csv(path, index=False)
    return path


def test_cli_plot_of_the_approaches(tmp_path, capsys, mirror, monkeypatch):
    """The picture shows every approach of the table at its time and distance (LD), split by
    inside/outside the SOI, with 1 LD and the SOI lines and the closest rows named."""
    import pandas as pd
    from matplotlib.dates import date2num
    from plot_support import PNG_MAGIC, find_artist, find_artists, pixels_of

    import orbitviz.reports.screening as screening_report
    from orbitviz.cli import main
    from orbitviz.reports.screening import approaches_figure

    tables = []
    real = screening_report.plot_approaches

    def spy(table, out, **kwargs):
        tables.append(table)
        return real(table, out, **kwargs)

    monkeypatch.setattr(screening_report, "plot_approaches", spy)
    out = tmp_path / "approaches.png"
    csv = tmp_path / "approaches.csv"
    code = main(
        [
            "screen",
            "--catalog",
            str(_small_catalog(tmp_path)),
            "--start",
            "2025-01-01",
            "--stop",
            "2026-01-01",
            "--scheduler",
            "synchronous",
            "--refine",  # the two-body rows of these objects fall inside and outside the SOI
            "none",
            "--no-progress",
            "--output",
            str(csv),
            "--plot",
            str(out),
        ]
    )
    assert code == 0
    assert f"plot written to {out}" in capsys.readouterr().out
    [table] = tables
    written = pd.read_csv(csv)  # the table the user gets is the table drawn
    assert list(written["designation"].astype(str)) == list(table["designation"].astype(str))
    inside = table["inside_soi"].to_numpy(bool)
    assert len(table) >= 10 and 0 < inside.sum() < len(table)

    ax = approaches_figure(table, label_top=3).axes[0]
    days = date2num(pd.to_datetime(table["utc"]).to_numpy())
    for gid, rows in (("inside SOI", inside), ("outside SOI", ~inside)):
        points = np.asarray(find_artist(ax, gid).get_offsets(), dtype=float)
        np.testing.assert_allclose(points[:, 1], table["dist_ld"].to_numpy()[rows], rtol=1e-12)
        np.testing.assert_allclose(points[:, 0], days[rows], rtol=0, atol=1e-8)  # < 1 ms
    np.testing.assert_allclose(table["dist_ld"], table["dist_km"] / LD_KM, rtol=1e-12)
    assert find_artist(ax, "1 LD").get_ydata()[0] == 1.0
    soi_ld = find_artist(ax, "SOI radius").get_ydata()[0]
    assert soi_ld == pytest.approx(table.attrs["soi_km"] / LD_KM) and 2.3 < soi_ld < 2.5
    # the SOI line separates the red points from the blue ones
    assert table["dist_ld"][inside].max() <= soi_ld < table["dist_ld"][~inside].min()
    names = [t.get_text() for t in find_artists(ax, "designation label")]
    closest = table.nsmallest(3, "dist_km")
    assert names == [str(d) for d in closest["designation"]]
    assert ax.get_yscale() == "log" and ax.get_ylabel() == "closest distance (lunar distances)"
    assert ax.get_xlabel() == "UTC" and ax.get_title().startswith(f"{len(table)} close approaches")

    assert out.read_bytes()[:8] == PNG_MAGIC
    # the dots' colours appear (measured: red 83 px for one dot and the legend's, blue 284)
    assert pixels_of(out, "tab:red") > 50 and pixels_of(out, "tab:blue") > 150


def test_approaches_figure_colours_by_the_tables_soi_flag():
    """Red means the table says inside the SOI, also beyond 1 LD; without soi_km, no SOI line."""
    import pandas as pd
    from plot_support import find_artist

    from orbitviz.reports.screening import approaches_figure

    dist_ld = np.array([0.5, 1.5, 2.3, 3.0, 40.0])
    table = pd.DataFrame(
        {
            "designation": ["a", "b", "c", "d", "e"],
            "utc": [f"2025-0{m}-01T00:00:00" for m in range(1, 6)],
            "dist_km": dist_ld * LD_KM,
            "dist_ld": dist_ld,
            "inside_soi": [True, True, True, False, False],
        }
    )
    table.attrs.update(body="EARTH", threshold="0.2au", catalog="synthetic")
    ax = approaches_figure(table, label_top=2).axes[0]
    red = np.asarray(find_artist(ax, "inside SOI").get_offsets(), dtype=float)[:, 1]
    blue = np.asarray(find_artist(ax, "outside SOI").get_offsets(), dtype=float)[:, 1]
    np.testing.assert_array_equal(red, [0.5, 1.5, 2.3])
    np.testing.assert_array_equal(blue, [3.0, 40.0])
    assert find_artist(ax, "SOI radius") is None
    assert ax.get_title() == "5 close approaches to Earth within 0.2au (synthetic)"


def test_approaches_figure_labels_never_overlap():
    """Ten approaches within a day at nearly one distance, in a year's plot: the labels, the
    closest first, overlap neither each other nor the legend, and each stays next to its point
    or is joined to it by a leader line (they once sat on top of each other, each 4 px right of
    its point); one with no room left is not drawn."""
    import pandas as pd
    from matplotlib.dates import date2num
    from matplotlib.text import Annotation, Text
    from plot_support import find_artists

    from orbitviz.reports.screening import approaches_figure

    dist_ld = np.r_[3.0 + 0.01 * np.arange(10), 15.0, 15.0]  # the last two span the year
    table = pd.DataFrame(
        {
            "designation": [f"2029 XA{k}" for k in range(12)],
            "utc": [f"2029-06-01T{2 * k:02d}:00:00" for k in range(10)]
            + ["2029-01-01T00:00:00", "2029-12-31T00:00:00"],
            "dist_km": dist_ld * LD_KM,
            "dist_ld": dist_ld,
            "inside_soi": [False] * 12,
        }
    )
    table.attrs.update(body="EARTH", threshold="0.05au", catalog="synthetic")
    fig = approaches_figure(table, label_top=10)
    fig.canvas.draw()  # where the annotations' texts go is worked out when drawn
    ax = fig.axes[0]
    renderer = fig.canvas.get_renderer()
    labels = find_artists(ax, "designation label")
    # the closest first: those the layout finds no room for are the farthest (8 of 10 drawn)
    drawn = sorted(t.get_text() for t in labels)
    assert len(drawn) >= 6 and drawn == sorted(table["designation"][: len(drawn)])
    boxes = [Text.get_window_extent(t, renderer) for t in labels]  # the text, not its leader
    legend = ax.get_legend().get_window_extent(renderer)
    for i, a in enumerate(boxes):
        assert not a.overlaps(legend)
        assert not any(a.overlaps(b) for b in boxes[i + 1 :]), labels[i].get_text()
    for label, box in zip(labels, boxes):
        assert isinstance(label, Annotation)
        px, py = ax.transData.transform((date2num(label.xy[0]), label.xy[1]))
        gap = np.hypot(max(box.x0 - px, 0, px - box.x1), max(box.y0 - py, 0, py - box.y1))
        assert gap < 12 or label.arrow_patch is not None, (label.get_text(), gap)


@needs_mirror
def test_a_two_body_screening_says_its_numbers_are_not_the_answer(capsys):
    """Apophis screens at 537,236 km two-body in April 2029 (JPL: 37,725 km): the two-body
    table (--refine none) warns and says how to get the answer; the default, N-body refined,
    which is the answer, does not."""
    from orbitviz.cli import main

    argv = ["screen", "--start", "2029-04-10", "--stop", "2029-04-20"]
    argv += ["--threshold", "0.01au", "--scheduler", "synchronous", "--no-progress"]
    assert main([*argv, "--refine", "none"]) == 0
    out = capsys.readouterr().out
    assert "WARNING: two-body distances" in out and "without --refine none" in out
    [two_body] = [line.split() for line in out.splitlines() if line.lstrip().startswith("99942 ")]
    # the two-body row: ten times and more beyond JPL's 37,725 km (orbit 199), as it says
    # (designation, name, UTC, distance with thousands separators, ...)
    assert two_body[-1] == "two-body" and float(two_body[3].replace(",", "")) > 10 * 37_725
    # --nbody-max 0 refines none of them: the rows stay two-body, and so does the warning
    assert main([*argv, "--nbody-max", "0"]) == 0
    assert "WARNING: two-body distances" in capsys.readouterr().out
    assert main(argv) == 0
    out = capsys.readouterr().out
    assert "WARNING" not in out
    [apophis] = [line.split() for line in out.splitlines() if line.lstrip().startswith("99942 ")]
    # JPL (orbit 199): 37,725 km; NEODyS's own orbit solution lands within 500 km of it
    assert apophis[-1] == "nbody" and abs(float(apophis[3].replace(",", "")) - 37_725) < 500


@needs_mirror
@pytest.mark.parametrize("body", ["EARTH", "MOON", "MARS BARYCENTER"])
def test_the_body_track_reads_the_same_states_as_spice_between_its_grid_points(body):
    """The refinement's body states come from the SPK's Chebyshev records (one SPICE call
    per time cost 2 s of a catalog-year); they must be SPICE's, to round-off."""
    from orbitviz.screening.bodies import BodyTrack
    from orbitviz.spice import KernelSet, states, to_et

    with KernelSet("default"):
        grid = float(to_et("2029-01-01")) + 86400.0 * np.arange(40)
        track = BodyTrack.compute(body, grid)
        et = np.random.default_rng(1).uniform(grid[0], grid[-1], 500)
        ours = track.states_at(et)
        truth = states(body, et, observer="SUN")
    assert np.abs(ours[:, :3] - truth[:, :3]).max() < 1e-6  # km
    assert np.abs(ours[:, 3:] - truth[:, 3:]).max() < 1e-9  # km/s
