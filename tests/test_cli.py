"""The command line: output a user reads, exit codes, one-line errors."""

from __future__ import annotations

import os
import subprocess
import sys

import pytest

from orbitviz.cli import main


def run(capsys, *argv):
    code = main(list(argv))
    out, err = capsys.readouterr()
    return code, out, err


def test_kernels_list_shows_where_each_file_is(capsys, mirror):
    code, out, _ = run(capsys, "kernels", "list")
    assert code == 0
    lines = {line.split()[0]: line.split() for line in out.splitlines()[2:] if line.strip()}
    assert lines["de421.bsp"][1:3] == ["spk", "package"]
    assert lines["orbitviz_leapseconds.tls"][1:3] == ["lsk", "bundled"]
    assert lines["LORB_C_G_FIXED_RBD_7_V2_0.BSP"][1:3] == ["spk", "mirror"]


def test_kernels_verify_reports_every_mirrored_file_ok(capsys, mirror):
    code, out, _ = run(capsys, "kernels", "verify")
    assert code == 0
    n_mirror = sum(1 for p in mirror.rglob("*") if p.is_file() and p.name != "PROVENANCE.md")
    assert out.count("(mirror:") == n_mirror
    assert "0 bad" in out


def test_kernels_verify_fails_on_a_bad_file(capsys, tmp_path, monkeypatch, mirror):
    bad = tmp_path / "kernels" / "fk" / "ROS_CHURYUMOV_V01.TF"
    bad.parent.mkdir(parents=True)
    bad.write_bytes((mirror / "kernels/fk/ROS_CHURYUMOV_V01.TF").read_bytes()[:-10] + b"x" * 10)
    monkeypatch.setenv("ORBITVIZ_DATA_MIRROR", str(tmp_path))
    code, out, _ = run(capsys, "kernels", "verify")
    assert code == 1
    assert "BAD  ROS_CHURYUMOV_V01.TF" in out and "sha256 mismatch" in out


def test_kernels_info_prints_the_67p_spk_coverage(capsys, mirror):
    code, out, _ = run(
        capsys, "kernels", "info", str(mirror / "kernels/spk/67P_CHURY_GERAS_2004_2016.BSP")
    )
    assert code == 0
    assert "kind: SPK" in out and "body 1000012" in out and "center SUN" in out
    # NAIF brief of this file (PROVENANCE.md): 2003-12-31T23:58:56 -> 2015-12-31T23:58:52
    assert "2003-12-31T23:58:56  to  2015-12-31T23:58:52 UTC" in out


def test_kernels_info_by_name_for_a_dsk(capsys, mirror):
    code, out, _ = run(capsys, "kernels", "info", "mu69_fr2kf_lopoly_spice_v01.bds")
    assert code == 0
    assert "kind: DSK" in out and "ARROKOTH" in out and "plates 1962" in out


def test_kernels_info_on_html_is_one_line_exit_2(capsys, tmp_path):
    page = tmp_path / "some.html"
    page.write_text("<html><body>404 Not Found</body></html>")
    code, out, err = run(capsys, "kernels", "info", str(page))
    assert code == 2 and out == ""
    assert err.count("\n") == 1 and err.startswith("orbitviz: error: ")
    assert str(page) in err and "not a SPICE kernel" in err


def test_time_both_ways(capsys):
    code, out, _ = run(capsys, "time", "2000-01-01T12:00:00", "TDB")
    assert code == 0 and "ET   0.000000" in out and "UTC  2000-01-01T11:58:55.816" in out
    code, out, _ = run(capsys, "time", "0")
    assert "TDB  2000-01-01T12:00:00.000000 TDB" in out


def test_debug_shows_the_traceback(tmp_path):
    page = tmp_path / "x.bsp"
    page.write_text("<html></html>")
    from orbitviz.errors import NotAKernel

    with pytest.raises(NotAKernel, match=r"x\.bsp: this is an HTML page, not a SPICE kernel"):
        main(["--debug", "kernels", "info", str(page)])


def test_python_dash_m_runs(tmp_path):
    env = dict(os.environ)
    proc = subprocess.run(
        [sys.executable, "-m", "orbitviz", "time", "bogus time"],
        capture_output=True,
        text=True,
        env=env,
        timeout=60,
    )
    assert proc.returncode == 2
    assert proc.stderr.startswith("orbitviz: error: cannot read time 'bogus time'")
    assert "Traceback" not in proc.stderr
