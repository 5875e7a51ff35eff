"""Kernel sets: exact furnish/unload, reference counting, meta-kernels, and bad files.

``spiceypy.ktotal`` is CSPICE's own count of loaded files: the independent witness here.
"""

from __future__ import annotations

import shutil

import pytest
import spiceypy

from orbitviz import data
from orbitviz.errors import KernelNotFound, NotAKernel, SpiceError
from orbitviz.spice import KernelSet, loaded_kernels, sniff, states, to_et


def _total() -> int:
    return spiceypy.ktotal("ALL")


def test_a_set_unloads_exactly_what_it_loaded(tmp_path, mirror):
    # private copies, so no other test (or cached worker set) can already hold them
    lsk, spk = tmp_path / "leap.tls", tmp_path / "lander.bsp"
    shutil.copy(data.fetch("orbitviz_leapseconds.tls"), lsk)
    shutil.copy(data.fetch("LORB_C_G_FIXED_RBD_7_V2_0.BSP"), spk)
    before = _total()
    with KernelSet(lsk, spk) as ks:
        assert _total() == before + 2
        assert [k.kind for k in ks.files] == ["LSK", "SPK"]
    assert _total() == before


def test_nested_sets_share_kernels_without_refurnishing(mirror):
    before = _total()
    with KernelSet("default"):
        after_outer = _total()
        with KernelSet("default", "naif0012.tls"):
            assert _total() == after_outer + 1  # only the new file was furnished
        assert _total() == after_outer  # the inner set did not unload the outer's kernels
        earth = states("EARTH", 0.0)
        assert earth.shape == (6,)
    assert _total() == before


def test_meta_kernel_paths_are_relative_to_the_meta_kernel(tmp_path, monkeypatch, mirror):
    sub = tmp_path / "kernels" / "lsk"
    sub.mkdir(parents=True)
    shutil.copy(data.fetch("orbitviz_leapseconds.tls"), sub / "leap.tls")
    mk = tmp_path / "mission.tm"
    mk.write_text(
        "KPL/MK\n\\begindata\n"
        f"PATH_VALUES = ( '{mirror}/kernels', 'kernels' )\n"
        "PATH_SYMBOLS = ( 'MIRROR', 'LOCAL' )\n"
        "KERNELS_TO_LOAD = ( '$LOCAL/lsk/leap.tls'\n"
        "                    '$MIRROR/spk/67P_CHURY_GERAS_20+'\n"
        "                    '04_2016.BSP' )\n"
        "\\begintext\n"
    )
    monkeypatch.chdir("/")  # paths must not depend on the working directory
    with KernelSet(mk) as ks:
        names = [k.path.name for k in ks.files]
        assert names == ["leap.tls", "67P_CHURY_GERAS_2004_2016.BSP"]
        comet = states(1000012, to_et("2014-11-12T15:34"), observer="SUN")
        assert 2.9 < (comet[:3] ** 2).sum() ** 0.5 / 1.495978707e8 < 3.1  # 2.99 au at landing


def test_meta_kernel_naming_a_missing_file_changes_nothing(tmp_path):
    mk = tmp_path / "broken.tm"
    mk.write_text("KPL/MK\n\\begindata\nKERNELS_TO_LOAD = ( 'nowhere/gone.bsp' )\n\\begintext\n")
    before, held = _total(), loaded_kernels()
    with pytest.raises(KernelNotFound, match=r"broken\.tm.*gone\.bsp"):
        KernelSet("default", mk).load()
    assert _total() == before
    assert loaded_kernels() == held


@pytest.mark.parametrize("name", ["de421.bsp", "naif0012.tls"])
def test_an_html_page_saved_as_a_kernel_is_refused(tmp_path, name):
    page = tmp_path / name
    page.write_text("<!DOCTYPE html>\n<html><head><title>Sign in</title></head></html>\n")
    before = _total()
    with pytest.raises(NotAKernel, match=rf"{name}.*HTML page"):
        KernelSet("default", page).load()
    assert _total() == before


def test_a_truncated_spk_is_refused_before_furnishing(tmp_path, mirror):
    src = data.fetch("LORB_C_G_FIXED_RBD_7_V2_0.BSP")
    cut = tmp_path / "LORB_cut.bsp"
    cut.write_bytes(src.read_bytes()[: src.stat().st_size // 2])
    before = _total()
    with pytest.raises(NotAKernel, match="truncated SPK"):
        KernelSet(cut).load()
    assert _total() == before


def test_binary_junk_is_not_a_kernel(tmp_path):
    junk = tmp_path / "junk.bsp"
    junk.write_bytes(bytes(range(256)) * 8)
    with pytest.raises(NotAKernel, match="not a SPICE kernel"):
        sniff(junk)


def test_kinds_are_recognised(mirror):
    kinds = {
        name: sniff(data.fetch(name)).kind
        for name in [
            "de421.bsp",
            "naif0012.tls",
            "ROS_V38.TF",
            "pck00011.tpc",
            "ROS_160929_STEP.TSC",
            "mu69_fr2kf_lopoly_spice_v01.bds",
        ]
    }
    assert kinds == {
        "de421.bsp": "SPK",
        "naif0012.tls": "LSK",
        "ROS_V38.TF": "FK",
        "pck00011.tpc": "PCK",
        "ROS_160929_STEP.TSC": "SCLK",
        "mu69_fr2kf_lopoly_spice_v01.bds": "DSK",
    }


def test_a_failed_load_in_the_middle_rolls_back(tmp_path):
    bad = tmp_path / "bad.tpc"
    bad.write_text(
        "KPL/PCK\n\\begindata\nBODY399_RADII = ( 1 2 'a' )\n\\begintext\n"
    )  # mixed types
    before = _total()
    with pytest.raises(SpiceError, match=r"cannot load kernel .*bad\.tpc: ") as err:
        KernelSet("default", bad).load()
    assert "BODY399_RADII" in str(err.value) and "SPICE(TYPEMISMATCH)" in str(err.value)
    assert _total() == before
    assert not spiceypy.failed()
    with KernelSet("default"):  # the next call works
        assert states("EARTH", 0.0).shape == (6,)


def test_default_set_takes_ceres_and_vesta_only_when_at_hand(mirror, monkeypatch):
    """Their SPKs join the default set from the mirror or cache, never by downloading."""
    from orbitviz import data
    from orbitviz.spice import KernelSet

    names = {f.path.name for f in KernelSet("default").load().files}
    KernelSet("default").unload()
    assert {"ceres_1900_2100.bsp", "vesta_1900_2100.bsp", "de421.bsp"} <= names
    real_locate = data.locate

    def nowhere(name):
        return (None, "missing") if name.startswith(("ceres", "vesta")) else real_locate(name)

    real_fetch = data.fetch

    def no_download(name, *args, **kwargs):
        if str(name).startswith(("ceres", "vesta")):
            pytest.fail(f"tried to download {name}")
        return real_fetch(name, *args, **kwargs)

    monkeypatch.setattr(data, "locate", nowhere)
    monkeypatch.setattr(data, "fetch", no_download)
    with KernelSet("default") as loaded:
        assert not {f.path.name for f in loaded.files} & {
            "ceres_1900_2100.bsp",
            "vesta_1900_2100.bsp",
        }
