"""Hostile or damaged light-curve files: one line naming the file, exit 2, never a traceback
or a hang (a pipe or a device is never opened)."""

from __future__ import annotations

import os

import pytest
from conftest import KEPLER90_FILES, one_error_line


@pytest.fixture()
def quarter(mirror):
    return (mirror / "lightcurves" / "kepler" / KEPLER90_FILES[1]).read_bytes()


def _damaged(kind: str, data: bytes) -> bytes:
    if kind == "truncated":
        return data[:30_000]
    if kind == "empty":
        return b""
    if kind == "zeroed table header":
        return data[: 2880 * 2] + b"\0" * 2880 + data[2880 * 3 :]
    if kind == "unparsable card":
        broken = bytearray(data)
        start = data.index(b"TDISP12") + 10
        broken[start : start + 20] = b"\x00\xff" * 10
        return bytes(broken)
    raise AssertionError(kind)


@pytest.mark.parametrize("kind", ["truncated", "empty", "zeroed table header", "unparsable card"])
def test_damaged_fits_files(tmp_path, capsys, quarter, kind):
    bad = tmp_path / "q4.fits"
    bad.write_bytes(_damaged(kind, quarter))
    line = one_error_line(capsys, "transit", str(bad), "--no-progress")
    assert "q4.fits" in line and "not a readable light-curve FITS file" in line


def test_a_pipe_and_a_device_are_refused_without_being_opened(tmp_path, capsys):
    pipe = tmp_path / "pipe.fits"
    os.mkfifo(pipe)  # opening it for reading would wait forever for a writer
    device = tmp_path / "zero.fits"
    device.symlink_to("/dev/zero")  # reading it would never end
    for path in (pipe, device):
        line = one_error_line(capsys, "transit", str(path), "--no-progress")
        assert "not a regular file" in line


def test_a_file_too_large_for_a_light_curve(tmp_path, capsys, monkeypatch):
    import orbitviz.exoplanets.readers as readers

    monkeypatch.setattr(readers, "MAX_FILE_BYTES", 1000)
    big = tmp_path / "big.csv"
    big.write_text("bkjd,flux\n" + "1,1\n" * 400)
    line = one_error_line(capsys, "transit", str(big), "--no-progress")
    assert "1.6 KiB is more than orbitviz reads (1000 bytes at most)" in line


@pytest.mark.parametrize(
    "kwargs, expected",
    [
        ({"files": 123}, "give a light-curve file's path"),
        ({"files": None}, "give a light-curve file's path"),
        ({"period_min_d": "x"}, "period_min_d = 'x'"),
        ({"sde_min": float("nan")}, "sde_min = nan"),
        ({"max_signals": 2.5}, "max_signals = 2.5: give a whole number"),
        ({"teff": "hot"}, "teff_k = 'hot' (given) is not a number"),
        ({"bogus": 1}, "unexpected keyword argument 'bogus'"),
    ],
)
def test_the_api_refuses_bad_arguments_with_orbitviz_errors(mirror, kwargs, expected):
    import orbitviz

    kwargs = {"files": [mirror / "lightcurves" / "kepler" / KEPLER90_FILES[1]], **kwargs}
    with pytest.raises(
        orbitviz.OrbitvizError, match=expected.replace("(", r"\(").replace(")", r"\)")
    ):
        orbitviz.transits(**kwargs)
