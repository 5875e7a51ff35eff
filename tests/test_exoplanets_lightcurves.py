"""Light curves in: mission FITS files and tables, and what makes one unusable."""

from __future__ import annotations

import numpy as np
import pytest
from astropy.io import fits
from conftest import one_error_line

from orbitviz.errors import LightCurveError
from orbitviz.exoplanets.lightcurve import BKJD_OFFSET, bjd_to_et, et_to_bjd
from orbitviz.exoplanets.readers import read_lightcurves


def _copy_fits(source, out, *, edit=None, data_edit=None):
    """A copy of a real light-curve file with its headers or columns changed."""
    with fits.open(source) as hdus:
        hdus = fits.HDUList([h.copy() for h in hdus])
    if edit:
        edit(hdus)
    if data_edit:
        data_edit(hdus[1].data)
    hdus.writeto(out)
    return out


def test_kepler_fits_times_are_bjd_tdb_from_the_header_reference(kepler90_files):
    lc = read_lightcurves(kepler90_files[:1])
    with fits.open(kepler90_files[0]) as hdus:
        table = hdus[1]
        ref = table.header["BJDREFI"] + table.header["BJDREFF"]
        time = table.data["TIME"]
        finite = np.isfinite(time) & np.isfinite(table.data["PDCSAP_FLUX"])
    assert ref == BKJD_OFFSET
    assert lc.time_bjd[0] == pytest.approx(time[finite][0] + ref, abs=1e-9)
    assert np.median(lc.flux) == pytest.approx(1.0)
    assert lc.cadence_d == pytest.approx(29.4244 / 1440, rel=1e-4)  # long cadence


def test_quarters_are_stitched_in_time_order_each_normalised(kepler90_files):
    lc = read_lightcurves(list(reversed(kepler90_files)))
    assert np.all(np.diff(lc.time_bjd) > 0)
    assert [s.split(" (")[1] for s in lc.sources] == ["quarter 3)", "quarter 4)", "quarter 5)"]
    for start, stop in lc.segment_bounds():
        assert np.median(lc.flux[start:stop]) == pytest.approx(1.0)


def test_bjd_and_et_round_trip():
    bjd = np.array([2455093.224, 2451545.0])
    assert bjd_to_et(2451545.0) == 0.0
    assert np.allclose(et_to_bjd(bjd_to_et(bjd)), bjd, rtol=0, atol=1e-9)


def test_sap_flux_is_used_and_said_when_pdcsap_is_all_nan(kepler90_files, tmp_path):
    out = _copy_fits(
        kepler90_files[1],
        tmp_path / "q4.fits",
        data_edit=lambda d: d["PDCSAP_FLUX"].__setitem__(slice(None), np.nan),
    )
    lc = read_lightcurves([out])
    assert lc.flux_column == "SAP_FLUX"
    assert any("SAP flux used" in note for note in lc.notes)


def test_flagged_cadences_are_dropped_with_a_note(kepler90_files, tmp_path):
    def flag(d):
        d["SAP_QUALITY"][100:110] |= 32  # reaction-wheel desaturation: useless cadences

    out = _copy_fits(kepler90_files[1], tmp_path / "q4.fits", data_edit=flag)
    lc, kept = read_lightcurves([out]), read_lightcurves([out], quality="none")
    assert len(kept) - len(lc) == 10
    assert any("10 cadences flagged" in note for note in lc.notes)


def test_a_table_with_bkjd_times_reads_like_the_fits(kepler90_files, tmp_path):
    fits_lc = read_lightcurves(kepler90_files[1:2])
    table = tmp_path / "q4.csv"
    rows = "\n".join(
        f"{t - BKJD_OFFSET:.8f},{f * 40000:.4f}" for t, f in zip(fits_lc.time_bjd, fits_lc.flux)
    )
    table.write_text("bkjd,flux\n" + rows + "\n")
    lc = read_lightcurves([table])
    assert np.allclose(lc.time_bjd, fits_lc.time_bjd, atol=1e-7)
    assert np.allclose(lc.flux, fits_lc.flux, atol=1e-7)
    generic = tmp_path / "q4-time.csv"
    generic.write_text("time,flux\n" + rows + "\n")
    assert np.allclose(read_lightcurves([generic], time_format="bkjd").time_bjd, lc.time_bjd)


