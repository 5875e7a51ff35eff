"""Bad kernels change nothing: a text kernel or meta-kernel that CSPICE cannot read leaves the
kernel pool (every variable, every loaded file) exactly as it was, and says where it broke.

``orbitviz.spice.pool.snapshot`` (every pool variable and its values) and ``spiceypy.ktotal``
are the witnesses.
"""

from __future__ import annotations

import json
import os
import shutil
import tempfile
from pathlib import Path

import pytest
import spiceypy
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from orbitviz import data
from orbitviz.cli import main
from orbitviz.dynamics.spheres import soi_radius_km
from orbitviz.errors import KernelError, KernelSyntaxError
from orbitviz.spice import KernelSet, gm_km3s2, loaded_kernels
from orbitviz.spice.pool import snapshot

EARTH_GM_DE = 398600.435507  # km^3/s^2, DE440 (orbitviz_planets.tpc)
BAD_PCK = "KPL/PCK\n\\begindata\nBODY399_GM = ( 1.0 )\nORBITVIZ_NEW = 7\nBODY399_RADII = ( 1 2 'a' )\n\\begintext\n"


@pytest.fixture
def default_set(mirror):
    with KernelSet("default") as ks:
        yield ks


def test_a_syntax_error_keeps_nothing_of_the_kernel(tmp_path, default_set):
    bad = tmp_path / "bad_gm.tpc"
    bad.write_text(BAD_PCK)
    pool_before, files_before = snapshot(), spiceypy.ktotal("ALL")
    with pytest.raises(KernelSyntaxError, match=r"bad_gm\.tpc.*line 5") as err:
        KernelSet(bad).load()
    assert err.value.path == bad and err.value.line == 5
    assert "Nothing of it was loaded" in str(err.value)
    assert snapshot() == pool_before and spiceypy.ktotal("ALL") == files_before
    assert gm_km3s2(399) == pytest.approx(EARTH_GM_DE, rel=1e-9)  # not the file's 1.0
    assert 924_600 < soi_radius_km("EARTH") < 924_700  # with GM 1.0 it would be ~4,700 km
    assert not spiceypy.failed()


def test_a_later_bad_file_unloads_the_files_of_the_set_loaded_before_it(tmp_path, default_set):
    lsk, good, bad = tmp_path / "leap.tls", tmp_path / "good.tpc", tmp_path / "bad.tpc"
    shutil.copy(data.fetch("orbitviz_leapseconds.tls"), lsk)
    good.write_text("KPL/PCK\n\\begindata\nBODY399_GM = ( 2.0 )\nORBITVIZ_GOOD = 1\n\\begintext\n")
    bad.write_text(BAD_PCK)
    pool_before, files_before, held = snapshot(), spiceypy.ktotal("ALL"), loaded_kernels()
    with pytest.raises(KernelSyntaxError, match=r"bad\.tpc"):
        KernelSet(lsk, good, bad).load()
    assert spiceypy.ktotal("ALL") == files_before and loaded_kernels() == held
    assert snapshot() == pool_before


# -- a property: any mix of good and bad lines, loaded or refused, never leaks ---------------------
NAMES = ["BODY399_GM", "BODY399_RADII", "ORBITVIZ_A", "ORBITVIZ_B"]
GOOD = st.one_of(
    st.builds(lambda n, v: f"{n} = ( {v!r} )", st.sampled_from(NAMES), st.floats(-1e9, 1e9)),
    st.builds(lambda n, v: f"{n} += ( {v} )", st.sampled_from(NAMES), st.integers(-99, 99)),
    st.builds(
        lambda n, s: f"{n} = '{s}'", st.sampled_from(NAMES[2:]), st.text("abc xyz", max_size=8)
    ),
)
BAD = st.sampled_from(
    [
        "BODY399_RADII = ( 1 2 'a' )",  # mixed types
        'ORBITVIZ_A = "double quoted"',
        "ORBITVIZ_B = ( 1 2",  # unclosed
        "= 3",
        "ORBITVIZ_A = ( 1e )",
        "ORBITVIZ_B = 'unterminated",
    ]
)


