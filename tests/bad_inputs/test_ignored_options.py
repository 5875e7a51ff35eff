"""Options that were silently ignored or misread (#26 item 6): each is now refused with one
line that says what clashes, or does what it says."""

from __future__ import annotations

import json
import time

import pytest
from conftest import needs_mirror, one_error_line

from orbitviz.errors import InvalidArgument, RenderError, ScreeningError

pytestmark = needs_mirror


@pytest.mark.parametrize(
    ("argv", "words"),
    [
        (["flyby", "Apophis", "--plot", ""], "cannot write the plot: the name is empty"),
        (["flyby", "Apophis", "--bplane", " "], "the b-plane picture: the name is empty"),
        (
            ["flyby", "Apophis", "--plot", "same.png", "--bplane", "./same.png"],
            "--plot and --bplane both name ./same.png: one would overwrite the other",
        ),
        (
            ["flyby", "Apophis", "--uncertainty", "none", "--clones", "500"],
            "clones=500 are Monte Carlo clones, but uncertainty='none' runs none",
        ),
        (
            ["flyby", "Apophis", "--sbdb-file", "a.json", "--catalog", "b.csv"],
            "sbdb_file and catalog both give the elements",
        ),
        (
            [
                "screen",
                "--start",
                "2029-01-01",
                "--stop",
                "2029-02-01",
                "--scheduler",
                "synchronous",
                "--workers",
                "4",
            ],
            "workers=4 starts local worker processes, but the synchronous scheduler runs "
            "everything in this process",
        ),
        (["time", "10000-01-01"], "outside the years 1 to 9999"),
        (["time", "1e16"], "ET 1e+16 s (+3.169e+08 years from J2000) is outside the years"),
        (["screen", "-o", "", "--start", "2029-01-01", "--stop", "2029-02-01"], "name is empty"),
    ],
)
def test_clashing_or_empty_options_are_one_line(capsys, tmp_path, monkeypatch, argv, words):
    monkeypatch.chdir(tmp_path)
    assert words in one_error_line(capsys, *argv)


def test_kernels_list_of_an_unknown_kind_is_refused(capsys):
    """``kernels list --kind bogus`` printed an empty table with rc 0."""
    from orbitviz.cli import main

    with pytest.raises(SystemExit) as stop:
        main(["kernels", "list", "--kind", "bogus"])
    assert stop.value.code == 2
    err = capsys.readouterr().err
    assert "invalid choice: 'bogus'" in err and "spk" in err


def test_an_earth_answer_is_not_compared_with_mars(capsys, mirror):
    line = one_error_line(
        capsys,
        "validate",
        "cad",
        str(mirror / "fixtures" / "cad_api_2020_all.json"),
        "--catalog",
        str(mirror / "fixtures" / "sbdb_query_neos_2020.csv"),
        "--body",
        "MARS",
    )
    assert "approaches are to the Earth (the API's default), but --body is MARS" in line


def test_a_frame_rate_below_one_is_refused_in_the_api_too():
    """``--fps 0.001`` made a GIF of 1,000 s where 2,000 s were asked (GIF delays top out)."""
    from orbitviz.recipes import shape_scene
    from orbitviz.render.plan import plan_frames

    scene = shape_scene("67p-4k.obj")
    with pytest.raises(
        RenderError, match=r"fps must be a number of frames per second in \[1, 240\]"
    ):
        plan_frames(scene, fps=0.001, frames=2)


def test_the_workers_of_a_synchronous_screening_are_refused_in_the_api():
    from orbitviz.screening import screen

    with pytest.raises(ScreeningError, match="workers=2 starts local worker processes"):
        screen("neodys", scheduler="synchronous", workers=2)


def test_flyby_api_refuses_clones_without_monte_carlo():
    from orbitviz import flyby

    with pytest.raises(InvalidArgument, match="clones=50 are Monte Carlo clones"):
        flyby("Apophis", uncertainty="linear", clones=50)


def test_an_sbdb_answer_stamped_in_the_future_is_not_fresh(tmp_path, monkeypatch, mirror):
    """It was fresh forever: JPL was never asked again."""
    from orbitviz.smallbodies import sbdb

    monkeypatch.setenv("ORBITVIZ_CACHE_DIR", str(tmp_path))
    text = (mirror / "fixtures" / "sbdb_api_apophis.dat").read_text()
    calls = []

    def jpl(designation, timeout_s):
        calls.append(designation)
        return text

    monkeypatch.setattr(sbdb, "_fetch_sbdb_text", jpl)
    sbdb.query_sbdb("99942")
    path = tmp_path / "sbdb" / "99942.json"
    entry = json.loads(path.read_text())
    entry["fetched_unix"] = time.time() + 365 * 86400  # a year ahead
    path.write_text(json.dumps(entry))
    assert "fetched from JPL" in sbdb.query_sbdb("99942").source
    assert len(calls) == 2


def test_two_orbits_under_one_designation_are_both_refused(tmp_path):
    """One of them was used, by row order: 37,724 km or 56,601,945 km for the same object."""
    import pandas as pd

    from orbitviz.smallbodies import read_catalog

    rows = {
        "designation": ["99942", "2021 WP", "99942", "2021 WP"],
        "q_au": [0.746, 0.9, 0.75, 0.9],
        "e": [0.19, 0.1, 0.19, 0.1],
        "i_deg": [3.3, 1.0, 3.3, 1.0],
        "node_deg": [204.4, 10.0, 204.4, 10.0],
        "peri_deg": [126.4, 20.0, 126.4, 20.0],
        "M_deg": [180.4, 30.0, 180.4, 30.0],
        "epoch_jd": [2459600.5] * 4,
    }
    path = tmp_path / "twice.csv"
    pd.DataFrame(rows).to_csv(path, index=False)
    with pytest.warns(UserWarning, match="skipped 2 of 4 rows"):
        table = read_catalog(path)
    assert table.table["designation"].tolist() == ["2021 WP", "2021 WP"]  # the same orbit twice
    reasons = dict(zip(table.bad_rows["designation"], table.bad_rows["reason"], strict=False))
    assert reasons["99942"] == (
        "rows 1, 3 give different orbits under one designation: keep the one you mean"
    )
