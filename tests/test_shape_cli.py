"""``orbitviz shape info`` on the three formats, against the numbers PROVENANCE.md publishes."""

from __future__ import annotations

from orbitviz.cli import main


def _info(capsys, name):
    assert main(["shape", "info", name]) == 0
    out = capsys.readouterr().out
    return {line[:19].strip(): line[19:].strip() for line in out.splitlines()}


def test_ply(capsys, mirror):
    info = _info(capsys, "67p-spc.ply")
    # PROVENANCE.md: binary LE PLY, 48,420 vertices / 96,834 triangles, watertight,
    # extent 5.04 x 3.70 x 3.27 km, volume 18.75 km^3 (Jorda et al. 2016: 18.7 km^3)
    assert info["format"] == "PLY binary_little_endian"
    assert info["vertices"] == "48,420" and info["faces"] == "96,834"
    assert info["watertight"] == "yes"
    assert info["volume"].startswith("18.75")
    assert info["extent"].startswith("5.038 x 3.704 x 3.271")


def test_obj(capsys, mirror):
    info = _info(capsys, "itokawa_v2718_f5430.obj")
    # PROVENANCE.md: 2,718 v / 5,430 f, watertight, volume 0.0177 km^3
    assert info["format"] == "Wavefront OBJ" and info["faces"] == "5,430"
    assert info["volume"].startswith("0.017")


def test_dsk(capsys, mirror):
    info = _info(capsys, "mu69_fr2kf_lopoly_spice_v01.bds")
    # PROVENANCE.md: DSK type 2, Arrokoth, 1,039 vertices / 1,962 plates
    assert info["format"] == "SPICE DSK"
    assert info["vertices"] == "1,039" and info["faces"] == "1,962"


def test_html_saved_as_obj_is_one_line(capsys, tmp_path):
    page = tmp_path / "67p.obj"
    page.write_text("<!DOCTYPE html><html><body>Sign in to continue</body></html>")
    assert main(["shape", "info", str(page)]) == 2
    err = capsys.readouterr().err
    assert err.startswith("orbitviz: error: ") and str(page) in err and "HTML" in err