@settings(
    max_examples=40, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture]
)
@given(lines=st.lists(st.one_of(GOOD, BAD), min_size=1, max_size=8))
def test_any_mix_of_good_and_bad_lines_loads_whole_or_not_at_all(default_set, lines):
    text = "KPL/PCK\n\\begindata\n" + "\n".join(lines) + "\n\\begintext\n"
    with tempfile.TemporaryDirectory() as folder:
        path = Path(folder) / "random.tpc"
        path.write_text(text)
        before, files_before = snapshot(), spiceypy.ktotal("ALL")
        try:
            with KernelSet(path):
                assert spiceypy.ktotal("ALL") == files_before + 1
        except KernelSyntaxError as exc:
            assert exc.path == path
        assert snapshot() == before
        assert spiceypy.ktotal("ALL") == files_before


# -- meta-kernels: read by CSPICE, all of their assignments kept -----------------------------------
def test_a_meta_kernel_keeps_its_own_assignments(tmp_path, default_set):
    (tmp_path / "pck").mkdir()
    (tmp_path / "pck" / "extra.tpc").write_text(
        "KPL/PCK\n\\begindata\nORBITVIZ_EXTRA = 5\n\\begintext\n"
    )
    mk = tmp_path / "mission.tm"
    mk.write_text(
        "KPL/MK\n\\begindata\nBODY399_GM = ( 398600.5 )\nORBITVIZ_NOTE = 'it''s'\n"
        "KERNELS_TO_LOAD = ( 'pck/extra.tpc' )\n\\begintext\n"
    )
    before = snapshot()
    with KernelSet(mk):
        assert gm_km3s2(399) == 398600.5
        assert spiceypy.gcpool("ORBITVIZ_NOTE", 0, 1, 80) == ["it's"]
        assert spiceypy.gdpool("ORBITVIZ_EXTRA", 0, 1)[0] == 5.0
        assert not spiceypy.expool("KERNELS_TO_LOAD")  # as CSPICE's furnsh leaves it
    assert snapshot() == before


def test_a_double_quoted_path_in_a_meta_kernel_is_refused(tmp_path, default_set):
    mk = tmp_path / "quoted.tm"
    mk.write_text('KPL/MK\n\\begindata\nKERNELS_TO_LOAD = ( "de421.bsp" )\n\\begintext\n')
    before, files_before = snapshot(), spiceypy.ktotal("ALL")
    with pytest.raises(KernelSyntaxError, match=r"quoted\.tm.*single quotes") as err:
        KernelSet(mk).load()
    assert err.value.line == 3
    assert snapshot() == before and spiceypy.ktotal("ALL") == files_before


def test_cli_double_quoted_meta_kernel_is_one_line_exit_2(tmp_path, capsys):
    mk = tmp_path / "quoted.tm"
    mk.write_text('KPL/MK\n\\begindata\nKERNELS_TO_LOAD = ( "de421.bsp" )\n\\begintext\n')
    code = main(["kernels", "info", str(mk)])
    out, err = capsys.readouterr()
    assert code == 2 and out == ""
    assert err.startswith("orbitviz: error: ") and err.count("\n") == 1
    assert str(mk) in err and "line 3" in err and "single quotes" in err


def test_a_kernel_that_changes_a_gm_is_said_in_the_report(tmp_path, capsys, mirror):
    """A PCK that loads fine but sets Earth's GM to 1 (SOI 5,318 km, "never enters the SOI")
    is the user's choice, but not a silent one: the report warns with both values. NAIF's own
    DE440 GM kernel agrees with the default and gives no warning."""
    odd = tmp_path / "odd_gm.tpc"
    odd.write_text("KPL/PCK\n\\begindata\nBODY399_GM = ( 1.0 )\n\\begintext\n")
    assert main(["flyby", "2021 WP", "--kernels", str(odd), "--format", "json"]) == 0
    warnings = json.loads(capsys.readouterr().out)["warnings"]
    assert any(
        "EARTH GM in the loaded kernels is 1 km^3/s^2, not 398600.4355" in w for w in warnings
    )
    assert main(["flyby", "2021 WP", "--kernels", "gm_de440.tpc", "--format", "json"]) == 0
    warnings = json.loads(capsys.readouterr().out)["warnings"]
    assert not any("GM in the loaded kernels" in w for w in warnings)