@pytest.mark.parametrize(
    "content, expected",
    [
        ("time,flux\n1,1\n2,1\n", "does not say its time system"),
        ("bkjd,counts\n1,1\n2,1\n", "no flux column"),
        ("bkjd,flux\n1,nan\n2,nan\n", "no row has both a finite time and a finite flux"),
        ("bkjd,flux\n2,1\n1,1\n", "times are not increasing"),
        ("jd,flux\n2,1\n1,1\n", "no time column"),
    ],
)
def test_bad_tables_say_what_is_wrong_and_where(tmp_path, capsys, content, expected):
    bad = tmp_path / "bad.csv"
    bad.write_text(content)
    with pytest.raises(LightCurveError, match=expected) as caught:
        read_lightcurves([bad])
    assert caught.value.path == bad
    line = one_error_line(capsys, "transit", str(bad), "--no-progress")
    assert "bad.csv" in line and expected in line


def test_unknown_time_system_is_refused(kepler90_files, tmp_path):
    def utc(hdus):
        hdus[1].header["TIMESYS"] = "UTC"

    out = _copy_fits(kepler90_files[1], tmp_path / "utc.fits", edit=utc)
    with pytest.raises(LightCurveError, match="unknown time system"):
        read_lightcurves([out])


def test_the_same_quarter_twice_and_two_stars_are_refused(kepler90_files, tmp_path):
    with pytest.raises(LightCurveError, match="overlaps"):
        read_lightcurves([kepler90_files[0], kepler90_files[0]])

    def other_star(hdus):
        hdus[0].header["KEPLERID"] = 1234567

    out = _copy_fits(kepler90_files[1], tmp_path / "other.fits", edit=other_star)
    with pytest.raises(LightCurveError, match="different stars"):
        read_lightcurves([kepler90_files[0], out])


def test_missing_and_non_light_curve_files(tmp_path, capsys):
    line = one_error_line(capsys, "transit", str(tmp_path / "nope.fits"), "--no-progress")
    assert "nope.fits: no such file" in line
    other = tmp_path / "notes.docx"
    other.write_text("x")
    line = one_error_line(capsys, "transit", str(other), "--no-progress")
    assert "not a light curve orbitviz reads" in line


def _tess_file(path, *, timesys="TDB", quality_bad=()):
    """A TESS-style light-curve file written with astropy (TESS's header keys and columns)."""
    n = 720
    time = 1325.3 + np.arange(n) * (2.0 / 1440.0)  # BTJD, 2-minute cadence
    flux = np.full(n, 5000.0) + np.random.default_rng(0).normal(0, 5, n)
    quality = np.zeros(n, dtype=np.int32)
    for i in quality_bad:
        quality[i] = 32  # desaturation event: in TESS's default bitmask
    primary = fits.PrimaryHDU()
    primary.header.update(
        TELESCOP="TESS", TICID=261136679, SECTOR=1, TEFF=4599.0, LOGG=4.6, RADIUS=0.68
    )
    table = fits.BinTableHDU.from_columns(
        [
            fits.Column("TIME", "D", array=time),
            fits.Column("PDCSAP_FLUX", "E", array=flux),
            fits.Column("PDCSAP_FLUX_ERR", "E", array=np.full(n, 5.0)),
            fits.Column("QUALITY", "J", array=quality),
        ],
        name="LIGHTCURVE",
    )
    table.header.update(
        TIMESYS=timesys, TIMEREF="SOLARSYSTEM", BJDREFI=2457000, BJDREFF=0.0, TIMEDEL=2.0 / 1440.0
    )
    fits.HDUList([primary, table]).writeto(path)
    return path


def test_tess_files_read_with_btjd_and_tess_quality_bits(tmp_path):
    path = _tess_file(tmp_path / "tess.fits", quality_bad=(5, 6, 7))
    lc = read_lightcurves([path])
    assert lc.mission == "TESS" and lc.target == "TIC 261136679"
    assert lc.time_bjd[0] == pytest.approx(2457000.0 + 1325.3, abs=1e-9)
    assert len(lc) == 717 and any("3 cadences flagged" in n for n in lc.notes)
    assert lc.header_star == {"teff_k": 4599.0, "logg_cgs": 4.6, "radius_rsun": 0.68}
    assert lc.cadence_d == pytest.approx(2.0 / 1440.0)
