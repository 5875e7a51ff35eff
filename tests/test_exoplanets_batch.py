"""Many stars at once: a folder grouped by star, one table, a bad star not stopping the rest,
and an interrupted run resuming from its parts."""

from __future__ import annotations

import shutil

import numpy as np
import pandas as pd
import pytest

from orbitviz.exoplanets.batch import group_by_star, light_curve_files, transits_many


def _toy_star(path, period=4.0, depth=1.5e-3, seed=3):
    t = np.arange(2455000.0, 2455060.0, 0.0204)
    flux = 1 + np.random.default_rng(seed).normal(0, 2e-4, len(t))
    phase = (t - 2455001.3 + 0.5 * period) % period - 0.5 * period
    flux[np.abs(phase) < 0.06] -= depth
    np.savetxt(path, np.c_[t, flux], delimiter=",", header="time_bjd,flux", comments="", fmt="%.7f")
    return path


@pytest.fixture()
def folder(tmp_path):
    (tmp_path / "a").mkdir()
    _toy_star(tmp_path / "a" / "toy-4d.csv")
    _toy_star(tmp_path / "toy-6d.csv", period=6.0, depth=2e-3, seed=4)
    (tmp_path / "broken.csv").write_text("time,flux\n1,2\n")
    return tmp_path


def test_a_folder_is_grouped_by_star_and_searched_recursively(folder, kepler90_files):
    files = light_curve_files([folder, *kepler90_files])
    groups = group_by_star(files)
    assert set(groups) == {"toy-4d", "toy-6d", "broken", "KIC 11442793"}
    assert len(groups["KIC 11442793"]) == 3


def test_one_table_with_every_star_and_the_errors_said(folder, tmp_path):
    out = tmp_path / "out" / "all.csv"
    table = transits_many([folder], out=out, scheduler="synchronous", progress=False)
    by_star = {star: rows for star, rows in table.groupby("star")}  # noqa: C416 - dict(groupby) fails
    assert by_star["toy-4d"]["period_d"].iloc[0] == pytest.approx(4.0, rel=1e-3)
    assert by_star["toy-6d"]["period_d"].iloc[0] == pytest.approx(6.0, rel=1e-3)
    assert "does not say its time system" in by_star["broken"]["error"].iloc[0]
    assert table.attrs["errors"] == 1 and table.attrs["stars"] == 3
    written = pd.read_csv(out)
    assert sorted(written["star"].unique()) == ["broken", "toy-4d", "toy-6d"]
    assert not (tmp_path / "out" / "all.csv.parts").exists()


def test_an_interrupted_run_resumes_from_its_parts(folder, tmp_path, monkeypatch):
    out = tmp_path / "all.parquet"
    import orbitviz.exoplanets.batch as batch

    real = batch.analyze_star
    calls = []

    def dies_on_the_third(star, files, options, part):
        calls.append(star)
        if len(calls) == 3:
            raise KeyboardInterrupt
        return real(star, files, options, part)

    monkeypatch.setattr(batch, "analyze_star", dies_on_the_third)
    with pytest.raises(KeyboardInterrupt):
        transits_many([folder], out=out, scheduler="synchronous", progress=False)
    assert not out.exists()
    assert len(list((tmp_path / "all.parquet.parts").rglob("*.parquet"))) == 2
    monkeypatch.setattr(batch, "analyze_star", real)
    calls.clear()
    table = transits_many([folder], out=out, scheduler="synchronous", progress=False)
    assert table.attrs["resumed"] == 2 and table.attrs["stars"] == 3
    assert out.exists()
    shutil.rmtree(tmp_path / "a")


def test_cli_prints_the_summary_and_table(folder, capsys):
    from orbitviz.cli import main

    code = main(["transit", str(folder), "--scheduler", "synchronous", "--no-progress"])
    out = capsys.readouterr().out
    assert code == 0
    assert out.startswith("3 star(s): 2 with transit candidates")
    assert "broken" in out and "toy-6d" in out