# -- what CSPICE would abort on, and files that steer the computation --------------------------
def _damaged_dsk(tmp_path: Path, mirror: Path, how: str) -> Path:
    import struct

    source = mirror / "kernels" / "dsk" / "mu69_fr2kf_lopoly_spice_v01.bds"
    raw = bytearray(source.read_bytes())
    endian = "<" if raw[84:92] == b"LTL-IEEE" else ">"
    n_reserved, _, n_comment, _ = struct.unpack(endian + "4i", raw[68:84])
    start = (n_reserved + n_comment + 1) * 1024  # the first directory record
    if how == "zeroed":  # the size is right, everything after the file record is zeros
        raw[1024:] = bytes(len(raw) - 1024)
    elif how == "bad type":  # the first cluster's data type: not char, double or int
        raw[start + 32 : start + 36] = struct.pack(endian + "i", 7)
    else:  # integer addresses past the records that hold them (CSPICE: BADSUBSCRIPT in dasfm)
        raw[start + 24 : start + 32] = struct.pack(endian + "2i", 1, 999_999)
    bad = tmp_path / f"{how.replace(' ', '_')}.bds"
    bad.write_bytes(bytes(raw))
    return bad


@pytest.mark.parametrize("how", ["zeroed", "bad type", "addresses past the data"])
@pytest.mark.parametrize("command", [["shape", "info"], ["kernels", "info"]])
def test_a_damaged_dsk_is_refused_before_cspice_aborts(tmp_path, mirror, how, command):
    """A zeroed DAS directory made CSPICE abort (SIGABRT in dasa2l via dlabfs_c): the shell
    saw rc 134 and a notebook lost its kernel. Run in a child so an abort fails the test."""
    import subprocess
    import sys

    bad = _damaged_dsk(tmp_path, mirror, how)
    done = subprocess.run(
        [sys.executable, "-m", "orbitviz.cli", *command, str(bad)],
        capture_output=True,
        text=True,
        timeout=120,
        env={**os.environ, "ORBITVIZ_DATA_MIRROR": str(mirror)},
    )
    assert done.returncode == 2, done.stderr[-500:]
    (line,) = done.stderr.strip().splitlines()
    assert line.startswith(f"orbitviz: error: {bad}: damaged DSK file")


def test_meta_kernel_assignments_never_come_from_the_shared_cache(
    tmp_path, default_set, monkeypatch
):
    """The meta-kernel's own assignments were written to a predictable name in the cache and
    trusted when present (a planted file with Earth GM 1e6 turned Apophis's pass into 2 million
    km), and a read-only cache failed the load. Now they go to this process's private folder."""
    cache = tmp_path / "cache"
    cache.mkdir()
    monkeypatch.setenv("ORBITVIZ_CACHE_DIR", str(cache))
    mk = tmp_path / "gm.tm"
    mk.write_text("KPL/MK\n\\begindata\nBODY399_GM = ( 398600.5 )\n\\begintext\n")
    cache.chmod(0o500)  # read-only cache (root writes anyway: the private folder is the test)
    try:
        with KernelSet(mk) as ks:
            assert gm_km3s2(399) == 398600.5
            written = [f.path for f in ks.files if f.path.suffix == ".tk"]
    finally:
        cache.chmod(0o700)
    (path,) = written
    assert cache not in path.parents and not any(cache.rglob("*"))
    assert path.parent.stat().st_mode & 0o777 == 0o700


