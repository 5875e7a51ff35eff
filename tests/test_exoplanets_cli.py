"""``orbitviz transit`` at the command line: formats, the plot, and one-line errors."""

from __future__ import annotations

import json

import pytest
from conftest import one_error_line

from orbitviz.cli import main


@pytest.fixture(scope="module")
def cli_json(kepler90_files, tmp_path_factory):
    """``orbitviz transit Q3 Q4 Q5 --star Kepler-90 --format json --plot k90.svg``."""
    import contextlib
    import io

    out = tmp_path_factory.mktemp("cli") / "k90.svg"
    stdout, stderr = io.StringIO(), io.StringIO()
    with contextlib.redirect_stdout(stdout), contextlib.redirect_stderr(stderr):
        code = main(
            [
                "transit",
                *map(str, kepler90_files),
                "--star",
                "Kepler-90",
                "--format",
                "json",
                "--plot",
                str(out),
            ]
        )
    return code, json.loads(stdout.getvalue()), stderr.getvalue(), out


def test_json_report_with_the_star_from_the_koi_table_and_progress(cli_json):
    code, data, err, _ = cli_json
    assert code == 0
    assert data["star"]["sources"]["teff_k"] == "KOI table"
    assert data["star"]["guessed"] == []
    assert len(data["candidates"]) >= 4
    assert "search 1:" in err and "fitting candidate" in err  # progress on stderr


def test_the_plot_is_written_in_the_format_its_suffix_names(cli_json):
    *_, out = cli_json
    text = out.read_text()
    assert text.lstrip().startswith("<?xml") and "<svg" in text


def test_guessed_star_parameters_are_said(tmp_path, kepler90_files, capsys):
    from orbitviz.exoplanets.readers import read_lightcurves

    lc = read_lightcurves(kepler90_files[1:2])
    table = tmp_path / "q4.csv"
    table.write_text(
        "time_bjd,flux\n" + "\n".join(f"{t:.7f},{f:.7f}" for t, f in zip(lc.time_bjd, lc.flux))
    )
    code = main(["transit", str(table), "--no-progress", "--period-max", "10"])
    out = capsys.readouterr().out
    assert code == 0
    assert "WARNING: the star's teff_k, logg_cgs, radius_rsun, mass_msun are guessed" in out


@pytest.mark.parametrize(
    "argv, expected",
    [
        (["--teff", "100"], "out of range"),
        (["--star", "Kepler-99999"], "not in the KOI table"),
        (["--plot", "out.gif"], "unknown suffix"),
        (["--period-min", "-1"], "out of range"),
    ],
)
def test_bad_options_get_one_line(capsys, kepler90_files, argv, expected, tmp_path, monkeypatch):
    monkeypatch.chdir(tmp_path)
    if expected == "out of range":  # argparse's own check: exit 2 with usage
        with pytest.raises(SystemExit) as caught:
            main(["transit", str(kepler90_files[1]), *argv])
        assert caught.value.code == 2 and expected in capsys.readouterr().err
        return
    line = one_error_line(capsys, "transit", str(kepler90_files[1]), "--no-progress", *argv)
    assert expected in line


def test_vetting_command_prints_the_cross_validated_scores(capsys, mirror):
    code = main(["vetting"])
    out = capsys.readouterr().out
    assert code == 0
    auc = float(out.split("ROC AUC")[1].split()[0])
    assert auc > 0.9  # a classifier that learnt nothing scores 0.5 (see test_exoplanets_vetting)
    assert "folds split by star" in out and "cached at" in out