# -- what CSPICE would read cut short or from the wrong folder ---------------------------------
def test_a_data_line_longer_than_cspice_reads_is_refused(tmp_path, default_set):
    """CSPICE reads 132 characters of a data line: ``BODY399_GM = ( 1.11e116 <2000 spaces> 7 )``
    loaded as 1.11e116 without a word (and one long line gave SPICE(BUG))."""
    long = tmp_path / "long.tpc"
    long.write_text(
        "KPL/PCK\n\\begindata\nBODY399_GM = ( 1.11e116" + " " * 200 + "7 )\n\\begintext\n"
    )
    before = snapshot()
    with pytest.raises(KernelSyntaxError, match=r"line 3 is 2\d\d characters long.*first 132"):
        KernelSet(long).load()
    assert snapshot() == before


def test_a_string_longer_than_cspice_keeps_is_refused(tmp_path, default_set):
    """An 85-character file name in KERNELS_TO_LOAD was cut to 80 and called missing."""
    name = "k" * 81 + ".tpc"
    (tmp_path / name).write_text("KPL/PCK\n\\begindata\nORBITVIZ_X = 1\n\\begintext\n")
    mk = tmp_path / "long.tm"
    mk.write_text(f"KPL/MK\n\\begindata\nKERNELS_TO_LOAD = ( '{name}' )\n\\begintext\n")
    with pytest.raises(KernelSyntaxError, match=r"string of 85 characters; CSPICE keeps only 80"):
        KernelSet(mk).load()
    # continued with '+', as the message says, it loads
    mk.write_text(
        f"KPL/MK\n\\begindata\nKERNELS_TO_LOAD = ( '{name[:40]}+' '{name[40:]}' )\n\\begintext\n"
    )
    with KernelSet(mk):
        assert spiceypy.gdpool("ORBITVIZ_X", 0, 1)[0] == 1.0


@pytest.mark.parametrize("outer_kind", ["MK", "FK"])
def test_a_meta_kernel_inside_a_meta_kernel_takes_paths_from_its_own_folder(
    tmp_path, default_set, monkeypatch, outer_kind
):
    """The inner one's relative paths were taken from the working directory (and a KPL/FK
    holding KERNELS_TO_LOAD was furnished by CSPICE, relative to the working directory)."""
    inner_dir = tmp_path / "mission" / "mk"
    inner_dir.mkdir(parents=True)
    (inner_dir / "extra.tpc").write_text("KPL/PCK\n\\begindata\nORBITVIZ_INNER = 3\n\\begintext\n")
    (inner_dir / "inner.tm").write_text(
        "KPL/MK\n\\begindata\nKERNELS_TO_LOAD = ( 'extra.tpc' )\n\\begintext\n"
    )
    outer = tmp_path / "outer.tm"
    outer.write_text(
        f"KPL/{outer_kind}\n\\begindata\nKERNELS_TO_LOAD = ( 'mission/mk/inner.tm' )\n\\begintext\n"
    )
    monkeypatch.chdir(tmp_path / "mission")  # anywhere but the meta-kernels' folders
    before = snapshot()
    with KernelSet(outer):
        assert spiceypy.gdpool("ORBITVIZ_INNER", 0, 1)[0] == 3.0
    assert snapshot() == before


def test_a_meta_kernel_that_loads_itself_is_refused(tmp_path, default_set):
    mk = tmp_path / "self.tm"
    mk.write_text("KPL/MK\n\\begindata\nKERNELS_TO_LOAD = ( 'self.tm' )\n\\begintext\n")
    with pytest.raises(KernelError, match="loads itself"):
        KernelSet(mk).load()


def test_a_path_longer_than_cspice_opens_is_said(tmp_path, default_set, capsys):
    folder = tmp_path
    while len(str(folder)) < 260:
        folder = folder / ("d" * 50)
    folder.mkdir(parents=True)
    kernel = folder / "x.tpc"
    kernel.write_text("KPL/PCK\n\\begindata\nORBITVIZ_X = 1\n\\begintext\n")
    with pytest.raises(
        KernelError, match=r"characters long; CSPICE opens files by paths of at most 255"
    ):
        KernelSet(kernel).load()
